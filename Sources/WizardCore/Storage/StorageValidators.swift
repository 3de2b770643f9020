/// The storage checks as plain functions for the flow validators (nil = fine, else the message),
/// so that `Validators` can name them without knowing the storage types.
package enum StorageValidators {
    package static func exportDomainUUID(_ value: String) -> String? {
        message { () throws(StorageDomainMetadataError) in try ExportDomainMetadataRequest.checkUUID(value) }
    }

    package static func nfsRemotePath(_ value: String) -> String? {
        message { () throws(StorageDomainMetadataError) in try ExportDomainMetadataRequest.checkRemotePath(value) }
    }

    package static func exportDomainDescription(_ value: String) -> String? {
        // Any valid UUID and path: only the description is under test.
        let probe = ExportDomainMetadataRequest(sdUUID: "00000000-0000-0000-0000-000000000000", remotePath: "h:/p", description: value)
        return message { () throws(StorageDomainMetadataError) in _ = try probe.metadata() }
    }

    package static func glusterBrick(_ value: String) -> String? {
        gluster { () throws(GlusterPlanError) in _ = try GlusterBrickSpec(parsing: value) }
    }

    package static func glusterVolumeName(_ value: String) -> String? {
        gluster { () throws(GlusterPlanError) in try GlusterNames.checkVolumeName(value) }
    }

    package static func byteSize(_ value: String) -> String? {
        gluster { () throws(GlusterPlanError) in _ = try ByteSize(parsing: value) }
    }

    /// An exported directory on the NFS server (the part after `HOST:`).
    package static func exportPath(_ value: String) -> String? {
        nfsRemotePath("nfs-server:" + value).map { $0.replacingOccurrences(of: "nfs-server:", with: "") }
    }

    /// The Gluster hosts: names or IPv4 addresses separated by spaces or commas, each once.
    package static func glusterHosts(_ value: String) -> String? {
        let hosts = GlusterFlowAnswers.words(value)
        if hosts.isEmpty { return "give at least one host" }
        for host in hosts where !(Validators.isIPv4(host) || Validators.isHostName(host)) {
            return "\(host) is not a host name or IPv4 address"
        }
        let lowered = hosts.map { $0.lowercased() }
        if let twice = lowered.first(where: { name in lowered.filter { $0 == name }.count > 1 }) {
            return "\(twice) is named twice"
        }
        return nil
    }

    /// `HOST=IP` words for /etc/hosts (empty: the names resolve by DNS).
    package static func glusterAddresses(_ value: String) -> String? {
        var seen = Set<String>()
        for word in GlusterFlowAnswers.words(value) {
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { return "\(word): write HOST=IP" }
            if !Validators.isHostName(parts[0]) { return "\(word): \(parts[0]) is not a host name" }
            if !(Validators.isIPv4(parts[1]) || Validators.isIPv6(parts[1])) { return "\(word): \(parts[1]) is not an IP address" }
            if !seen.insert(parts[0].lowercased()).inserted { return "\(parts[0]) has two addresses" }
        }
        return nil
    }

    /// The bricks of every host: `/DIRECTORY`, `/dev/DISK` or `/dev/DISK=/MOUNTPOINT`, separated by spaces.
    package static func glusterBrickSources(_ value: String) -> String? {
        let sources = GlusterFlowAnswers.words(value)
        if sources.isEmpty { return "give at least one brick (a directory or /dev/DISK)" }
        if Set(sources).count != sources.count { return "a brick is named twice" }
        for source in sources {
            if let problem = gluster({ () throws(GlusterPlanError) in _ = try GlusterBrickSpec(parsing: "host:" + source) }) {
                return problem.replacingOccurrences(of: "\"host:\(source)\"", with: "\"\(source)\"")
            }
        }
        return nil
    }

    /// What the operator typed to allow wiping disks: `HOST:/dev/DISK` words. When the hosts and the
    /// bricks are known, the words must name exactly the disks they make (each disk on each host);
    /// the plan checks the same again before it prepares anything (`GlusterVolumePlan.confirmedPreparations`).
    package static func glusterDeviceConfirmations(_ value: String, hosts: String? = nil, brickSources: String? = nil) -> String? {
        let tokens = GlusterFlowAnswers.words(value)
        if tokens.isEmpty { return "type each disk as HOST:/dev/DISK to confirm that its data is destroyed" }
        for token in tokens {
            let parts = token.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[1].hasPrefix("/dev/"), !parts[1].contains("=") else {
                return "\(token): write each disk as HOST:/dev/DISK"
            }
            if let problem = gluster({ () throws(GlusterPlanError) in _ = try GlusterBrickSpec(parsing: token) }) { return problem }
        }
        guard let hosts, let brickSources else { return nil }
        let disks = GlusterFlowAnswers.words(brickSources).filter { $0.hasPrefix("/dev/") }
            .map { String($0.split(separator: "=", maxSplits: 1)[0]) }
        let required = GlusterFlowAnswers.bricks(hosts: GlusterFlowAnswers.words(hosts), sources: disks)
        let missing = required.filter { !tokens.contains($0) }
        if !missing.isEmpty { return "not confirmed: \(missing.joined(separator: " ")); every disk on every host must be named" }
        let unknown = tokens.filter { !required.contains($0) }
        if !unknown.isEmpty { return "\(unknown.joined(separator: " ")) is not a disk of these bricks (\(required.joined(separator: " ")))" }
        return nil
    }

    static func message(_ body: () throws(StorageDomainMetadataError) -> Void) -> String? {
        do { try body(); return nil } catch { return error.description }
    }

    static func gluster(_ body: () throws(GlusterPlanError) -> Void) -> String? {
        do { try body(); return nil } catch { return error.description }
    }
}
