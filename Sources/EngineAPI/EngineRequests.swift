/// A host to add: the engine logs in to it over SSH with its own key (installed beforehand into root's
/// authorized_keys) or with the root password.
package struct EngineHostSpec: Sendable {
    package enum Authentication: Sendable {
        case publicKey
        case password(EnginePassword)
    }
    package var name: String
    package var address: String
    package var cluster: String
    package var authentication: Authentication
    package var sshPort: Int
    /// 4.5: the engine's host-deploy also makes it a hosted-engine host (HA agent and broker, its own Host ID):
    /// `deploy_hosted_engine=true`, how hosted-engine's additional hosts are added since 4.0 (hosted-engine-45.md §6).
    package var deployHostedEngine: Bool

    package init(name: String, address: String, cluster: String, authentication: Authentication, sshPort: Int = 22,
                 deployHostedEngine: Bool = false) {
        self.name = name
        self.address = address
        self.cluster = cluster
        self.authentication = authentication
        self.sshPort = sshPort
        self.deployHostedEngine = deployHostedEngine
    }
}

/// A storage domain to add (or, when its path already holds a domain of that type, to import: the engine
/// does that by itself for the export domain made by `export-domain create`).
package struct EngineStorageDomainSpec: Sendable {
    package enum Function: String, Sendable, Codable { case data, iso, export }
    package enum Storage: Sendable {
        /// `address:/path`; `nfsVersion` v3, v4 or auto (none: the engine's default).
        case nfs(address: String, path: String, nfsVersion: String?)
        /// The Gluster volume `address:/volume`, with `backup-volfile-servers=…` when given.
        case glusterfs(address: String, volume: String, mountOptions: String?)
    }
    package var name: String
    package var function: Function
    package var storage: Storage
    /// The Up host that creates it.
    package var host: String
    /// The path already holds a domain of this type (the export domain made by `export-domain create`): import it,
    /// never format it. v4 says so with `<import>true</import>` (what the SDK's `import_=True` sends); 3.4's REST
    /// layer imports an existing NFS domain by itself (`AddExistingFileStorageDomain`) and has no such element.
    package var importExisting: Bool

    /// `address:/path`, as the engine shows the domain's storage.
    package var connection: String {
        switch storage {
        case let .nfs(address, path, _): return "\(address):\(path)"
        case let .glusterfs(address, volume, _): return "\(address):" + (volume.hasPrefix("/") ? volume : "/" + volume)
        }
    }

    package init(name: String, function: Function, storage: Storage, host: String, importExisting: Bool = false) {
        self.name = name
        self.function = function
        self.storage = storage
        self.host = host
        self.importExisting = importExisting
    }
}

/// The request bodies, per API version. v3 bodies follow the 3.4 schema's element order (an `xs:sequence`);
/// v4 bodies use the same names, which the v4 model reads in any order.
package enum EngineRequests {
    /// `POST /hosts`. 3.4 defaults `override_iptables` to false, so it is always sent as true (the web UI's
    /// default), and `reboot_after_installation` false; on 4.5 reboot is a query parameter (`reboot=false`).
    package static func addHost(_ spec: EngineHostSpec, version: EngineAPIVersion) -> EngineXML {
        var children: [EngineXML] = [.leaf("name", spec.name), .leaf("address", spec.address),
                                     EngineXML("cluster", children: [.leaf("name", spec.cluster)])]
        switch spec.authentication {
        case let .password(password):
            children.append(.leaf("root_password", password.value))
            children.append(EngineXML("ssh", children: [.leaf("port", String(spec.sshPort)),
                                                        .leaf("authentication_method", "password")]))
        case .publicKey:
            children.append(EngineXML("ssh", children: [.leaf("port", String(spec.sshPort)),
                                                        .leaf("authentication_method", "publickey")]))
        }
        children.append(.leaf("override_iptables", "true"))
        if version == .v3 { children.append(.leaf("reboot_after_installation", "false")) }
        return EngineXML("host", children: children)
    }

    /// The query of `POST /hosts` on v4 (the host reboots after install by default since 4.4.5; a hosted-engine
    /// host is asked for as the SDK's `add(…, deploy_hosted_engine=True)` does, in the query). 3.4 has neither.
    package static func addHostQuery(version: EngineAPIVersion, deployHostedEngine: Bool = false) -> String {
        guard version == .v4 else { return "" }
        return deployHostedEngine ? "?deploy_hosted_engine=true&reboot=false" : "?reboot=false"
    }

    /// `POST /storagedomains`: name, type, storage (type, address, path, then mount options / vfs type / NFS
    /// version in the 3.4 schema's order), host.
    package static func addStorageDomain(_ spec: EngineStorageDomainSpec, version: EngineAPIVersion) -> EngineXML {
        var storage: [EngineXML]
        switch spec.storage {
        case let .nfs(address, path, nfsVersion):
            storage = [.leaf("address", address), .leaf("type", "nfs"), .leaf("path", path)]
            if let nfsVersion { storage.append(.leaf("nfs_version", nfsVersion)) }
        case let .glusterfs(address, volume, mountOptions):
            storage = [.leaf("address", address), .leaf("type", "glusterfs"),
                       .leaf("path", volume.hasPrefix("/") ? volume : "/" + volume)]
            if let mountOptions { storage.append(.leaf("mount_options", mountOptions)) }
            storage.append(.leaf("vfs_type", "glusterfs"))
        }
        var children: [EngineXML] = [
            .leaf("name", spec.name), .leaf("type", spec.function.rawValue),
            EngineXML("storage", children: storage),
            EngineXML("host", children: [.leaf("name", spec.host)]),
        ]
        if spec.importExisting && version == .v4 { children.append(.leaf("import", "true")) }
        return EngineXML("storage_domain", children: children)
    }

    /// `POST /datacenters/{dc}/storagedomains`: the domain by id.
    package static func attach(storageDomainID: String) -> EngineXML {
        EngineXML("storage_domain", attributes: ["id": storageDomainID])
    }

    /// The body of an action such as `activate`: an empty `<action/>`.
    package static let action = EngineXML("action")
}
