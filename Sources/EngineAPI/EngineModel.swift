/// The engine's objects as the wizard reads them, from either API version: v3 nests `<status><state>` and
/// `<status><detail>`, v4 has `<status>` and `<status_detail>`; v3 gives versions as attributes, v4 as elements.
package struct EngineDataCenter: Sendable, Equatable, Codable {
    package var id: String
    package var name: String
    package var status: String?
    package var version: String?
}

package struct EngineCluster: Sendable, Equatable, Codable {
    package var id: String
    package var name: String
    package var dataCenterID: String?
    package var cpuType: String?
    package var version: String?
}

package struct EngineHost: Sendable, Equatable, Codable {
    package var id: String
    package var name: String
    package var address: String?
    package var status: String?
    /// Why it is not up (`cpu_type_incompatible_with_cluster`, …) when the engine says.
    package var statusDetail: String?
    package var clusterID: String?
    /// 4.x with `all_content=true`: its hosted-engine state; nil when the engine did not say.
    package var hostedEngine: HostedEngineState?

    /// What the HA agent on a hosted-engine host reports through the engine (`<hosted_engine>`).
    package struct HostedEngineState: Sendable, Equatable, Codable {
        /// hosted-engine is deployed on the host (its hosted-engine.conf is there).
        package var configured: Bool
        /// The HA agent runs and reports to the shared storage.
        package var active: Bool
        /// The agent's score (3400 at best); nil when not reported.
        package var score: Int?
        /// Deployed and reporting: the host can run the engine VM.
        package var isRunning: Bool { configured && active }
    }
}

package struct EngineStorageDomain: Sendable, Equatable, Codable {
    package var id: String
    package var name: String
    /// data, iso, export.
    package var type: String?
    /// nfs, glusterfs, …
    package var storageType: String?
    package var address: String?
    package var path: String?
    /// In `/storagedomains` only `unattached` or absent (attached); per data center the real status.
    package var status: String?
    package var master: Bool?
}

package struct EngineEvent: Sendable, Equatable, Codable {
    package var id: Int
    package var code: Int?
    package var severity: String?
    package var time: String?
    package var description: String
    package var correlationID: String?
    package var hostID: String?
    package var storageDomainID: String?
}

extension EngineXML {
    /// `<status>` in the version's shape.
    func status(_ version: EngineAPIVersion) -> (state: String?, detail: String?) {
        switch version {
        case .v3: return (value("status/state"), value("status/detail"))
        case .v4: return (value("status"), value("status_detail"))
        }
    }

    func versionText(_ version: EngineAPIVersion) -> String? {
        guard let v = child("version") else { return nil }
        switch version {
        case .v3: return [v.attributes["major"], v.attributes["minor"]].compactMap { $0 }.joined(separator: ".")
        case .v4: return [v.value("major"), v.value("minor")].compactMap { $0 }.joined(separator: ".")
        }
    }

    func dataCenter(_ version: EngineAPIVersion) -> EngineDataCenter {
        EngineDataCenter(id: id ?? "", name: value("name") ?? "", status: status(version).state,
                         version: versionText(version))
    }

    func cluster(_ version: EngineAPIVersion) -> EngineCluster {
        // 3.4 names the CPU in the id attribute of <cpu>; 4.x in <cpu><type>.
        let cpu = version == .v3 ? child("cpu")?.id : value("cpu/type")
        return EngineCluster(id: id ?? "", name: value("name") ?? "", dataCenterID: child("data_center")?.id,
                             cpuType: cpu, version: versionText(version))
    }

    func host(_ version: EngineAPIVersion) -> EngineHost {
        let s = status(version)
        let hostedEngine = child("hosted_engine").map { he in
            EngineHost.HostedEngineState(configured: he.value("configured") == "true", active: he.value("active") == "true",
                                         score: he.value("score").flatMap { Int($0) })
        }
        return EngineHost(id: id ?? "", name: value("name") ?? "", address: value("address"), status: s.state,
                          statusDetail: s.detail, clusterID: child("cluster")?.id, hostedEngine: hostedEngine)
    }

    func storageDomain(_ version: EngineAPIVersion) -> EngineStorageDomain {
        EngineStorageDomain(id: id ?? "", name: value("name") ?? "", type: value("type"),
                            storageType: value("storage/type"), address: value("storage/address"),
                            path: value("storage/path"), status: status(version).state,
                            master: value("master").map { $0 == "true" })
    }

    func event() -> EngineEvent? {
        guard let number = id.flatMap(Int.init) else { return nil }
        return EngineEvent(id: number, code: value("code").flatMap(Int.init), severity: value("severity"),
                           time: value("time"), description: value("description") ?? "",
                           correlationID: value("correlation_id"), hostID: child("host")?.id,
                           storageDomainID: child("storage_domain")?.id)
    }
}
