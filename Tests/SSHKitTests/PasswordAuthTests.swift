import Foundation
import HostOps
import LabHosts
import Testing
@testable import SSHKit

/// Every request the authenticator made, and a fixed answer to give.
final class CredentialLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [CredentialRequest] = []
    private let answer: String?
    init(answer: String?) { self.answer = answer }
    var requests: [CredentialRequest] { lock.withLock { list } }
    var ask: @Sendable (CredentialRequest) -> Secret? {
        { request in
            self.lock.withLock { self.list.append(request) }
            return self.answer.map(Secret.init)
        }
    }
}

/// Logs in as the lab's throwaway account: no agent, no identity file (none exists under the lab's home).
func accountOptions(_ cluster: LabCluster, log: CredentialLog?) -> ConnectOptions {
    var options = labOptions(cluster)
    options.identityFiles = []
    options.credentials = log?.ask
    return options
}

func connectAsAccount(_ cluster: LabCluster, options: ConnectOptions) throws -> SSHConnection {
    let account = try #require(cluster.account)
    return try SSHConnection.connect(SSHTarget(parsing: "\(account.name)@\(cluster.hosts[0].target)"), options: options)
}

/// The error's text is one line and holds neither the account's password nor `wrong`.
func isOneLineWithoutSecrets(_ error: any Error, _ cluster: LabCluster, wrong: String) -> Bool {
    let text = "\(error)"
    return !text.contains("\n") && !text.contains(cluster.account!.password) && !text.contains(wrong)
}

let labAccountSkipReason = Comment(rawValue: LabAccount.unavailableReason ?? "")

@Suite("Password authentication against a real sshd (PAM, throwaway account)", .serialized,
       .enabled(if: LabAccount.isAvailable, labAccountSkipReason))
struct PasswordAuthTests {
    let cluster: LabCluster
    init() throws { cluster = try LabCluster.start(hosts: 1, authentication: .password) }
    var account: LabAccount { cluster.account! }
    var host: LabHost { cluster.hosts[0] }

    @Test func rightPasswordLogsIn() throws {
        let log = CredentialLog(answer: account.password)
        let connection = try connectAsAccount(cluster, options: accountOptions(cluster, log: log))
        #expect(connection.authenticatedWith == "password")
        #expect(log.requests == [.password(user: account.name, host: host.address)])
        #expect(try connection.capture(RemoteCommand("id", "-un")).stdout == account.name + "\n")
    }

    @Test func wrongPasswordFailsWithOneLineNamingThePassword() throws {
        let wrong = "wrong-Pw-" + UUID().uuidString.prefix(6)
        let log = CredentialLog(answer: wrong)
        #expect {
            try connectAsAccount(cluster, options: accountOptions(cluster, log: log))
        } throws: { error in
            guard case let .authenticationFailed(user, _, tried, _) = error as? SSHError else { return false }
            return user == account.name && tried == ["password"] && isOneLineWithoutSecrets(error, cluster, wrong: wrong)
        }
        #expect(log.requests.count == 1)
    }

    @Test func withoutATerminalTheMessageSaysAPasswordNeedsOne() throws {
        #expect {
            try connectAsAccount(cluster, options: accountOptions(cluster, log: nil))
        } throws: { error in
            let text = "\(error)"
            return text.contains("password") && text.contains("terminal") && !text.contains("\n")
        }
    }

    @Test func aWorkingKeyFileIsUsedWithoutAsking() throws {
        let key = try cluster.makeClientKey(name: "account_key")
        try account.authorize(keyAt: key)
        let log = CredentialLog(answer: account.password)
        var options = accountOptions(cluster, log: log)
        options.identityFiles = [key]
        let connection = try connectAsAccount(cluster, options: options)
        #expect(connection.authenticatedWith == "publickey (\(key))")
        #expect(log.requests.isEmpty)
    }

    @Test func anAgentKeyIsUsedBeforeKeyFilesAndWithoutAsking() throws {
        let key = try cluster.makeClientKey(name: "agent_key")
        try account.authorize(keyAt: key)
        let agent = try cluster.startAgent(keys: [key])
        let log = CredentialLog(answer: account.password)
        var options = accountOptions(cluster, log: log)
        options.useAgent = true
        options.agentSocket = agent.socketPath
        options.identityFiles = [key]
        let connection = try connectAsAccount(cluster, options: options)
        #expect(connection.authenticatedWith.hasPrefix("publickey (agent"))
        #expect(log.requests.isEmpty)
    }

    @Test func aRefusedKeyFallsBackToThePassword() throws {
        let key = try cluster.makeClientKey(name: "not_authorized")
        let log = CredentialLog(answer: account.password)
        var options = accountOptions(cluster, log: log)
        options.identityFiles = [key]
        let connection = try connectAsAccount(cluster, options: options)
        #expect(connection.authenticatedWith == "password")
        #expect(log.requests == [.password(user: account.name, host: host.address)])
    }

    @Test func sshRunWithoutATerminalFailsWith255AndNeverWaitsForAnswer() throws {
        let r = try runWizard(["ssh", "run", "\(account.name)@\(host.target)", "--known-hosts", cluster.knownHostsPath,
                               "--ssh-config", cluster.root + "/none", "--", "id", "-un"])
        #expect(r.status == 255)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("ovirt-wizard: \(account.name)@\(host.address): authentication failed"))
        #expect(r.stderr.contains("terminal"))
        #expect(r.stderr.filter { $0 == "\n" }.count == 1)
    }
}

