import WizardCore

/// `ovirt-wizard cpu-check --tui`: the CPU check screen on its own, for hosts and cpuinfo files given on the
/// command line. q, Esc or Ctrl-C leave it.
public struct CPUCheckApp: TUIApp {
    public struct State: Sendable {
        public var screen: CPUCheckScreen
        public var size = Size.minimum
        public var showsHelp = false
        public init(screen: CPUCheckScreen) { self.screen = screen }
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
            case .quit?: return (s, [.quit(exitCode: 0)])
            case .redraw?: return (s, [.redrawAll])
            default:
                if key == .escape || key == .character("q") { return (s, [.quit(exitCode: 0)]) }
                _ = s.screen.handle(key, size: s.size)
            }
        }
        return (s, [])
    }

    public func view(_ s: State, _ size: Size) -> Frame {
        TooSmallScreen.guarded(size: size) { frame in
            let hosts = s.screen.hosts.count
            let body = Chrome.render(into: &frame, title: "ovirt-wizard: CPU check",
                                     location: "\(hosts) host\(hosts == 1 ? "" : "s")",
                                     hints: [KeyHint("↑↓ PgUp PgDn", "Scroll"), KeyHint("←→", "Cluster level"),
                                             KeyHint("F1", "Help"), KeyHint("q", "Quit")])
            s.screen.render(into: &frame, rect: body)
            if s.showsHelp { HelpOverlay.render(into: &frame, title: "CPU check", text: CPUCheckScreen.help) }
        }
    }

    public func perform(_ effect: Never, post: @escaping @Sendable (Never) -> Void) {}
}
