/// A command line an operator typed (`ovirt-wizard ssh run HOST -- WORDS...`), handed to the remote shell as
/// OpenSSH's `ssh` does: the words joined with single spaces, quotes, `;`, `|` and `$` left for that shell.
/// It exists only for text a person typed for a shell; values the program holds go through `RemoteCommand`,
/// which quotes every one of them.
package struct TypedCommandLine: Sendable, Equatable, CustomStringConvertible {
    package let text: String

    package init(words: [String]) {
        precondition(!words.isEmpty, "a typed command line needs at least one word")
        text = words.joined(separator: " ")
    }

    package var description: String { text }
}

extension SSHConnection {
    /// Runs `line` in the remote login shell, handing each chunk of output to `onData` as it arrives (the same
    /// exec path, timeout and cancellation as `execute(_: RemoteCommand, ...)`).
    @discardableResult
    package func execute(_ line: TypedCommandLine, options: ExecOptions = ExecOptions(),
                        onData: (ExecStream, [UInt8]) -> Void) throws -> ExecResult {
        try execute(commandLine: line.text, options: options, onData: onData)
    }
}
