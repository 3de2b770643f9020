extension RemoteCommand {
    /// This command line with standard input from /dev/null and both output streams appended to `log`: a long
    /// tool run started by a connection that may drop (an Ansible async task) keeps its console output on the host.
    package func commandLine(appendingOutputTo log: String) -> String {
        "\(commandLine) < /dev/null >> \(ShellQuote.quote(log)) 2>&1"
    }
}
