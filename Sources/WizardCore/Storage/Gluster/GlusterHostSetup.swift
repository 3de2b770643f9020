/// How a host starts services: EL6 (the seed's CentOS 6) uses SysV init scripts, EL7+ systemd.
public enum GlusterServiceManager: String, CaseIterable, Sendable {
    case systemd
    case sysvinit
}

/// What every gluster server needs before the volume exists: every peer's name in /etc/hosts
/// (when there is no DNS, as in the seed's section 8), the packages, and glusterd enabled and
/// running.
public struct GlusterHostSetup: Sendable, Equatable {
    public var host: String
    public var operations: [StorageOperation]

    /// The seed's package list (section 8).
    public static let packages = ["glusterfs", "glusterfs-fuse", "glusterfs-server", "xfsprogs"]

    /// One setup per host, in the order the hosts first appear. `addresses` maps host names to
    /// IP addresses for /etc/hosts; hosts without an address must resolve by DNS.
    public static func plan(hosts: [String], addresses: [String: String],
                            serviceManager: GlusterServiceManager,
                            hostsFile: String = "/etc/hosts") throws(GlusterPlanError) -> [GlusterHostSetup] {
        for (name, address) in addresses {
            if !hosts.contains(where: { $0.lowercased() == name.lowercased() }) {
                throw .invalidCounts("--address \(name)=\(address) names no host of this volume")
            }
            if !isIPAddress(address) {
                throw .invalidCounts("--address \(name)=\(address): \"\(address)\" is not an IPv4 or IPv6 address")
            }
        }
        let hostLines = hosts.compactMap { host in
            addresses.first { $0.key.lowercased() == host.lowercased() }.map { "\($0.value)\t\(host)" }
        }
        let service: [StorageOperation]
        switch serviceManager {
        case .systemd:
            service = [.run(argv: ["systemctl", "enable", "--now", "glusterd"])]
        case .sysvinit:
            service = [.run(argv: ["chkconfig", "glusterd", "on"]), .run(argv: ["service", "glusterd", "start"])]
        }
        return hosts.map { host in
            GlusterHostSetup(host: host, operations:
                hostLines.map { .appendLineIfAbsent(path: hostsFile, line: $0) }
                + [.run(argv: ["yum", "install", "-y"] + packages)]
                + service)
        }
    }

    static func isIPAddress(_ text: String) -> Bool {
        Validators.isIPv4(text) || Validators.isIPv6(text)
    }
}
