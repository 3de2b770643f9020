import Foundation
import HostOps
import SSHKit
import Synchronization
import Testing
@testable import Deploy

@Suite("Local host", .timeLimit(.minutes(5)))
struct LocalHostTests {
    let host = LocalHost()

    @Test func runsTheQuotedCommandLineUnderShAndStreamsBothOutputs() throws {
        var out: [UInt8] = [], err: [UInt8] = []
        let command = RemoteCommand.script(#"printf '%s\n' "$1"; printf 'oops\n' >&2; exit 3"#, arguments: ["it's; $HOME"])
        let result = try host.execute(command, options: ExecOptions()) { stream, bytes in
            if stream == .stdout { out += bytes } else { err += bytes }
        }
        #expect(String(decoding: out, as: UTF8.self) == "it's; $HOME\n")
        #expect(String(decoding: err, as: UTF8.self) == "oops\n")
        #expect(result == ExecResult(exitStatus: 3))
    }

    @Test func feedsStdinThenEndOfFile() throws {
        let out = try host.capture(RemoteCommand("cat"), options: ExecOptions(stdin: Array("line one\nline two\n".utf8)))
        #expect(out.stdout == "line one\nline two\n" && out.result.succeeded)
    }

    @Test func aTimeoutAndACancelStopTheCommand() throws {
        let started = Date()
        #expect {
            try host.capture(RemoteCommand("sleep", "30"), options: ExecOptions(timeout: 0.3))
        } throws: { error in
            if case SSHError.timedOut = error { return true }
            return false
        }
        let control = ExecControl()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { control.cancel() }
        #expect {
            try host.capture(RemoteCommand("sleep", "30"), options: ExecOptions(control: control))
        } throws: { error in
            if case SSHError.cancelled = error { return true }
            return false
        }
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func uploadDownloadAndHashOnTheRealFileSystem() throws {
        let directory = NSTemporaryDirectory() + "local-host-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = directory + "/source", target = directory + "/target", back = directory + "/back"
        try "payload\n".write(toFile: source, atomically: true, encoding: .utf8)
        let expected = try SSHConnection.localSHA256(source)
        var options = UploadOptions(mode: 0o640)
        options.knownSHA256 = expected
        let result = try host.upload(file: source, to: target, options: options) { _ in }
        #expect(result.sha256 == expected && result.bytes == 8)
        #expect(try host.sha256(of: target, asRoot: false) == expected)
        let mode = try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int
        #expect(mode == 0o640)
        #expect(!FileManager.default.fileExists(atPath: SSHConnection.partialPath(for: target)))
        try host.download(file: target, to: back, asRoot: false)
        #expect(try String(contentsOfFile: back, encoding: .utf8) == "payload\n")

        options.knownSHA256 = String(repeating: "0", count: 64)
        #expect(throws: SSHError.self) { try host.upload(file: source, to: directory + "/other", options: options) { _ in } }
        #expect(!FileManager.default.fileExists(atPath: directory + "/other"))
    }
}

@Suite("Fan-out")
struct FanoutTests {
    @Test func keepsTheOrderAndTheBound() {
        let running = Mutex((now: 0, peak: 0))
        let results = forEachHost(Array(0..<12), limit: 3) { item -> Int in
            running.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
            usleep(UInt32(20_000 + (12 - item) * 2_000))   // later items finish first
            running.withLock { $0.now -= 1 }
            return item * 10
        }
        #expect(results == (0..<12).map { $0 * 10 })
        let peak = running.withLock { $0.peak }
        #expect(peak == 3)
    }
}

