/// One program a generic runner starts on one host over SSH, taken from a `GlusterVolumePlan`.
///
/// Order: the phases run one after the other (every host finishes `hostSetup` before any brick is
/// prepared, every brick is prepared before the first `peer probe`); within a phase the steps of one
/// host run in the listed order, and different hosts may run in parallel. A step that fails stops
/// the run: later steps assume the earlier ones succeeded.
public struct GlusterPlanStep: Sendable, Equatable {
    public enum Phase: String, Sendable, CaseIterable {
        /// /etc/hosts lines, packages, glusterd enabled and started (every host).
        case hostSetup = "host setup"
        /// Partition, mkfs.xfs, fstab, mount, brick directory (hosts with disk bricks). Destroys data.
        case brickPreparation = "brick preparation"
        /// peer probe, volume create/start/set, then the read-back (first host).
        case volume
    }

    /// What the output of a read-only step is for.
    public enum ReadBack: Sendable, Equatable {
        /// `gluster peer status`: every peer 'Peer in Cluster (Connected)'.
        case peerStatus
        /// `gluster volume info NAME`: parse with `GlusterVolumeInfo.parse`.
        case volumeInfo
        /// `gluster volume status NAME`: parse with `GlusterVolumeStatus.parse`, then `GlusterVolumeHealth`.
        case volumeStatus
    }

    public var phase: Phase
    public var host: String
    /// Never a shell string: SSHKit's `RemoteCommand(argv)` quotes every word.
    public var argv: [String]
    /// Bytes for the program's standard input (empty: EOF at once).
    public var stdin: [UInt8]
    /// False for read-only steps, which are safe to repeat and to run in a dry run.
    public var changesHost: Bool
    /// `HOST:DEVICE` that the operator must have confirmed before this step may run (it destroys the
    /// disk's data); nil for steps that need no confirmation.
    public var requiredConfirmation: String?
    /// Why the step exists, for progress panes and the journal.
    public var purpose: String
    public var readBack: ReadBack?
}

extension GlusterVolumePlan {
    /// Every step of the plan, in run order (see `GlusterPlanStep`). Destructive steps carry the
    /// confirmation they need; use `runnableSteps(confirmed:)` to get a list that may be run.
    public var steps: [GlusterPlanStep] {
        var steps: [GlusterPlanStep] = []
        for setup in hostSetup {
            for operation in setup.operations {
                steps += Self.steps(of: operation, phase: .hostSetup, host: setup.host, confirmation: nil)
            }
        }
        for preparation in preparations {
            for operation in preparation.operations {
                steps += Self.steps(of: operation, phase: .brickPreparation, host: preparation.host,
                                    confirmation: preparation.confirmationToken,
                                    purpose: "prepare \(preparation.device) for brick \(preparation.brickDirectory)")
            }
        }
        for command in commands {
            let readBack: GlusterPlanStep.ReadBack?
            switch Array(command.argv.drop { $0 != "peer" && $0 != "volume" }.prefix(2)) {
            case ["peer", "status"]: readBack = .peerStatus
            case ["volume", "info"]: readBack = .volumeInfo
            case ["volume", "status"]: readBack = .volumeStatus
            default: readBack = nil
            }
            steps.append(GlusterPlanStep(phase: .volume, host: command.host, argv: command.argv, stdin: [],
                                         changesHost: command.kind == .change, requiredConfirmation: nil,
                                         purpose: command.purpose, readBack: readBack))
        }
        return steps
    }

    /// The steps, once every disk the plan wipes is confirmed by name and no confirmation names a disk
    /// the plan does not touch; otherwise the error names the disks.
    public func runnableSteps(confirmed: Set<String>) throws(GlusterPlanError) -> [GlusterPlanStep] {
        _ = try confirmedPreparations(confirmed: confirmed)
        return steps
    }

    static func steps(of operation: StorageOperation, phase: GlusterPlanStep.Phase, host: String,
                      confirmation: String?, purpose: String? = nil) -> [GlusterPlanStep] {
        let text: String
        switch operation {
        case .createDirectory(let path, _, _, _): text = "create \(path)"
        case .writeFile(let path, _, _, _, _): text = "write \(path)"
        case .appendLineIfAbsent(let path, let line): text = "add \"\(line.replacingOccurrences(of: "\t", with: " "))\" to \(path)"
        case .run(let argv): text = argv.prefix(3).joined(separator: " ")
        }
        // Every storage operation changes the host (even an idempotent one like the /etc/hosts line).
        return operation.execSteps.map {
            GlusterPlanStep(phase: phase, host: host, argv: $0.argv, stdin: $0.stdin, changesHost: true,
                            requiredConfirmation: confirmation, purpose: purpose.map { "\($0): \(text)" } ?? text, readBack: nil)
        }
    }
}
