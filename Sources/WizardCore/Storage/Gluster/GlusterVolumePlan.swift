import HostOps

import HostOps
/// A brick as it will appear in `gluster volume create`: `host:path`.
public struct GlusterBrick: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    /// The brick directory.
    public var path: String
    /// Set when the wizard prepares the disk behind this brick.
    public var device: String?
    public var mountPoint: String?
    public var size: ByteSize?

    public var description: String { "\(host):\(path)" }

    /// Host names compare without case, as DNS does. Two different names for one machine cannot be
    /// told apart here; glusterd's own check resolves addresses.
    var hostKey: String { host.lowercased() }
}

/// The layout, capacity, warnings and exact commands for one volume.
public struct GlusterVolumePlan: Sendable, Equatable {
    public var request: GlusterVolumeRequest
    /// The order given to `volume create`.
    public var bricks: [GlusterBrick]
    /// True when the operator's order was changed (see `warnings` for why).
    public var reordered: Bool
    /// Bricks that must survive together: replica sets, disperse sets; for distribute and stripe
    /// every brick alone (nothing protects it).
    public var redundancySets: [[GlusterBrick]]
    /// For stripe types: the stripe sets, each a list of redundancy sets.
    public var stripeSets: [[[GlusterBrick]]]
    /// The text `gluster volume info` will print after "Number of Bricks: ".
    public var numberOfBricks: String
    /// The type `gluster volume info` will print ("Distributed-Striped-Replicate").
    public var glusterTypeName: String
    public var capacity: GlusterCapacity?
    public var warnings: [String]
    /// Per host, before anything else: /etc/hosts lines, packages, glusterd enabled and started.
    public var hostSetup: [GlusterHostSetup]
    public var commands: [GlusterHostCommand]
    /// Disks to partition, format and mount before `volume create`; destructive.
    public var preparations: [BrickPreparation]

    /// Tokens (`HOST:DEVICE`) the operator must confirm before any preparation runs.
    public var requiredConfirmations: [String] { preparations.map(\.confirmationToken) }

    /// The preparation operations per host, only when every device is confirmed by name and no
    /// confirmation names something the plan does not touch.
    public func confirmedPreparations(confirmed: Set<String>) throws(GlusterPlanError) -> [BrickPreparation] {
        let required = Set(requiredConfirmations)
        let missing = requiredConfirmations.filter { !confirmed.contains($0) }
        if !missing.isEmpty { throw .unconfirmedDevices(missing) }
        let unknown = confirmed.subtracting(required).sorted()
        if !unknown.isEmpty { throw .unknownConfirmations(unknown) }
        return preparations
    }
}

public struct GlusterCapacity: Sendable, Equatable {
    /// Sum of all bricks.
    public var raw: ByteSize
    /// What clients can store.
    public var usable: ByteSize
    /// How `usable` follows from the layout, in words.
    public var explanation: String
}

/// One gluster command run on one host.
public struct GlusterHostCommand: Sendable, Equatable {
    public var host: String
    public var verb: GlusterVerb
    public var purpose: String

    public init(host: String, verb: GlusterVerb, purpose: String) {
        self.host = host
        self.verb = verb
        self.purpose = purpose
    }

    public var operation: HostOperation { .gluster(verb) }
}

/// Partitioning, formatting and mounting one disk for one brick. Destroys the disk's data.
public struct BrickPreparation: Sendable, Equatable {
    public var host: String
    public var device: String
    public var partition: String
    public var mountPoint: String
    public var brickDirectory: String
    public var operations: [HostOperation]

    /// What the operator types to confirm this disk: `HOST:DEVICE`.
    public var confirmationToken: String { "\(host):\(device)" }
}
