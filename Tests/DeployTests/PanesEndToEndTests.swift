import Foundation
import Testing
@testable import Deploy

/// `apply` in a real terminal (tmux, 80x24): four host panes, a failure dialog, the full-screen log.
@Suite("apply panes in tmux", .serialized, .timeLimit(.minutes(3)))
struct PanesEndToEndTests {
    @Test func fourPanesAtEightyByTwentyFour() throws {
        let lab = try LabDeployment(hosts: 4)
        try lab.writeEngineSetupAnswers(0)
        try lab.writeEngineSetupAnswers(1)
        try lab.writeHostedEngineAnswers(2)
        try lab.writeEngineSetupAnswers(3)
        try lab.setFixture(0, "DELAY=0.03\n")
        try lab.setFixture(3, "YUM_FAIL=ovirt-engine\n")
        let argv = ["apply"] + lab.answerFiles.flatMap { ["--answers", $0] } + lab.sshArguments
        let tmux = try Tmux(command: ([LabDeployment.binary] + argv).map(Tmux.quote).joined(separator: " "),
                            environment: lab.binaryEnvironment.filter { ["HOME", "PATH"].contains($0.key) })
        let a = lab.cluster.hosts[0].address, c = lab.cluster.hosts[2].address, d = lab.cluster.hosts[3].address

        // The failing host's dialog comes up with the step, exit code, last output and log.
        var screen = try tmux.waitFor("failed", timeout: 60)
        screen = try tmux.waitFor("a abort this host")
        print(screen)
        #expect(screen.contains("\(d): step 5/9 failed"))
        #expect(screen.contains("Install ovirt-engine (exit code 1)"))
        #expect(screen.contains("Requires: java-1.7.0-openjdk"))
        #expect(!screen.contains("s skip"))
        try tmux.send("a")

        // hosted-engine's question: the loop's choices, answered with Enter (the default, 1), twice.
        screen = try tmux.waitFor("asks", timeout: 60)
        print(screen)
        #expect(screen.contains("(1) Continue setup - VM installation is complete"))
        #expect(screen.contains("Temporary console password: 2067OGHU"))
        try tmux.send("Enter")
        screen = try tmux.waitFor("engine installation is complete", timeout: 60)
        try tmux.send("Enter")

        screen = try tmux.waitFor("q quit", timeout: 90)
        print(screen)
        let rows = screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(rows.count >= 24)
        #expect(rows.allSatisfy { $0.count <= 80 })
        #expect(screen.contains("1 \(a) · engine-setup"))
        #expect(screen.contains("3 \(c) · hosted-engine"))
        #expect(screen.contains("3 done, 1 failed"))
        #expect(screen.contains("FAILED: step 5/9 Install ovirt-engine"))
        #expect(screen.contains("[ INFO  ] Execution of setup complete"))

        // The first pane opens full-screen as the host's whole log.
        try tmux.send("1")
        try tmux.send("Enter")
        screen = try tmux.waitFor("(following)")
        #expect(screen.contains("log of \(a)"))
        try tmux.send("Home")
        screen = try tmux.waitFor("lines 1-21 of")
        #expect(screen.contains("=== ovirt-wizard apply"))
        try tmux.send("Escape")
        _ = try tmux.waitFor("q quit")
        try tmux.send("q")
        screen = try tmux.waitFor("EXIT=", timeout: 20)
        #expect(screen.contains("EXIT=1"))
        // The recap may have scrolled above the last screen (the engine's address and the next step follow it).
        #expect(try tmux.capture(history: 40).contains("Recap:"))
        #expect(lab.runCount(2, "hosted-engine") == 1)
    }

    @Test func ctrlCStopsTheRemoteCommands() throws {
        let lab = try LabDeployment(hosts: 2)
        try lab.writeEngineSetupAnswers(0)
        try lab.writeEngineSetupAnswers(1)
        try lab.setFixture(0, "ENGINE_SETUP_SLEEP=77\n")
        try lab.setFixture(1, "ENGINE_SETUP_SLEEP=77\n")
        let argv = ["apply"] + lab.answerFiles.flatMap { ["--answers", $0] } + lab.sshArguments
        let tmux = try Tmux(command: ([LabDeployment.binary] + argv).map(Tmux.quote).joined(separator: " "),
                            environment: lab.binaryEnvironment.filter { ["HOME", "PATH"].contains($0.key) })
        // Both hosts inside engine-setup (its sleep follows this line).
        _ = try tmux.waitFor("Initializing PostgreSQL", count: 2, timeout: 60)
        let started = Date()
        try tmux.send("C-c")
        let screen = try tmux.waitFor("EXIT=", timeout: 30)
        print(screen)
        print("Ctrl-C to exit: \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        #expect(screen.contains("cancelled"))
        // The remote engine-setup processes are gone (their sleep was in the same process group).
        usleep(500_000)
        let records = Journal.read(path: lab.files.journal).records
        let cancelled = records.filter { $0.kind == .stepEnded && $0.status == .cancelled }
        #expect(cancelled.count == 2)
        #expect(!Self.processes().contains { $0.hasPrefix("sleep 77") })
    }

    static func processes() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard Int(entry) != nil, let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
        }
    }
}

/// A private tmux server running one command at 80x24 (own socket, no user configuration).
final class Tmux {
    let directory: String
    let socket: String

    init(command: String, width: Int = 80, height: Int = 24, environment: [String: String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-tmux-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        socket = directory + "/tmux.sock"
        var env = ["TERM": "tmux-256color", "LANG": "C.UTF-8"]
        env.merge(environment) { _, new in new }
        let exports = env.sorted { $0.key < $1.key }.map { "\($0.key)=\(Tmux.quote($0.value))" }.joined(separator: " ")
        // EXIT= starts a row of its own (a killed program leaves the cursor anywhere, even in the last column).
        try tmux(["new-session", "-d", "-s", "e2e", "-x", "\(width)", "-y", "\(height)",
                  "env -u SSH_AUTH_SOCK \(exports) \(command); rc=$?; printf '\\r\\nEXIT=%s\\r\\n' $rc; sleep 600"])
    }

    deinit {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let output = directory + "/out"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = (["/usr/bin/tmux", "-S", socket, "-f", "/dev/null"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/usr/bin/tmux", &actions, &attributes, argv, environ)
        guard rc == 0 else { throw CocoaError(.fileNoSuchFile) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    func send(_ keys: String...) throws { try tmux(["send-keys", "-t", "e2e"] + keys) }

    func capture() throws -> String { try tmux(["capture-pane", "-p", "-t", "e2e"]) }
    /// The screen and up to `history` lines above it.
    func capture(history: Int) throws -> String { try tmux(["capture-pane", "-p", "-t", "e2e", "-S", "-\(history)"]) }

    func waitFor(_ text: String, count: Int = 1, timeout: Double = 15, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = try capture()
            if screen.components(separatedBy: text).count - 1 >= count { return screen }
            usleep(100_000)
        }
        Issue.record("\"\(text)\" did not appear within \(timeout) s; the screen:\n\(screen)", sourceLocation: sourceLocation)
        return screen
    }
}
