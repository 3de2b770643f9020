import Foundation

/// What to do with a host key that known_hosts does not hold.
package enum HostKeyPolicy: Sendable {
    /// Refuse (StrictHostKeyChecking=yes).
    case strict
    /// Accept and record it (StrictHostKeyChecking=accept-new).
    case acceptNew
    /// Ask: the closure sees the fingerprint; `true` accepts and records the key.
    case ask(@Sendable (UnknownHostKey) -> Bool)
}

/// How to reach and authenticate to a host. Defaults follow OpenSSH.
package struct ConnectOptions: Sendable {
    /// Seconds for the TCP connect, and separately for the handshake plus authentication.
    package var connectTimeout: Double = 10
    /// Defaults to `~/.ssh/known_hosts`.
    package var knownHostsPath: String?
    package var hostKeyPolicy: HostKeyPolicy = .strict
    /// Identity files given by the operator (`-i`). When empty: IdentityFile from the SSH config, else
    /// `~/.ssh/id_ed25519` and `~/.ssh/id_ecdsa` when they exist.
    package var identityFiles: [String] = []
    package var useAgent = true
    /// The agent socket; defaults to `$SSH_AUTH_SOCK`.
    package var agentSocket: String?
    /// Asks the operator for a password, keyboard-interactive answer or key passphrase. `nil` when no terminal
    /// can ask; those methods are then skipped.
    package var credentials: (@Sendable (CredentialRequest) -> Secret?)?
    /// Told, after each answer from `credentials` was tried, whether the server accepted it (a passphrase
    /// counts as accepted once it decrypts the key).
    package var credentialsChecked: (@Sendable (CredentialRequest, _ accepted: Bool) -> Void)?
    /// Seconds between keepalives sent from the I/O loops (0 disables them).
    package var keepaliveInterval = 30
    /// Keepalives that may go unanswered before the connection counts as lost (like ServerAliveCountMax):
    /// after `keepaliveInterval * keepaliveCountMax` (+2 for polling granularity) seconds without a byte from a host that a command or
    /// transfer is waiting on, it fails with `.connectionLost`. libssh2 1.10 does not report missing keepalive
    /// replies itself, so this is measured from the socket (TCP_INFO).
    package var keepaliveCountMax = 3
    /// Defaults to `~/.ssh/config`; a file that does not exist means no configuration.
    package var configPath: String?
    /// Home directory for `~` and the defaults above; defaults to `$HOME`.
    package var homeDirectory: String?

    package init() {}

    var home: String {
        homeDirectory ?? ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
    }

    func expand(_ path: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst(1) }
        return path
    }

    var resolvedKnownHostsPath: String { expand(knownHostsPath ?? "~/.ssh/known_hosts") }
    var resolvedConfigPath: String { expand(configPath ?? "~/.ssh/config") }
}

/// A target after the SSH configuration was applied.
package struct ResolvedTarget: Sendable, Equatable {
    /// The name the operator typed.
    package var alias: String
    /// The name or address connected to (HostName, else the alias).
    package var hostName: String
    package var port: Int
    package var user: String
    /// Identity files to try, in order, already expanded.
    package var identityFiles: [String]
    /// True when the operator named the identity files; a missing one is then an error.
    package var identityFilesExplicit: Bool

    package init(_ target: SSHTarget, options: ConnectOptions) throws {
        let config = try SSHConfigFile(contentsOf: options.resolvedConfigPath)
        let settings = config.settings(for: target.host)
        alias = target.host
        hostName = settings.hostName ?? target.host
        port = target.port ?? settings.port ?? 22
        user = target.user ?? settings.user ?? Self.localUser()
        if !options.identityFiles.isEmpty {
            identityFiles = options.identityFiles.map(options.expand)
            identityFilesExplicit = true
        } else if !settings.identityFiles.isEmpty {
            identityFiles = settings.identityFiles.map {
                options.expand($0.replacingOccurrences(of: "%d", with: options.home)
                    .replacingOccurrences(of: "%h", with: target.host))
            }
            identityFilesExplicit = false
        } else {
            identityFiles = ["~/.ssh/id_ed25519", "~/.ssh/id_ecdsa"].map(options.expand)
            identityFilesExplicit = false
        }
    }

    static func localUser() -> String {
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "root"
    }
}
