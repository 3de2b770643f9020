/// Resolving the operator's bricks and ordering them so that no redundancy set depends on one host.
extension GlusterVolumePlanner {
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
}
