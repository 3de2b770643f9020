import WizardCore

/// The "CPU check" screen: the hosts' CPUs, hosts × models of a cluster compatibility level (yes, or the flags
/// a host lacks), the recommended cluster CPU, hosted-engine's offer and the warnings. The level changes with
/// ←/→; the text scrolls, so it stays readable at 80x24 whatever the number of hosts.
package struct CPUCheckScreen: Sendable {
    package var hosts: [HostCPUReport]
    /// Said when there are no hosts: why no CPU is known yet.
    package var absence: String
    /// Where the CPUs came from ("probed on gs1 over SSH").
    package var origin: String?
    package private(set) var level: String
    package private(set) var top = 0
    /// hosted-engine's `OVEHOSTED_VDSM/cpu` (and `engineCpu`) as answered, checked against the hosts.
    package var answeredCPU: String?
    package var answeredEngineCPU: String?

    package init(hosts: [HostCPUReport], level: String, origin: String? = nil,
                absence: String = "No host CPU is known yet.") {
        self.hosts = hosts
        self.level = ClusterCPULevels.cpus(level: level) != nil ? level : ClusterCPULevels.levels.last ?? level
        self.origin = origin
        self.absence = absence
    }

    package var summary: CPUCheckSummary { CPUCheckSummary(hosts: hosts, level: level) }

    package static let hints = [KeyHint("↑↓ PgUp PgDn", "Scroll"), KeyHint("←→", "Cluster level"), KeyHint("Esc", "Back"),
                               KeyHint("F1", "Help"), KeyHint("^C", "Quit")]

    package static let help = """
        Which oVirt cluster CPU each host can run. The table lists the CPU models of the chosen cluster \
        compatibility level: "yes" when the host has every flag the model needs, otherwise the flags it lacks. \
        The recommended cluster CPU is the best one every host shares. ←/→ change the compatibility level; \
        ↑/↓ and PgUp/PgDn scroll. `ovirt-wizard cpu-check --json` has the full flag lists.
        """

    /// Scrolling and level keys; false when the key is not the screen's.
    package mutating func handle(_ key: Key, size: Size) -> Bool {
        let levels = ClusterCPULevels.levels
        switch key {
        case .left, .right:
            guard let i = levels.firstIndex(of: level) else { return false }
            let j = key == .left ? i - 1 : i + 1
            guard levels.indices.contains(j) else { return true }
            level = levels[j]
            let last = max(0, lines(width: ReportScroll.bodyWidth(size)).count - ReportScroll.bodyHeight(size))
            top = min(top, last)
            return true
        default:
            return ReportScroll.move(&top, key: key, lineCount: lines(width: ReportScroll.bodyWidth(size)).count, size: size)
        }
    }

    package func render(into frame: inout Frame, rect: Rect) {
        let all = lines(width: rect.width)
        ReportScroll.render(into: &frame, rect: rect, lineCount: all.count, top: top) { frame, index, row, room in
            frame.put(all[index].text, row: row, column: rect.column, style: all[index].style, maxWidth: room)
        }
    }

    package struct Line: Hashable, Sendable {
        package var text: String
        package var style: Style
        init(_ text: String, _ style: Style = .normal) { self.text = text; self.style = style }
    }

    /// The screen's text at `width` columns: the table when it fits, one block per host when it does not.
    package func lines(width: Int) -> [Line] {
        var out: [Line] = []
        func add(_ text: String, _ style: Style = .normal, indent: Int = 0) {
            out += TextLayout.indentedLines(text, width: width, indent: indent).map { Line($0, style) }
        }
        add("Cluster compatibility level \(level) (←/→ change it)", .bold)
        guard !hosts.isEmpty else {
            out.append(Line(""))
            add(absence, .warning)
            return out
        }
        let summary = self.summary
        let labels = CPUCheckText.hostLabels(hosts)
        if let origin { add("Host CPU\(hosts.count == 1 ? "" : "s") \(origin)", .muted) }
        for (label, host) in zip(labels, hosts) { add("\(label): \(CPUCheckText.hostLine(host))", indent: 2) }

        out.append(Line(""))
        if let cpu = summary.cluster.cpu {
            add("Recommended cluster CPU: \(cpu.name) (\(cpu.vdsmModel), VM CPU \(cpu.verb))", .success)
        } else {
            add("Recommended cluster CPU: none; every host must run one of level \(level)'s CPUs", .error)
        }
        if let question = summary.hostedEngine {
            if let problem = question.blockingProblem {
                add("hosted-engine 3.4 on \(labels[0]): deploy stops: \(problem)", .error)
            } else {
                add("hosted-engine 3.4 on \(labels[0]) offers \(question.choices.map(\.vdsmName).joined(separator: ", ")); "
                    + "default \(question.defaultChoice?.vdsmName ?? "none")")
            }
        }

        if let value = answeredCPU {
            let problems = CPUAnswerCheck.check(cpu: value, engineCpu: answeredEngineCPU, hosts: hosts)
            if problems.isEmpty {
                add("Answered CPU type \(value) runs on \(hosts.count == 1 ? labels[0] : "every host")", .success)
            } else {
                add("Answered CPU type \(value) will fail:", .error)
                for problem in problems { add("- \(problem)", .error, indent: 2) }
            }
        }

        out.append(Line(""))
        add("Models of level \(level) (yes, or the flags the host lacks):", .bold)
        let models = summary.tableModels
        let cells = models.map { model in hosts.map { CPUCheckText.cell(host: $0, model: model) } }
        let table = CPUCheckText.table([["model"] + labels] + zip(models, cells).map { [$0.vdsmName] + $1 })
        if table.allSatisfy({ CellWidth.of($0) + 2 <= width }) {
            for (i, row) in table.enumerated() {
                let style: Style = i == 0 ? .muted : (cells[i - 1].allSatisfy { $0 == "yes" } ? .success : .normal)
                out.append(Line("  " + row, style))
            }
        } else {
            // Too wide for the terminal: the same cells, host by host.
            let nameWidth = models.map { $0.vdsmName.count }.max() ?? 0
            for (h, label) in labels.enumerated() {
                add(label + ":", .bold, indent: 2)
                for (m, model) in models.enumerated() {
                    let cell = cells[m][h]
                    add(model.vdsmName.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  " + cell,
                        cell == "yes" ? .success : .normal, indent: 4)
                }
            }
        }
        if models.isEmpty { add("no model of this level is defined for the hosts' CPU vendor", .warning, indent: 2) }

        let warnings = CPUCheckText.warnings(summary, labels: labels)
        if !warnings.isEmpty {
            out.append(Line(""))
            add("Warnings:", .warning)
            for warning in warnings { add("- " + warning, .warning, indent: 2) }
        }
        return out
    }
}
