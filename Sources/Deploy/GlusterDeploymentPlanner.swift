import Foundation
import SSHKit
import WizardCore

/// Turns a Gluster volume plan into Deploy steps: one `HostPlan` per Gluster host, the phases kept by waits
/// across hosts (every host finishes host setup before any brick is prepared; the volume commands start after
/// every host's last step and alternate hosts in the plan's order). The read-back (`volume info`, `volume
/// status`) is not a step: `apply` runs it after the hosts finished and reports the volume's health.
public struct GlusterDeploymentPlanner: Sendable {
    public var remoteBase: String

    public init(remoteBase: String = "/var/lib/ovirt-wizard") { self.remoteBase = remoteBase }

    /// The read-back steps of the plan (run by `apply` at the end, shown by `plan`).
    public static func readBackSteps(_ plan: GlusterVolumePlan) -> [GlusterPlanStep] {
        plan.steps.filter { $0.readBack == .volumeInfo || $0.readBack == .volumeStatus }
    }

    public func plan(_ input: GlusterDeploymentInput) throws -> DeploymentPlan {
        let glusterSteps = input.plan.steps.filter { $0.readBack != .volumeInfo && $0.readBack != .volumeStatus }
        if let step = glusterSteps.first(where: { !$0.stdin.isEmpty }) {
            // No step of today's Gluster plans writes files; the runner's commands have no stdin bytes.
            throw DeploymentPlanner.Problem(description: "\(input.path): the step '\(step.purpose)' needs standard input, which apply cannot send yet")
        }
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
            let word = Self.idWord(g.argv)
            let id = "\(phaseName)-\(counters[hostKey]!)-\(word)"
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
            let command = RemoteCommand(g.argv)
            let marker = "\(remoteBase)/\(hostKey)/done/\(id)"
            let probe = Self.probe(for: g, volume: input.plan.request.volumeName).map(Probe.command) ?? .marker(path: marker)
            var title = "\(g.phase.rawValue): \(g.purpose)"
            if let token = g.requiredConfirmation { title += " (destroys the data on \(token))" }
            steps[hostKey]!.append(PlanStep(
                id: id, title: title, action: .run(command, otopi: false, interactive: false),
                changesHost: g.changesHost, probe: probe, skipIsSafe: false,
                skipNote: "later steps of the Gluster plan assume this one succeeded",
                waitsFor: waits, timeout: g.argv.first == "yum" ? 3600 : 600))
        }

        return DeploymentPlan(hosts: hosts.map { host in
            HostPlan(name: host, tool: .gluster, access: input.access[host]!, answerFile: input.path,
                     remoteDirectory: remoteBase + "/" + host, platform: .assumed("the Gluster plan uses yum and \(input.plan.request.serviceManager.rawValue)"),
                     steps: steps[host] ?? [], secretValues: [])
        })
    }

    /// A short word for a step id: the program and its subcommand (`yum`, `peer-probe`, `mkfs.xfs`).
    static func idWord(_ argv: [String]) -> String {
        if argv.first == "gluster" {
            let words = argv.dropFirst().filter { !$0.hasPrefix("--") }
            return words.prefix(2).joined(separator: "-")
        }
        if argv.first == "sh", argv.count > 2, argv[2].contains("grep -qxF") { return "add-line" }
        return argv.first ?? "step"
    }

    /// A cheap read-only command that exits 0 when the step's effect is in place; nil when there is none (the
    /// wizard's marker then stands for it, e.g. for parted and mkfs.xfs, which must never run twice by accident).
    static func probe(for step: GlusterPlanStep, volume: String) -> RemoteCommand? {
        let argv = step.argv
        guard let program = argv.first else { return nil }
        if !step.changesHost { return RemoteCommand(argv) }
        let words = program == "gluster" ? Array(argv.dropFirst().filter { !$0.hasPrefix("--") }) : []
        switch program {
        case "sh" where argv.count == 6 && argv[2].contains("grep -qxF"):
            // appendLineIfAbsent: sh -c SCRIPT sh LINE PATH
            return RemoteCommand(["grep", "-qxF", "-e", argv[4], "--", argv[5]])
        case "yum" where argv.count > 3 && argv[1] == "install":
            return RemoteCommand(["rpm", "-q"] + argv.dropFirst(2).filter { !$0.hasPrefix("-") })
        case "systemctl" where argv.count == 4 && argv[1] == "enable":
            return .script(#"systemctl is-enabled -q "$1" && systemctl is-active -q "$1""#, arguments: [argv[3]])
        case "service" where argv.count == 3 && argv[2] == "start":
            return RemoteCommand(["service", argv[1], "status"])
        case "mkdir" where argv.count >= 3 && argv[1] == "-p":
            return RemoteCommand(["test", "-d", argv[argv.count - 1]])
        case "mount" where argv.count == 2:
            return RemoteCommand(["mountpoint", "-q", argv[1]])
        case "gluster":
            switch Array(words.prefix(2)) {
            case ["peer", "probe"] where words.count == 3:
                return .script(#"gluster peer status | grep -qixF "Hostname: $1""#, arguments: [words[2]])
            case ["volume", "create"]:
                return RemoteCommand(["gluster", "volume", "info", volume])
            case ["volume", "start"]:
                return .script(#"gluster volume info "$1" | grep -qx "Status: Started""#, arguments: [volume])
            case ["volume", "set"] where words.count == 5:
                return .script(#"gluster volume info "$1" | grep -qxF "$2: $3""#, arguments: [words[2], words[3], words[4]])
            default: return nil
            }
        default: return nil
        }
    }
}
