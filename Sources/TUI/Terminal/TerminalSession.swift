import CNcursesw
#if canImport(Glibc)
import Glibc
#endif

/// Runs an app full-screen on the process's terminal with everything around it: terminal checks,
/// signal watching, curses start and stop. The terminal is usable again whenever this returns.
package enum TerminalSession {
    /// Exit code when the terminal cannot host the full-screen interface.
    package static let unusableTerminalExitCode: Int32 = 2

    /// Returns the app's exit code, 128 + signal after SIGINT/SIGTERM/SIGHUP, or
    /// `unusableTerminalExitCode` after printing `program: reason` on standard error.
    package static func run<App: TUIApp>(_ app: App, state: App.State, environment: [String: String],
                                        program: String = "ovirt-wizard", inbox: Inbox<App.Message> = Inbox(),
                                        afterRun: (AppRunner<App>) -> Void = { _ in }) -> Int32 {
        // Watch signals before curses starts so that ncurses does not install its own handlers.
        let signals = SignalWatcher()
        let backend: NcursesBackend
        do {
            backend = try NcursesBackend(environment: environment)
        } catch {
            fputs("\(program): \(error)\n", shim_stderr())
            return unusableTerminalExitCode
        }
        let runner = AppRunner(app: app, state: state, backend: backend, inbox: inbox)
        let code = runner.run(signals: signals)
        backend.close()
        afterRun(runner)
        return code
    }
}
