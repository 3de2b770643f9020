import WizardCore

/// `ovirt-wizard gluster status --tui`: the Gluster volume screen on its own. q, Esc or Ctrl-C leave it;
/// the exit code is the command's (0 healthy, 1 with findings).
public struct GlusterVolumeApp: TUIApp {
    public struct State: Sendable {
        public var screen: GlusterVolumeScreen
        public var size = Size.minimum
        public var showsHelp = false
        public init(screen: GlusterVolumeScreen) { self.screen = screen }
    }
    public typealias Message = Never
    public typealias Effect = Never

    public init() {}

    public func update(_ state: State, _ event: AppEvent<Never>) -> (State, [AppEffect<Never>]) {
        var s = state
        let done = s.screen.report.health.isHealthy ? Int32(0) : 1
        switch event {
        case .resize(let size): s.size = size
        case .signal: return (s, [.quit(exitCode: 130)])
        case .key(let key):
            if s.showsHelp { s.showsHelp = false; return (s, []) }
            switch GlobalKeys.action(for: key, textFieldFocused: false) {
            case .help?: s.showsHelp = true
            case .quit?: return (s, [.quit(exitCode: done)])
            case .redraw?: return (s, [.redrawAll])
            default:
                if key == .escape || key == .character("q") { return (s, [.quit(exitCode: done)]) }
                _ = s.screen.handle(key, size: s.size)
            }
        }
        return (s, [])
    }

    public func view(_ s: State, _ size: Size) -> Frame {
        TooSmallScreen.guarded(size: size) { frame in
            let health = s.screen.report.health
            let location = health.isHealthy ? "healthy" : "\(health.findings.count) warning\(health.findings.count == 1 ? "" : "s")"
            let body = Chrome.render(into: &frame, title: "ovirt-wizard: Gluster volume \(s.screen.report.info.name)",
                                     location: location,
                                     hints: [KeyHint("↑↓ PgUp PgDn", "Scroll"), KeyHint("F1", "Help"), KeyHint("q", "Quit")])
            s.screen.render(into: &frame, rect: body)
            if s.showsHelp { HelpOverlay.render(into: &frame, title: "Gluster volume", text: GlusterVolumeScreen.help) }
        }
    }

    public func perform(_ effect: Never, post: @escaping @Sendable (Never) -> Void) {}
}
