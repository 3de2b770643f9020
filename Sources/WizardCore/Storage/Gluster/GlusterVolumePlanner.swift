/// Turns a `GlusterVolumeRequest` into a `GlusterVolumePlan`.
///
/// Grouping follows glusterd (`glusterd-volgen.c`, `volgen_graph_build_clusters`): consecutive
/// bricks of the create command form the replica (or disperse) sets; for striped-replicate,
/// consecutive replica sets form the stripe sets; the rest is distributed. The planner keeps the
/// operator's order unless a set would be lost with one host (or a better spread is possible), and
/// never returns a plan in which losing one host loses data of a redundant volume.
public enum GlusterVolumePlanner {
    public static let ownerUID = 36
    public static let ownerGID = 36

    public static func plan(_ request: GlusterVolumeRequest) throws(GlusterPlanError) -> GlusterVolumePlan {
        try GlusterNames.checkVolumeName(request.volumeName)
        var warnings: [String] = []
        let shape = try Shape(request: request, brickCount: request.bricks.count, warnings: &warnings)
        let resolved = try resolveBricks(request)

        // Order: keep the operator's unless the greedy spread is strictly better.
        let operatorScore = spreadScore(resolved, unit: shape.unit)
        var bricks = resolved
        var reordered = false
        if shape.unit > 1 {
            let spread = spreadOrder(resolved, unit: shape.unit)
            let spreadScore = spreadScore(spread, unit: shape.unit)
            if spreadScore.worst < operatorScore.worst {
                bricks = spread
                reordered = true
                let bad = describeWorstSets(resolved, unit: shape.unit, worst: operatorScore.worst, setName: shape.setName)
                warnings.append("your brick order puts \(bad); the plan reorders the bricks so that each \(shape.setName) spans as many hosts as possible")
            }
        }
        let finalScore = spreadScore(bricks, unit: shape.unit)
        if shape.unit > 1 && finalScore.worst > shape.tolerated {
            throw .unsafeLayout("no order of these bricks keeps every \(shape.setName) alive when one host fails: \(describeWorstSets(bricks, unit: shape.unit, worst: finalScore.worst, setName: shape.setName)); add hosts or bricks on other hosts")
        }
        if shape.unit > 1 && finalScore.worst > 1 {
            warnings.append("a host holds \(finalScore.worst) bricks of one \(shape.setName); losing it leaves the set degraded (add hosts for a full spread)")
        }

        let sets = stride(from: 0, to: bricks.count, by: shape.unit).map { Array(bricks[$0..<$0 + shape.unit]) }
        let stripeSets: [[[GlusterBrick]]] = request.type.usesStripe
            ? stride(from: 0, to: sets.count, by: shape.stripe).map { Array(sets[$0..<$0 + shape.stripe]) }
            : []
        warnings += directoryBrickWarnings(request, bricks)
        let capacity = computeCapacity(request: request, shape: shape, sets: sets, stripeSets: stripeSets, warnings: &warnings)
        let commands = makeCommands(request: request, shape: shape, bricks: bricks)
        var hosts: [String] = []
        for brick in bricks where !hosts.contains(where: { $0.lowercased() == brick.hostKey }) { hosts.append(brick.host) }
        let hostSetup = try GlusterHostSetup.plan(hosts: hosts, addresses: request.addresses, serviceManager: request.serviceManager)
        if request.addresses.isEmpty && hosts.count > 1 {
            warnings.append("no --address given: every host name must resolve on every host (DNS), or give HOST=IP to add /etc/hosts lines as the seed does")
        } else if !request.addresses.isEmpty {
            let without = hosts.filter { host in !request.addresses.keys.contains { $0.lowercased() == host.lowercased() } }
            if !without.isEmpty {
                warnings.append("no --address for \(without.joined(separator: ", ")): these names must resolve by DNS on every host")
            }
        }
        let preparations = makePreparations(bricks)
        return GlusterVolumePlan(
            request: request, bricks: bricks, reordered: reordered, redundancySets: sets, stripeSets: stripeSets,
            numberOfBricks: shape.numberOfBricksText(brickCount: bricks.count),
            glusterTypeName: shape.glusterTypeName(brickCount: bricks.count),
            capacity: capacity, warnings: warnings, hostSetup: hostSetup, commands: commands, preparations: preparations)
    }

