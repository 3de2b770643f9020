import HostOps

import OtopiKit

/// The answers of `Screens/gluster.yaml` (keys `GLUSTER/…`) turned into a planner request and the
/// operator's disk confirmations. Every problem names the key it comes from.
package struct GlusterFlowAnswers: Sendable, Equatable {
    package static let hostsKey = "GLUSTER/hosts"
    package static let brickKindKey = "GLUSTER/brickKind"
    package static let brickSourcesKey = "GLUSTER/brickSources"
    package static let volumeNameKey = "GLUSTER/volumeName"
    package static let volumeTypeKey = "GLUSTER/volumeType"
    package static let stripeAcceptedKey = "GLUSTER/stripeAccepted"
    package static let replicaKey = "GLUSTER/replicaCount"
    package static let stripeKey = "GLUSTER/stripeCount"
    package static let disperseKey = "GLUSTER/disperseCount"
    package static let redundancyKey = "GLUSTER/redundancyCount"
    package static let transportKey = "GLUSTER/transport"
    package static let brickSizeKey = "GLUSTER/brickSize"
    package static let forceKey = "GLUSTER/force"
    package static let serviceManagerKey = "GLUSTER/serviceManager"
    package static let addressesKey = "GLUSTER/addresses"
    package static let destroyDevicesKey = "GLUSTER/destroyDevices"
    /// Not asked by the flow: other files than /etc/hosts and /etc/fstab, for a chroot or a test host.
    package static let hostsFileKey = "GLUSTER/hostsFile"
    package static let fstabFileKey = "GLUSTER/fstabFile"

    package var request: GlusterVolumeRequest
    /// `HOST:/dev/DISK` words the operator typed to allow wiping those disks.
    package var confirmations: Set<String>

    /// Words separated by spaces or commas (how the flow asks for lists).
    package static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
    }

    /// Every brick source on every host, source by source (`h1:b0 h2:b0 … h1:b1 …`): consecutive bricks
    /// sit on different hosts, so replica sets formed in this order span hosts whenever they can.
    package static func bricks(hosts: [String], sources: [String]) -> [String] {
        sources.flatMap { source in hosts.map { "\($0):\(source)" } }
    }

    package init(_ value: (String) -> OtopiValue?) throws(GlusterFlowAnswersError) {
        func text(_ key: String) throws(GlusterFlowAnswersError) -> String {
            guard let v = value(key), !v.isNone else { throw .missing(key) }
            return v.displayText
        }
        func optionalText(_ key: String) -> String? {
            guard let v = value(key), !v.isNone else { return nil }
            let t = v.displayText
            return t.isEmpty ? nil : t
        }
        func count(_ key: String) throws(GlusterFlowAnswersError) -> Int? {
            guard let t = optionalText(key) else { return nil }
            guard let n = Int(t) else { throw .invalid(key, "\(t) is not a whole number") }
            return n
        }
        func check(_ key: String, _ problem: String?) throws(GlusterFlowAnswersError) {
            if let problem { throw .invalid(key, problem) }
        }

        let hostsText = try text(Self.hostsKey)
        try check(Self.hostsKey, StorageValidators.glusterHosts(hostsText))
        let sourcesText = try text(Self.brickSourcesKey)
        try check(Self.brickSourcesKey, StorageValidators.glusterBrickSources(sourcesText))
        // The kind says what the operator meant; a disk among "directories" (or the reverse) is a slip.
        let disks = Self.words(sourcesText).filter { $0.hasPrefix("/dev/") }
        switch optionalText(Self.brickKindKey)?.lowercased() ?? "directory" {
        case "directory" where !disks.isEmpty:
            throw .invalid(Self.brickSourcesKey, "\(disks.joined(separator: " ")) are disks but \(Self.brickKindKey) is directory")
        case "disk" where disks.count != Self.words(sourcesText).count:
            throw .invalid(Self.brickSourcesKey, "\(Self.brickKindKey) is disk, so every brick must be /dev/DISK")
        case "directory", "disk": break
        case let other: throw .invalid(Self.brickKindKey, "\(other) is not directory or disk")
        }
        let volumeName = try text(Self.volumeNameKey)
        try check(Self.volumeNameKey, StorageValidators.glusterVolumeName(volumeName))
        let typeText = try text(Self.volumeTypeKey)
        guard let type = GlusterVolumeType(rawValue: typeText.lowercased()) else {
            throw .invalid(Self.volumeTypeKey, "\(typeText) is not one of \(GlusterVolumeType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if type.usesStripe && value(Self.stripeAcceptedKey)?.boolValue != true {
            throw .invalid(Self.stripeAcceptedKey, "a \(type.rawValue) volume needs the answer True: GlusterFS 6 and later cannot create stripe volumes")
        }
        let transportText = optionalText(Self.transportKey) ?? GlusterTransport.tcp.rawValue
        guard let transport = GlusterTransport(rawValue: transportText.lowercased()) else {
            throw .invalid(Self.transportKey, "\(transportText) is not one of tcp, rdma, tcp,rdma")
        }
        let managerText = optionalText(Self.serviceManagerKey) ?? GlusterServiceManager.systemd.rawValue
        guard let manager = GlusterServiceManager(rawValue: managerText.lowercased()) else {
            throw .invalid(Self.serviceManagerKey, "\(managerText) is not systemd or sysvinit")
        }
        var size: ByteSize?
        if let sizeText = optionalText(Self.brickSizeKey) {
            do { size = try ByteSize(parsing: sizeText) } catch { throw .invalid(Self.brickSizeKey, error.description) }
        }
        var addresses: [String: String] = [:]
        if let text = optionalText(Self.addressesKey) {
            try check(Self.addressesKey, StorageValidators.glusterAddresses(text))
            addresses = Self.addressMap(text)
        }
        func file(_ key: String, _ standard: String) throws(GlusterFlowAnswersError) -> String {
            guard let path = optionalText(key) else { return standard }
            do { try GlusterNames.checkPath(path, in: path) } catch { throw .invalid(key, error.description) }
            return path
        }
        let hostsFile = try file(Self.hostsFileKey, "/etc/hosts")
        let fstabFile = try file(Self.fstabFileKey, "/etc/fstab")
        var specs: [GlusterBrickSpec] = []
        for brick in Self.bricks(hosts: Self.words(hostsText), sources: Self.words(sourcesText)) {
            do { specs.append(try GlusterBrickSpec(parsing: brick)) } catch { throw .invalid(Self.brickSourcesKey, error.description) }
        }
        request = GlusterVolumeRequest(
            volumeName: volumeName, type: type, bricks: specs,
            replicaCount: try count(Self.replicaKey), stripeCount: try count(Self.stripeKey),
            disperseCount: try count(Self.disperseKey), redundancyCount: try count(Self.redundancyKey),
            transport: transport, brickSize: size, force: value(Self.forceKey)?.boolValue ?? false,
            addresses: addresses, serviceManager: manager, hostsFile: hostsFile, fstabFile: fstabFile)
        confirmations = Set(optionalText(Self.destroyDevicesKey).map(Self.words) ?? [])
    }

    /// `HOST=IP` words as a map (checked by `StorageValidators.glusterAddresses`).
    package static func addressMap(_ text: String) -> [String: String] {
        var map: [String: String] = [:]
        for word in words(text) {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { map[parts[0]] = parts[1] }
        }
        return map
    }

    package init(environment: OtopiEnvironment) throws(GlusterFlowAnswersError) {
        try self.init { environment[$0]?.value }
    }
}

package enum GlusterFlowAnswersError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(String)
    case invalid(String, String)

    package var description: String {
        switch self {
        case .missing(let key): return "\(key) is not answered (run: ovirt-wizard plain --flow gluster --answers FILE)"
        case let .invalid(key, problem): return "\(key): \(problem)"
        }
    }
}
