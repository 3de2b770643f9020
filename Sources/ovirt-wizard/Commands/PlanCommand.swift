import ArgumentParser
import Deploy
import EngineAPI
import Foundation
import HostOps
import SSHKit
import WizardCore

/// `ovirt-wizard plan`: the dry run. Prints every step `apply` will run, per host, in order.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the steps apply would run on each host (dry run: nothing is changed).",
        discussion: """
            Each host is contacted read-only to learn its operating system (which decides yum or dnf); with \
            --no-probe the seed's CentOS 6 is assumed. Commands are shown exactly as they are sent; the uploaded \
            answer file is shown with its passwords masked. A gluster flow answer file (one file for every Gluster \
            host) gives the volume's steps, with the disks it wipes. A platform flow answer file gives the engine's \
            requests (method, path and body, passwords masked) and the checks of the exports; no host is probed. Exit 0; 2 when an answer file cannot be used \
            (also when its GLUSTER/destroyDevices do not match the disks exactly); 255 when a host cannot be reached.
            """)

    @OptionGroup var deployment: DeploymentArguments
    @Flag(help: "Print JSON.") var json = false
    @Flag(name: .customLong("no-probe"), help: "Do not contact the hosts; assume the seed's CentOS 6 (yum).") var noProbe = false

    func run() throws {
        try runReportingErrors {
            let source = try deployment.source()
            var platforms: [String: HostPlatform] = [:]
            if case .platform = source {
                // The platform flow installs nothing on the hosts: their OS does not change its plan.
            } else if noProbe {
                for host in source.hosts { platforms[host.name] = .assumed("--no-probe") }
                if case .tools(let inputs) = source, inputs.contains(where: { !$0.additionalHosts.isEmpty }) {
                    printError("ovirt-wizard: --no-probe: OVEHOSTED_VDSM/cpu is not checked against the hosted-engine hosts here; apply checks it before anything runs")
                }
            } else {
                let probed = DeploymentArguments.probePlatforms(source.hosts)
                if !probed.failures.isEmpty {
                    for f in probed.failures { printError("ovirt-wizard: \(f)") }
                    throw CLIError(message: "cannot plan without reaching every host (use --no-probe to assume CentOS 6)", code: .unreachable)
                }
                platforms = probed.platforms
                try source.checkCPU()
            }
            let plan = try source.plan(remoteBase: deployment.remoteDir, platforms: platforms)
            if json {
                let object = PlanPrinter.json(plan, files: deployment.files)
                let data = try JSONSerialization.data(withJSONObject: object,
                                                      options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            } else {
                for line in PlanPrinter.text(plan, files: deployment.files) { print(line) }
            }
            // The dry run still shows every step; apply would refuse these disks.
            if let problem = plan.confirmationProblem {
                throw CLIError(message: "\(problem); apply refuses to run until it matches", code: .badInput)
            }
            return 0
        }
    }
}

