import ArgumentParser

/// Every exit status the commands choose, by name. The README's "Exit status" table and the root command's help
/// list the same codes; usage errors exit 64, swift-argument-parser's own code.
extension ExitCode {
    /// The command ran and met a problem: a step or a check did not pass, answers are missing.
    static let problemFound = ExitCode(1)
    /// Unusable input: a file that cannot be read or does not fit the command, a terminal the screens cannot use.
    static let badInput = ExitCode(2)
    /// Another run holds the deployment's lock.
    static let locked = ExitCode(3)
    /// The journal could not be written; the run stopped so that `--resume` stays truthful.
    static let journalFailed = ExitCode(4)
    /// Ended by Ctrl-C (128 + SIGINT).
    static let interrupted = ExitCode(130)
    /// A host could not be connected to or logged into (ssh's own code for that).
    static let unreachable = ExitCode(255)
}