    // MARK: - Shape: counts per type

    struct Shape {
        var type: GlusterVolumeType
        var replica = 1
        var stripe = 1
        var disperse = 1
        var redundancy = 0
        /// Size of one redundancy set (consecutive bricks that protect each other); 1 = none.
        var unit = 1
        /// The largest number of a set's bricks one host may hold without losing the set.
        var tolerated = 0
        var setName = "brick"

        init(request: GlusterVolumeRequest, brickCount: Int, warnings: inout [String]) throws(GlusterPlanError) {
            type = request.type
            let n = brickCount
            if n == 0 { throw .invalidCounts("a volume needs at least one brick") }
            func forbid(_ value: Int?, _ name: String) throws(GlusterPlanError) {
                if value != nil { throw .invalidCounts("--\(name) does not apply to a \(request.type.rawValue) volume") }
            }
            if !request.type.usesReplica { try forbid(request.replicaCount, "replica") }
            if !request.type.usesStripe { try forbid(request.stripeCount, "stripe") }
            if request.type != .disperse {
                try forbid(request.disperseCount, "disperse")
                try forbid(request.redundancyCount, "redundancy")
            }
            if request.type.usesReplica {
                guard let r = request.replicaCount else { throw .invalidCounts("a \(request.type.rawValue) volume needs --replica N") }
                if r < 2 { throw .invalidCounts("--replica must be at least 2") }
                replica = r
                unit = r
                tolerated = r - 1
                setName = "replica set"
                if r == 2 {
                    warnings.append("replica 2 can end in split-brain when the two copies disagree; GlusterFS recommends replica 3 (or an arbiter)")
                }
            }
            if request.type.usesStripe {
                guard let s = request.stripeCount else { throw .invalidCounts("a \(request.type.rawValue) volume needs --stripe N") }
                if s < 2 { throw .invalidCounts("--stripe must be at least 2") }
                stripe = s
                warnings.append("GlusterFS removed stripe volumes in version 6 (\"stripe option not supported\"): this plan only works with GlusterFS 3.x–5, as in the seed; on newer versions use a replicate volume with sharding (features.shard)")
            }
            if request.type == .disperse {
                let d = request.disperseCount ?? n
                guard let r = request.redundancyCount else { throw .invalidCounts("a disperse volume needs --redundancy N (bricks per set that may fail)") }
                if d < 3 { throw .invalidCounts("a disperse set needs at least 3 bricks (got --disperse \(d))") }
                if r < 1 || 2 * r >= d { throw .invalidCounts("--redundancy must be at least 1 and less than half of the disperse count \(d) (got \(r))") }
                disperse = d
                redundancy = r
                unit = d
                tolerated = r
                setName = "disperse set"
            }
            if request.type == .stripe { setName = "stripe set" }
            if request.type == .distribute {
                warnings.append("a distribute volume keeps one copy of each file: losing any host loses the files on its bricks")
            }
            if request.type == .stripe {
                warnings.append("a stripe volume keeps one copy: losing any host loses every file striped over it")
            }

            let leaf = stripe * replica * disperse
            if n % leaf != 0 {
                throw .invalidCounts("\(n) bricks cannot be split into sets of \(leaf) (\(leafWords)); give a multiple of \(leaf)")
            }
            switch request.type {
            case .replicate where n != replica:
                throw .invalidCounts("a replicate volume has exactly \(replica) bricks (got \(n)); for more, use distributed-replicate")
            case .stripe where n != stripe:
                throw .invalidCounts("a stripe volume has exactly \(stripe) bricks (got \(n))")
            case .distributedReplicate where n == replica:
                warnings.append("with \(n) bricks and replica \(replica) this is a plain replicate volume (one set)")
            case .distributedStripedReplicate where n == leaf:
                warnings.append("with \(n) bricks, stripe \(stripe) and replica \(replica) there is only one stripe set (Striped-Replicate)")
            default:
                break
            }
        }

