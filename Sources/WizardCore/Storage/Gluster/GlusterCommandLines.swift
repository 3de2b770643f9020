import HostOps

/// The gluster command lines of a plan.
extension GlusterVolumePlanner {
    static func makeCommands(request: GlusterVolumeRequest, shape: Shape, bricks: [GlusterBrick]) -> [GlusterHostCommand] {
        var hosts: [String] = []
        for brick in bricks where !hosts.contains(where: { $0.lowercased() == brick.hostKey }) { hosts.append(brick.host) }
        let first = hosts[0]
        let name = request.volumeName
        var commands: [GlusterHostCommand] = []
        for host in hosts.dropFirst() {
            commands.append(.init(host: first, verb: .peerProbe(host: host), purpose: "add \(host) to the trusted pool"))
        }
        if hosts.count > 1 {
            // A host probed by others knows the first host only by address until probed back by name.
            commands.append(.init(host: hosts[1], verb: .peerProbe(host: first), purpose: "make the pool know \(first) by name"))
            commands.append(.init(host: first, verb: .peerStatus, purpose: "every peer must be 'Peer in Cluster (Connected)'"))
        }
        var layout: [String] = []
        if request.type.usesStripe { layout += ["stripe", String(shape.stripe)] }
        if request.type.usesReplica { layout += ["replica", String(shape.replica)] }
        if request.type == .disperse { layout += ["disperse", String(shape.disperse), "redundancy", String(shape.redundancy)] }
        if request.transport != .tcp { layout += ["transport", request.transport.rawValue] }
        layout += bricks.map(\.description)
        if request.force { layout.append("force") }
        commands.append(.init(host: first, verb: .volumeCreate(volume: name, layout: layout), purpose: "create the volume (\(shape.glusterTypeName(brickCount: bricks.count)), \(shape.numberOfBricksText(brickCount: bricks.count)))"))
        commands.append(.init(host: first, verb: .volumeStart(volume: name), purpose: "start the volume"))
        commands.append(.init(host: first, verb: .volumeSet(volume: name, option: "storage.owner-uid", value: String(ownerUID)), purpose: "files owned by vdsm (uid 36)"))
        commands.append(.init(host: first, verb: .volumeSet(volume: name, option: "storage.owner-gid", value: String(ownerGID)), purpose: "files owned by kvm (gid 36)"))
        commands.append(.init(host: first, verb: .volumeInfo(volume: name), purpose: "read back the layout"))
        commands.append(.init(host: first, verb: .volumeStatus(volume: name), purpose: "bricks online, ports, self-heal daemons"))
        return commands
    }
}
