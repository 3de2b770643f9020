import Foundation
import HostOps
import SSHKit
import WizardCore

/// Turns a Gluster volume plan into Deploy steps: one `HostPlan` per Gluster host, the phases kept by waits
/// across hosts (every host finishes host setup before any brick is prepared; the volume commands start after
/// every host's last step and alternate hosts in the plan's order). The read-back (`volume info`, `volume
/// status`) is not a step: `apply` runs it after the hosts finished and reports the volume's health.
public struct GlusterDeploymentPlanner: Sendable {
    public var remoteBase: String

    public init(remoteBase: String = "/var/lib/ovirt-wizard") { self.remoteBase = remoteBase }

    public func plan(_ input: GlusterDeploymentInput) throws -> DeploymentPlan {
        let glusterSteps = input.plan.steps.filter { $0.readBack != .volumeInfo && $0.readBack != .volumeStatus }
        let hosts = input.hosts
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

        return DeploymentPlan(hosts: hosts.map { host in
            HostPlan(name: host, tool: .gluster, access: input.access[host]!, answerFile: input.path,
                     remoteDirectory: remoteBase + "/" + host, platform: .assumed("the Gluster plan uses yum and \(input.plan.request.serviceManager.rawValue)"),
                     steps: steps[host] ?? [], secretValues: [])
        })
    }
}
