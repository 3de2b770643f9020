extension RemoteCommand {
    /// This command line with standard input from the file `input` and both output streams written to `log` (the
    /// last run's output): a long tool run started by a connection that may drop (an Ansible async task) keeps its
    /// console output on the host.
    package func commandLine(readingInputFrom input: String, writingOutputTo log: String) -> String {
        "\(commandLine) < \(ShellQuote.quote(input)) > \(ShellQuote.quote(log)) 2>&1"
    }
}
