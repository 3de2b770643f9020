import Foundation
import OtopiKit
import Testing
import TUI
@testable import Deploy

/// The deploy screen rendered in memory: four hosts at 80x24, a failure dialog, a question dialog, the log view.
@Suite struct PanesViewTests {
    static let start = Date(timeIntervalSince1970: 1_400_000_000)

    static func state() -> DeployPanesApp.State {
        var s = DeployPanesApp.State(hosts: ["gs1.lofyer.org", "gs2.lofyer.org", "gs3.lofyer.org", "gs4.lofyer.org"], now: start)
        var events: [RunEvent] = []
        for (i, host) in ["gs1.lofyer.org", "gs2.lofyer.org", "gs3.lofyer.org", "gs4.lofyer.org"].enumerated() {
            events.append(.hostStarted(host: host, tool: i == 2 ? .hostedEngine : .engineSetup, steps: 9))
            if i == 3 {
                events.append(.stepStarted(host: host, index: 5, total: 9, step: "install-packages", title: "Install ovirt-engine", action: "yum install -y ovirt-engine", digest: "d5"))
            } else {
                events.append(.stepStarted(host: host, index: 8, total: 9, step: "run-engine-setup", title: "Run engine-setup", action: "engine-setup", digest: "d8"))
            }
        }
        for n in 1...7 { events.append(.stage(host: "gs1.lofyer.org", ordinal: n, name: "Setup validation")) }
        for n in 1...30 { events.append(.output(host: "gs1.lofyer.org", line: "[ INFO  ] line \(n) of a long, long output line that is wider than a pane")) }
        events.append(.stepFailed(StepFailure(host: "gs4.lofyer.org", index: 5, total: 9, step: "install-packages", title: "Install ovirt-engine",
                                              exitCode: 1, reason: "exit status 1", lastLines: ["Error: Package: ovirt-engine"], logPath: "/j/a.conf.deploy/logs/gs4.lofyer.org.log",
                                              skipIsSafe: false, skipNote: "engine-setup comes with this package")))
        for e in events { s.progress.apply(e, at: start) }
        s.now = start.addingTimeInterval(125)
        return s
    }

    @Test func fourPanesFitEightyByTwentyFour() {
        let frame = DeployPanesView.render(Self.state(), size: Size(columns: 80, rows: 24), logPath: { "/logs/\($0).log" })
        let lines = frame.lines
        #expect(lines[0].hasPrefix(" ovirt-wizard apply: 4 hosts (3 running, 1 failed)"))
        #expect(lines[0].hasSuffix("2m05s"))
        #expect(lines[1].contains("1 gs1.lofyer.org · engine-setup") && lines[1].contains("2 gs2.lofyer.org · engine-setup"))
        #expect(lines[2].contains("running: step 8/9 Run engine-setup"))
        // 7 of 9 steps finished plus 7/16 stages of the running one.
        #expect(lines[3].contains("82% stage 7/16"))
        #expect(lines[4].contains("step 2m05s · total 2m05s · quiet 2m05s"))
        #expect(lines[12].contains("3 gs3.lofyer.org · hosted-engine") && lines[12].contains("4 gs4.lofyer.org · engine-setup"))
        #expect(lines[13].contains("FAILED: step 5/9 Install ovirt-engine"))
        #expect(lines[16].contains("exit status 1"))
        #expect(lines[23].contains("Tab/1-9 select  Enter full log  ^C stop all"))
        #expect(lines.allSatisfy { $0.count <= 80 })
        // The live tail: the last lines of host 1, cut to the pane.
        #expect(lines[10].contains("│[ INFO  ] line 30 of a long, long out…│"))
    }

