import HostOps

/// How a Gluster host starts glusterd (HostOps' service vocabulary).
package typealias GlusterServiceManager = ServiceManager

/// What every gluster server needs before the volume exists: every peer's name in /etc/hosts
/// (when there is no DNS, as in the seed's section 8), the packages, and glusterd enabled and
/// running.
package struct GlusterHostSetup: Sendable, Equatable {
    package var host: String
    package var operations: [HostOperation]

    /// The seed's package list (section 8).
    package static let packages = ["glusterfs", "glusterfs-fuse", "glusterfs-server", "xfsprogs"]

    /// One setup per host, in the order the hosts first appear. `addresses` maps host names to
    /// IP addresses for /etc/hosts; hosts without an address must resolve by DNS.
    package static func plan(hosts: [String], addresses: [String: String],
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
        return hosts.map { host in
            GlusterHostSetup(host: host, operations:
                hostLines.map { .appendLineIfAbsent(path: hostsFile, line: $0) }
                // The seed's hosts are EL6/EL7: yum.
                + [.installPackages(packages, manager: .yum), .enableService("glusterd", manager: serviceManager)])
        }
    }

    static func isIPAddress(_ text: String) -> Bool {
        Validators.isIPv4(text) || Validators.isIPv6(text)
    }
}
