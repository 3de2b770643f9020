import OtopiKit
import SSHKit
import WizardCore

/// How to reach the target host named by the wizard's own answers (`OVIRT_WIZARD/host`, `sshUser`, `sshPort`,
/// `sshIdentity`).
public struct HostAccess: Sendable {
    public var target: SSHTarget
    public var options: ConnectOptions

    public init(target: SSHTarget, options: ConnectOptions) {
        self.target = target
        self.options = options
    }

    /// Nil when the answers name no host.
    public init?(answers: Answers, options base: ConnectOptions) {
        guard let host = answers["OVIRT_WIZARD/host"]?.value.stringValue, !host.isEmpty else { return nil }
        let user = answers["OVIRT_WIZARD/sshUser"]?.value.stringValue
        let port = answers["OVIRT_WIZARD/sshPort"]?.value.intValue
        var options = base
        if let identity = answers["OVIRT_WIZARD/sshIdentity"]?.value.stringValue, !identity.isEmpty {
            options.identityFiles = [identity]
        }
        self.init(target: SSHTarget(user: user?.isEmpty == false ? user : nil, host: host, port: port), options: options)
    }

    public func connect() throws -> SSHConnection {
        try SSHConnection.connect(target, options: options)
    }
}
