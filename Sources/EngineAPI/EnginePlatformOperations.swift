import Foundation

/// What finishing a platform needs beyond `EngineOperations`: look-ups by name (adding must be idempotent across
/// re-runs, reference §8.1 item 9), the cluster's CPU, the engine's SSH public key and importing the export domain.
extension EngineSession {
    /// The `Correlation-Id` of the requests made in this task (one per wizard step): the engine puts it on the
    /// command, its job and its events (reference §6). `[A-Za-z0-9_-]`, at most 36 characters: 3.4 refuses other
    /// characters, 4.5 truncates.
    @TaskLocal package static var correlationID: String?

    /// A correlation id for `step` on `host`: readable, within both versions' rules.
    package static func correlationID(step: String, host: String) -> String {
        var hash: UInt32 = 2166136261
        for byte in host.utf8 { hash = (hash ^ UInt32(byte)) &* 16777619 }
        let word = String(step.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" }.prefix(22))
        return "ovw-\(word)-\(String(format: "%08x", hash))"
    }

    /// PUT an XML body to `path` (an update), the XML answer.
    package func put(_ path: String, _ body: EngineXML) async throws -> EngineXML {
        try await request(.PUT, path, body: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body.rendered)
    }

    /// `search=name="…"`, URL-encoded; the search is case-insensitive and may match more, so callers compare
    /// names exactly (what the SDK's ansible helpers do).
    static func nameSearch(_ name: String) -> String {
        "?search=" + FormBody.escape("name=\"\(name)\"")
    }

    package func host(named name: String) async throws -> EngineHost? {
        try await get("\(api)/hosts" + Self.nameSearch(name)).all("host").map { $0.host(version) }.first { $0.name == name }
    }

    package func storageDomain(named name: String) async throws -> EngineStorageDomain? {
        try await get("\(api)/storagedomains" + Self.nameSearch(name)).all("storage_domain")
            .map { $0.storageDomain(version) }.first { $0.name == name }
    }

    package func dataCenter(named name: String) async throws -> EngineDataCenter? {
        try await get("\(api)/datacenters" + Self.nameSearch(name)).all("data_center")
            .map { $0.dataCenter(version) }.first { $0.name == name }
    }

    package func cluster(named name: String) async throws -> EngineCluster? {
        try await get("\(api)/clusters" + Self.nameSearch(name)).all("cluster").map { $0.cluster(version) }.first { $0.name == name }
    }

    /// One domain's status in a data center (`/datacenters/{dc}/storagedomains/{sd}`, reference §8.1 item 16);
    /// nil when it is not attached there.
    package func attachedStorageDomain(id: String, dataCenterID: String) async throws -> EngineStorageDomain? {
        try await attachedStorageDomains(dataCenterID: dataCenterID).first { $0.id == id }
    }

    /// Sets the cluster's CPU type (`PUT /clusters/{id}`): 3.4 names it in `<cpu id="…"/>`, 4.x in `<cpu><type>`.
    package func setClusterCPU(clusterID: String, cpu: String) async throws -> EngineCluster {
        try await changing {
            try await self.put("\(self.api)/clusters/\(Self.pathSegment(clusterID))",
                               EngineRequests.clusterCPU(cpu, version: self.version))
        }.cluster(version)
    }

    /// Re-installs a host that ended `install_failed` (`POST /hosts/{id}/install`), instead of adding it again.
    package func reinstallHost(id: String, authentication: EngineHostSpec.Authentication, deployHostedEngine: Bool = false) async throws {
        let query = version == .v4 ? "?reboot=false" : ""
        _ = try await changing {
            try await self.post("\(self.api)/hosts/\(Self.pathSegment(id))/install\(query)",
                                EngineRequests.install(authentication, version: self.version, deployHostedEngine: deployHostedEngine))
        }
    }

    /// The engine's SSH public key, one `authorized_keys` line (the pki-resource service; unauthenticated, but
    /// read over the same pinned TLS as everything else).
    package func engineSSHPublicKey() async throws -> String {
        let path = "/ovirt-engine/services/pki-resource?resource=engine-certificate&format=OPENSSH-PUBKEY"
        let response = try await transport.send(.GET, path, headers: ["Accept": "text/plain"])
        let line = response.body.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard response.status == 200, line.hasPrefix("ssh-") || line.hasPrefix("ecdsa-") else {
            throw EngineError.unexpected(operation: "GET \(path)",
                                         reason: "HTTP \(response.status), not an SSH public key: \(line.prefix(120))")
        }
        return line
    }
}

extension EngineRequests {
    /// `PUT /clusters/{id}` with the CPU type only.
    package static func clusterCPU(_ cpu: String, version: EngineAPIVersion) -> EngineXML {
        switch version {
        case .v3: return EngineXML("cluster", children: [EngineXML("cpu", attributes: ["id": cpu])])
        case .v4: return EngineXML("cluster", children: [EngineXML("cpu", children: [.leaf("type", cpu)])])
        }
    }

    /// The `install` action's body: the root password or the engine's key, and the firewall as on add.
    /// A hosted-engine host is re-installed as one (`deploy_hosted_engine`, an element of the action on v4).
    package static func install(_ authentication: EngineHostSpec.Authentication, version: EngineAPIVersion,
                                deployHostedEngine: Bool = false) -> EngineXML {
        var children: [EngineXML] = []
        if deployHostedEngine && version == .v4 { children.append(.leaf("deploy_hosted_engine", "true")) }
        switch authentication {
        case .password(let password): children.append(.leaf("root_password", password.value))
        case .publicKey:
            if version == .v4 {
                children.append(EngineXML("ssh", children: [.leaf("authentication_method", "publickey")]))
            }
        }
        if version == .v4 { children.append(EngineXML("host", children: [.leaf("override_iptables", "true")])) }
        return EngineXML("action", children: children)
    }
}