@Suite("Keyboard-interactive authentication against a real sshd (PAM, throwaway account)", .serialized,
       .enabled(if: LabAccount.isAvailable, labAccountSkipReason))
struct KeyboardInteractiveAuthTests {
    let cluster: LabCluster
    init() throws { cluster = try LabCluster.start(hosts: 1, authentication: .keyboardInteractive) }
    var account: LabAccount { cluster.account! }
    var host: LabHost { cluster.hosts[0] }

    @Test func rightAnswerLogsInAndThePromptIsNotEchoed() throws {
        let log = CredentialLog(answer: account.password)
        let connection = try connectAsAccount(cluster, options: accountOptions(cluster, log: log))
        #expect(connection.authenticatedWith == "keyboard-interactive")
        #expect(log.requests == [.keyboardInteractive(user: account.name, host: host.address, prompt: "Password: ", echo: false)])
        #expect(try connection.capture(RemoteCommand("id", "-un")).stdout == account.name + "\n")
    }

    @Test func wrongAnswerFailsWithOneLine() throws {
        let wrong = "wrong-Kbd-" + UUID().uuidString.prefix(6)
        let log = CredentialLog(answer: wrong)
        #expect {
            try connectAsAccount(cluster, options: accountOptions(cluster, log: log))
        } throws: { error in
            guard case let .authenticationFailed(_, _, tried, _) = error as? SSHError else { return false }
            return tried == ["keyboard-interactive"] && isOneLineWithoutSecrets(error, cluster, wrong: wrong)
        }
        #expect(!log.requests.isEmpty)
    }

    @Test func noAnswerGivenFailsCleanly() throws {
        // The operator pressed Ctrl-D at the prompt: nothing to send, a failure, not a hang.
        let log = CredentialLog(answer: nil)
        #expect(throws: SSHError.self) {
            try connectAsAccount(cluster, options: accountOptions(cluster, log: log))
        }
    }

    @Test func aWorkingKeyFileIsUsedWithoutAsking() throws {
        let key = try cluster.makeClientKey(name: "account_key")
        try account.authorize(keyAt: key)
        let log = CredentialLog(answer: account.password)
        var options = accountOptions(cluster, log: log)
        options.identityFiles = [key]
        let connection = try connectAsAccount(cluster, options: options)
        #expect(connection.authenticatedWith == "publickey (\(key))")
        #expect(log.requests.isEmpty)
    }
}

@Suite("Lab accounts are removed", .serialized, .enabled(if: LabAccount.isAvailable, labAccountSkipReason))
struct LabAccountLifecycleTests {
    @Test func stoppingTheClusterDeletesTheAccountAndItsHome() throws {
        let cluster = try LabCluster.start(hosts: 1, authentication: .password)
        let account = try #require(cluster.account)
        #expect(getpwnam(account.name) != nil)
        #expect(FileManager.default.fileExists(atPath: account.home))
        cluster.stop()
        #expect(getpwnam(account.name) == nil)
        #expect(!FileManager.default.fileExists(atPath: account.home))
    }

    @Test func anAccountLeftByADeadTestProcessIsSweptByTheNextCluster() throws {
        // A pid that no longer runs: a finished child's.
        let done = Process()
        done.executableURL = URL(fileURLWithPath: "/bin/true")
        try done.run()
        done.waitUntilExit()
        let stale = "ovwpwstale" + String(UInt32.random(in: 100...999))
        let add = Process()
        add.executableURL = URL(fileURLWithPath: "/usr/sbin/useradd")
        add.arguments = ["-M", "-s", "/bin/sh", "-c", "ovirt-wizard lab account pid=\(done.processIdentifier)", stale]
        try add.run()
        add.waitUntilExit()
        try #require(getpwnam(stale) != nil)
        let cluster = try LabCluster.start(hosts: 1, authentication: .password)
        defer { cluster.stop() }
        #expect(getpwnam(stale) == nil)
    }
}
