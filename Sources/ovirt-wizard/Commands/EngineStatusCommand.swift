import ArgumentParser
import EngineAPI
import Foundation

/// `ovirt-wizard engine status`: data centers, clusters, hosts and storage domains with their status, what the
/// seed's `ovirt-shell` session was used for (`list datacenters`, `list hosts`, …).
struct EngineStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the engine's data centers, clusters, hosts and storage domains with their status.",
        discussion: """
            The engine's CA is pinned per FQDN in the wizard's state; every HTTPS call verifies the engine's \
            certificate and name against it (there is no option that turns this off). The admin password comes from \
            the answer file (OVESETUP_CONFIG/adminPassword, OVEHOSTED_ENGINE/adminPassword) or is asked on the \
            terminal. Exit status: 0 shown; 1 the engine refused a request; 2 bad input (no FQDN, no password, no \
            CA pinned, a CA that differs from the pinned one); 255 the engine cannot be reached, is not trusted or \
            refused the login.
            """)

    @OptionGroup var connection: EngineConnectionArguments

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let session = try connection.open()
        let report: EngineStatusReport
        do {
            report = try runBlocking {
                do {
                    let report = try await EngineStatusReport.read(session)
                    await session.close()
                    return report
                } catch {
                    await session.close()
                    throw error
                }
            }
        } catch let error as EngineError {
            if case .fault = error { EngineConnectionArguments.fail(error.description, code: .problemFound) }
            EngineConnectionArguments.fail(error.description, code: .unreachable)
        }
        if json {
            FileHandle.standardOutput.write(try report.json())
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(report.text().utf8))
        }
    }
}

/// What `engine status` shows, read once.
struct EngineStatusReport: Encodable {
    struct Engine: Encodable {
        var fqdn: String
        var product: String
        var version: String
        var api: String
        var caFingerprint: String
    }
    struct StorageDomain: Encodable {
        var name: String
        var id: String
        var type: String?
        var storageType: String?
        var connection: String?
        var status: String
        var dataCenter: String?
    }
    var engine: Engine
    var dataCenters: [EngineDataCenter]
    var clusters: [EngineCluster]
    var hosts: [EngineHost]
    var storageDomains: [StorageDomain]

    static func read(_ session: EngineSession) async throws -> EngineStatusReport {
        let dataCenters = try await session.dataCenters()
        let clusters = try await session.clusters()
        let hosts = try await session.hosts()
        let all = try await session.storageDomains()
        // A domain's status lives in its data center; /storagedomains only says `unattached` (or nothing).
        var attached: [String: (EngineStorageDomain, String)] = [:]
        for dc in dataCenters {
            for domain in try await session.attachedStorageDomains(dataCenterID: dc.id) { attached[domain.id] = (domain, dc.name) }
        }
        let domains = all.map { d -> StorageDomain in
            let connection = d.path.map { path in d.address.map { "\($0):\(path)" } ?? path }
            if let (inDC, dcName) = attached[d.id] {
                return StorageDomain(name: d.name, id: d.id, type: d.type, storageType: d.storageType, connection: connection,
                                     status: inDC.status ?? "unknown", dataCenter: dcName)
            }
            return StorageDomain(name: d.name, id: d.id, type: d.type, storageType: d.storageType, connection: connection,
                                 status: d.status ?? "attached", dataCenter: nil)
        }
        return EngineStatusReport(
            engine: Engine(fqdn: session.endpoint.fqdn, product: session.productName, version: session.productVersion,
                           api: session.version.rawValue, caFingerprint: session.transport.ca.fingerprint),
            dataCenters: dataCenters, clusters: clusters, hosts: hosts, storageDomains: domains)
    }

    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    func text() -> String {
        func table(_ title: String, _ header: [String], _ rows: [[String]]) -> String {
            var out = "\n\(title)\n"
            guard !rows.isEmpty else { return out + "  (none)\n" }
            let all = [header] + rows
            let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
            for row in all {
                let cells = row.indices.map { i in i == row.count - 1 ? row[i] : row[i].padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                out += "  " + cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
            }
            return out
        }
        let dcName = Dictionary(dataCenters.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let clusterName = Dictionary(clusters.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var out = "Engine \(engine.fqdn): \(engine.product) \(engine.version), API \(engine.api)\n"
        out += "CA SHA256 \(engine.caFingerprint)\n"
        out += table("Data centers", ["NAME", "STATUS", "VERSION"],
                     dataCenters.map { [$0.name, $0.status ?? "-", $0.version ?? "-"] })
        out += table("Clusters", ["NAME", "DATA CENTER", "CPU TYPE"],
                     clusters.map { [$0.name, $0.dataCenterID.flatMap { dcName[$0] } ?? "-", $0.cpuType ?? "-"] })
        out += table("Hosts", ["NAME", "STATUS", "ADDRESS", "CLUSTER", "DETAIL"],
                     hosts.map { [$0.name, $0.status ?? "-", $0.address ?? "-", $0.clusterID.flatMap { clusterName[$0] } ?? "-",
                                  $0.statusDetail ?? ""] })
        out += table("Storage domains", ["NAME", "TYPE", "STATUS", "DATA CENTER", "STORAGE"],
                     storageDomains.map { [$0.name, [$0.type, $0.storageType].compactMap { $0 }.joined(separator: "/"), $0.status,
                                           $0.dataCenter ?? "-", $0.connection ?? "-"] })
        return out
    }
}
