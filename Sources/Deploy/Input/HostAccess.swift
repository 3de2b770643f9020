import OtopiKit
import SSHKit
import WizardCore

/// How to reach a target host: its SSH target, the connection options and how the login user becomes root.
package struct HostAccess: Sendable {
    package var target: SSHTarget
    package var options: ConnectOptions
    /// How the plan's root steps become root (`OVIRT_WIZARD/become`); `.none`: the login user is root.
    package var become: TargetLogin.Become = .none

    package init(target: SSHTarget, options: ConnectOptions, become: TargetLogin.Become = .none) {
        self.target = target
        self.options = options
        self.become = become
    }

    /// The wizard's login (`TargetLogin`, the one parser of the `OVIRT_WIZARD/` login keys) with the connection
    /// options; its identity file is tried first. Nil when the login names no host.
    package init?(_ login: TargetLogin, options base: ConnectOptions) {
        guard let host = login.host else { return nil }
        var options = base
        if let identity = login.identity { options.identityFiles = [identity] }
        self.init(target: SSHTarget(user: login.user, host: host, port: login.port), options: options, become: login.become)
    }

    /// Connects as the login user. `forRootSteps`: the connection will run the plan's root steps, so when the
    /// login becomes root through sudo, sudo is set up and checked now (`SudoLogin`): its password asked once
    /// per host and run (the credential cache remembers it), wrong ones asked again, sudo's refusal one line.
    /// `usesRunner`: commands share one long-lived shell (a root one for the root steps).
    package func connect(forRootSteps: Bool = false, usesRunner: Bool = false) throws -> SSHConnection {
        let connection = try SSHConnection.connect(target, options: options)
        if usesRunner { connection.usesRunner = true }
        guard forRootSteps, become != .none else { return connection }
        do {
            try becomeRoot(connection)
        } catch {
            connection.close()
            throw error
        }
        return connection
    }

    /// Sets up and checks sudo on an open connection (see `connect(forRootSteps:)`); nothing for a root login.
    package func becomeRoot(_ connection: SSHConnection) throws {
        try SudoLogin(become: become, options: options).setUp(connection)
    }
}
