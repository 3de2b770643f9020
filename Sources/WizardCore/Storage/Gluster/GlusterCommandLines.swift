/// The gluster command lines of a plan.
extension GlusterVolumePlanner {
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
}
