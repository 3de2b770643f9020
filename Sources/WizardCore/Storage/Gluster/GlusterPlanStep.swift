import HostOps

/// One operation a generic runner performs on one host over SSH, taken from a `GlusterVolumePlan`.
///
/// Order: the phases run one after the other (every host finishes `hostSetup` before any brick is
/// prepared, every brick is prepared before the first `peer probe`); within a phase the steps of one
/// host run in the listed order, and different hosts may run in parallel. A step that fails stops
/// the run: later steps assume the earlier ones succeeded.
package struct GlusterPlanStep: Sendable, Equatable {
    package enum Phase: String, Sendable, CaseIterable {
        /// /etc/hosts lines, packages, glusterd enabled and started (every host).
        case hostSetup = "host setup"
        /// Partition, mkfs.xfs, fstab, mount, brick directory (hosts with disk bricks). Destroys data.
        case brickPreparation = "brick preparation"
        /// peer probe, volume create/start/set, then the read-back (first host).
        case volume
    }

    /// What the output of a read-only step is for.
    package enum ReadBack: Sendable, Equatable {
        /// `gluster peer status`: every peer 'Peer in Cluster (Connected)'.
        case peerStatus
        /// `gluster volume info NAME`: parse with `GlusterVolumeInfo.parse`.
        case volumeInfo
        /// `gluster volume status NAME`: parse with `GlusterVolumeStatus.parse`, then `GlusterVolumeHealth`.
        case volumeStatus
    }

    package var phase: Phase
    package var host: String
    package var operation: HostOperation
    /// `HOST:DEVICE` that the operator must have confirmed before this step may run (it destroys the
    /// disk's data); nil for steps that need no confirmation.
    package var requiredConfirmation: String?
    /// Why the step exists, for progress panes and the journal.
    package var purpose: String

    /// False for read-only steps, which are safe to repeat and to run in a dry run.
    package var changesHost: Bool { operation.changesHost }

    package var readBack: ReadBack? {
        switch operation {
        case .gluster(.peerStatus): return .peerStatus
        case .gluster(.volumeInfo): return .volumeInfo
        case .gluster(.volumeStatus): return .volumeStatus
        default: return nil
        }
    }
}

extension GlusterVolumePlan {
    /// Every step of the plan, in run order (see `GlusterPlanStep`). Destructive steps carry the
    /// confirmation they need; use `runnableSteps(confirmed:)` to get a list that may be run.
    package var steps: [GlusterPlanStep] {
        var steps: [GlusterPlanStep] = []
        for setup in hostSetup {
            for operation in setup.operations {
                steps.append(GlusterPlanStep(phase: .hostSetup, host: setup.host, operation: operation,
                                             requiredConfirmation: nil, purpose: operation.title))
            }
        }
        for preparation in preparations {
            for operation in preparation.operations {
                steps.append(GlusterPlanStep(
                    phase: .brickPreparation, host: preparation.host, operation: operation,
                    requiredConfirmation: preparation.confirmationToken,
                    purpose: "prepare \(preparation.device) for brick \(preparation.brickDirectory): \(operation.title)"))
            }
        }
        for command in commands {
            steps.append(GlusterPlanStep(phase: .volume, host: command.host, operation: command.operation,
                                         requiredConfirmation: nil, purpose: command.purpose))
        }
        return steps
    }

    /// The read-back of the volume (`volume info`, `volume status`): checks run after every host finished.
    package var readBackSteps: [GlusterPlanStep] {
        steps.filter { $0.readBack == .volumeInfo || $0.readBack == .volumeStatus }
    }

    /// The steps, once every disk the plan wipes is confirmed by name and no confirmation names a disk
    /// the plan does not touch; otherwise the error names the disks.
    package func runnableSteps(confirmed: Set<String>) throws(GlusterPlanError) -> [GlusterPlanStep] {
        _ = try confirmedPreparations(confirmed: confirmed)
        return steps
    }
}
