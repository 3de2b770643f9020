import Deploy
import Foundation
import HostOps
import SSHKit

/// A plan as a self-contained Ansible project: inventory.yml, ansible.cfg, site.yml (one task per plan step, in
/// the plan's order, grouped into plays at the waits between hosts) and the task files per step kind. Only
/// ansible-core's builtin modules are used.
package struct AnsibleProject: Sendable {
    package var plays: AnsiblePlays
    package var steps: [AnsibleStep] { plays.plays.flatMap(\.steps) }
    let plan: DeploymentPlan
    /// Where the answer files came from (named in site.yml's header).
    let sources: [String]

    package init(plan: DeploymentPlan, sources: [String]) throws {
        if let problem = plan.confirmationProblem { throw AnsibleExportProblem(problem) }
        // The engine's REST calls (the platform flow) have no Ansible form here yet: refused as a whole, by name.
        let engineSteps = plan.hosts.flatMap { host in
            host.steps.compactMap { step -> String? in
                if case .engine = step.action { return "\(host.name)/\(step.id)" }
                return nil
            }
        }
        if !engineSteps.isEmpty {
            throw AnsibleExportProblem("the plan's engine steps (\(engineSteps.joined(separator: ", "))) are calls to the engine's REST API, which export ansible does not write yet; run them with ovirt-wizard apply")
        }
        // A play cannot wait at hosted-engine's loop for a VM that the same play's host creates: refused, by name.
        for vm in plan.hosts {
            guard let role = vm.engineVM else { continue }
            throw AnsibleExportProblem("the plan sets up the engine in the VM \(vm.name) at \(role.host)'s hosted-engine engine-installation loop (steps \(vm.steps.map(\.id).joined(separator: ", "))), which export ansible does not build: hosted-engine waits for them in the middle of its run. Export with OVIRT_WIZARD/engineVM=bool:False (the loop is then answered by hand), or deploy with ovirt-wizard apply")
        }
        let steps = try plan.hosts.map { host in
            try host.steps.enumerated().map { try AnsibleStep($1, index: $0 + 1, of: host) }
        }
        self.plan = plan
        self.sources = sources
        plays = try AnsiblePlays.group(plan, steps: steps)
    }

    /// Whether the project holds generated files (answer files, with their secrets) that go through Ansible Vault.
    package var needsVault: Bool { steps.contains { $0.vaultContent != nil } }

    /// The generated uploads: the project path of each vault file and the plain text to encrypt into it.
    package var vaultFiles: [(path: String, content: String)] {
        steps.compactMap { step in step.vaultPath.flatMap { path in step.vaultContent.map { (path, $0) } } }
    }

    // MARK: - Files

    /// The project's plain files (everything but the vault files), by relative path.
    package func plainFiles(vaultPasswordFile: String?) -> [(path: String, text: String)] {
        [("ansible.cfg", ansibleConfig(vaultPasswordFile: vaultPasswordFile)), ("inventory.yml", inventory), ("site.yml", site)]
            + AnsibleTaskFiles.all
    }

    func ansibleConfig(vaultPasswordFile: String?) -> String {
        var lines = [
            "# Written by ovirt-wizard export ansible. Host keys are always checked against known_hosts.",
            "[defaults]",
            "inventory = inventory.yml",
            "host_key_checking = True",
            "gathering = explicit",
            "retry_files_enabled = False",
            "display_skipped_hosts = False",
            "interpreter_python = auto_silent",
        ]
        if let vaultPasswordFile { lines.append("vault_password_file = \(vaultPasswordFile)") }
        lines += ["", "[ssh_connection]", "pipelining = True", ""]
        return lines.joined(separator: "\n")
    }

    /// One host per plan host, reached with its SSH login from the answers (user, port, identity, known_hosts,
    /// ssh_config); `become` only for a login that is not root.
    var inventory: String {
        var hosts: [(String, YAMLValue)] = []
        for host in plan.hosts {
            let target = host.access.target
            let options = host.access.options
            var vars: [(String, YAMLValue)] = [("ansible_host", .unsafe(target.host))]
            if let port = target.port { vars.append(("ansible_port", .int(port))) }
            if let user = target.user { vars.append(("ansible_user", .unsafe(user))) }
            if let identity = options.identityFiles.first { vars.append(("ansible_ssh_private_key_file", .unsafe(identity))) }
            var ssh = ["-o", "StrictHostKeyChecking=yes"]
            if let known = options.knownHostsPath { ssh += ["-o", "UserKnownHostsFile=\(known)"] }
            // The wizard reads a missing ssh_config as empty; OpenSSH refuses `-F` naming one.
            if let config = options.configPath, FileManager.default.fileExists(atPath: config) { ssh += ["-F", config] }
            vars.append(("ansible_ssh_common_args", .unsafe(ShellQuote.join(ssh))))
            // Root steps become root as apply's do (`OVIRT_WIZARD/become`); a step apply runs as the login user
            // says so in site.yml. A sudo password is never in the answers: ansible-playbook asks it (-K).
            if host.access.become != .none {
                vars += [("ansible_become", .bool(true)), ("ansible_become_method", .string("sudo")), ("ansible_become_user", .string("root"))]
            }
            hosts.append((host.name, .map(vars)))
        }
        let all: YAMLValue = .map([
            ("vars", .map([
                ("ovw_results_dir", .template("{{ playbook_dir }}-results")),
                ("ovw_poll_seconds", .int(10)),
                // Answers to the tools' questions, one a line (hosted-engine: `1` when the VM's OS is installed, …).
                ("ovw_tool_input", .string("")),
            ])),
            ("hosts", .map(hosts)),
        ])
        return "# Written by ovirt-wizard export ansible: one host per plan host, with its SSH login.\n"
            + YAMLValue.map([("all", all)]).render()
    }

    var site: String {
        var out = """
            # Written by ovirt-wizard export ansible from \(sources.joined(separator: ", ")).
            # Every step of the plan is one task below (an include of tasks/KIND.yml with the step as ovw_step), in
            # the plan's order; a new play starts where a step waits for steps on other hosts. A failed step stops
            # its host, and no later part starts; run site.yml again to continue: every step first runs its probe and is left alone
            # when its effect is in place. The hosts of a part run side by side (strategy free), as apply runs them;
            # a part starts on a host only when the parts before it finished on every host (the part gate).

            """
        let sudoHosts = plan.hosts.filter { if case .sudoPassword = $0.access.become { return true }; return false }.map(\.name)
        if !sudoHosts.isEmpty {
            out += "# \(sudoHosts.joined(separator: ", ")) become root through sudo with a password, which is never written here:\n"
                + "# run ansible-playbook with --ask-become-pass (-K) or --become-password-file FILE.\n"
        }
        var plays: [YAMLValue] = []
        let count = self.plays.plays.count
        for (n, play) in self.plays.plays.enumerated() {
            var tasks: [YAMLValue] = []
            if let gate = Self.partGate(before: n, of: self.plays) { tasks.append(gate) }
            tasks += play.steps.map { step in
                var vars: [(String, YAMLValue)] = [("ovw_step", step.yaml)]
                if !step.step.runsAsRoot { vars.append(("ansible_become", .bool(false))) }
                return .map([
                    ("name", .unsafe("\(step.host) \(step.index)/\(plan.host(named: step.host)?.steps.count ?? 0) \(step.step.id): \(step.step.title)")),
                    ("ansible.builtin.include_tasks", .string(step.kind.taskFile)),
                    ("when", .string("inventory_hostname == ovw_step.host")),
                    ("vars", .map(vars)),
                ])
            }
            tasks.append(.map([
                ("name", .string("Part \(n + 1) of \(count) finished on this host")),
                ("ansible.builtin.set_fact", .map([("ovw_parts_done", .template("{{ (ovw_parts_done | default([])) + [\(n)] }}"))])),
            ]))
            plays.append(.map([
                ("name", .unsafe("Plan part \(n + 1) of \(count): \(play.hosts.joined(separator: ", "))")),
                ("hosts", .list(play.hosts.map { .unsafe($0) })),
                ("gather_facts", .bool(false)),
                ("strategy", .string("ansible.builtin.free")),
                ("tasks", .list(tasks)),
            ]))
        }
        var checkHosts: [String] = []
        for check in plan.finalChecks where !checkHosts.contains(check.host) { checkHosts.append(check.host) }
        for host in checkHosts {
            let checks = plan.finalChecks.filter { $0.host == host }
            plays.append(.map([
                ("name", .unsafe("Read back on \(host) after every host finished")),
                ("hosts", .list([.unsafe(host)])),
                ("gather_facts", .bool(false)),
                ("tasks", .list([Self.partGate(before: count, of: self.plays)].compactMap { $0 } + checks.map { check in
                    .map([
                        ("name", .unsafe(check.purpose)),
                        ("ansible.builtin.include_tasks", .string("tasks/read-back.yml")),
                        ("vars", .map([("ovw_check", .map([
                            ("purpose", .unsafe(check.purpose)),
                            ("command", .unsafe(check.operation.commands.map(\.commandLine).joined(separator: " && "))),
                        ]))])),
                    ])
                })),
            ]))
        }
        out += YAMLValue.list(plays).render()
        return out
    }

    /// The first task of part `part`: every host of the parts before it finished them (its last task of each
    /// set `ovw_parts_done`). A host whose step failed never gets there, so the steps that wait for it do not
    /// start. nil for the first part.
    static func partGate(before part: Int, of plays: AnsiblePlays) -> YAMLValue? {
        var pairs: [YAMLValue] = []
        for (p, play) in plays.plays.enumerated() where p < part {
            for host in play.hosts { pairs.append(.map([("host", .unsafe(host)), ("part", .int(p))])) }
        }
        guard !pairs.isEmpty else { return nil }
        return .map([
            ("name", .string("Part gate: the parts before this one finished on every host")),
            ("ansible.builtin.assert", .map([
                ("that", .string("ovw_gate_item.part in (hostvars[ovw_gate_item.host].ovw_parts_done | default([]))")),
                ("fail_msg", .template("{{ ovw_gate_item.host }} did not finish part {{ ovw_gate_item.part + 1 }} (see its failure above), which this part waits for: fix it and run site.yml again (steps that are done are left alone)")),
                ("quiet", .bool(true)),
            ])),
            ("loop", .template("{{ ovw_gate }}")),
            ("loop_control", .map([("loop_var", .string("ovw_gate_item")), ("label", .template("{{ ovw_gate_item.host }} part {{ ovw_gate_item.part + 1 }}"))])),
            ("vars", .map([("ovw_gate", .list(pairs))])),
        ])
    }
}
