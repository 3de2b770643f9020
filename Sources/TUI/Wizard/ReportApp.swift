/// A read-only screen that scrolls (the CPU check, a Gluster volume), shown on its own by a command's `--tui`.
public protocol ReportScreen: Sendable {
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
public struct ReportApp<Screen: ReportScreen>: TUIApp {
    public struct State: Sendable {
        public var screen: Screen
        public var size = Size.minimum
        public var showsHelp = false
        public init(screen: Screen) { self.screen = screen }
    }
    public typealias Message = Never
    public typealias Effect = Never

    public init() {}

    public func update(_ state: State, _ event: AppEvent<Never>) -> (State, [AppEffect<Never>]) {
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

    public func view(_ s: State, _ size: Size) -> Frame {
        TooSmallScreen.guarded(size: size) { frame in
            let body = Chrome.render(into: &frame, title: s.screen.title, location: s.screen.location, hints: s.screen.hints)
            s.screen.render(into: &frame, rect: body)
            if s.showsHelp { HelpOverlay.render(into: &frame, title: s.screen.helpTitle, text: Screen.help) }
        }
    }

    public func perform(_ effect: Never, post: @escaping @Sendable (Never) -> Void) {}
}

/// `ovirt-wizard cpu-check --tui`.
public typealias CPUCheckApp = ReportApp<CPUCheckScreen>

extension CPUCheckScreen: ReportScreen {
    public var title: String { "ovirt-wizard: CPU check" }
    public var helpTitle: String { "CPU check" }
    public var location: String { "\(hosts.count) host\(hosts.count == 1 ? "" : "s")" }
    public var hints: [KeyHint] {
        [KeyHint("↑↓ PgUp PgDn", "Scroll"), KeyHint("←→", "Cluster level"), KeyHint("F1", "Help"), KeyHint("q", "Quit")]
    }
    public var exitCode: Int32 { 0 }
}

/// `ovirt-wizard gluster status --tui`: the exit code is the command's (0 healthy, 1 with findings).
public typealias GlusterVolumeApp = ReportApp<GlusterVolumeScreen>

extension GlusterVolumeScreen: ReportScreen {
    public var title: String { "ovirt-wizard: Gluster volume \(report.info.name)" }
    public var helpTitle: String { "Gluster volume" }
    public var location: String {
        let health = report.health
        return health.isHealthy ? "healthy" : "\(health.findings.count) warning\(health.findings.count == 1 ? "" : "s")"
    }
    public var hints: [KeyHint] { [KeyHint("↑↓ PgUp PgDn", "Scroll"), KeyHint("F1", "Help"), KeyHint("q", "Quit")] }
    public var exitCode: Int32 { report.health.isHealthy ? 0 : 1 }
}
