import Foundation
import HostOps
import LabHosts
import Testing
@testable import SSHKit

let labSudoSkipReason = Comment(rawValue: LabAccount.unavailableReason ?? LabSudo.unavailableReason ?? "")

/// A lab host whose sshd refuses root logins (`PermitRootLogin no`), with throwaway accounts that become root
/// through sudo: without a password, with one, with `requiretty`, and one not in sudoers at all.
@Suite("Root commands through sudo on a host that refuses root logins", .serialized,
       .enabled(if: LabAccount.isAvailable && LabSudo.unavailableReason == nil, labSudoSkipReason))
struct SudoTests {
    let cluster: LabCluster
    init() throws { cluster = try LabCluster.start(hosts: 1, authentication: .password, rootLogin: false) }

    /// Logs in as `account` with the cluster's key (no password is asked for the login).
    func login(_ account: LabAccount, runner: Bool = false, become: Become?) throws -> SSHConnection {
        var options = labOptions(cluster)
        options.credentials = nil
        let connection = try SSHConnection.connect(SSHTarget(parsing: "\(account.name)@\(cluster.hosts[0].target)"), options: options)
        connection.usesRunner = runner
        connection.become = become
        return connection
    }

    func uid(_ connection: SSHConnection, asRoot: Bool, ownChannel: Bool = false) throws -> String {
        let out = try connection.capture(RemoteCommand("id", "-u"), options: ExecOptions(timeout: 30, ownChannel: ownChannel, asRoot: asRoot))
        #expect(out.result.succeeded, "\(out.stderr)")
        return out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func rootCannotLogIn() throws {
        #expect(throws: SSHError.self) {
            try SSHConnection.connect(SSHTarget(parsing: "root@\(cluster.hosts[0].target)"), options: labOptions(cluster))
        }
    }

    @Test(arguments: [false, true])
    func passwordlessSudoRunsRootCommandsAndLeavesTheOthersToTheUser(runner: Bool) throws {
        let account = try cluster.addAccount(sudo: .withoutPassword)
        let connection = try login(account, runner: runner, become: Become(password: nil))
        try connection.verifyRoot()
        #expect(try uid(connection, asRoot: true) == "0")
        #expect(try uid(connection, asRoot: false) == String(getpwnam(account.name)!.pointee.pw_uid))
        #expect(try uid(connection, asRoot: true, ownChannel: true) == "0")
        if runner { #expect(connection.runnerStarts == 2) }   // one for the user, one started through sudo
        // Standard input reaches the root command (after sudo), exit codes come back.
        let out = try connection.capture(RemoteCommand("cat"), options: ExecOptions(stdin: Array("to root\n".utf8), asRoot: true))
        #expect(out.stdout == "to root\n")
        #expect(try connection.capture(.script("exit 7"), options: ExecOptions(asRoot: true)).result.exitStatus == 7)
    }

    @Test(arguments: [false, true])
    func passwordSudoAnswersThePromptAndThePasswordIsNowhere(runner: Bool) throws {
        let account = try cluster.addAccount(sudo: .withPassword)
        let sampler = ProcessListSampler(secrets: [account.password])
        let connection = try login(account, runner: runner, become: Become(password: Secret(account.password)))
        try connection.verifyRoot()
        var seen = ""
        for ownChannel in [false, true] {
            let result = try connection.execute(.script("id -u; sleep 1; echo done >&2"), options: ExecOptions(ownChannel: ownChannel, asRoot: true)) { _, bytes in
                seen += String(decoding: bytes, as: UTF8.self)
            }
            #expect(result.succeeded)
        }
        // An interactive command (stdin kept open, as the tools' runs) reads only its own input, never the password.
        let control = ExecControl()
        control.send("answer\n")
        control.closeInput()
        let read = try connection.capture(RemoteCommand("cat"), options: ExecOptions(keepStdinOpen: true, control: control, asRoot: true))
        #expect(read.stdout == "answer\n")
        let report = sampler.stop()
        #expect(seen == "0\ndone\n0\ndone\n")
        #expect(!seen.contains(account.password) && !seen.contains(Become.prompt))
        #expect(report.samples > 0 && report.sawSudo)
        #expect(report.hits.isEmpty, "\(report.hits)")
    }

    @Test func aRootCommandThatTimesOutIsStoppedByRoot() throws {
        let account = try cluster.addAccount(sudo: .withPassword)
        for runner in [true, false] {
            let connection = try login(account, runner: runner, become: Become(password: Secret(account.password)))
            let tag = "813.\(Int.random(in: 100...999))"
            #expect {
                try connection.capture(.script("sleep \"$1\" & sleep \"$1\"", arguments: [tag]), options: ExecOptions(timeout: 1, asRoot: true))
            } throws: { error in
                if case .timedOut(_, "command", 1) = error as? SSHError { return true }
                return false
            }
            #expect(eventually { processes(containing: "sleep \(tag)").isEmpty })
            #expect(try uid(connection, asRoot: true) == "0")
        }
    }

