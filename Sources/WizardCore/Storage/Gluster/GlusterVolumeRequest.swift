import HostOps

/// Volume types the planner knows. Stripe types exist only in GlusterFS 3.x–5 (the seed's era);
/// GlusterFS 6 removed them ("stripe option not supported").
package enum GlusterVolumeType: String, CaseIterable, Sendable {
    case distribute
    case replicate
    case distributedReplicate = "distributed-replicate"
    case disperse
    case stripe
    case distributedStripedReplicate = "distributed-striped-replicate"

    package var usesStripe: Bool { self == .stripe || self == .distributedStripedReplicate }
    package var usesReplica: Bool { self == .replicate || self == .distributedReplicate || self == .distributedStripedReplicate }
}

package enum GlusterTransport: String, CaseIterable, Sendable {
    case tcp
    case rdma
    case tcpAndRDMA = "tcp,rdma"
}

/// One brick as the operator names it: `HOST:/DIRECTORY` (an existing directory, used as it is),
/// `HOST:/dev/DEVICE` (a disk the wizard partitions, formats and mounts), or
/// `HOST:/dev/DEVICE=/MOUNTPOINT` to choose where that disk is mounted.
package struct GlusterBrickSpec: Sendable, Equatable {
    package enum Source: Sendable, Equatable {
        case directory(String)
        case device(String, mountPoint: String?)
    }

    package var host: String
    package var source: Source
    package var size: ByteSize?

    package init(host: String, source: Source, size: ByteSize? = nil) {
        self.host = host
        self.source = source
        self.size = size
    }

    package init(parsing text: String) throws(GlusterPlanError) {
        guard let colon = text.firstIndex(of: ":") else {
            throw .invalidBrick(text, reason: "expected HOST:/PATH or HOST:/dev/DEVICE")
        }
        let host = String(text[..<colon])
        let rest = String(text[text.index(after: colon)...])
        try GlusterNames.checkHost(host, in: text)
        if rest.hasPrefix("/dev/") {
            let parts = rest.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            try GlusterNames.checkPath(parts[0], in: text)
            var mountPoint: String?
            if parts.count == 2 {
                try GlusterNames.checkPath(parts[1], in: text)
                if parts[1].hasPrefix("/dev/") { throw .invalidBrick(text, reason: "the mount point cannot be under /dev") }
                mountPoint = parts[1]
            }
            self.init(host: host, source: .device(parts[0], mountPoint: mountPoint))
        } else {
            try GlusterNames.checkPath(rest, in: text)
            self.init(host: host, source: .directory(rest))
        }
    }
}

/// What the operator asks for.
package struct GlusterVolumeRequest: Sendable, Equatable {
    package var volumeName: String
    package var type: GlusterVolumeType
    /// In the operator's order; the planner keeps it unless it puts a redundancy set on one host.
    package var bricks: [GlusterBrickSpec]
    package var replicaCount: Int?
    package var stripeCount: Int?
    package var disperseCount: Int?
    package var redundancyCount: Int?
    package var transport: GlusterTransport
    /// Size of every brick whose own size is not given; needed for the capacity.
    package var brickSize: ByteSize?
    /// Append `force` to `volume create` (bricks on the root file system or at a mount point).
    package var force: Bool
    /// Host name → IP address, written to every host's /etc/hosts; empty when DNS resolves them.
    package var addresses: [String: String]
    package var serviceManager: GlusterServiceManager
    /// Where the host lines and the brick mounts are added: /etc/hosts and /etc/fstab on real hosts; another
    /// file only for a chroot or a test host that must not touch the machine's own files.
    package var hostsFile: String
    package var fstabFile: String

    package init(volumeName: String, type: GlusterVolumeType, bricks: [GlusterBrickSpec], replicaCount: Int? = nil,
                stripeCount: Int? = nil, disperseCount: Int? = nil, redundancyCount: Int? = nil,
                transport: GlusterTransport = .tcp, brickSize: ByteSize? = nil, force: Bool = false,
                addresses: [String: String] = [:], serviceManager: GlusterServiceManager = .systemd,
                hostsFile: String = "/etc/hosts", fstabFile: String = "/etc/fstab") {
        self.volumeName = volumeName
        self.type = type
        self.bricks = bricks
        self.replicaCount = replicaCount
        self.stripeCount = stripeCount
        self.disperseCount = disperseCount
        self.redundancyCount = redundancyCount
        self.transport = transport
        self.brickSize = brickSize
        self.force = force
        self.addresses = addresses
        self.serviceManager = serviceManager
        self.hostsFile = hostsFile
        self.fstabFile = fstabFile
    }
}

package enum GlusterPlanError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidBrick(String, reason: String)
    case invalidVolumeName(String, reason: String)
    case invalidSize(String, reason: String)
    case invalidCounts(String)
    case unsafeLayout(String)
    case unconfirmedDevices([String])
    case unknownConfirmations([String])

    package var description: String {
        switch self {
        case let .invalidBrick(text, reason): return "brick \"\(text)\": \(reason)"
        case let .invalidVolumeName(text, reason): return "volume name \"\(text)\": \(reason)"
        case let .invalidSize(text, reason): return "size \"\(text)\": \(reason)"
        case let .invalidCounts(message): return message
        case let .unsafeLayout(message): return message
        case let .unconfirmedDevices(devices):
            return "preparing bricks destroys all data on \(devices.joined(separator: ", ")); each must be confirmed by naming it as HOST:DEVICE"
        case let .unknownConfirmations(tokens):
            return "confirmed \(tokens.joined(separator: ", ")), which the plan does not prepare; check the host and device names"
        }
    }
}

/// Syntax rules for names that end up in gluster's command line (it splits on spaces and ':').
enum GlusterNames {
    static func checkHost(_ host: String, in text: String) throws(GlusterPlanError) {
        if host.isEmpty { throw .invalidBrick(text, reason: "the host is empty") }
        // IPv6 is left out: gluster's HOST:PATH syntax has no brackets for it.
        if !(Validators.isIPv4(host) || Validators.isHostName(host)) {
            throw .invalidBrick(text, reason: "\"\(host)\" is not a host name or IPv4 address")
        }
    }

    static func checkPath(_ path: String, in text: String) throws(GlusterPlanError) {
        guard path.hasPrefix("/") else { throw .invalidBrick(text, reason: "\"\(path)\" is not an absolute path") }
        if path == "/" { throw .invalidBrick(text, reason: "the root directory cannot be a brick") }
        if path.hasSuffix("/") { throw .invalidBrick(text, reason: "\"\(path)\" ends with '/'; write it without") }
        if path.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control || $0 == ":" || $0 == "=" }) {
            throw .invalidBrick(text, reason: "\"\(path)\" contains white space, a control character, ':' or '='")
        }
        if path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) || path.contains("//") {
            throw .invalidBrick(text, reason: "\"\(path)\" must be a plain path without '.', '..' or '//'")
        }
    }

    static func checkVolumeName(_ name: String) throws(GlusterPlanError) {
        if name.isEmpty { throw .invalidVolumeName(name, reason: "it is empty") }
        if name.utf8.count > 64 { throw .invalidVolumeName(name, reason: "keep it to 64 characters") }
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
        if !allowed || name.hasPrefix("-") {
            throw .invalidVolumeName(name, reason: "use letters, digits, '-' and '_', not starting with '-'")
        }
        if ["all", "volume", "help"].contains(name.lowercased()) {
            throw .invalidVolumeName(name, reason: "it is a word of the gluster command line")
        }
    }
}