/// The plan as text and as JSON, both with secrets masked: the one dry run of `plan`, `gluster plan` and
/// `export-domain create --dry-run`.
enum PlanPrinter {
    /// `files`: where apply keeps the journal and logs (nil when nothing names them yet).
    static func text(_ plan: DeploymentPlan, files: DeploymentFiles?) -> [String] {
        let count = "Plan for \(plan.hosts.count) host\(plan.hosts.count == 1 ? "" : "s")"
        var out = [files.map { "\(count); journal and logs in \($0.directory)" } ?? count]
        for host in plan.hosts {
            out.append("")
            out.append("\(host.name): \(host.tool.rawValue) from \(host.answerFile)")
            out.append("  connect: \(host.access.target) ; platform: \(host.platform)")
            if host.tool == .platform, host.name == plan.hosts.first?.name, let engine = plan.engine {
                out.append("  engine:  \(engine.endpoint.origin)\(EngineEndpoint.apiRoot) (API \(engine.expectedVersion.rawValue)) as \(engine.credentials.user); its CA pinned, certificate verified")
            }
            if host.tool == .hostedEngine, let engine = plan.engine, host.steps.contains(where: { if case .engine(.pinCAFromHost, _) = $0.action { true } else { false } }) {
                out.append("  engine:  \(engine.endpoint.origin)\(EngineEndpoint.apiRoot) (API \(engine.expectedVersion.rawValue)) as \(engine.credentials.user), made by this host's deploy; its CA read here over SSH and pinned, certificate verified")
            }
            // A root login runs every step as root, and its plan reads as it always did; sudo is said per step.
            let sudo = host.access.become == .none ? nil : RootSteps(host)
            if let sudo { out.append("  root:    \(sudo.summary)") }
            if let role = host.engineVM {
                out.append("  runs:    at \(role.host)'s hosted-engine engine-installation loop (\(role.hostStep)), once the VM answers on SSH; not at the start")
            }
            for (i, step) in host.steps.enumerated() {
                let marks = [step.changesHost ? "changes the host" : "read-only", sudo?.mark(step),
                             step.skipIsSafe ? "may be skipped" : nil,
                             step.timeout.map { "timeout \(formatDuration($0))" }].compactMap { $0 }
                out.append("  \(i + 1). \(step.title) [\(step.id); \(marks.joined(separator: "; "))]")
                out.append("     run:    \(step.shownAction)")
                if case let .engine(engineStep, version) = step.action {
                    // The request as sent (the body's password masked), after its method and path shown above.
                    for part in engineStep.request(version: version).dropFirst() {
                        out += part.split(separator: "\n").map { "             \($0)" }
                    }
                }
                out.append("     verify: \(step.shownProbe)")
                if case .operation(let operation) = step.action, !operation.input.isEmpty {
                    out.append("     input:  \(operation.input.count) bytes to the first command (\(operation.summary))")
                }
                if case .run = step.action, let stdin = step.stdin {
                    let shown = String(decoding: stdin, as: UTF8.self).replacingOccurrences(of: "\n", with: "\\n")
                    out.append("     input:  \"\(shown)\", then end of input (nothing else can be answered)")
                }
                if !step.waitsFor.isEmpty { out.append("     after:  \(step.waitsFor.map(\.description).joined(separator: ", "))") }
                if let role = step.engineVM {
                    out.append("     loop:   at \"(1) \(EngineVMRole.continueLabel)\" the wizard runs the steps of \(role.vm), and answers \(EngineVMRole.continueChoice) only after its \(role.engineSetupStep) succeeded")
                }
                if case .upload(let upload) = step.action, case .generated(_, let shown) = upload.source {
                    out.append("     content (passwords masked):")
                    out += shown.split(separator: "\n").map { "       \($0)" }
                }
                if case .upload(let upload) = step.action, case .composed(let composed) = upload.source {
                    out.append("     content: the answer file \(composed.baseHost) generated (fetched by its \(composed.baseStep)), with these lines over it (passwords masked):")
                    out += composed.shown.split(separator: "\n").map { "       \($0)" }
                }
            }
        }
        return out + trailer(plan)
    }

    /// The final checks, the warnings and the confirmations, after the steps.
    static func trailer(_ plan: DeploymentPlan) -> [String] {
        var out: [String] = []
        let kind = plan.hosts.first?.tool == .gluster ? "Gluster " : ""
        var checkHosts: [String] = []
        for check in plan.finalChecks where !checkHosts.contains(check.host) { checkHosts.append(check.host) }
        for host in checkHosts {
            out += ["", "After every host finished, read back on \(host) (parsed; findings make apply exit 1):"]
            out += plan.finalChecks.filter { $0.host == host }.map { "  \($0.operation.summary)" }
        }
        if !plan.warnings.isEmpty {
            out += ["", "Warnings of the \(kind)plan:"] + plan.warnings.map { "  - \($0)" }
        }
        if let source = plan.confirmations.first?.source {
            out += ["", "Disks wiped by brick preparation (\(source) must name exactly these; DESTROYS ALL DATA on each):"]
            out += plan.confirmations.map { "  [\($0.host)] \($0.effect)  [\($0.confirmed ? "confirmed" : "NOT CONFIRMED")]" }
        }
        return out
    }

