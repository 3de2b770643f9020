import ArgumentParser
import Deploy
import Foundation
import HostOps
import OtopiKit
import SSHKit
import WizardCore

/// `ovirt-wizard gluster …`: GlusterFS volumes for oVirt storage.
struct GlusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gluster",
        abstract: "Plan GlusterFS volumes for oVirt.",
        subcommands: [GlusterPlanCommand.self, GlusterStatusCommand.self]
    )
}

extension GlusterVolumeType: ExpressibleByArgument {}
extension GlusterTransport: ExpressibleByArgument {}
extension GlusterServiceManager: ExpressibleByArgument {}

struct GlusterPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print a volume's layout, usable capacity, warnings and the exact gluster commands.",
        discussion: """
            Bricks are HOST:/DIRECTORY (used as it is), HOST:/dev/DISK (partitioned, formatted with \
            mkfs.xfs -i size=512 and mounted by the plan: destroys its data) or HOST:/dev/DISK=/MOUNTPOINT. \
            The request comes either from --answers FILE (written by: ovirt-wizard plain --flow gluster) or from \
            the options. Nothing is run here: ovirt-wizard plan/apply --answers FILE run the plan of a gluster flow answer file.
            """
    )

    @Option(name: .customLong("host"), help: ArgumentHelp("A brick, HOST:BRICK; repeat for every brick, in the order you want.", valueName: "host:brick"))
    var bricks: [String] = []

    @Option(name: .customLong("answers"), help: ArgumentHelp("Answer file of the gluster flow (repeatable; later files win).", valueName: "FILE"))
    var answerFiles: [String] = []

    @Option(help: "distribute, replicate, distributed-replicate, disperse, stripe, distributed-striped-replicate.")
    var type: GlusterVolumeType?

    @Option(help: "Volume name.")
    var volume: String = "gluster-vol1"

    @Option(help: "Copies of each file (replicate types).")
    var replica: Int?

    @Option(help: "Bricks each file is striped over (stripe types; GlusterFS ≤ 5 only).")
    var stripe: Int?

    @Option(help: "Bricks per disperse set (disperse; default: all bricks).")
    var disperse: Int?

    @Option(help: "Bricks per disperse set that may fail.")
    var redundancy: Int?

    @Option(help: "tcp, rdma or tcp,rdma.")
    var transport: GlusterTransport = .tcp

    @Option(name: .customLong("brick-size"), help: "Size of each brick, e.g. 5GB (decimal), 5G or 5GiB (binary).")
    var brickSize: String?

    @Flag(help: "Append 'force' to volume create (bricks at mount points or on the root file system).")
    var force = false

    @Option(name: .customLong("address"), help: ArgumentHelp("HOST=IP for /etc/hosts on every host (when there is no DNS); repeat per host.", valueName: "host=ip"))
    var addresses: [String] = []

    @Option(name: .customLong("service-manager"), help: "systemd (EL7+) or sysvinit (EL6, as in the seed).")
    var serviceManager: GlusterServiceManager = .systemd

    @Option(name: .customLong("confirm-destroy"), help: ArgumentHelp("Confirm that HOST:/dev/DISK may be wiped; repeat for every disk.", valueName: "host:device"))
    var confirmations: [String] = []

    func validate() throws {
        if !answerFiles.isEmpty && (!bricks.isEmpty || type != nil) {
            throw ValidationError("give either --answers FILE or --host/--type, not both")
        }
        if answerFiles.isEmpty && type == nil { throw ValidationError("give --type (or --answers FILE)") }
    }

    func run() throws {
        let plan: GlusterVolumePlan
        var confirmations = Set(self.confirmations)
        if !answerFiles.isEmpty {
            let answers: GlusterFlowAnswers
            do {
                answers = try GlusterFlowAnswers(environment: OtopiEnvironment(files: try loadAnswerFiles(answerFiles)))
            } catch let error as GlusterFlowAnswersError {
                StorageCommandOutput.error("error: \(answerFiles.joined(separator: ", ")): \(error.description)")
                throw ExitCode.badInput
            }
            do {
                plan = try GlusterVolumePlanner.plan(answers.request)
            } catch {
                StorageCommandOutput.error("error: \(error.description)")
                throw ExitCode.badInput
            }
            confirmations.formUnion(answers.confirmations)
            try report(plan, confirmations: confirmations, source: "\(GlusterFlowAnswers.destroyDevicesKey) (or --confirm-destroy)")
            return
        }
        guard let type else { throw ValidationError("give --type") }
        do {
            if bricks.isEmpty { throw GlusterPlanError.invalidCounts("give the bricks with --host HOST:BRICK, once per brick") }
            var addressMap: [String: String] = [:]
            for pair in addresses {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty, addressMap[parts[0]] == nil else {
                    throw GlusterPlanError.invalidCounts("--address \(pair): expected HOST=IP, once per host")
                }
                addressMap[parts[0]] = parts[1]
            }
            let request = GlusterVolumeRequest(
                volumeName: volume, type: type, bricks: try bricks.map { try GlusterBrickSpec(parsing: $0) },
                replicaCount: replica, stripeCount: stripe, disperseCount: disperse, redundancyCount: redundancy,
                transport: transport, brickSize: try brickSize.map { try ByteSize(parsing: $0) }, force: force,
                addresses: addressMap, serviceManager: serviceManager)
            plan = try GlusterVolumePlanner.plan(request)
        } catch let error as GlusterPlanError {
            StorageCommandOutput.error("error: \(error.description)")
            throw ExitCode.badInput
        }
        try report(plan, confirmations: confirmations, source: "--confirm-destroy")
    }

    /// The volume's layout and capacity, then its steps through the printer of `plan` (nothing is run here).
    func report(_ plan: GlusterVolumePlan, confirmations: Set<String>, source: String) throws {
        print(GlusterLayoutText.render(plan))
        let steps = GlusterDeploymentPlanner().plan(plan, access: [:], answerFile: answerFiles.first ?? "the command line",
                                                    confirmed: confirmations, confirmationSource: source, problemPrefix: "")
        for line in PlanPrinter.text(steps, files: nil) { print(line) }
        // A confirmation that matches nothing is a typo the operator must see.
        let unknown = confirmations.subtracting(plan.requiredConfirmations).sorted()
        if !unknown.isEmpty {
            StorageCommandOutput.error("error: \(source) \(unknown.joined(separator: ", ")) names no disk of this plan (disks: \(plan.requiredConfirmations.joined(separator: " ")))")
            throw ExitCode.badInput
        }
    }
}

