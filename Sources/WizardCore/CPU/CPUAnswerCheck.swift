/// A CPU type in an answer file (or an answer) that a host cannot run.
public struct CPUAnswerProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The host the problem concerns; nil when it concerns the value itself.
    public let host: String?
    public let message: String

    public var description: String {
        host.map { "\($0): \(message)" } ?? message
    }
}

public enum CPUAnswerCheck {
    /// Checks `OVEHOSTED_VDSM/cpu` (and, if given, `OVEHOSTED_VDSM/engineCpu`) against every host before
    /// anything runs. Each host must have hardware virtualization and run the model; the value must be one
    /// hosted-engine offers (`offered`, 3.4's list by default). Empty result: the answer is fine.
    public static func check(
        cpu value: String, engineCpu: String? = nil, hosts: [HostCPUReport],
        offered: [HostedEngineCPUFamilies.Family] = HostedEngineCPUFamilies.ovirt34
    ) -> [CPUAnswerProblem] {
        var problems: [CPUAnswerProblem] = []
        let family = offered.first { $0.vdsmName == value }
        if family == nil {
            let list = offered.map(\.vdsmName).joined(separator: ", ")
            problems.append(CPUAnswerProblem(
                host: nil, message: "Invalid CPU type specified: \(value) (hosted-engine offers only \(list))"))
        }
        if let engineCpu, let family, engineCpu != family.engineName {
            problems.append(CPUAnswerProblem(
                host: nil,
                message: "OVEHOSTED_VDSM/engineCpu is '\(engineCpu)' but \(value) is '\(family.engineName)'"))
        }
        guard let model = CPUModelCatalog.model(vdsmName: value) else {
            if family != nil {
                problems.append(CPUAnswerProblem(host: nil, message: "\(value) is not a known CPU model"))
            }
            return problems
        }
        for host in hosts {
            if case .unavailable(let reason) = host.virtualization {
                problems.append(CPUAnswerProblem(host: host.source, message: "no hardware virtualization: \(reason)"))
            }
            if host.isCompatible(model) { continue }
            if host.cpu.vendor != model.vendor {
                problems.append(CPUAnswerProblem(
                    host: host.source,
                    message: "cannot run \(value): it is an \(model.vendor.shortName) model and this host has \(host.cpu.vendorID ?? "no vendor")"))
            } else {
                let lacks = host.missing[model.name, default: []].joined(separator: " ")
                let hint = host.best.map { "; the best it runs is \($0.vdsmName)" } ?? ""
                problems.append(CPUAnswerProblem(
                    host: host.source, message: "cannot run \(value): missing \(lacks)\(hint)"))
            }
        }
        return problems
    }
}
