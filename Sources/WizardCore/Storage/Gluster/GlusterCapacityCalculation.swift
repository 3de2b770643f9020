/// Usable capacity of a planned layout.
extension GlusterVolumePlanner {
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
}
