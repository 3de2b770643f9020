#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the full-screen interface cannot run here, decided before curses is touched.
package enum TerminalCheck {
    /// The hint appended to every refusal.
    package static let plainHint = "use `ovirt-wizard plain` for the line-by-line dialog"

    /// A one-line reason the terminal is unusable, or nil when it looks fine. Curses itself is checked
    /// later (`NcursesBackend` refuses a TERM without cursor addressing).
    package static func problem(environment: [String: String], stdinIsTerminal: Bool, stdoutIsTerminal: Bool) -> String? {
        if !stdinIsTerminal { return "standard input is not a terminal; \(plainHint)" }
        if !stdoutIsTerminal { return "standard output is not a terminal; \(plainHint)" }
        let term = environment["TERM"] ?? ""
        if term.isEmpty { return "TERM is not set, so the terminal type is unknown; \(plainHint)" }
        if term == "dumb" { return "TERM=dumb cannot move the cursor; \(plainHint)" }
        return nil
    }

    /// `problem` for this process's environment and standard streams.
    package static func currentProblem(environment: [String: String]) -> String? {
        problem(environment: environment, stdinIsTerminal: isatty(0) == 1, stdoutIsTerminal: isatty(1) == 1)
    }

    /// Whether colours are wanted: `NO_COLOR` set to anything non-empty turns them off (no-color.org).
    package static func colorsWanted(environment: [String: String]) -> Bool {
        (environment["NO_COLOR"] ?? "").isEmpty
    }
}