    @Test func uploadIsStagedAsTheUserAndInstalledByRoot() throws {
        let account = try cluster.addAccount(sudo: .withPassword)
        let connection = try login(account, runner: true, become: Become(password: Secret(account.password)))
        let local = cluster.root + "/upload-\(UUID().uuidString.prefix(6))"
        try Data("secret answers\n".utf8).write(to: URL(fileURLWithPath: local))
        let dir = cluster.root + "/root-only-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = UploadOptions(mode: 0o600)
        options.asRoot = true
        let result = try connection.upload(local, to: dir + "/answers.conf", options: options)
        #expect(result.verified)
        var info = stat()
        #expect(stat(dir + "/answers.conf", &info) == 0)
        #expect(info.st_uid == 0 && info.st_mode & 0o777 == 0o600)
        #expect(try String(contentsOfFile: dir + "/answers.conf", encoding: .utf8) == "secret answers\n")
        // No staging folder is left behind, and the user could not have read the target folder.
        #expect(!((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []).contains { $0.hasPrefix("ovirt-wizard-upload.") && owner("/tmp/" + $0) == getpwnam(account.name)!.pointee.pw_uid })
        #expect(throws: SSHError.self) { try connection.remoteSHA256(dir + "/answers.conf") }
        #expect(try connection.remoteSHA256(dir + "/answers.conf", asRoot: true) == result.sha256)
        var download = DownloadOptions()
        download.asRoot = true
        try connection.download(dir + "/answers.conf", to: local + ".back", options: download)
        #expect(try String(contentsOfFile: local + ".back", encoding: .utf8) == "secret answers\n")
    }

    func owner(_ path: String) -> uid_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_uid : nil
    }

    /// sudo's refusal, as a one-line error that names the host and the user and holds no password.
    func refusal(_ account: LabAccount, password: String?, runner: Bool) -> String? {
        do {
            let connection = try login(account, runner: runner, become: Become(password: password.map(Secret.init)))
            try connection.verifyRoot()
            return nil
        } catch let error as SSHError {
            guard case .sudoFailed = error else { return "unexpected: \(error)" }
            return "\(error)"
        } catch {
            return "unexpected: \(error)"
        }
    }

    func isOneLine(_ text: String?, _ account: LabAccount, _ secrets: [String]) -> Bool {
        guard let text else { return false }
        return !text.contains("\n") && text.contains(account.name) && text.contains(cluster.hosts[0].address)
            && !secrets.contains { text.contains($0) } && !text.contains(Become.prompt)
    }

    @Test(arguments: [false, true])
    func wrongPasswordIsSaidAsSuch(runner: Bool) throws {
        let account = try cluster.addAccount(sudo: .withPassword)
        let wrong = "wrong-\(UUID().uuidString.prefix(8))"
        let text = refusal(account, password: wrong, runner: runner)
        #expect(text?.contains("wrong sudo password") == true, "\(text ?? "no error")")
        #expect(isOneLine(text, account, [wrong, account.password]))
    }

    @Test(arguments: [false, true])
    func notInSudoersIsSaidAsSuch(runner: Bool) throws {
        let account = try cluster.addAccount(sudo: .none)
        let text = refusal(account, password: account.password, runner: runner)
        #expect(text?.contains("not in sudoers") == true, "\(text ?? "no error")")
        #expect(isOneLine(text, account, [account.password]))
    }

    @Test(arguments: [false, true])
    func requirettyIsSaidAsSuch(runner: Bool) throws {
        let account = try cluster.addAccount(sudo: .withPasswordRequiringTTY)
        let text = refusal(account, password: account.password, runner: runner)
        #expect(text?.contains("requiretty") == true, "\(text ?? "no error")")
        #expect(isOneLine(text, account, [account.password]))
    }

    /// The runner started ahead of the first command (inside the connect gate) and refused by sudo: the first
    /// root command reports that refusal without asking sudo again (each refused try counts against the account,
    /// and a runner start that times out would wait twice); the next one tries again.
    @Test func aRootRunnerRefusedAheadOfTheFirstCommandIsAskedOnce() throws {
        let account = try cluster.addAccount(sudo: .withPassword)
        let connection = try login(account, runner: true, become: Become(password: Secret("wrong-\(UUID().uuidString.prefix(8))")))
        let host = cluster.hosts[0]
        func execs() -> Int { host.log.components(separatedBy: "request exec").count - 1 }
        let before = execs()
        connection.startRunner(asRoot: true)
        #expect(execs() == before + 1)
        for attempt in 1...2 {
            #expect {
                try connection.capture(RemoteCommand("id", "-u"), options: ExecOptions(asRoot: true))
            } throws: { error in
                guard case .sudoFailed = error as? SSHError else { return false }
                return "\(error)".contains("wrong sudo password")
            }
            #expect(execs() == before + attempt, "attempt \(attempt)")
        }
        #expect(connection.runnerStarts == 0)
    }

    @Test func sudoThatWantsAPasswordNoneWasGivenFor() throws {
        let account = try cluster.addAccount(sudo: .withPassword)
        let text = refusal(account, password: nil, runner: true)
        #expect(text?.contains("sudo-password") == true, "\(text ?? "no error")")
        #expect(isOneLine(text, account, [account.password]))
    }
}