/// A volume plan's layout and capacity as the operator reads them (its steps are printed by `PlanPrinter`).
enum GlusterLayoutText {
    static func render(_ plan: GlusterVolumePlan) -> String {
        var out = ""
        func line(_ text: String = "") { out += text + "\n" }
        let request = plan.request
        line("Volume \(request.volumeName): \(plan.glusterTypeName), bricks \(plan.numberOfBricks), transport \(request.transport.rawValue)")
        line()
        line(plan.reordered ? "Layout (bricks reordered, see warnings):" : "Layout (bricks in your order):")
        let setName = request.type.usesReplica ? "replica set" : request.type == .disperse ? "disperse set" : nil
        func setLine(_ set: [GlusterBrick], _ number: Int, indent: String) {
            let members = set.map(\.description).joined(separator: "  ")
            line(setName.map { "\(indent)\($0) \(number): \(members)" } ?? "\(indent)\(members)")
        }
        if request.type.usesStripe {
            var setNumber = 0
            for (index, stripeSet) in plan.stripeSets.enumerated() {
                line("  stripe set \(index + 1):")
                for set in stripeSet {
                    setNumber += 1
                    setLine(set, setNumber, indent: "    ")
                }
            }
        } else if setName != nil {
            for (index, set) in plan.redundancySets.enumerated() { setLine(set, index + 1, indent: "  ") }
        } else {
            for brick in plan.bricks { line("  \(brick)") }
        }
        line()
        if let capacity = plan.capacity {
            line("Capacity: \(capacity.usable) usable of \(capacity.raw) raw (\(capacity.explanation))")
        } else {
            line("Capacity: unknown (give --brick-size)")
        }
        return out
    }
}
