import Foundation

/// A set of real OpenSSH servers on loopback addresses for tests and benchmarks. Each host has its own sshd
/// process (started with `-D`, so its PID is the one we keep), its own generated host keys, address
/// (127.0.0.x) and free high port. The cluster holds one generated client key, authorized on every host, and a
/// private known_hosts listing every host. Everything lives under one temporary directory.
package final class LabCluster: @unchecked Sendable {
    package let root: String
    /// Private key (ed25519, no passphrase) authorized on every host; `clientKey + ".pub"` is its public half.
    package let clientKey: String
    /// known_hosts holding every host's keys.
    package let knownHostsPath: String
    /// The authorized_keys file every host reads.
    package let authorizedKeysPath: String
    package private(set) var hosts: [LabHost] = []
    /// The throwaway account that password and keyboard-interactive logins use; nil for a keys-only cluster.
    package private(set) var account: LabAccount?
    /// Further throwaway accounts (`addAccount`), deleted by `stop()` as `account` is.
    private var extraAccounts: [LabAccount] = []
    private var agents: [LabAgent] = []
    private let lock = NSLock()

    /// Starts `count` hosts with the given host key types (`ed25519`, `ecdsa`, `rsa`). With password or
    /// keyboard-interactive `authentication`, a throwaway account is created first (root only, see
    /// `LabAccount.unavailableReason`) and deleted again by `stop()`.
    /// `rootLogin` false: every sshd refuses root logins (`PermitRootLogin no`), as sites that log in as
    /// themselves and use sudo.
    package static func start(hosts count: Int = 1, hostKeyTypes: [String] = ["ed25519", "ecdsa"],
                             authentication: LabAuthentication = .keysOnly, rootLogin: Bool = true) throws -> LabCluster {
        let cluster = try LabCluster()
        do {
            if authentication.needsAccount { cluster.account = try LabAccount(scratch: cluster.root) }
            for index in 0..<count {
                try cluster.addHost(index: index, keyTypes: hostKeyTypes, authentication: authentication, rootLogin: rootLogin)
            }
            try cluster.writeKnownHosts()
        } catch {
            cluster.stop()
            throw error
        }
        return cluster
    }

    private init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("labhosts-\(getpid())-\(UUID().uuidString.prefix(8))")
        root = base.path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        // Debian's sshd refuses to start without its privilege-separation directory.
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o755])
        clientKey = root + "/client_ed25519"
        knownHostsPath = root + "/known_hosts"
        authorizedKeysPath = root + "/authorized_keys"
        try LabProcess.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "lab-client", "-f", clientKey])
        try FileManager.default.copyItem(atPath: clientKey + ".pub", toPath: authorizedKeysPath)
    }

    deinit { stop() }

    private func addHost(index: Int, keyTypes: [String], authentication: LabAuthentication, rootLogin: Bool) throws {
        // Spread clusters started by different processes over 127.0.0.10-249.
        let address = "127.0.0.\(10 + (Int(getpid()) + index * 7 + hosts.count) % 240)"
        let host = try LabHost(index: index, address: address, clusterRoot: root,
                               authorizedKeys: authorizedKeysPath, keyTypes: keyTypes, authentication: authentication,
                               rootLogin: rootLogin)
        hosts.append(host)
    }

    /// Another throwaway account (root only, see `LabAccount.unavailableReason`) with the given sudo rule, whose
    /// `~/.ssh/authorized_keys` holds the cluster's client key; deleted with its sudoers file by `stop()`.
    /// The cluster's folder becomes searchable by others (its secrets stay 0600), so that the account's
    /// sessions reach the hosts' fixture commands.
    package func addAccount(sudo: LabSudo) throws -> LabAccount {
        let account = try LabAccount(scratch: root, sudo: sudo)
        lock.withLock { extraAccounts.append(account) }
        try account.authorize(keyAt: clientKey)
        chmod(root, 0o755)
        return account
    }

    /// Rewrites known_hosts from the hosts' current public keys.
    package func writeKnownHosts() throws {
        var text = ""
        for host in hosts {
            for key in host.hostKeyPaths {
                let pub = try String(contentsOfFile: key + ".pub", encoding: .utf8).split(separator: " ")
                text += "[\(host.address)]:\(host.port) \(pub[0]) \(pub[1])\n"
            }
        }
        try text.write(toFile: knownHostsPath, atomically: true, encoding: .utf8)
    }

    /// Generates another client key (not authorized anywhere unless `authorize` is called).
    package func makeClientKey(name: String, type: String = "ed25519", passphrase: String = "") throws -> String {
        let path = root + "/" + name
        var arguments = ["-q", "-t", type, "-N", passphrase, "-C", name, "-f", path]
        if type == "rsa" { arguments += ["-b", "2048"] }
        try LabProcess.run("/usr/bin/ssh-keygen", arguments)
        return path
    }

    /// Adds a public key to the authorized_keys every host reads.
    package func authorize(keyAt privateKeyPath: String) throws {
        let pub = try String(contentsOfFile: privateKeyPath + ".pub", encoding: .utf8)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: authorizedKeysPath))
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data(pub.utf8))
    }

    /// Starts a private ssh-agent holding `keys` (defaults to the client key).
    package func startAgent(keys: [String]? = nil) throws -> LabAgent {
        let agent = try LabAgent(directory: root, keys: keys ?? [clientKey])
        lock.withLock { agents.append(agent) }
        return agent
    }

    /// Stops every host and agent, deletes the account (after its sessions ended) and removes the directory.
    package func stop() {
        for host in hosts { host.stop() }
        for agent in lock.withLock({ agents }) { agent.stop() }
        account?.delete()
        for account in lock.withLock({ extraAccounts }) { account.delete() }
        try? FileManager.default.removeItem(atPath: root)
    }
}