    static func json(_ plan: DeploymentPlan, files: DeploymentFiles) -> [String: Any] {
        var object = hostsJSON(plan, files: files)
        if !plan.finalChecks.isEmpty || !plan.confirmations.isEmpty {
            object["readBack"] = plan.finalChecks.map { ["host": $0.host, "argv": $0.operation.commands[0].argv] }
            object["requiredConfirmations"] = plan.confirmations.map(\.token)
            object["confirmationProblem"] = plan.confirmationProblem
        }
        return object
    }

    static func hostsJSON(_ plan: DeploymentPlan, files: DeploymentFiles) -> [String: Any] {
        ["deploymentDirectory": files.directory, "journal": files.journal,
         "hosts": plan.hosts.map { host -> [String: Any] in
            var hostItem: [String: Any] = ["name": host.name, "tool": host.tool.rawValue, "answerFile": host.answerFile, "target": host.access.target.description,
             "remoteDirectory": host.remoteDirectory, "platform": host.platform.description, "log": files.log(host: host.name)]
            let sudo = host.access.become != .none
            if sudo { hostItem["become"] = host.access.become.word }
            if let role = host.engineVM { hostItem["engineVMOf"] = ["host": role.host, "step": role.hostStep, "engineSetupStep": role.engineSetupStep] }
            hostItem["steps"] = host.steps.enumerated().map { i, step -> [String: Any] in
                var item: [String: Any] = ["index": i + 1, "id": step.id, "title": step.title, "changesHost": step.changesHost,
                                           "skipIsSafe": step.skipIsSafe, "probe": step.shownProbe, "digest": step.digest,
                                           "waitsFor": step.waitsFor.map(\.description)]
                if sudo { item["runsAsRoot"] = step.runsAsRoot }
                if let role = step.engineVM { item["engineVM"] = role.vm }
                if let timeout = step.timeout { item["timeout"] = timeout }
                switch step.action {
                case .run(let command, let otopi, let interactive):
                    item["argv"] = command.argv
                    item["command"] = command.commandLine
                    item["otopi"] = otopi
                    item["interactive"] = interactive
                case .upload(let upload):
                    var u: [String: Any] = ["remotePath": upload.remotePath, "mode": String(upload.mode, radix: 8)]
                    switch upload.source {
                    case .generated(_, let shown): u["content"] = shown
                    case .localFile(let path): u["localPath"] = path
                    case .composed(let composed):
                        u["content"] = composed.shown
                        u["basedOn"] = ["host": composed.baseHost, "step": composed.baseStep]
                    }
                    item["upload"] = u
                case .fetchResults(let from):
                    item["fetchResultsOf"] = from
                case let .engine(engineStep, version):
                    item["engine"] = ["api": version.rawValue, "request": engineStep.request(version: version)] as [String: Any]
                case .operation(let operation):
                    let commands = operation.commands
                    // One command reads as the `run` step it is; more as their list.
                    if commands.count == 1 {
                        item["argv"] = commands[0].argv
                        item["command"] = commands[0].commandLine
                        item["otopi"] = false
                        item["interactive"] = false
                    } else {
                        item["commands"] = commands.map(\.argv)
                        item["operation"] = operation.summary
                    }
                    if !operation.input.isEmpty { item["inputBytes"] = operation.input.count }
                }
                return item
             }
            return hostItem
         }]
    }
}

/// What the plan says about a host whose login user becomes root through sudo: which steps run as root.
struct RootSteps {
    let user: String
    let become: TargetLogin.Become

    init(_ host: HostPlan) {
        user = host.access.target.user ?? "the SSH user"
        become = host.access.become
    }

    var summary: String {
        switch become {
        case .none: return "the steps run as \(user)"
        case .sudo: return "\(user) logs in; steps marked \"as root\" run through sudo (no password)"
        case .sudoPassword(let same):
            return "\(user) logs in; steps marked \"as root\" run through sudo, its password "
                + (same ? "being the SSH login password" : "asked once when apply starts") + " (kept in memory only)"
        }
    }

    func mark(_ step: PlanStep) -> String { step.runsAsRoot ? "as root" : "as \(user)" }
}
