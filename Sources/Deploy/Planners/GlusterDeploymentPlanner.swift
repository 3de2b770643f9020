import Foundation
import HostOps
import SSHKit
import WizardCore

/// Turns a Gluster volume plan into Deploy steps: one `HostPlan` per Gluster host, the phases kept by waits
/// across hosts (every host finishes host setup before any brick is prepared; the volume commands start after
/// every host's last step and alternate hosts in the plan's order). The read-back (`volume info`, `volume
/// status`) is not a step: `apply` runs it after the hosts finished and reports the volume's health.
package struct GlusterDeploymentPlanner: Sendable {
    package var remoteBase: String

    package init(remoteBase: String = "/var/lib/ovirt-wizard") { self.remoteBase = remoteBase }

    package func plan(_ input: GlusterDeploymentInput) -> DeploymentPlan {
        plan(input.plan, access: input.access, answerFile: input.path, confirmed: input.answers.confirmations,
             confirmationSource: GlusterFlowAnswers.destroyDevicesKey, problemPrefix: "\(input.path): \(GlusterFlowAnswers.destroyDevicesKey): ")
    }

    /// `confirmed`: the disks the operator confirmed (where: `confirmationSource`); `problemPrefix` starts the
    /// message when they do not match the disks the volume's plan wipes.
    package func plan(_ volume: GlusterVolumePlan, access: [String: HostAccess], answerFile: String, confirmed: Set<String>,
                     confirmationSource: String, problemPrefix: String) -> DeploymentPlan {
        let glusterSteps = volume.steps.filter { $0.readBack != .volumeInfo && $0.readBack != .volumeStatus }
        var hosts: [String] = []
        for setup in volume.hostSetup where !hosts.contains(setup.host) { hosts.append(setup.host) }
        var steps: [String: [PlanStep]] = [:]
        var counters: [String: Int] = [:]
        /// The last step of each host before the volume phase (for the waits).
        var lastSetup: [String: String] = [:]
        var lastBeforeVolume: [String: String] = [:]
        var previousVolume: (host: String, id: String)?
        var brickPhaseStarted: Set<String> = []

        for host in hosts {
            let dir = remoteBase + "/" + host
            let prepare = RemoteCommand(["mkdir", "-p", "-m", "0700", dir + "/done"])
            steps[host] = [PlanStep(id: "prepare-directory", title: "Create \(dir)", action: .run(prepare, otopi: false, interactive: false),
                                    changesHost: true, probe: .command(RemoteCommand(["test", "-d", dir + "/done"])), skipIsSafe: false,
                                    skipNote: "the wizard's step markers go there", waitsFor: [], timeout: 60)]
            lastSetup[host] = "prepare-directory"
            lastBeforeVolume[host] = "prepare-directory"
        }

        for g in glusterSteps {
            guard let hostKey = hosts.first(where: { $0.lowercased() == g.host.lowercased() }) else { continue }
            counters[hostKey, default: 0] += 1
            let phaseName: String
            switch g.phase {
            case .hostSetup: phaseName = "setup"
            case .brickPreparation: phaseName = "bricks"
            case .volume: phaseName = "volume"
            }
            let id = "\(phaseName)-\(counters[hostKey]!)-\(g.operation.stepWord)"
            var waits: [StepReference] = []
            switch g.phase {
            case .hostSetup:
                lastSetup[hostKey] = id
                lastBeforeVolume[hostKey] = id
            case .brickPreparation:
                if !brickPhaseStarted.contains(hostKey) {
                    brickPhaseStarted.insert(hostKey)
                    waits = hosts.filter { $0 != hostKey }.map { StepReference(host: $0, step: lastSetup[$0]) }
                }
                lastBeforeVolume[hostKey] = id
            case .volume:
                if let previous = previousVolume {
                    if previous.host != hostKey { waits = [StepReference(host: previous.host, step: previous.id)] }
                } else {
                    waits = hosts.filter { $0 != hostKey }.map { StepReference(host: $0, step: lastBeforeVolume[$0]) }
                }
                previousVolume = (hostKey, id)
            }
            // Without a probe (parted, mkfs.xfs: never run twice by accident) the wizard's marker stands for it.
            let marker = "\(remoteBase)/\(hostKey)/done/\(id)"
            let probe = g.operation.probe.map(Probe.command) ?? .marker(path: marker)
            var title = "\(g.phase.rawValue): \(g.purpose)"
            if let token = g.requiredConfirmation { title += " (destroys the data on \(token))" }
            steps[hostKey]!.append(PlanStep(
                id: id, title: title, action: .operation(g.operation),
                changesHost: g.changesHost, probe: probe, skipIsSafe: false,
                skipNote: "later steps of the Gluster plan assume this one succeeded",
                waitsFor: waits, timeout: g.operation.timeout))
        }

        var plan = DeploymentPlan(hosts: hosts.map { host in
            HostPlan(name: host, tool: .gluster, access: access[host] ?? HostAccess(target: SSHTarget(host: host), options: ConnectOptions()),
                     answerFile: answerFile, remoteDirectory: remoteBase + "/" + host,
                     platform: .assumed("the Gluster plan uses yum and \(volume.request.serviceManager.rawValue)"),
                     steps: steps[host] ?? [], secretValues: [])
        })
        plan.finalChecks = volume.readBackSteps.map { FinalCheck(host: $0.host, operation: $0.operation, purpose: $0.purpose) }
        plan.warnings = volume.warnings
        plan.confirmations = volume.preparations.map {
            Confirmation(host: $0.host, token: $0.confirmationToken, effect: "\($0.device) → \($0.partition) at \($0.mountPoint)",
                         confirmed: confirmed.contains($0.confirmationToken), source: confirmationSource)
        }
        do {
            _ = try volume.runnableSteps(confirmed: confirmed)
        } catch {
            plan.confirmationProblem = problemPrefix + error.description
        }
        return plan
    }
}
