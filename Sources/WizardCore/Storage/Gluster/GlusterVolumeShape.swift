/// Counts per volume type: set sizes, what one host may hold, and gluster's own names.
extension GlusterVolumePlanner {
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
}
