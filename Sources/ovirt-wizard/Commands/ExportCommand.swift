import AnsibleExport
import ArgumentParser
import Deploy
import Foundation
import HostOps

/// `ovirt-wizard export`: the plan in another engine's form.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the plan in another tool's form (an Ansible project).",
        subcommands: [ExportAnsibleCommand.self])
}

/// `ovirt-wizard export ansible`: the plan `apply` would run, as a self-contained Ansible project.
struct ExportAnsibleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ansible",
        abstract: "Write the plan as an Ansible project that does what apply does (ansible-core builtin modules only).",
        discussion: """
            DIR gets inventory.yml (one host per plan host, with its SSH login), ansible.cfg, site.yml (one task \
            per plan step, in the plan's order; a new play where a step waits for other hosts) and tasks/KIND.yml \
            per step kind. The hosts of a play run side by side; a later play starts only when every host finished the \
            earlier ones. hosted-engine's additional hosts get their answer file put together on this machine from \
            the first host's generated answers.conf. A login that becomes root through sudo uses become (a sudo \
            password is asked by ansible-playbook --ask-become-pass, never written). Every step runs its probe first, so a second run changes nothing and a run after a \
            failure continues where it stopped. Generated answer files (with their passwords) are encrypted with \
            ansible-vault and the password file named by --vault-password-file; nothing secret is written in \
            plain text or shown. Run it with: cd DIR && ansible-playbook site.yml. The hosts are probed read-only \
            for their OS as plan does (--no-probe assumes CentOS 6). Exit 0; 2 for unusable input or when DIR \
            holds something else; 255 when a host cannot be reached.
            """)

    @OptionGroup var deployment: DeploymentArguments
    @Option(name: .customLong("plan"), help: ArgumentHelp("A generic plan (JSON: hosts and steps) instead of answer files.", valueName: "FILE"))
    var planFile: String?
    @Option(name: .customLong("output"), help: ArgumentHelp("The folder to write the project into (new, empty, or an earlier export).", valueName: "DIR"))
    var output: String
    @Option(name: .customLong("vault-password-file"), help: ArgumentHelp("Ansible Vault password file for the generated answer files.", valueName: "FILE"))
    var vaultPasswordFile: String?
    @Option(name: .customLong("ansible-vault"), help: ArgumentHelp("The ansible-vault program (default: found on PATH).", valueName: "PATH"))
    var ansibleVault: String?
    @Flag(name: .customLong("no-probe"), help: "Do not contact the hosts; assume the seed's CentOS 6 (yum).") var noProbe = false

    func run() throws {
        try runReportingErrors {
            if planFile != nil, !deployment.answers.isEmpty {
                throw CLIError(message: "give either --plan FILE or --answers FILE, not both", code: .badInput)
            }
            let plan: DeploymentPlan
            let sources: [String]
            if let planFile {
                do {
                    plan = try PlanFile.load(path: planFile, options: deployment.connection.connectOptions())
                } catch {
                    throw CLIError(message: "\(error)", code: .badInput)
                }
                sources = [planFile]
            } else {
                let source = try deployment.source()
                var platforms: [String: HostPlatform] = [:]
                if noProbe {
                    for host in source.hosts { platforms[host.name] = .assumed("--no-probe") }
                } else {
                    let probed = DeploymentArguments.probePlatforms(source.hosts)
                    if !probed.failures.isEmpty {
                        for f in probed.failures { printError("ovirt-wizard: \(f)") }
                        throw CLIError(message: "cannot export without reaching every host (use --no-probe to assume CentOS 6)", code: .unreachable)
                    }
                    platforms = probed.platforms
                }
                plan = try source.plan(remoteBase: deployment.remoteDir, platforms: platforms)
                sources = deployment.answers
            }
            do {
                let project = try AnsibleProject(plan: plan, sources: sources)
                let written = try AnsibleExporter(ansibleVault: ansibleVault, vaultPasswordFile: vaultPasswordFile).write(project, to: output)
                let steps = project.steps.count
                print("Wrote \(written.count) files to \(output): \(plan.hosts.count) host\(plan.hosts.count == 1 ? "" : "s"), \(steps) steps in \(project.plays.plays.count) play\(project.plays.plays.count == 1 ? "" : "s")")
                if project.needsVault { print("Answer files are in Ansible Vault (password file \(vaultPasswordFile ?? ""))") }
                let sudoHosts = plan.hosts.filter { if case .sudoPassword = $0.access.become { return true }; return false }.map(\.name)
                if sudoHosts.isEmpty {
                    print("Run: cd \(output) && ansible-playbook site.yml")
                } else {
                    print("\(sudoHosts.joined(separator: ", ")) become root through sudo with a password (not written anywhere)")
                    print("Run: cd \(output) && ansible-playbook --ask-become-pass site.yml")
                }
            } catch let problem as AnsibleExportProblem {
                throw CLIError(message: problem.description, code: .badInput)
            }
            return 0
        }
    }
}
