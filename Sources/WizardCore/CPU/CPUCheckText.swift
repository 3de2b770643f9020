import Foundation

/// Plain-text rendering of a `CPUCheckSummary`: host list, hosts × models table, recommendation, warnings.
package enum CPUCheckText {
    package static func render(_ summary: CPUCheckSummary) -> String {
        var out: [String] = []
        let labels = hostLabels(summary.hosts)

        out.append("CPU check, cluster compatibility level \(summary.level)")
        out.append("")
        out.append("Hosts:")
        for (label, host) in zip(labels, summary.hosts) {
            out.append("  \(label)  \(hostLine(host))")
        }

        out.append("")
        out.append("Models of level \(summary.level) (yes, or the flags the host lacks):")
        var rows: [[String]] = [["model"] + labels]
        for model in summary.tableModels {
            let cells = summary.hosts.map { cell(host: $0, model: model) }
            rows.append([model.vdsmName] + cells)
        }
        out.append(contentsOf: table(rows).map { "  " + $0 })

        out.append("")
        out.append("Best model per host (what vdsm reports, newest first):")
        for (label, host) in zip(labels, summary.hosts) {
            let list = host.compatible.reversed().map(\.vdsmName)
            out.append("  \(label)  best \(host.best?.vdsmName ?? "none")"
                + (list.count > 1 ? "; also \(list.dropFirst().joined(separator: " "))" : ""))
        }

        out.append("")
        if let cpu = summary.cluster.cpu {
            out.append("Recommended cluster CPU for level \(summary.level): \(cpu.name) (\(cpu.vdsmModel), VM CPU \(cpu.verb))")
        } else {
            out.append("Recommended cluster CPU for level \(summary.level): none; every host must run one of this level's CPUs")
        }
        if let question = summary.hostedEngine {
            let first = labels.first ?? ""
            if let problem = question.blockingProblem {
                out.append("hosted-engine 3.4 on \(first): deploy stops: \(problem)")
            } else {
                let choices = question.choices.map(\.vdsmName).joined(separator: ", ")
                out.append("hosted-engine 3.4 on \(first): offers \(choices); default \(question.defaultChoice?.vdsmName ?? "")")
            }
        }

        if let check = summary.answerFile {
            out.append("")
            let place = check.cpuLine.map { "\(check.path):\($0)" } ?? check.path
            if let cpu = check.cpu {
                out.append(check.problems.isEmpty
                    ? "Answer file \(place): \(CPUAnswerFileCheck.cpuKey)=\(cpu) runs on every host"
                    : "Answer file \(place): \(CPUAnswerFileCheck.cpuKey)=\(cpu) will fail:")
            } else if check.problems.isEmpty {
                out.append("Answer file \(place): no \(CPUAnswerFileCheck.cpuKey); hosted-engine will ask")
            } else {
                out.append("Answer file \(place):")
            }
            out.append(contentsOf: check.problems.map { problem in
                "  - " + zip(summary.hosts, labels).reduce(problem.description) {
                    $0.replacingOccurrences(of: $1.0.source + ":", with: $1.1 + ":")
                }
            })
        }

        let warnings = Self.warnings(summary, labels: labels)
        if !warnings.isEmpty {
            out.append("")
            out.append("Warnings:")
            out.append(contentsOf: warnings.map { "  - " + $0 })
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The cluster planner's problems and each host's warnings, hosts named by their short labels, without repeats.
    package static func warnings(_ summary: CPUCheckSummary, labels: [String]) -> [String] {
        // The planner names hosts by source; show the same short labels as the table.
        var warnings: [String] = summary.cluster.problems.map { problem in
            zip(summary.hosts, labels).reduce(problem) { $0.replacingOccurrences(of: $1.0.source, with: $1.1) }
        }
        for (label, host) in zip(labels, summary.hosts) {
            if case .unavailable(let reason) = host.virtualization {
                warnings.append("\(label): no hardware virtualization: \(reason)")
            }
            warnings.append(contentsOf: host.warnings.map { "\(label): \($0)" })
        }
        var seen: Set<String> = []
        return warnings.filter { seen.insert($0).inserted }
    }

    /// Short, unique labels: a file's last path component, a host name as given.
    package static func hostLabels(_ hosts: [HostCPUReport]) -> [String] {
        var used: [String: Int] = [:]
        return hosts.map { host in
            let base = host.source.split(separator: "/").last.map(String.init) ?? host.source
            used[base, default: 0] += 1
            return used[base]! > 1 ? "\(base)#\(used[base]!)" : base
        }
    }

    package static func hostLine(_ host: HostCPUReport) -> String {
        let cpu = host.cpu
        var parts: [String] = [cpu.modelName ?? "unknown model"]
        parts.append("\(cpu.vendorID ?? "no vendor") \(cpu.family.map(String.init) ?? "?")/\(cpu.model.map(String.init) ?? "?")")
        var topology: [String] = []
        if let sockets = cpu.sockets { topology.append("\(sockets) socket\(sockets == 1 ? "" : "s")") }
        if let cores = cpu.coresPerSocket { topology.append("\(cores) core\(cores == 1 ? "" : "s") each") }
        topology.append("\(cpu.logicalCPUs) logical CPU\(cpu.logicalCPUs == 1 ? "" : "s")")
        parts.append(topology.joined(separator: ", "))
        switch host.virtualization {
        case .available(let flag): parts.append(flag + (host.isNested ? " (nested)" : ""))
        case .unavailable: parts.append("NO vmx/svm" + (host.isNested ? " (virtual machine)" : ""))
        }
        return parts.joined(separator: "; ")
    }

    static let maxFlagsPerCell = 6

    package static func cell(host: HostCPUReport, model: CPUModel) -> String {
        if host.cpu.vendor != model.vendor {
            return "\(model.vendor.shortName) model"
        }
        if host.isCompatible(model) { return "yes" }
        let lacks = host.missing[model.name, default: []]
        // Long lists are cut; --json has them in full.
        return lacks.count <= maxFlagsPerCell
            ? lacks.joined(separator: " ")
            : lacks.prefix(maxFlagsPerCell - 1).joined(separator: " ") + " (+\(lacks.count - maxFlagsPerCell + 1) more)"
    }

    package static func table(_ rows: [[String]]) -> [String] {
        guard let columns = rows.map(\.count).max() else { return [] }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }
}
