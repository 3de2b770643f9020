import Foundation
import LabHosts
import Testing

/// `ovirt-wizard ssh run` against a password-only lab sshd, typed into a real terminal: the password is asked on
/// the terminal without echo, and neither it nor a wrong one shows up in the pane, stdout, stderr or a message.
@Suite("ssh run asks for a password on a real terminal", .serialized,
       .enabled(if: LabAccount.isAvailable, Comment(rawValue: LabAccount.unavailableReason ?? "")))
struct SSHPasswordInTerminalTests {
    let cluster: LabCluster
    let out: String
    let err: String
    init() throws {
        cluster = try LabCluster.start(hosts: 1, authentication: .password)
        out = cluster.root + "/stdout"
        err = cluster.root + "/stderr"
    }
    var account: LabAccount { cluster.account! }
    var host: LabHost { cluster.hosts[0] }

    /// `ssh run` with output sent to files (the prompt still goes to the terminal), no agent, no key, no config.
    func start(_ extra: String = "") throws -> TmuxSession {
        let binary = BuiltProducts.directory.appendingPathComponent("ovirt-wizard").path
        let home = cluster.root + "/operator-home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let command = "\(binary) ssh run \(account.name)@\(host.target) --known-hosts \(cluster.knownHostsPath) "
            + "--ssh-config \(cluster.root)/none \(extra) -- id -un >\(out) 2>\(err)"
        return try TmuxSession(command: command, width: 120, height: 30,
                               environment: ["HOME": home, "SSH_AUTH_SOCK": ""])
    }

    func file(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    @Test func rightPasswordIsAskedWithoutEchoAndNeverShown() throws {
        let tmux = try start()
        try tmux.waitFor("\(account.name)@\(host.address)'s password: ")
        try tmux.type(account.password)
        // Typed but not yet entered: echo is off, so the pane must not show it.
        Thread.sleep(forTimeInterval: 0.3)
        #expect(!(try tmux.capture()).contains(account.password))
        try tmux.send("Enter")
        let end = try tmux.waitForExit(timeout: 20)
        #expect(end.code == 0, "stderr: \(file(err))")
        #expect(end.canonical, "the terminal is back in canonical mode")
        #expect(file(out) == account.name + "\n")
        #expect(file(err).isEmpty)
        let pane = try tmux.capture(history: 200)
        #expect(!pane.contains(account.password))
        #expect(!file(out).contains(account.password) && !file(err).contains(account.password))
        #expect(!host.log.contains(account.password), "the lab's own sshd log is clean too")
    }

    @Test func wrongPasswordFailsWith255AndOneLineWithoutEitherPassword() throws {
        let wrong = "Wrong-" + UUID().uuidString.prefix(8)
        let tmux = try start()
        try tmux.waitFor("'s password: ")
        try tmux.type(wrong)
        try tmux.send("Enter")
        let end = try tmux.waitForExit(timeout: 20)
        #expect(end.code == 255)
        #expect(end.canonical)
        let stderr = file(err)
        #expect(stderr.hasPrefix("ovirt-wizard: \(account.name)@\(host.address): authentication failed (tried password)"))
        #expect(stderr.filter { $0 == "\n" }.count == 1, "one line: \(stderr)")
        #expect(file(out).isEmpty)
        let pane = try tmux.capture(history: 200)
        for secret in [wrong, account.password] {
            #expect(!pane.contains(secret) && !stderr.contains(secret))
        }
    }

    @Test func endOfInputAtThePromptFailsWithoutHanging() throws {
        let tmux = try start()
        try tmux.waitFor("'s password: ")
        try tmux.send("C-d")
        let end = try tmux.waitForExit(timeout: 20)
        #expect(end.code == 255)
        #expect(end.canonical)
        #expect(file(err) == "ovirt-wizard: \(account.name)@\(host.address): authentication failed (tried password: none given)\n")
    }

    @Test func ctrlCAtThePromptLeavesTheTerminalEchoing() throws {
        let binary = BuiltProducts.directory.appendingPathComponent("ovirt-wizard").path
        let home = cluster.root + "/operator-home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        // After the program, a shell that survives the Ctrl-C (a trap) prints the terminal's echo flag.
        let script = cluster.root + "/ctrl-c.sh"
        try """
            trap 'echo INTERRUPTED' INT
            \(binary) ssh run \(account.name)@\(host.target) --known-hosts \(cluster.knownHostsPath) \\
                --ssh-config \(cluster.root)/none -- id -un >\(out) 2>\(err)
            echo CODE=$?
            stty -a | tr ' ' '\\n' | grep -xE -- '-?echo' | sed 's/^/ECHO=/'

            """.write(toFile: script, atomically: true, encoding: .utf8)
        let tmux = try TmuxSession(command: "/bin/sh \(script)", width: 120, height: 30,
                                   environment: ["HOME": home, "SSH_AUTH_SOCK": ""])
        try tmux.waitFor("'s password: ")
        try tmux.type("half-typed")
        try tmux.send("C-c")
        let screen = try tmux.waitFor("ECHO=", timeout: 20)
        #expect(screen.contains("CODE=130"), "\(screen)")
        #expect(screen.contains("ECHO=echo"), "echo is back on after Ctrl-C at the password prompt:\n\(screen)")
        #expect(!screen.contains("half-typed"))
    }

    @Test func sshPutWithExtraStreamsAsksOnce() throws {
        // 64 MiB and more opens helper connections (--streams): they reuse the typed password instead of asking.
        let local = cluster.root + "/big.bin"
        FileManager.default.createFile(atPath: local, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: local))
        try handle.truncate(atOffset: 65 << 20)
        try handle.close()
        let binary = BuiltProducts.directory.appendingPathComponent("ovirt-wizard").path
        let home = cluster.root + "/operator-home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let command = "\(binary) ssh put \(account.name)@\(host.target) \(local) \(account.home)/big.bin --streams 3 "
            + "--known-hosts \(cluster.knownHostsPath) --ssh-config \(cluster.root)/none >\(out) 2>\(err)"
        let tmux = try TmuxSession(command: command, width: 120, height: 30, environment: ["HOME": home, "SSH_AUTH_SOCK": ""])
        try tmux.waitFor("'s password: ")
        try tmux.type(account.password)
        try tmux.send("Enter")
        let end = try tmux.waitForExit(timeout: 120)
        let pane = try tmux.capture(history: 100)
        #expect(end.code == 0, "\(pane)\n\(file(err))")
        #expect(pane.components(separatedBy: "'s password: ").count == 2, "asked exactly once:\n\(pane)")
        #expect(file(out).contains("verified sha256"))
        let logins = host.log.components(separatedBy: "Accepted password for \(account.name)").count - 1
        #expect(logins == 3, "the main connection and two helpers logged in with the one typed password")
        #expect(!pane.contains(account.password) && !file(out).contains(account.password) && !file(err).contains(account.password))
    }

