import OtopiKit

/// A CPU type in an answer file (or an answer) that a host cannot run.
package struct CPUAnswerProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The host the problem concerns; nil when it concerns the value itself.
    package let host: String?
    package let message: String

    package var description: String {
        host.map { "\($0): \(message)" } ?? message
    }
}

package enum CPUAnswerCheck {
    /// Checks `OVEHOSTED_VDSM/cpu` (and, if given, `OVEHOSTED_VDSM/engineCpu`) against every host before
    /// anything runs. Each host must have hardware virtualization and run the model; the value must be one
    /// hosted-engine offers (`offered`, 3.4's list by default). Empty result: the answer is fine.
    package static func check(
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

/// The CPU keys of a hosted-engine answer file checked against the hosts.
package struct CPUAnswerFileCheck: Sendable {
    package let path: String
    /// The effective `OVEHOSTED_VDSM/cpu` value and its line; nil when the file does not set it.
    package let cpu: String?
    package let cpuLine: Int?
    package let engineCpu: String?
    package let problems: [CPUAnswerProblem]

    package static let cpuKey = "OVEHOSTED_VDSM/cpu"
    package static let engineCpuKey = "OVEHOSTED_VDSM/engineCpu"

    /// Reads the keys as otopi would (a later section — init, override, enforce — beats an earlier one) and checks them.
    package init(answerFile: AnswerFile, hosts: [HostCPUReport],
                offered: [HostedEngineCPUFamilies.Family] = HostedEngineCPUFamilies.ovirt34) {
        func effective(_ key: String) -> (value: OtopiValue, line: Int)? {
            var found: (OtopiValue, Int)?
            for section in EnvironmentSection.allCases.sorted() {
                if let hit = answerFile.values(in: section).last(where: { $0.key == key }) { found = (hit.value, hit.line) }
            }
            return found
        }
        path = answerFile.path
        let cpuEntry = effective(Self.cpuKey)
        let engineEntry = effective(Self.engineCpuKey)
        cpuLine = cpuEntry?.line
        engineCpu = engineEntry?.value.stringValue
        var problems: [CPUAnswerProblem] = []
        if let entry = cpuEntry {
            if case .string(let value) = entry.value {
                cpu = value
                problems = CPUAnswerCheck.check(cpu: value, engineCpu: engineCpu, hosts: hosts, offered: offered)
            } else {
                cpu = nil
                problems = [CPUAnswerProblem(
                    host: nil,
                    message: "\(Self.cpuKey) must be a str value, found \(entry.value.typeName):\(entry.value.displayText)")]
            }
        } else {
            cpu = nil
        }
        self.problems = problems
    }
}
