/// What an operator must look at after `volume info` + `volume status`: bricks not online or not
/// listed, hosts of a redundant volume without a running self-heal daemon, processes listed twice.
package struct GlusterVolumeHealth: Sendable, Equatable {
    package struct Finding: Sendable, Equatable, CustomStringConvertible {
        package var message: String
        /// Line in the status output it refers to, if any.
        package var statusLine: Int?
        package var description: String { statusLine.map { "status line \($0): \(message)" } ?? message }
    }

    package var bricksTotal: Int
    package var bricksOnline: Int
    package var findings: [Finding]

    package var isHealthy: Bool { findings.isEmpty }

    /// `commandHost` is where `gluster volume status` ran: gluster calls it "localhost".
    package init(info: GlusterVolumeInfo, status: GlusterVolumeStatus, commandHost: String?) {
        var findings: [Finding] = []
        func hostName(_ host: String) -> String {
            (host == "localhost" ? (commandHost ?? host) : host).lowercased()
        }
        if info.name != status.volumeName {
            findings.append(.init(message: "volume info is about \(info.name) but volume status about \(status.volumeName)"))
        }
        var online = 0
        for brick in info.bricks {
            let entries = status.bricks.filter { $0.brickName == brick.name }
            guard let entry = entries.first else {
                findings.append(.init(message: "brick \(brick.name) has no line in volume status (its host may be down)"))
                continue
            }
            if entry.online { online += 1 } else {
                findings.append(.init(message: "brick \(brick.name) is offline", statusLine: entry.line))
            }
        }
        var seen: [String: Int] = [:]
        for process in status.processes {
            let key = (process.daemonName ?? "Brick") + " on " + (process.brickName ?? hostName(process.host))
            if let first = seen[key] {
                findings.append(.init(message: "\(key) is listed twice (first on line \(first)); the output may be garbled or a host misnamed", statusLine: process.line))
            } else {
                seen[key] = process.line
            }
            if process.daemonName != nil && !process.online {
                findings.append(.init(message: "\(process.daemonName!) on \(process.host) is not online", statusLine: process.line))
            }
        }
        let type = info.type ?? ""
        if type.contains("Replicate") || type.contains("Disperse") {
            let healHosts = Set(status.selfHealDaemons.filter(\.online).map { hostName($0.host) })
            var reported = Set<String>()
            for brick in info.bricks where !healHosts.contains(brick.host.lowercased()) && reported.insert(brick.host.lowercased()).inserted {
                findings.append(.init(message: "no online Self-heal Daemon is listed for \(brick.host), which holds bricks of this \(type) volume"))
            }
        }
        bricksTotal = info.bricks.count
        bricksOnline = online
        self.findings = findings
    }
}
