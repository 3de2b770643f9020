/// Which of a step's commands go through the host's command shell (`SSHConnection`'s runner) and which get an
/// exec channel of their own. One place for the rule: the runner's commands follow it, and the connect gate
/// starts the shell a step will use before the host gives up its turn (`HostRun.connect(for:)`).
extension PlanStep {
    /// Whether a `run` command keeps an exec channel of its own: otopi's tools run for long and relay prompts,
    /// and a command that prompts needs its stdin open.
    static func runHasOwnChannel(otopi: Bool, interactive: Bool) -> Bool { otopi || interactive }

    /// The shell the step's first command runs in: true for the root one (through sudo when the login is not
    /// root), false for the login user's, nil when that command has a channel of its own or there is none.
    var firstCommandShell: Bool? {
        switch action {
        // A detached run (hosted-engine 4.5's deploy, an otopi tool) is started through the shell, whatever the
        // tool (`DetachedRun.start`); only the following of its log has a channel of its own.
        case .run where detached != nil: return runsAsRoot
        case let .run(_, otopi, interactive): return Self.runHasOwnChannel(otopi: otopi, interactive: interactive) ? nil : runsAsRoot
        case .operation: return runsAsRoot
        // A small file goes through the login user's shell; for a root upload (staged by the user, installed by
        // root when the login is not root) the upload starts what it needs itself.
        case .upload: return runsAsRoot ? nil : false
        case .fetchResults, .engine: return nil
        }
    }
}
