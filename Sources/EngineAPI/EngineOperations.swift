import Foundation

/// What the wizard does through the API, on either version.
extension EngineSession {
    var api: String { EngineEndpoint.apiRoot }

    package func dataCenters() async throws -> [EngineDataCenter] {
        try await get("\(api)/datacenters").all("data_center").map { $0.dataCenter(version) }
    }

    package func clusters() async throws -> [EngineCluster] {
        try await get("\(api)/clusters").all("cluster").map { $0.cluster(version) }
    }

    package func hosts() async throws -> [EngineHost] {
        try await get("\(api)/hosts").all("host").map { $0.host(version) }
    }

    package func host(id: String) async throws -> EngineHost {
        try await get("\(api)/hosts/\(Self.pathSegment(id))").host(version)
    }

    /// The host with everything the engine knows of it: on 4.x its `hosted_engine` state (configured, active,
    /// score), which the engine gives only with `all_content=true`.
    package func hostWithAllContent(id: String) async throws -> EngineHost {
        try await get("\(api)/hosts/\(Self.pathSegment(id))?all_content=true").host(version)
    }

    /// All storage domains; `status` is `unattached` or absent here (attached: see `attachedStorageDomains`).
    package func storageDomains() async throws -> [EngineStorageDomain] {
        try await get("\(api)/storagedomains").all("storage_domain").map { $0.storageDomain(version) }
    }

    /// The domains of one data center, with their status there.
    package func attachedStorageDomains(dataCenterID: String) async throws -> [EngineStorageDomain] {
        try await get("\(api)/datacenters/\(Self.pathSegment(dataCenterID))/storagedomains").all("storage_domain")
            .map { $0.storageDomain(version) }
    }

    /// Adds a host; the engine answers at once with the host `installing` and installs it in the background
    /// (follow it with `host(id:)` and `events(after:)`).
    package func addHost(_ spec: EngineHostSpec) async throws -> EngineHost {
        let path = "\(api)/hosts" + EngineRequests.addHostQuery(version: version, deployHostedEngine: spec.deployHostedEngine)
        return try await changing { try await self.post(path, EngineRequests.addHost(spec, version: self.version)) }.host(version)
    }

    package func addStorageDomain(_ spec: EngineStorageDomainSpec) async throws -> EngineStorageDomain {
        try await changing {
            try await self.post("\(self.api)/storagedomains", EngineRequests.addStorageDomain(spec, version: self.version))
        }.storageDomain(version)
    }

    package func attachStorageDomain(id: String, dataCenterID: String) async throws -> EngineStorageDomain {
        try await changing {
            try await self.post("\(self.api)/datacenters/\(Self.pathSegment(dataCenterID))/storagedomains",
                                EngineRequests.attach(storageDomainID: id))
        }.storageDomain(version)
    }

    package func activateStorageDomain(id: String, dataCenterID: String) async throws {
        _ = try await changing {
            try await self.post("\(self.api)/datacenters/\(Self.pathSegment(dataCenterID))/storagedomains/\(Self.pathSegment(id))/activate",
                                EngineRequests.action)
        }
    }

    /// The newest event's id (the marker to read events after), nil when there is none.
    package func lastEventID() async throws -> Int? {
        try await get("\(api)/events;max=1").all("event").compactMap { $0.event() }.map(\.id).max()
    }

    /// Events newer than `id`, oldest first (the engine lists newest first).
    package func events(after id: Int) async throws -> [EngineEvent] {
        try await get("\(api)/events?from=\(id)").all("event").compactMap { $0.event() }
            .filter { $0.id > id }.sorted { $0.id < $1.id }
    }

    /// Runs a request that changes something; when the engine's fault says nothing (`[]`), the warning and error
    /// events logged since just before it are added to the fault (the VDSM reason is often only there).
    func changing(_ body: @Sendable () async throws -> EngineXML) async throws -> EngineXML {
        let marker = try? await lastEventID()
        do {
            return try await body()
        } catch let EngineError.fault(fault) where fault.detailIsEmpty {
            var fault = fault
            if let events = try? await events(after: marker ?? 0) {
                fault.events = events.filter { ["warning", "error", "alert"].contains($0.severity ?? "") }.map(\.description)
            }
            throw EngineError.fault(fault)
        }
    }

    static func pathSegment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: FormBody.unreserved) ?? id
    }
}