        var leafWords: String {
            switch type {
            case .distributedStripedReplicate: return "stripe \(stripe) × replica \(replica)"
            case .disperse: return "disperse \(disperse)"
            case .stripe: return "stripe \(stripe)"
            case .replicate, .distributedReplicate: return "replica \(replica)"
            case .distribute: return "one brick each"
            }
        }

        /// As `gf_cli_print_number_of_bricks` prints it.
        func numberOfBricksText(brickCount n: Int) -> String {
            switch type {
            case .distribute: return "\(n)"
            case .replicate, .distributedReplicate: return "\(n / replica) x \(replica) = \(n)"
            case .stripe: return "\(n / stripe) x \(stripe) = \(n)"
            case .distributedStripedReplicate: return "\(n / (stripe * replica)) x \(stripe) x \(replica) = \(n)"
            case .disperse: return "\(n / disperse) x (\(disperse - redundancy) + \(redundancy)) = \(n)"
            }
        }

        /// As `gluster volume info` names the type (cli `vol_type_str`).
        func glusterTypeName(brickCount n: Int) -> String {
            let leaf = stripe * replica * disperse
            let distributed = n > leaf
            switch type {
            case .distribute: return "Distribute"
            case .replicate, .distributedReplicate: return distributed ? "Distributed-Replicate" : "Replicate"
            case .stripe: return "Stripe"
            case .distributedStripedReplicate: return distributed ? "Distributed-Striped-Replicate" : "Striped-Replicate"
            case .disperse: return distributed ? "Distributed-Disperse" : "Disperse"
            }
        }
    }

    // MARK: - Bricks

    static func resolveBricks(_ request: GlusterVolumeRequest) throws(GlusterPlanError) -> [GlusterBrick] {
        var result: [GlusterBrick] = []
        var devicesPerHost: [String: Int] = [:]
        var seenDevices = Set<String>()
        for spec in request.bricks {
            var brick = GlusterBrick(host: spec.host, path: "", size: spec.size ?? request.brickSize)
            switch spec.source {
            case .directory(let path):
                brick.path = path
            case let .device(device, mountPoint):
                let key = spec.host.lowercased() + ":" + device
                if !seenDevices.insert(key).inserted {
                    throw .invalidBrick("\(spec.host):\(device)", reason: "the device is named twice")
                }
                let index = devicesPerHost[spec.host.lowercased(), default: 0]
                devicesPerHost[spec.host.lowercased()] = index + 1
                // The seed mounts its disks at /gluster_brick0, /gluster_brick1, …
                let mount = mountPoint ?? "/gluster_brick\(index)"
                brick.device = device
                brick.mountPoint = mount
                // A sub-directory, because glusterd refuses a mount point itself as a brick
                // unless forced (and the seed's section 9 recommends one).
                brick.path = mount + "/" + request.volumeName
            }
            result.append(brick)
        }
        // Same directory twice, or one brick inside another, on one host: glusterd refuses both.
        for (i, a) in result.enumerated() {
            for b in result[(i + 1)...] where a.hostKey == b.hostKey {
                if a.path == b.path { throw .invalidBrick(b.description, reason: "the brick is named twice") }
                if b.path.hasPrefix(a.path + "/") || a.path.hasPrefix(b.path + "/") {
                    throw .invalidBrick(b.description, reason: "one brick lies inside the other (\(a)); glusterd refuses nested bricks")
                }
                if let m = a.mountPoint, m == b.mountPoint {
                    throw .invalidBrick(b.description, reason: "two devices would be mounted at \(m)")
                }
            }
        }
        return result
    }

