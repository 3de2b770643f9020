import HostOps

import HostOps
/// A brick as it will appear in `gluster volume create`: `host:path`.
package struct GlusterBrick: Sendable, Hashable, CustomStringConvertible {
    package var host: String
    /// The brick directory.
    package var path: String
    /// Set when the wizard prepares the disk behind this brick.
    package var device: String?
    package var mountPoint: String?
    package var size: ByteSize?

    package var description: String { "\(host):\(path)" }

    /// Host names compare without case, as DNS does. Two different names for one machine cannot be
    /// told apart here; glusterd's own check resolves addresses.
    var hostKey: String { host.lowercased() }
}

/// The layout, capacity, warnings and exact commands for one volume.
package struct GlusterVolumePlan: Sendable, Equatable {
    package var request: GlusterVolumeRequest
    /// The order given to `volume create`.
    package var bricks: [GlusterBrick]
    /// True when the operator's order was changed (see `warnings` for why).
    package var reordered: Bool
    /// Bricks that must survive together: replica sets, disperse sets; for distribute and stripe
    /// every brick alone (nothing protects it).
    package var redundancySets: [[GlusterBrick]]
    /// For stripe types: the stripe sets, each a list of redundancy sets.
    package var stripeSets: [[[GlusterBrick]]]
    /// The text `gluster volume info` will print after "Number of Bricks: ".
    package var numberOfBricks: String
    /// The type `gluster volume info` will print ("Distributed-Striped-Replicate").
    package var glusterTypeName: String
    package var capacity: GlusterCapacity?
    package var warnings: [String]
    /// Per host, before anything else: /etc/hosts lines, packages, glusterd enabled and started.
    package var hostSetup: [GlusterHostSetup]
    package var commands: [GlusterHostCommand]
    /// Disks to partition, format and mount before `volume create`; destructive.
    package var preparations: [BrickPreparation]

    /// Tokens (`HOST:DEVICE`) the operator must confirm before any preparation runs.
    package var requiredConfirmations: [String] { preparations.map(\.confirmationToken) }

    /// The preparation operations per host, only when every device is confirmed by name and no
    /// confirmation names something the plan does not touch.
    package func confirmedPreparations(confirmed: Set<String>) throws(GlusterPlanError) -> [BrickPreparation] {
        let required = Set(requiredConfirmations)
        let missing = requiredConfirmations.filter { !confirmed.contains($0) }
        if !missing.isEmpty { throw .unconfirmedDevices(missing) }
        let unknown = confirmed.subtracting(required).sorted()
        if !unknown.isEmpty { throw .unknownConfirmations(unknown) }
        return preparations
    }
}

package struct GlusterCapacity: Sendable, Equatable {
    /// Sum of all bricks.
    package var raw: ByteSize
    /// What clients can store.
    package var usable: ByteSize
    /// How `usable` follows from the layout, in words.
    package var explanation: String
}

/// One gluster command run on one host.
package struct GlusterHostCommand: Sendable, Equatable {
    package var host: String
    package var verb: GlusterVerb
    package var purpose: String

    package var operation: HostOperation { .gluster(verb) }
}

/// Partitioning, formatting and mounting one disk for one brick. Destroys the disk's data.
package struct BrickPreparation: Sendable, Equatable {
    package var host: String
    package var device: String
    package var partition: String
    package var mountPoint: String
    package var brickDirectory: String
    package var operations: [HostOperation]

    /// What the operator types to confirm this disk: `HOST:DEVICE`.
    package var confirmationToken: String { "\(host):\(device)" }
}
