import OtopiKit
import SSHKit
import WizardCore

/// How to reach a target host: its SSH target and the connection options.
package struct HostAccess: Sendable {
    package var target: SSHTarget
    package var options: ConnectOptions

    package init(target: SSHTarget, options: ConnectOptions) {
        self.target = target
        self.options = options
    }

    /// The wizard's login (`TargetLogin`, the one parser of the `OVIRT_WIZARD/` login keys) with the connection
    /// options; its identity file is tried first. Nil when the login names no host.
    package init?(_ login: TargetLogin, options base: ConnectOptions) {
        guard let host = login.host else { return nil }
        var options = base
        if let identity = login.identity { options.identityFiles = [identity] }
        self.init(target: SSHTarget(user: login.user, host: host, port: login.port), options: options)
    }

    package func connect() throws -> SSHConnection {
        try SSHConnection.connect(target, options: options)
    }
}