    /// The worst number of bricks one host holds within one set (1 = every set fully spread).
    static func spreadScore(_ bricks: [GlusterBrick], unit: Int) -> (worst: Int, perSet: [Int]) {
        guard unit > 1 else { return (1, []) }
        let perSet = stride(from: 0, to: bricks.count, by: unit).map { start in
            var counts: [String: Int] = [:]
            for brick in bricks[start..<start + unit] { counts[brick.hostKey, default: 0] += 1 }
            return counts.values.max() ?? 0
        }
        return (perSet.max() ?? 1, perSet)
    }

    static func describeWorstSets(_ bricks: [GlusterBrick], unit: Int, worst: Int, setName: String) -> String {
        let score = spreadScore(bricks, unit: unit)
        let parts = score.perSet.enumerated().filter { $0.element == worst }.map { index, count in
            let set = bricks[(index * unit)..<(index * unit + unit)]
            var hostCounts: [String: Int] = [:]
            for brick in set { hostCounts[brick.hostKey, default: 0] += 1 }
            let host = set.first { hostCounts[$0.hostKey] == count }?.host ?? "one host"
            let members = set.map(\.description).joined(separator: " ")
            return count == unit
                ? "\(setName) \(index + 1) (\(members)) entirely on \(host)"
                : "\(count) bricks of \(setName) \(index + 1) (\(members)) on \(host)"
        }
        return parts.joined(separator: "; ")
    }

    /// The best order: the greedy one below when it reaches the lower bound (a host with n bricks
    /// must put at least ceil(n / sets) of them into one set), otherwise the round-robin deal,
    /// which always reaches it.
    static func spreadOrder(_ bricks: [GlusterBrick], unit: Int) -> [GlusterBrick] {
        let sets = bricks.count / unit
        var counts: [String: Int] = [:]
        for brick in bricks { counts[brick.hostKey, default: 0] += 1 }
        let lowerBound = counts.values.map { ($0 + sets - 1) / sets }.max() ?? 1
        let greedy = greedyOrder(bricks, unit: unit)
        if spreadScore(greedy, unit: unit).worst <= lowerBound { return greedy }
        return dealtOrder(bricks, unit: unit)
    }

    /// Builds sets one brick at a time, each time from the host that has the fewest bricks in the
    /// set so far, then the most bricks left, then the earliest in the operator's list; each host's
    /// bricks are taken in the operator's order. This spreads every set over distinct hosts
    /// whenever that is possible at all, and for the seed's 4 hosts × 2 bricks with replica 2 it
    /// gives the seed's second (correct) order, whose stripe sets also span all hosts.
    static func greedyOrder(_ bricks: [GlusterBrick], unit: Int) -> [GlusterBrick] {
        var hosts: [String] = []
        var queues: [String: [GlusterBrick]] = [:]
        for brick in bricks {
            if queues[brick.hostKey] == nil { hosts.append(brick.hostKey) }
            queues[brick.hostKey, default: []].append(brick)
        }
        var result: [GlusterBrick] = []
        while result.count < bricks.count {
            var inSet: [String: Int] = [:]
            for _ in 0..<unit {
                let candidates = hosts.enumerated().filter { !(queues[$0.element]!.isEmpty) }
                let pick = candidates.min { a, b in
                    let ka = (inSet[a.element, default: 0], -queues[a.element]!.count, a.offset)
                    let kb = (inSet[b.element, default: 0], -queues[b.element]!.count, b.offset)
                    return ka < kb
                }!.element
                result.append(queues[pick]!.removeFirst())
                inSet[pick, default: 0] += 1
            }
        }
        return result
    }

