import HostOps
/// Everything that can go wrong talking to a host. Each case prints as one line that names the host (and file,
/// where there is one) and, where possible, what the operator can do next. No case ever carries a secret.
package enum SSHError: Error, CustomStringConvertible, Sendable {
    case invalidTarget(String, reason: String)
    case resolveFailed(host: String, detail: String)
    case connectFailed(host: String, port: Int, detail: String)
    case handshakeFailed(host: String, detail: String)
    case hostKeyUnknown(UnknownHostKey)
    case hostKeyRejected(UnknownHostKey)
    case hostKeyChanged(ChangedHostKey)
    case hostKeyRevoked(UnknownHostKey, line: Int)
    case knownHostsUnusable(path: String, detail: String)
    case authenticationFailed(user: String, host: String, tried: [String], hint: String?)
    case channelFailed(host: String, detail: String)
    case timedOut(host: String, what: String, seconds: Double)
    case cancelled(host: String)
    case connectionLost(host: String, detail: String)
    case sftpFailed(host: String, path: String, detail: String)
    case localFile(path: String, detail: String)
    case integrityMismatch(host: String, path: String, local: String, remote: String)
    case configFile(path: String, line: Int, detail: String)
    /// sudo would not run a root step for the login user (wrong password, not in sudoers, requiretty, …).
    case sudoFailed(host: String, user: String, reason: String)

    package var description: String {
        switch self {
        case let .invalidTarget(text, reason):
            return "invalid host '\(text)': \(reason)"
        case let .resolveFailed(host, detail):
            return "\(host): cannot resolve host name: \(detail)"
        case let .connectFailed(host, port, detail):
            return "\(host) port \(port): cannot connect: \(detail)"
        case let .handshakeFailed(host, detail):
            return "\(host): SSH handshake failed: \(detail)"
        case let .hostKeyUnknown(key):
            return "\(key.hostDisplay): host key is not known (\(key.keyType) \(key.fingerprint)); "
                + "check the fingerprint, then accept it (--accept-new records it in \(key.knownHostsPath))"
        case let .hostKeyRejected(key):
            return "\(key.hostDisplay): host key \(key.keyType) \(key.fingerprint) was not accepted"
        case let .hostKeyChanged(change):
            return change.description
        case let .hostKeyRevoked(key, line):
            return "\(key.hostDisplay): host key \(key.keyType) \(key.fingerprint) is marked @revoked in "
                + "\(key.knownHostsPath):\(line); refusing to connect"
        case let .knownHostsUnusable(path, detail):
            return "\(path): known_hosts file cannot be used: \(detail)"
        case let .authenticationFailed(user, host, tried, hint):
            let methods = tried.isEmpty ? "no method was available" : "tried " + tried.joined(separator: ", ")
            return "\(user)@\(host): authentication failed (\(methods))" + (hint.map { "; \($0)" } ?? "")
        case let .channelFailed(host, detail):
            return "\(host): \(detail)"
        case let .timedOut(host, what, seconds):
            return "\(host): \(what) timed out after \(Self.format(seconds)) s"
        case let .cancelled(host):
            return "\(host): cancelled"
        case let .connectionLost(host, detail):
            return "\(host): connection lost: \(detail)"
        case let .sftpFailed(host, path, detail):
            return "\(host):\(path): \(detail)"
        case let .localFile(path, detail):
            return "\(path): \(detail)"
        case let .integrityMismatch(host, path, local, remote):
            return "\(host):\(path): SHA-256 differs after transfer (local \(local), remote \(remote))"
        case let .configFile(path, line, detail):
            return "\(path):\(line): \(detail)"
        case let .sudoFailed(host, user, reason):
            return "\(user)@\(host): cannot become root: \(reason)"
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

/// A host key that known_hosts does not hold yet, as OpenSSH shows it.
package struct UnknownHostKey: Sendable, Equatable {
    package let host: String
    package let port: Int
    /// OpenSSH name of the key type, e.g. `ssh-ed25519`.
    package let keyType: String
    /// `SHA256:` followed by unpadded base64, exactly as `ssh-keygen -lf` prints it.
    package let fingerprint: String
    package let knownHostsPath: String
    /// The key in base64, as it would be written to known_hosts.
    package let keyBase64: String

    /// `host` or `[host]:port`, the form known_hosts uses.
    package var hostDisplay: String { KnownHostsFile.hostField(host: host, port: port) }
}

/// known_hosts holds a different key of the same type for this host.
package struct ChangedHostKey: Sendable, Equatable, CustomStringConvertible {
    package let presented: UnknownHostKey
    /// 1-based line of the entry that disagrees, when it could be found.
    package let line: Int?

    package var description: String {
        let host = presented.hostDisplay
        let whereText = line.map { "\(presented.knownHostsPath):\($0)" } ?? presented.knownHostsPath
        return "\(host): REMOTE HOST IDENTIFICATION HAS CHANGED: it presents \(presented.keyType) "
            + "\(presented.fingerprint), but \(whereText) holds another key; someone may be intercepting the "
            + "connection, or the host was reinstalled. If you are sure, remove the old entry with: "
            + "ssh-keygen -f \(ShellQuote.quote(presented.knownHostsPath)) -R \(ShellQuote.quote(host))"
    }
}
