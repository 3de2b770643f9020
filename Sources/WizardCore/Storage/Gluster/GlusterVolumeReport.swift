import Foundation

/// One volume's `volume info` and `volume status` joined for the operator: each brick with its port, online
/// flag and PID, the NFS servers and self-heal daemons per host, and the health findings. Shared by the text
/// report of `gluster status` and the "Gluster volume" screen.
package struct GlusterVolumeReport: Sendable, Equatable {
    package struct BrickRow: Sendable, Equatable {
        package var number: Int
        package var host: String
        package var path: String
        package var isArbiter: Bool
        /// Nil when volume status has no line for the brick.
        package var status: GlusterProcessStatus?
        package var port: String { status.map { $0.tcpPort.map(String.init) ?? "N/A" } ?? "-" }
        package var online: String { status.map { $0.online ? "Y" : "N" } ?? "?" }
        package var pid: String { status.map { $0.pid.map(String.init) ?? "N/A" } ?? "-" }
        package var isOnline: Bool { status?.online == true }
    }

    /// The daemons gluster listed for one host, in their printed order.
    package struct DaemonHost: Sendable, Equatable {
        /// The name as volume info / status print it (`localhost` replaced by the local name when known).
        package var host: String
        /// True for the host gluster calls "localhost".
        package var isLocal: Bool
        package var nfsServers: [GlusterProcessStatus]
        package var selfHealDaemons: [GlusterProcessStatus]
        package var label: String { isLocal && host != "localhost" ? "\(host) (localhost)" : host }
    }

    package var info: GlusterVolumeInfo
    package var status: GlusterVolumeStatus
    package var health: GlusterVolumeHealth
    /// What "localhost" stands for, when known.
    package var localName: String?
    package var bricks: [BrickRow]
    /// Brick hosts in info order, then hosts that only run daemons.
    package var daemonHosts: [DaemonHost]

    /// Status has "localhost" lines but which brick host that is could not be told.
    package var localHostUnknown: Bool { localName == nil && status.processes.contains { $0.host == "localhost" } }

    package var isRedundant: Bool {
        let type = info.type ?? ""
        return type.contains("Replicate") || type.contains("Disperse")
    }

    /// `localName`: what gluster's "localhost" is (the host the commands ran on); nil lets it be inferred as
    /// the one brick host that status names nowhere else, and stay unknown when that is ambiguous.
    package init(info: GlusterVolumeInfo, status: GlusterVolumeStatus, localName: String? = nil) {
        self.info = info
        self.status = status
        let local = localName ?? Self.inferLocalName(info: info, status: status)
        self.localName = local
        health = GlusterVolumeHealth(info: info, status: status, commandHost: local)
        bricks = info.bricks.map { brick in
            BrickRow(number: brick.number, host: brick.host, path: brick.path, isArbiter: brick.isArbiter,
                     status: status.bricks.first { $0.brickName == brick.name })
        }
        var hosts: [DaemonHost] = []
        func index(of host: String) -> Int {
            let isLocal = host == "localhost" || host.lowercased() == local?.lowercased()
            let name = host == "localhost" ? (local ?? host) : host
            if let i = hosts.firstIndex(where: { $0.host.lowercased() == name.lowercased() }) {
                if isLocal { hosts[i].isLocal = true }
                return i
            }
            hosts.append(DaemonHost(host: name, isLocal: isLocal, nfsServers: [], selfHealDaemons: []))
            return hosts.count - 1
        }
        for brick in info.bricks { _ = index(of: brick.host) }
        for process in status.processes {
            guard let daemon = process.daemonName else { continue }
            let i = index(of: process.host)
            if daemon == "NFS Server" { hosts[i].nfsServers.append(process) }
            if daemon == "Self-heal Daemon" { hosts[i].selfHealDaemons.append(process) }
        }
        daemonHosts = hosts
    }

    /// The one brick host that no status line names, when status has "localhost" lines; else nil.
    package static func inferLocalName(info: GlusterVolumeInfo, status: GlusterVolumeStatus) -> String? {
        guard status.processes.contains(where: { $0.host == "localhost" }) else { return nil }
        let named = Set(status.processes.filter { $0.daemonName != nil && $0.host != "localhost" }.map { $0.host.lowercased() })
        var unnamed: [String] = []
        for brick in info.bricks where !named.contains(brick.host.lowercased()) && !unnamed.contains(brick.host.lowercased()) {
            unnamed.append(brick.host.lowercased())
        }
        guard unnamed.count == 1 else { return nil }
        return info.bricks.first { $0.host.lowercased() == unnamed[0] }?.host
    }

    /// "Y 2006", "N", "none", or several when gluster listed the daemon more than once.
    package static func cell(_ processes: [GlusterProcessStatus]) -> String {
        guard !processes.isEmpty else { return "none" }
        let each = processes.map { p in p.online ? "Y " + (p.pid.map(String.init) ?? "N/A") : "N" }
        return processes.count == 1 ? each[0] : each.joined(separator: ", ") + " (\(processes.count)x)"
    }

    /// A daemon cell the operator must look at: missing (on a redundant volume, for self-heal), offline, or listed twice.
    package func cellIsBad(_ processes: [GlusterProcessStatus], selfHeal: Bool) -> Bool {
        if processes.isEmpty { return selfHeal && isRedundant }
        return processes.count > 1 || processes.contains { !$0.online }
    }
}

/// The plain text of `ovirt-wizard gluster status`.
package enum GlusterVolumeText {
    package static func render(_ report: GlusterVolumeReport, origin: String?) -> String {
        var out = ""
        func line(_ text: String = "") { out += text + "\n" }
        let info = report.info
        line("Volume \(info.name): \(info.type ?? "type unknown"), \(info.status ?? "status unknown"), "
             + "bricks \(info.numberOfBricks ?? String(info.bricks.count)), transport \(info.transport ?? "unknown")")
        if let origin { line(origin) }
        line("Bricks online: \(report.health.bricksOnline) of \(report.health.bricksTotal)")
        line()
        let brickRows = [["#", "Host", "Path", "Port", "Online", "PID"]] + report.bricks.map {
            [String($0.number), $0.host, $0.path + ($0.isArbiter ? " (arbiter)" : ""), $0.port, $0.online, $0.pid]
        }
        for row in table(brickRows) { line("  " + row) }
        line()
        line("Daemons per host (Y PID, N offline, none not listed):")
        let daemonRows = [["Host", "NFS Server", "Self-heal Daemon"]] + report.daemonHosts.map {
            [$0.label, GlusterVolumeReport.cell($0.nfsServers), GlusterVolumeReport.cell($0.selfHealDaemons)]
        }
        for row in table(daemonRows) { line("  " + row) }
        line()
        if report.health.isHealthy {
            line("Healthy: every brick online, a self-heal daemon on every host where one is needed.")
        } else {
            line("Findings:")
            for finding in report.health.findings { line("  - \(finding.description)") }
        }
        if report.localHostUnknown {
            line()
            line("Which host volume status calls \"localhost\" cannot be told from the output; give --gluster-name NAME.")
        }
        return out
    }

    /// Left-aligned columns two spaces apart; the last column is not padded.
    package static func table(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: columns)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }
}