    /// Lists the bricks host by host (largest hosts first) and deals them over the sets like
    /// cards: a host's n bricks are consecutive in that list, so no set receives more than
    /// ceil(n / sets) of them.
    static func dealtOrder(_ bricks: [GlusterBrick], unit: Int) -> [GlusterBrick] {
        let sets = bricks.count / unit
        var hosts: [String] = []
        var byHost: [String: [GlusterBrick]] = [:]
        for brick in bricks {
            if byHost[brick.hostKey] == nil { hosts.append(brick.hostKey) }
            byHost[brick.hostKey, default: []].append(brick)
        }
        let ordered = hosts.enumerated().sorted { a, b in
            (-byHost[a.element]!.count, a.offset) < (-byHost[b.element]!.count, b.offset)
        }.flatMap { byHost[$0.element]! }
        var groups = [[GlusterBrick]](repeating: [], count: sets)
        for (index, brick) in ordered.enumerated() { groups[index % sets].append(brick) }
        return groups.flatMap { $0 }
    }

    static func directoryBrickWarnings(_ request: GlusterVolumeRequest, _ bricks: [GlusterBrick]) -> [String] {
        guard !request.force else { return [] }
        let topLevel = bricks.filter { $0.device == nil && $0.path.split(separator: "/").count == 1 }
        guard !topLevel.isEmpty else { return [] }
        let names = topLevel.map(\.description).joined(separator: " ")
        return ["glusterd refuses a brick that is a mount point or lies on the root file system unless 'force' is given (\(names)); use a sub-directory such as \(topLevel[0].path)/\(request.volumeName), or add force as the seed does"]
    }

    // MARK: - Capacity

    static func computeCapacity(request: GlusterVolumeRequest, shape: Shape, sets: [[GlusterBrick]],
                                stripeSets: [[[GlusterBrick]]], warnings: inout [String]) -> GlusterCapacity? {
        let sizes = sets.flatMap { $0 }.compactMap(\.size)
        guard sizes.count == sets.count * shape.unit else {
            warnings.append("capacity unknown: give --brick-size (the size of each brick)")
            return nil
        }
        let decimal = sizes.allSatisfy(\.decimal)
        func size(_ bytes: UInt64) -> ByteSize { ByteSize(bytes: bytes, decimal: decimal) }
        let raw = size(sizes.reduce(0) { $0 + $1.bytes })
        func smallest(_ set: [GlusterBrick]) -> UInt64 {
            let values = set.map { $0.size!.bytes }
            if Set(values).count > 1 {
                warnings.append("the bricks of \(set.map(\.description).joined(separator: " ")) differ in size; the set only uses the smallest")
            }
            return values.min()!
        }
        var usable: UInt64 = 0
        let explanation: String
        switch request.type {
        case .distribute:
            usable = raw.bytes
            explanation = "\(sets.count) bricks, each file stored once"
        case .replicate, .distributedReplicate:
            for set in sets { usable += smallest(set) }
            explanation = "\(sets.count) replica set(s) of \(shape.replica); each set stores one brick's worth"
        case .disperse:
            for set in sets { usable += UInt64(shape.disperse - shape.redundancy) * smallest(set) }
            explanation = "\(sets.count) disperse set(s) of \(shape.disperse) with redundancy \(shape.redundancy); each set stores \(shape.disperse - shape.redundancy) bricks' worth"
        case .stripe:
            for stripeSet in stripeSets { usable += UInt64(shape.stripe) * smallest(stripeSet.flatMap { $0 }) }
            explanation = "\(stripeSets.count) stripe set(s) of \(shape.stripe) bricks, no copies"
        case .distributedStripedReplicate:
            for stripeSet in stripeSets {
                let replicaSetSizes = stripeSet.map(smallest)
                usable += UInt64(shape.stripe) * replicaSetSizes.min()!
            }
            explanation = "\(stripeSets.count) stripe set(s) × \(shape.stripe) replica sets of \(shape.replica); each replica set stores one brick's worth"
        }
        return GlusterCapacity(raw: raw, usable: size(usable), explanation: explanation)
    }

    // MARK: - Commands

