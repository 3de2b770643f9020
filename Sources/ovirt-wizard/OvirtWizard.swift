import ArgumentParser

@main
struct OvirtWizard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ovirt-wizard",
        abstract: "Deploy oVirt engine-setup and hosted-engine from answered questions, over SSH.",
        version: "0.1.0",
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
        ],
        defaultSubcommand: WizardCommand.self
    )
}