    /// Twelve hosts at 80x24 become a line each; those not started yet say so, without a step count of 0/0.
    @Test func manyHostsOneLineEachAndTheWaitingOnesWithoutAStepCount() {
        let names = (1...12).map { "node\($0)" }
        var s = DeployPanesApp.State(hosts: names, now: Self.start)
        for host in names.prefix(4) {
            s.progress.apply(.hostStarted(host: host, tool: .generic, steps: 2), at: Self.start)
            s.progress.apply(.stepStarted(host: host, index: 1, total: 2, step: "hello", title: "hello", action: "echo hello", digest: "d1"), at: Self.start)
        }
        let lines = DeployPanesView.render(s, size: Size(columns: 80, rows: 24), logPath: { "/logs/\($0).log" }).lines
        #expect(lines[0].hasPrefix(" ovirt-wizard apply: 12 hosts (4 running)"))
        #expect(lines[1].hasPrefix("node1 running 1/2 0%"))
        #expect(lines[5].trimmingCharacters(in: .whitespaces) == "node5 waiting to start")
        #expect(lines[12].trimmingCharacters(in: .whitespaces) == "node12 waiting to start")
        #expect(!lines.contains { $0.contains("0/0") })
    }

    @Test func dialogsAndLog() {
        var s = Self.state()
        let failure = s.progress.host("gs4.lofyer.org")!.failure!
        s.dialogs = [.failure(failure, reply: { _ in })]
        var frame = DeployPanesView.render(s, size: Size(columns: 80, rows: 24), logPath: { "/logs/\($0).log" })
        var text = frame.lines.joined(separator: "\n")
        #expect(text.contains("gs4.lofyer.org: step 5/9 failed"))
        #expect(text.contains("Cannot be skipped: engine-setup comes with this package"))
        #expect(text.contains("r retry  a abort this host  l log"))

        var prompt = OtopiPromptTracker()
        for line in ["          (1) Continue setup - VM installation is complete", "          (2) Reboot the VM and restart installation", "          (3) Abort setup"] {
            _ = prompt.take(line)
        }
        s.dialogs = [.prompt(host: "gs3.lofyer.org", prompt: prompt.prompt(partial: "          (1, 2, 3)[1]: ")!, consolePassword: "2067OGHU", reply: { _ in })]
        s.answer = "7"
        frame = DeployPanesView.render(s, size: Size(columns: 80, rows: 24), logPath: { "/logs/\($0).log" })
        text = frame.lines.joined(separator: "\n")
        #expect(text.contains("gs3.lofyer.org asks"))
        #expect(text.contains("(3) Abort setup"))
        #expect(text.contains("Temporary console password: 2067OGHU"))
        #expect(text.contains("(1, 2, 3)[1]: 7"))
        #expect(text.contains("Answer with one of: 1, 2, 3"))

        s.dialogs = []
        s.logHost = "gs1.lofyer.org"
        s.logLines = (1...100).map { "log line \($0)" }
        frame = DeployPanesView.render(s, size: Size(columns: 80, rows: 24), logPath: { "/logs/\($0).log" })
        #expect(frame.lines[0] == " log of gs1.lofyer.org: /logs/gs1.lofyer.org.log")
        #expect(frame.lines[21] == "log line 100")
        #expect(frame.lines[22] == " lines 80-100 of 100 (following)")
    }

    @Test func keysDriveTheDialogsAndTheLog() {
        let app = DeployPanesApp(logPath: { "/logs/\($0).log" }, cancel: {})
        var s = Self.state()
        let replies = Replies()
        let failure = s.progress.host("gs4.lofyer.org")!.failure!
        s.dialogs = [.failure(failure, reply: { replies.add("\($0)") })]
        (s, _) = app.update(s, .key(.character("s")))   // skipping is not safe here: nothing happens
        #expect(s.dialogs.count == 1)
        (s, _) = app.update(s, .key(.character("r")))
        #expect(s.dialogs.isEmpty)
        #expect(replies.all == ["retry"])
        (s, _) = app.update(s, .key(.character("3")))
        #expect(s.focus == 2)
        let (opened, effects) = app.update(s, .key(.enter))
        #expect(opened.logHost == "gs3.lofyer.org")
        #expect(effects.count == 1)
        let (cancelled, stop) = app.update(s, .key(.ctrlC))
        #expect(cancelled.stopping)
        #expect(stop.count == 1)
    }
}

final class Replies: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String] = []
    func add(_ v: String) { lock.withLock { values.append(v) } }
    var all: [String] { lock.withLock { values } }
}
