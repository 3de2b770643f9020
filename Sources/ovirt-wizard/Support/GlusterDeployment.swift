import Deploy
import Foundation
import HostOps
import SSHKit
import WizardCore

/// What `plan` and `apply` were given: the tools' answer files (one per host) or one gluster flow file.
enum DeploymentSource {
    case tools([DeploymentInput])
    case gluster(GlusterDeploymentInput)
    /// The platform flow: hosts and storage domains through the engine's REST API.
    case platform(PlatformInput)

    /// The hosts to reach before anything runs.
    var hosts: [(name: String, access: HostAccess)] {
        switch self {
        case .tools(let inputs): return inputs.flatMap(\.hosts)
        case .gluster(let input): return input.hosts.map { ($0, input.access[$0]!) }
        case .platform(let input): return ((try? input.plan(remoteBase: "/")).map { $0.hosts } ?? []).map { ($0.name, $0.access) }
        }
    }

    /// The engine VM's CPU type must run on every host of a hosted-engine HA set: checked over SSH before
    /// anything runs (hosted-engine would abort on the first additional host that cannot run it).
    func checkCPU() throws {
        guard case .tools(let inputs) = self else { return }
        let problems = HostedEngineCPUGate.problems(inputs)
        guard !problems.isEmpty else { return }
        for p in problems { printError("ovirt-wizard: \(p)") }
        throw CLIError(message: "nothing was changed: the engine VM's CPU type (OVEHOSTED_VDSM/cpu) must run on every host of the hosted engine; choose one they all run (ovirt-wizard cpu-check HOST... shows it)", code: .problemFound)
    }

    func plan(remoteBase: String, platforms: [String: HostPlatform]) throws -> DeploymentPlan {
        do {
            switch self {
            case .tools(let inputs): return try DeploymentPlanner(remoteBase: remoteBase).plan(inputs, platforms: platforms)
            case .gluster(let input): return GlusterDeploymentPlanner(remoteBase: remoteBase).plan(input)
            case .platform(let input): return try input.plan(remoteBase: remoteBase)
            }
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError(message: "\(error)", code: .badInput)
        }
    }
}

/// The Gluster part of `apply`: the plan's final checks (the volume read back) and its health report.
enum GlusterDeployment {
    /// Runs the plan's final checks (`gluster volume info` and `volume status` on the first host), prints the
    /// report; 0 healthy, 1 not.
    static func readBack(_ input: GlusterDeploymentInput, plan: DeploymentPlan) -> Int32 {
        guard let first = plan.finalChecks.first?.host else { return 1 }
        guard let host = plan.host(named: first) else { return 1 }
        let volume = input.plan.request.volumeName
        var access = host.access
        access.options.hostKeyPolicy = .strict
        access.options.credentials = nil
        // A password typed for this host earlier in the run is used again; nothing new is asked here.
        if TerminalPrompt.available { access.options.useCredentials(operatorCredentials, mayAsk: false) }
        let connection: SSHConnection
        do {
            connection = try access.connect(forRootSteps: true)
        } catch {
            printError("ovirt-wizard: read-back on \(first): \((error as? SSHError)?.description ?? "\(error)")")
            return 1
        }
        defer { connection.close() }
        var texts: [GlusterVerb: (String, String)] = [:]
        for check in plan.finalChecks {
            guard case .gluster(let verb) = check.operation else { continue }
            let command = check.operation.commands[0]
            let source = "\(first): \(command.commandLine)"
            do {
                let output = try connection.capture(command, options: ExecOptions(timeout: 120, asRoot: true))
                guard output.result.succeeded else {
                    let reason = (output.stderr + "\n" + output.stdout).split(separator: "\n")
                        .map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty } ?? "no output"
                    printError("ovirt-wizard: read-back: \(source) failed (\(output.result)): \(reason)")
                    return 1
                }
                texts[verb] = (output.stdout, source)
            } catch {
                printError("ovirt-wizard: read-back: \(source): \((error as? SSHError)?.description ?? "\(error)")")
                return 1
            }
        }
        guard let info = texts[.volumeInfo(volume: volume)], let status = texts[.volumeStatus(volume: volume)] else {
            printError("ovirt-wizard: the Gluster plan has no volume info/status read-back")
            return 1
        }
        let report: GlusterVolumeReport
        do {
            report = try GlusterStatusCommand.report(volume: volume, info: info, status: status, localName: first)
        } catch let failure as GlusterStatusCommand.Failure {
            printError("ovirt-wizard: read-back: \(failure.message)")
            return 1
        } catch {
            printError("ovirt-wizard: read-back: \(error)")
            return 1
        }
        print("")
        print(GlusterVolumeText.render(report, origin: "read back on \(first) after apply"), terminator: "")
        if report.info.type != input.plan.glusterTypeName || report.info.numberOfBricks != input.plan.numberOfBricks {
            print("Volume \(volume) is \(report.info.type ?? "of no type") with \(report.info.numberOfBricks ?? "no") bricks; the plan made \(input.plan.glusterTypeName) with \(input.plan.numberOfBricks)")
            return 1
        }
        return report.health.isHealthy ? 0 : 1
    }
}