@Suite("Runner on the local host", .timeLimit(.minutes(5)))
struct LocalRunnerTests {
    /// A real shell and file system under the real runner: a command step with the wizard's marker, an upload,
    /// then a resume that verifies both by their probes without running them again.
    @Test func aPlanRunsAndResumesOnThisMachine() throws {
        let directory = NSTemporaryDirectory() + "local-runner-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let counter = directory + "/runs"
        let steps = [
            PlanStep(id: "count", title: "Count runs", action: .run(RemoteCommand.script(#"echo run >> "$1"; echo counted"#, arguments: [counter]),
                                                                      otopi: false, interactive: false),
                     changesHost: true, probe: .marker(path: directory + "/count.done"), skipIsSafe: false, skipNote: "", waitsFor: [], timeout: 30),
            PlanStep(id: "copy", title: "Copy a file", action: .upload(Upload(source: .localFile(counter), remotePath: directory + "/copy",
                                                                              mode: 0o600, sha256: nil)),
                     changesHost: true, probe: .remoteHashMatches, skipIsSafe: false, skipNote: "", waitsFor: [], timeout: nil),
        ]
        let plan = DeploymentPlan(hosts: [HostPlan(name: "local", tool: .generic, access: HostAccess(target: SSHTarget(host: "local"), options: ConnectOptions()),
                                                   answerFile: "", remoteDirectory: directory, platform: .assumed("local"), steps: steps, secretValues: [])])
        let files = DeploymentFiles(answerFile: directory + "/answers.conf")
        func run(resume: Bool) throws -> [RunEvent] {
            let events = EventLog()
            var options = DeploymentRunner.Options()
            options.resume = resume
            let runner = try DeploymentRunner(plan: plan, files: files, options: options, runOperator: ScriptedOperator(),
                                              connector: HostConnector { _ in LocalHost(name: "local") }) { events.append($0) }
            #expect(runner.run()["local"] == .succeeded)
            return events.all
        }
        let first = try run(resume: false)
        #expect(first.contains { $0.printedLines.contains { $0.line == "counted" && $0.stream == .stdout } })
        #expect(try String(contentsOfFile: directory + "/copy", encoding: .utf8) == "run\n")
        let again = try run(resume: true)
        #expect(!again.contains { if case .stepStarted = $0 { return true }; return false })
        #expect(again.filter { if case .stepVerified = $0 { return true }; return false }.count == 2)
        #expect(try String(contentsOfFile: counter, encoding: .utf8) == "run\n")
    }

    /// A plain command's output goes to the log and the events a read at a time: every line, in the log's
    /// format (`stderr: ` before the other stream's lines), secrets masked also where a read cut them, `\r\n`
    /// as one line end, invalid UTF-8 as U+FFFD, the last line without its newline.
    @Test func aFloodOfOutputReachesTheLogLineByLine() throws {
        let directory = NSTemporaryDirectory() + "local-flood-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var bytes: [UInt8] = []
        for n in 1...20_000 {
            bytes += Array("line \(n) of yum output\(n % 7 == 0 ? " pw=Flood-s3cret-1" : "")".utf8)
            if n % 1000 == 0 { bytes += [0xFF, 0xC3] }
            bytes += n % 3 == 0 ? [0x0D, 0x0A] : [0x0A]
        }
        bytes += Array("no newline at the end".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/out"))
        let secret = "Flood-s3cret-1"
        func step(_ id: String, _ script: StaticString) -> PlanStep {
            PlanStep(id: id, title: id, action: .run(RemoteCommand.script(script, arguments: [directory + "/out"]), otopi: false, interactive: false),
                     changesHost: false, probe: .rerun, skipIsSafe: false, skipNote: "", waitsFor: [], timeout: 60)
        }
        let plan = DeploymentPlan(hosts: [HostPlan(name: "local", tool: .generic, access: HostAccess(target: SSHTarget(host: "local"), options: ConnectOptions()),
                                                   answerFile: "", remoteDirectory: directory, platform: .assumed("local"),
                                                   steps: [step("out", #"cat "$1""#), step("err", #"cat "$1" >&2"#)], secretValues: [secret])])
        let files = DeploymentFiles(answerFile: directory + "/answers.conf")
        let events = EventLog()
        let runner = try DeploymentRunner(plan: plan, files: files, options: DeploymentRunner.Options(), runOperator: ScriptedOperator(),
                                          connector: HostConnector { _ in LocalHost(name: "local") }) { events.append($0) }
        #expect(runner.run()["local"] == .succeeded)

        var expected: [String] = []
        var splitter = LineSplitter()
        splitter.feed(bytes) { expected.append($0) }
        splitter.finish { expected.append($0) }
        expected = expected.map { $0.replacingOccurrences(of: secret, with: "********") }
        #expect(expected.count == 20_001)
        let log = try String(contentsOfFile: files.log(host: "local"), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(!log.contains { $0.contains(secret) })
        func section(_ id: String, _ index: Int) -> [String] {
            guard let start = log.firstIndex(where: { $0.hasPrefix("=== step \(index)/2 \(id):") }),
                  let end = log[(start + 1)...].firstIndex(where: { $0.hasPrefix("=== step \(index)/2 \(id): done") }) else { return [] }
            return log[(start + 1)..<end].filter { !$0.hasPrefix("connected: ") }.map(String.init)
        }
        /// The first difference, not 20,000 lines, when they differ.
        func difference(_ got: [String], _ wanted: [String]) -> String? {
            if let i = got.indices.first(where: { $0 < wanted.count && got[$0] != wanted[$0] }) { return "line \(i): \(got[i].debugDescription), not \(wanted[i].debugDescription)" }
            return got.count == wanted.count ? nil : "\(got.count) lines, not \(wanted.count)"
        }
        #expect(difference(section("out", 1), expected) == nil)
        #expect(difference(section("err", 2), expected.map { "stderr: " + $0 }) == nil)
        let printed = events.all.flatMap(\.printedLines)
        #expect(difference(printed.filter { $0.stream == .stdout }.map(\.line), expected) == nil)
        #expect(difference(printed.filter { $0.stream == .stderr }.map(\.line), expected) == nil)
    }
}