    static func makeCommands(request: GlusterVolumeRequest, shape: Shape, bricks: [GlusterBrick]) -> [GlusterHostCommand] {
        // --mode=script: the runner is not interactive, and a prompt would hang it.
        let gluster = ["gluster", "--mode=script"]
        var hosts: [String] = []
        for brick in bricks where !hosts.contains(where: { $0.lowercased() == brick.hostKey }) { hosts.append(brick.host) }
        let first = hosts[0]
        let name = request.volumeName
        var commands: [GlusterHostCommand] = []
        for host in hosts.dropFirst() {
            commands.append(.init(host: first, argv: gluster + ["peer", "probe", host], purpose: "add \(host) to the trusted pool", kind: .change))
        }
        if hosts.count > 1 {
            // A host probed by others knows the first host only by address until probed back by name.
            commands.append(.init(host: hosts[1], argv: gluster + ["peer", "probe", first], purpose: "make the pool know \(first) by name", kind: .change))
            commands.append(.init(host: first, argv: ["gluster", "peer", "status"], purpose: "every peer must be 'Peer in Cluster (Connected)'", kind: .check))
        }
        var create = gluster + ["volume", "create", name]
        if request.type.usesStripe { create += ["stripe", String(shape.stripe)] }
        if request.type.usesReplica { create += ["replica", String(shape.replica)] }
        if request.type == .disperse { create += ["disperse", String(shape.disperse), "redundancy", String(shape.redundancy)] }
        if request.transport != .tcp { create += ["transport", request.transport.rawValue] }
        create += bricks.map(\.description)
        if request.force { create.append("force") }
        commands.append(.init(host: first, argv: create, purpose: "create the volume (\(shape.glusterTypeName(brickCount: bricks.count)), \(shape.numberOfBricksText(brickCount: bricks.count)))", kind: .change))
        commands.append(.init(host: first, argv: gluster + ["volume", "start", name], purpose: "start the volume", kind: .change))
        commands.append(.init(host: first, argv: gluster + ["volume", "set", name, "storage.owner-uid", String(ownerUID)], purpose: "files owned by vdsm (uid 36)", kind: .change))
        commands.append(.init(host: first, argv: gluster + ["volume", "set", name, "storage.owner-gid", String(ownerGID)], purpose: "files owned by kvm (gid 36)", kind: .change))
        commands.append(.init(host: first, argv: ["gluster", "volume", "info", name], purpose: "read back the layout", kind: .check))
        commands.append(.init(host: first, argv: ["gluster", "volume", "status", name], purpose: "bricks online, ports, self-heal daemons", kind: .check))
        return commands
    }

    // MARK: - Brick preparation

    static func makePreparations(_ bricks: [GlusterBrick]) -> [BrickPreparation] {
        bricks.compactMap { brick in
            guard let device = brick.device, let mount = brick.mountPoint else { return nil }
            let partition = partitionName(device)
            return BrickPreparation(
                host: brick.host, device: device, partition: partition, mountPoint: mount, brickDirectory: brick.path,
                operations: [
                    .run(argv: ["parted", "-s", "-a", "optimal", device, "mklabel", "gpt", "mkpart", "primary", "xfs", "0%", "100%"]),
                    .run(argv: ["udevadm", "settle"]),
                    // 512-byte inodes leave room for gluster's extended attributes. (The seed writes
                    // "-i size 512", which mkfs.xfs rejects; the option is "size=512".)
                    .run(argv: ["mkfs.xfs", "-f", "-i", "size=512", partition]),
                    // mkdir -p: a chosen mount point may need parents (e.g. /bricks/engine).
                    .run(argv: ["mkdir", "-p", mount]),
                    .appendLineIfAbsent(path: "/etc/fstab", line: "\(partition)\t\(mount)\txfs\tdefaults\t0 0"),
                    .run(argv: ["mount", mount]),
                    .createDirectory(path: brick.path, mode: 0o755, uid: 0, gid: 0),
                ])
        }
    }

    /// `/dev/sdb` → `/dev/sdb1`; `/dev/nvme0n1`, `/dev/mmcblk0` → `…p1` (names ending in a digit).
    public static func partitionName(_ device: String) -> String {
        device.last?.isNumber == true ? device + "p1" : device + "1"
    }
}
