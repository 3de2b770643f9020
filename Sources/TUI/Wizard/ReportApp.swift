/// A read-only screen that scrolls (the CPU check, a Gluster volume), shown on its own by a command's `--tui`.
package protocol ReportScreen: Sendable {
    static var help: String { get }
    /// The title bar's text and the help overlay's title.
    var title: String { get }
    var helpTitle: String { get }
    /// The right-hand side of the title bar.
    var location: String { get }
    var hints: [KeyHint] { get }
    /// The exit code when the operator leaves (the command's own: 1 when the report shows a problem, say).
    var exitCode: Int32 { get }
    mutating func handle(_ key: Key, size: Size) -> Bool
    func render(into frame: inout Frame, rect: Rect)
}

/// Shows one `ReportScreen`: arrows and pages scroll, F1 helps, q, Esc or Ctrl-C leave it.
package struct ReportApp<Screen: ReportScreen>: TUIApp {
    /// Below it the view says "Terminal too small" and keys do not reach `update`.
    package var minimumSize: Size { .minimum }
    package struct State: Sendable {
        package var screen: Screen
        package var size = Size.minimum
        package var showsHelp = false
        package init(screen: Screen) { self.screen = screen }
    }
    package typealias Message = Never
    package typealias Effect = Never

    package init() {}

    package func update(_ state: State, _ event: AppEvent<Never>) -> (State, [AppEffect<Never>]) {
        var s = state
        switch event {
        case .resize(let size): s.size = size
        case .signal: return (s, [.quit(exitCode: 130)])
        case .key(let key):
            if s.showsHelp { s.showsHelp = false; return (s, []) }
            switch GlobalKeys.action(for: key, textFieldFocused: false) {
            case .help?: s.showsHelp = true
            case .quit?: return (s, [.quit(exitCode: s.screen.exitCode)])
            case .redraw?: return (s, [.redrawAll])
            default:
                if key == .escape || key == .character("q") { return (s, [.quit(exitCode: s.screen.exitCode)]) }
                _ = s.screen.handle(key, size: s.size)
            }
        }
        return (s, [])
    }

    package func view(_ s: State, _ size: Size) -> Frame {
        TooSmallScreen.guarded(size: size) { frame in
            let body = Chrome.render(into: &frame, title: s.screen.title, location: s.screen.location, hints: s.screen.hints)
            s.screen.render(into: &frame, rect: body)
            if s.showsHelp { HelpOverlay.render(into: &frame, title: s.screen.helpTitle, text: Screen.help) }
        }
    }

    package func perform(_ effect: Never, post: @escaping @Sendable (Never) -> Void) {}
}

/// `ovirt-wizard cpu-check --tui`.
package typealias CPUCheckApp = ReportApp<CPUCheckScreen>

extension CPUCheckScreen: ReportScreen {
    package var title: String { "ovirt-wizard: CPU check" }
    package var helpTitle: String { "CPU check" }
    package var location: String { "\(hosts.count) host\(hosts.count == 1 ? "" : "s")" }
    package var hints: [KeyHint] {
        [KeyHint("↑↓ PgUp PgDn", "Scroll"), KeyHint("←→", "Cluster level"), KeyHint("F1", "Help"), KeyHint("q", "Quit")]
    }
    package var exitCode: Int32 { 0 }
}

/// `ovirt-wizard gluster status --tui`: the exit code is the command's (0 healthy, 1 with findings).
package typealias GlusterVolumeApp = ReportApp<GlusterVolumeScreen>

extension GlusterVolumeScreen: ReportScreen {
    package var title: String { "ovirt-wizard: Gluster volume \(report.info.name)" }
    package var helpTitle: String { "Gluster volume" }
    package var location: String {
        let health = report.health
        return health.isHealthy ? "healthy" : "\(health.findings.count) warning\(health.findings.count == 1 ? "" : "s")"
    }
    package var hints: [KeyHint] { [KeyHint("↑↓ PgUp PgDn", "Scroll"), KeyHint("F1", "Help"), KeyHint("q", "Quit")] }
    package var exitCode: Int32 { report.health.isHealthy ? 0 : 1 }
}

/// Scrolling shared by the report screens: which line is on top, the keys that move it, the "↓ more" mark.
enum ReportScroll {
    // The chrome takes a title row, a notice row and a status row (see Chrome.render).
    static func bodyWidth(_ size: Size) -> Int { max(1, size.columns - 2) }
    static func bodyHeight(_ size: Size) -> Int { max(1, size.rows - 4) }

    /// Moves `top` for ↑ ↓ PgUp PgDn Home End; false when the key does not scroll.
    static func move(_ top: inout Int, key: Key, lineCount: Int, size: Size) -> Bool {
        let page = bodyHeight(size)
        let last = max(0, lineCount - page)
        switch key {
        case .up: top = max(0, top - 1)
        case .down: top = min(last, top + 1)
        case .pageUp: top = max(0, top - max(1, page - 1))
        case .pageDown: top = min(last, top + max(1, page - 1))
        case .home: top = 0
        case .end: top = last
        default: return false
        }
        top = min(top, last)
        return true
    }

    /// Draws the visible lines through `draw(frame, lineIndex, row, room)`; the last row leaves room for the mark.
    static func render(into frame: inout Frame, rect: Rect, lineCount: Int, top: Int,
                       draw: (inout Frame, Int, Int, Int) -> Void) {
        let start = min(top, max(0, lineCount - rect.height))
        let scrolls = lineCount > rect.height && rect.width > 12
        let more = start + rect.height < lineCount ? "↓ more" : "end"
        for (i, index) in (start..<min(lineCount, start + rect.height)).enumerated() {
            let room = scrolls && i == rect.height - 1 ? rect.width - CellWidth.of(more) - 1 : rect.width
            draw(&frame, index, rect.row + i, room)
        }
        if scrolls {
            frame.put(more, row: rect.bottom - 1, column: rect.column + rect.width - CellWidth.of(more), style: .muted)
        }
    }
}
