import Foundation
import WizardCore
#if canImport(Glibc)
import Glibc
#endif

/// The plain dialog's terminal or pipe. On a terminal, hidden answers are read with echo off; from a pipe,
/// each answer is echoed after its prompt (hidden ones are not) so that the output reads like a transcript.
final class TerminalDialogIO: DialogIO {
    let inputIsTerminal = isatty(STDIN_FILENO) == 1
    let outputIsTerminal = isatty(STDOUT_FILENO) == 1

    var color: Bool {
        let env = ProcessInfo.processInfo.environment
        return outputIsTerminal && env["NO_COLOR"] == nil && env["TERM"] != "dumb"
    }

    func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    func readLine(hidden: Bool) -> String? {
        if hidden && inputIsTerminal {
            let line = TerminalEcho.withEchoOff { Swift.readLine(strippingNewline: true) }
            write("\n")
            return line
        }
        let line = Swift.readLine(strippingNewline: true)
        if !inputIsTerminal, let line {
            write((hidden ? "" : line) + "\n")
        }
        return line
    }
}

/// Turns terminal echo off for a password and always back on, also when Ctrl-C ends the program meanwhile.
enum TerminalEcho {
    nonisolated(unsafe) static var saved: termios? = nil

    static func withEchoOff<T>(_ body: () -> T) -> T {
        var attributes = termios()
        guard tcgetattr(STDIN_FILENO, &attributes) == 0 else { return body() }
        saved = attributes
        attributes.c_lflag &= ~tcflag_t(ECHO)
        _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &attributes)
        defer { restore() }
        return body()
    }

    static func restore() {
        if var attributes = saved {
            _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &attributes)
            saved = nil
        }
    }
}
