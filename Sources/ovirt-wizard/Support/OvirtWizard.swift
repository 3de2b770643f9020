import ArgumentParser

@main
struct OvirtWizard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ovirt-wizard",
        abstract: "Deploy oVirt engine-setup and hosted-engine from answered questions, over SSH.",
        discussion: exitStatusText,
        version: BuildVersion.text,
        subcommands: [
            PlainCommand.self,
            AnswersCommand.self,
            FlowsCommand.self,
            CPUCheckCommand.self,
            ExportDomainCommand.self,
            GlusterCommand.self,
            SSHCommand.self,
            WizardCommand.self,
            PlanCommand.self,
            ApplyCommand.self,
            ExportCommand.self,
            BundleCommand.self,
            EngineCommand.self,
        ],
        defaultSubcommand: WizardCommand.self
    )

    static func main() {
        AllocatorPolicy.apply()
        main(nil)
    }

    /// The exit codes of every command, in one place (the README's "Exit status" lists the same). Every line
    /// starts with spaces and stays under 80 columns, so that --help and the man page keep the layout.
    static let exitStatusText = """
          Exit status, the same for every command:
          0      Success; for the checks (answers check, cpu-check, gluster status,
                 export-domain verify): nothing to report.
          1      The command ran and met a problem: invalid or missing answers
                 (answers check), a CPU that blocks the deployment (cpu-check),
                 volume findings (gluster status), a wrong or missing checksum
                 (export-domain verify), export-domain create failed, plain ended
                 before the confirmation or could not write its file (the answers
                 so far are saved), a step failed on a host or the Gluster
                 read-back disagrees (apply), the wizard ended on an error.
          2      Bad input: a file that cannot be read or parsed (FILE:LINE named),
                 an answer file that does not fit the command, no Screens/ folder
                 or no such flow, a terminal the screens cannot use; cpu-check and
                 gluster status also when a host cannot be probed.
          3      apply: another run holds the deployment's lock.
          4      apply: the journal could not be written; the run stopped
                 (continue with apply --resume).
          64     Usage: an unknown option, a missing or invalid argument.
          128+N  Ended by signal N (130: Ctrl-C); ssh run: the remote command was
                 killed by signal N.
          255    SSH: a host cannot be connected to, its host key is unknown or
                 changed, authentication failed, or (ssh run, ssh put) a timeout;
                 plan and apply when a host cannot be reached before any change;
                 engine status: the engine cannot be reached, is not trusted or
                 refused the login.
          Otherwise ssh run exits with the remote command's status, as ssh does.
        """
}
