import HostOps
import WizardCore

/// Turns an export domain's layout into a plan for the one NFS server: one step per directory and file, each
/// verified by its operation's probe (type, mode, owner and, for files, the bytes' checksum), so that a resumed
/// run trusts exactly what is already on the server and redoes nothing else. The preflight (no other domain in
/// the export) and the read-back (`ExportDomainReadBack`) run around the plan.
package struct ExportDomainPlanner: Sendable {
    package var remoteBase: String

    package init(remoteBase: String = "/var/lib/ovirt-wizard") { self.remoteBase = remoteBase }

    /// `host` names the server in progress lines, the journal and the log file (`[user@]host[:port]`).
    package func plan(_ layout: ExportDomainLayout, exportRoot: String, host: String, access: HostAccess,
                     answerFile: String) -> DeploymentPlan {
        let steps = layout.operations(exportRoot: exportRoot).enumerated().map { index, operation in
            PlanStep(id: "domain-\(index + 1)-\(operation.stepWord)", title: operation.title, action: .operation(operation),
                     changesHost: operation.changesHost, probe: operation.probe.map(Probe.command) ?? .rerun,
                     skipIsSafe: false, skipNote: "vdsm needs every directory and file of the domain",
                     waitsFor: [], timeout: operation.timeout)
        }
        return DeploymentPlan(hosts: [
            HostPlan(name: host, tool: .exportDomain, access: access, answerFile: answerFile,
                     remoteDirectory: remoteBase + "/" + layout.sdUUID,
                     platform: .assumed("the export domain needs POSIX tools only"), steps: steps, secretValues: []),
        ])
    }
}
