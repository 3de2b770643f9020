extension RemoteCommand {
    /// This command line with standard input from /dev/null and both output streams written to `log` (the last
    /// run's output): a long tool run started by a connection that may drop (an Ansible async task) keeps its
    /// console output on the host.
    package func commandLine(writingOutputTo log: String) -> String {
        "\(commandLine) < /dev/null > \(ShellQuote.quote(log)) 2>&1"
    }
}