    // MARK: - apply: the password is asked once, before the run, and kept out of the journal and logs

    /// A plan with two commands for the account's host; `apply` runs it in the pane (panes, or `--plain`).
    func startApply(plain: Bool) throws -> (TmuxSession, deploy: String) {
        let plan = cluster.root + "/plan-\(plain ? "plain" : "panes").json"
        let document: [String: Any] = [
            "hosts": [["name": "pw", "target": "\(account.name)@\(host.target)", "knownHosts": cluster.knownHostsPath]],
            "steps": [["id": "who", "run": ["id", "-un"]], ["id": "hello", "run": ["sh", "-c", "echo hello from {host}"]]],
        ]
        try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: plan))
        let binary = BuiltProducts.directory.appendingPathComponent("ovirt-wizard").path
        let home = cluster.root + "/operator-home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let command = "\(binary) apply --plan \(plan) \(plain ? "--plain " : "")--ssh-config \(cluster.root)/none "
            + "--remote-dir \(account.home)"
        let tmux = try TmuxSession(command: command, width: 120, height: 30, environment: ["HOME": home, "SSH_AUTH_SOCK": ""])
        return (tmux, plan + ".deploy")
    }

    /// Every file the run left on the jump host (journal, host logs, recap), as one text.
    func deploymentFiles(_ directory: String) throws -> String {
        let names = FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []
        #expect(names.contains("journal.jsonl"), "files: \(names)")
        return names.map { (try? String(contentsOfFile: directory + "/" + $0, encoding: .utf8)) ?? "" }.joined(separator: "\n")
    }

    @Test func applyInPanesAsksOnceBeforeTheScreenAndRunsWithIt() throws {
        let (tmux, deploy) = try startApply(plain: false)
        try tmux.waitFor("'s password: ", timeout: 20)
        try tmux.type(account.password)
        try tmux.send("Enter")
        try tmux.waitFor("q quit", timeout: 60)
        let screen = try tmux.capture()
        #expect(screen.contains("1 done"), "the host ran with the password typed while probing:\n\(screen)")
        try tmux.send("q")
        let end = try tmux.waitForExit(timeout: 20)
        #expect(end.code == 0)
        let pane = try tmux.capture(history: 300)
        #expect(!pane.contains(account.password))
        let files = try deploymentFiles(deploy)
        #expect(files.contains(account.name), "the log holds the output of id -un")
        #expect(!files.contains(account.password))
    }

    @Test func applyPlainAsksOnceAndKeepsThePasswordOutOfItsLines() throws {
        let (tmux, deploy) = try startApply(plain: true)
        try tmux.waitFor("'s password: ", timeout: 20)
        try tmux.type(account.password)
        try tmux.send("Enter")
        let end = try tmux.waitForExit(timeout: 60)
        let pane = try tmux.capture(history: 300)
        #expect(end.code == 0, "\(pane)")
        #expect(pane.components(separatedBy: "'s password: ").count == 2, "asked exactly once:\n\(pane)")
        #expect(pane.contains("[pw] finished"))
        #expect(!pane.contains(account.password))
        let files = try deploymentFiles(deploy)
        #expect(files.contains("hello from pw"))
        #expect(!files.contains(account.password))
    }
}
