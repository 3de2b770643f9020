import Foundation
import HostOps
import SSHKit
import WizardCore

/// The engine VM's CPU type against every host of a hosted-engine HA set, before anything runs. hosted-engine
/// 3.4 offers the first host only the models it runs, and re-validates the answer on each additional host,
/// aborting there on a mismatch (after the first host is already deployed): the wizard says so first.
package enum HostedEngineCPUGate {
    /// A host whose CPU could not be read.
    struct Unread: Error, CustomStringConvertible {
        var description: String
    }

    /// One line per problem (`FILE: OVEHOSTED_VDSM/cpu=model_X: HOST: reason`); empty when every host runs it.
    /// Only files with additional hosts are checked: a lone first host was offered only what it runs. 4.5 has no
    /// such answer (the engine's cluster CPU comes from the first host; a host that cannot run it ends
    /// non_operational, which the wait for it reports with the engine's reason).
    package static func problems(_ inputs: [DeploymentInput]) -> [String] {
        var out: [String] = []
        for input in inputs where input.tool == .hostedEngine && !input.additionalHosts.isEmpty && input.kind.flow?.version != "4.5" {
            let key = CPUAnswerFileCheck.cpuKey
            guard let cpu = input.string(key), !cpu.isEmpty else {
                out.append("\(input.path): \(key) is missing: the engine VM's CPU type is needed to check the hosts")
                continue
            }
            let hosts = input.hosts
            let reports = forEachHost(hosts, limit: 16) { host -> Result<HostCPUReport, Unread> in
                do {
                    let connection = try host.access.connect()
                    defer { connection.close() }
                    let output = try connection.capture(RemoteCommand(CPUProbe.command), options: ExecOptions(timeout: 30))
                    guard output.result.succeeded else {
                        return .failure(Unread(description: "\(host.name): cat /proc/cpuinfo failed (\(output.result)): \(output.stderr)"))
                    }
                    return CPUProbe.report(text: output.stdout, source: host.name).mapError { Unread(description: $0.description) }
                } catch {
                    return .failure(Unread(description: "\(host.name): cannot read /proc/cpuinfo: \((error as? SSHError)?.description ?? "\(error)")"))
                }
            }
            var read: [HostCPUReport] = []
            for result in reports {
                switch result {
                case .success(let report): read.append(report)
                case .failure(let error): out.append("\(input.path): \(key)=\(cpu): \(error)")
                }
            }
            let engineCpu = input.string(CPUAnswerFileCheck.engineCpuKey)
            for problem in CPUAnswerCheck.check(cpu: cpu, engineCpu: engineCpu, hosts: read) {
                out.append("\(input.path): \(key)=\(cpu): \(problem)")
            }
        }
        return out
    }
}
