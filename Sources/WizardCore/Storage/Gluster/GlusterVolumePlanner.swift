import HostOps

/// Turns a `GlusterVolumeRequest` into a `GlusterVolumePlan`.
///
/// Grouping follows glusterd (`glusterd-volgen.c`, `volgen_graph_build_clusters`): consecutive
/// bricks of the create command form the replica (or disperse) sets; for striped-replicate,
/// consecutive replica sets form the stripe sets; the rest is distributed. The planner keeps the
/// operator's order unless a set would be lost with one host (or a better spread is possible), and
/// never returns a plan in which losing one host loses data of a redundant volume.
package enum GlusterVolumePlanner {
    package static let ownerUID = 36
    package static let ownerGID = 36

    package static func plan(_ request: GlusterVolumeRequest) throws(GlusterPlanError) -> GlusterVolumePlan {
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
        let hostSetup = try GlusterHostSetup.plan(hosts: hosts, addresses: request.addresses, serviceManager: request.serviceManager,
                                                  hostsFile: request.hostsFile)
        if request.addresses.isEmpty && hosts.count > 1 {
            warnings.append("no --address given: every host name must resolve on every host (DNS), or give HOST=IP to add /etc/hosts lines as the seed does")
        } else if !request.addresses.isEmpty {
            let without = hosts.filter { host in !request.addresses.keys.contains { $0.lowercased() == host.lowercased() } }
            if !without.isEmpty {
                warnings.append("no --address for \(without.joined(separator: ", ")): these names must resolve by DNS on every host")
            }
        }
        let preparations = makePreparations(bricks, fstabFile: request.fstabFile)
        return GlusterVolumePlan(
            request: request, bricks: bricks, reordered: reordered, redundancySets: sets, stripeSets: stripeSets,
            numberOfBricks: shape.numberOfBricksText(brickCount: bricks.count),
            glusterTypeName: shape.glusterTypeName(brickCount: bricks.count),
            capacity: capacity, warnings: warnings, hostSetup: hostSetup, commands: commands, preparations: preparations)
    }
}
