import Foundation
import OtopiKit
import SSHKit
import WizardCore

/// An answer file of the gluster flow: one file for every Gluster host, reached with the file's one SSH login
/// (`OVIRT_WIZARD/sshUser`, `sshPort`, `sshIdentity`; without a port, ssh_config's or 22).
package struct GlusterDeploymentInput: Sendable {
    package var path: String
    package var answers: GlusterFlowAnswers
    package var plan: GlusterVolumePlan
    /// How to reach each host of the plan, by the name the plan uses.
    package var access: [String: HostAccess]

    package init(_ file: DeploymentAnswerFile, options: ConnectOptions) throws {
        try self.init(path: file.path, environment: file.environment, options: options)
    }

    package init(path: String, environment: OtopiEnvironment, options: ConnectOptions) throws {
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
        let login: TargetLogin
        do {
            login = try TargetLogin(environment: environment)
        } catch {
            throw DeploymentInput.Problem(path: path, message: error.description)
        }
        var access: [String: HostAccess] = [:]
        for host in plan.hostSetup.map(\.host) {
            access[host] = HostAccess(login.reaching(host), options: options)
        }
        self.access = access
    }

    /// The plan's hosts in the order they first appear (the first one creates the volume).
    package var hosts: [String] { plan.hostSetup.map(\.host) }

    /// Disks the plan wipes that the answer file does not confirm, and confirmations naming no disk of the plan.
    package var confirmationProblem: String? {
        do {
            _ = try plan.runnableSteps(confirmed: answers.confirmations)
            return nil
        } catch {
            return "\(path): \(GlusterFlowAnswers.destroyDevicesKey): \(error.description)"
        }
    }
}
