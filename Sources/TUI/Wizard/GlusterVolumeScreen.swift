import WizardCore

/// The "Gluster volume" screen: a volume's type, status and brick count, each brick with host, path, port,
/// online flag (Y green, N red) and PID, the NFS servers and self-heal daemons per host, and the health
/// findings as warnings. Read-only; the text scrolls so that it stays readable at 80x24.
package struct GlusterVolumeScreen: Sendable {
    package var report: GlusterVolumeReport
    /// Where the outputs came from ("gluster on gs1 over SSH").
    package var origin: String?
    package private(set) var top = 0

    package init(report: GlusterVolumeReport, origin: String? = nil) {
        self.report = report
        self.origin = origin
    }

    package static let help = """
        The volume as `gluster volume info` and `gluster volume status` report it. Each brick shows its TCP \
        port, whether its process is online (Y/N) and its PID; each host shows its NFS server and self-heal \
        daemon. Warnings list bricks that are offline or missing, hosts of a replicated volume without an \
        online self-heal daemon, and processes gluster listed twice. ↑/↓ and PgUp/PgDn scroll. \
        `ovirt-wizard gluster status --json` has the same data.
        """

    /// Scrolling keys; false when the key is not the screen's.
    package mutating func handle(_ key: Key, size: Size) -> Bool {
        ReportScroll.move(&top, key: key, lineCount: lines(width: ReportScroll.bodyWidth(size)).count, size: size)
    }

    package func render(into frame: inout Frame, rect: Rect) {
        let all = lines(width: rect.width)
        ReportScroll.render(into: &frame, rect: rect, lineCount: all.count, top: top) { frame, index, row, room in
            var room = room
            var column = rect.column
            for span in all[index].spans where room > 0 {
                let written = frame.put(span.text, row: row, column: column, style: span.style, maxWidth: room)
                column += written
                room -= written
            }
        }
    }

    /// A line of the screen: runs of text, each in its own style (a table row highlights its online cell).
    package struct Line: Hashable, Sendable {
        package struct Span: Hashable, Sendable {
            package var text: String
            package var style: Style
        }
        package var spans: [Span]
        package var text: String { spans.map(\.text).joined() }
        init(_ text: String, _ style: Style = .normal) { spans = [Span(text: text, style: style)] }
        init(spans: [Span]) { self.spans = spans }
    }

    /// The screen's text at `width` columns: tables when they fit, one line per brick or host when they do not.
    package func lines(width: Int) -> [Line] {
        var out: [Line] = []
        func add(_ text: String, _ style: Style = .normal, indent: Int = 0) {
            out += TextLayout.indentedLines(text, width: width, indent: indent).map { Line($0, style) }
        }
        let info = report.info
        let health = report.health
        add("Volume \(info.name)  \(info.type ?? "type unknown")  \(info.status ?? "status unknown")", .bold)
        add("Number of Bricks: \(info.numberOfBricks ?? String(info.bricks.count))   Transport: \(info.transport ?? "unknown")")
        if let origin { add(origin, .muted) }
        add("Bricks online: \(health.bricksOnline) of \(health.bricksTotal)",
            health.bricksOnline == health.bricksTotal ? .success : .error)

        out.append(Line(""))
        add("Bricks", .bold)
        let brickRows = report.bricks.map {
            [String($0.number), $0.host, $0.path + ($0.isArbiter ? " (arbiter)" : ""), $0.port, $0.online, $0.pid]
        }
        let brickTable = GlusterVolumeText.table([["#", "Host", "Path", "Port", "Online", "PID"]] + brickRows)
        if brickTable.allSatisfy({ CellWidth.of($0) + 2 <= width }) {
            out.append(Line("  " + brickTable[0], .muted))
            // The online cell is the fifth column; its offset is the same on every row.
            let onlineColumn = brickTable[0].range(of: "Online").map { brickTable[0].distance(from: brickTable[0].startIndex, to: $0.lowerBound) } ?? 0
            for (row, brick) in zip(brickTable.dropFirst(), report.bricks) {
                let head = String(row.prefix(onlineColumn))
                let flag = String(row.dropFirst(onlineColumn).prefix(1))
                let tail = String(row.dropFirst(onlineColumn + 1))
                out.append(Line(spans: [.init(text: "  " + head, style: .normal),
                                        .init(text: flag, style: brick.isOnline ? .success : .error),
                                        .init(text: tail, style: .normal)]))
            }
        } else {
            for brick in report.bricks {
                add("\(brick.number) \(brick.host):\(brick.path)\(brick.isArbiter ? " (arbiter)" : "")  port \(brick.port)  online \(brick.online)  pid \(brick.pid)",
                    brick.isOnline ? .normal : .error, indent: 2)
            }
        }

        out.append(Line(""))
        add("Daemons per host (Y PID, N offline, none not listed)", .bold)
        let hostRows = report.daemonHosts.map {
            [$0.label, GlusterVolumeReport.cell($0.nfsServers), GlusterVolumeReport.cell($0.selfHealDaemons)]
        }
        let hostTable = GlusterVolumeText.table([["Host", "NFS Server", "Self-heal Daemon"]] + hostRows)
        let hostFits = hostTable.allSatisfy { CellWidth.of($0) + 2 <= width }
        if hostFits { out.append(Line("  " + hostTable[0], .muted)) }
        for (i, host) in report.daemonHosts.enumerated() {
            let bad = report.cellIsBad(host.nfsServers, selfHeal: false) || report.cellIsBad(host.selfHealDaemons, selfHeal: true)
            let style: Style = bad ? .warning : .normal
            if hostFits {
                out.append(Line("  " + hostTable[i + 1], style))
            } else {
                add("\(host.label): NFS \(hostRows[i][1]); self-heal \(hostRows[i][2])", style, indent: 2)
            }
        }

        out.append(Line(""))
        if health.isHealthy {
            add("Healthy: every brick online, a self-heal daemon on every host that needs one.", .success)
        } else {
            add("Warnings:", .warning)
            for finding in health.findings { add("- " + finding.description, .warning, indent: 2) }
        }
        if report.localHostUnknown {
            out.append(Line(""))
            add("Which host volume status calls \"localhost\" cannot be told from the output (gluster status --gluster-name NAME says it).", .muted)
        }
        return out
    }
}
