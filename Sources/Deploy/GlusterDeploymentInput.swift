import Foundation
import OtopiKit
import SSHKit
import WizardCore

/// An answer file of the gluster flow: one file for every Gluster host, reached with the file's one SSH login
/// (`OVIRT_WIZARD/sshUser`, `sshPort`, `sshIdentity`; without a port, ssh_config's or 22).
public struct GlusterDeploymentInput: Sendable {
    public var path: String
    public var answers: GlusterFlowAnswers
    public var plan: GlusterVolumePlan
    /// How to reach each host of the plan, by the name the plan uses.
    public var access: [String: HostAccess]

    /// True when the environment holds the gluster flow's keys (`GLUSTER/…`).
    public static func isGluster(_ environment: OtopiEnvironment) -> Bool {
        environment.items.keys.contains { $0.hasPrefix("GLUSTER/") }
    }

    public init(path: String, environment: OtopiEnvironment, options: ConnectOptions) throws {
        self.path = path
        do {
            answers = try GlusterFlowAnswers(environment: environment)
        } catch {
            throw DeploymentInput.Problem(path: path, message: error.description)
        }
        do {
            plan = try GlusterVolumePlanner.plan(answers.request)
        } catch {
            throw DeploymentInput.Problem(path: path, message: error.description)
        }
        func text(_ key: String) -> String? {
            guard let value = environment[key]?.value, !value.isNone else { return nil }
            let t = value.displayText
            return t.isEmpty ? nil : t
        }
        var port: Int?
        if let p = text("OVIRT_WIZARD/sshPort") {
            guard let n = Int(p), (1...65535).contains(n) else {
                throw DeploymentInput.Problem(path: path, message: "OVIRT_WIZARD/sshPort=\(p) is not a port number (1-65535)")
            }
            port = n
        }
        var connect = options
        if let identity = text("OVIRT_WIZARD/sshIdentity") { connect.identityFiles = [identity] }
        let user = text("OVIRT_WIZARD/sshUser")
        var access: [String: HostAccess] = [:]
        for host in plan.hostSetup.map(\.host) {
            access[host] = HostAccess(target: SSHTarget(user: user, host: host, port: port), options: connect)
        }
        self.access = access
    }

    /// The plan's hosts in the order they first appear (the first one creates the volume).
    public var hosts: [String] { plan.hostSetup.map(\.host) }

    /// Disks the plan wipes that the answer file does not confirm, and confirmations naming no disk of the plan.
    public var confirmationProblem: String? {
        do {
            _ = try plan.runnableSteps(confirmed: answers.confirmations)
            return nil
        } catch {
            return "\(path): \(GlusterFlowAnswers.destroyDevicesKey): \(error.description)"
        }
    }
}
