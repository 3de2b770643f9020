import Foundation

/// POSIX shell quoting. The only place where values become part of a remote shell command line.
package enum ShellQuote {
    /// Characters that never need quotes in any POSIX shell word.
    private static let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%_-+=:,./")

    /// `value` as one shell word: unchanged when it is made of safe characters only, otherwise in single quotes,
    /// with each `'` written as `'\''`.
    package static func quote(_ value: String) -> String {
        if !value.isEmpty && value.allSatisfy({ plain.contains($0) }) { return value }
        return "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Each argument quoted, joined by spaces.
    package static func join(_ argv: [String]) -> String {
        argv.map(quote).joined(separator: " ")
    }
}

/// A command to run on a host: an argv array, optional environment assignments and working directory.
/// `commandLine` is the exact text sent to the remote shell; every value in it is quoted.
package struct RemoteCommand: Sendable, Equatable, CustomStringConvertible {
    package var argv: [String]
    package var environment: [(String, String)]
    package var workingDirectory: String?

    package init(_ argv: [String], environment: [(String, String)] = [], workingDirectory: String? = nil) {
        precondition(!argv.isEmpty, "a remote command needs at least a program name")
        self.argv = argv
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    package init(_ argv: String..., environment: [(String, String)] = []) {
        self.init(argv, environment: environment)
    }

    /// A script with positional parameters: `$1`, `$2`, … are `arguments`, passed quoted. Use this when shell
    /// syntax (pipes, redirections) is needed; the script text itself must be a constant.
    package static func script(_ script: StaticString, arguments: [String] = []) -> RemoteCommand {
        RemoteCommand(["sh", "-c", "\(script)", "sh"] + arguments)
    }

    package var commandLine: String {
        var parts: [String] = []
        if let dir = workingDirectory { parts.append("cd \(ShellQuote.quote(dir)) &&") }
        if !environment.isEmpty {
            parts.append("env")
            for (name, value) in environment {
                precondition(name.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber } && !name.isEmpty,
                             "invalid environment variable name")
                parts.append(ShellQuote.quote("\(name)=\(value)"))
            }
        }
        parts.append(ShellQuote.join(argv))
        return parts.joined(separator: " ")
    }

    package var description: String { commandLine }

    package static func == (a: RemoteCommand, b: RemoteCommand) -> Bool {
        a.commandLine == b.commandLine
    }
}
