/// The VM CPU question of `hosted-engine --deploy` (oVirt 3.4, key `OVEHOSTED_VDSM/cpu`,
/// dialog `ovehosted_vmenv_cpu_type`), computed for the first host.
package struct HostedEngineCPUQuestion: Sendable {
    /// The offered CPU types, in hosted-engine's priority order (= otopi's valid values).
    package let choices: [HostedEngineCPUFamilies.Family]
    /// A reason deploy would abort before or at this question; nil when the question can be asked.
    package let blockingProblem: String?

    /// The default: the first offered type, i.e. the newest the host runs.
    package var defaultChoice: HostedEngineCPUFamilies.Family? { choices.first }

    /// The note printed before the prompt, one line per offered type.
    package var noteLines: [String] {
        ["The following CPU types are supported by this host:"]
            + choices.map { "\t - \($0.vdsmName): \($0.engineName)" }
    }

    /// The prompt text with its default.
    package var prompt: String {
        "Please specify the CPU type to be used by the VM [\(defaultChoice?.vdsmName ?? "")]: "
    }

    /// Resolves an answer ("" takes the default); the error text is hosted-engine's.
    package func resolve(_ answer: String) -> Result<HostedEngineCPUFamilies.Family, CPUAnswerProblem> {
        let value = answer.isEmpty ? (defaultChoice?.vdsmName ?? "") : answer
        if let family = choices.first(where: { $0.vdsmName == value }) {
            return .success(family)
        }
        return .failure(CPUAnswerProblem(host: nil, message: "Invalid CPU type specified: \(value)"))
    }

    /// Builds the question for `firstHost` from its vdsm-compatible models and `offered` (3.4's list by default).
    package init(firstHost: HostCPUReport, offered: [HostedEngineCPUFamilies.Family] = HostedEngineCPUFamilies.ovirt34) {
        let compatible = Set(firstHost.compatible.map(\.vdsmName))
        choices = offered.filter { compatible.contains($0.vdsmName) }
        if case .unavailable(let reason) = firstHost.virtualization {
            blockingProblem = "Hardware does not support virtualization (\(firstHost.source): \(reason))"
        } else if choices.isEmpty {
            // ovirt-hosted-engine-setup 1.1.5+ aborts with this text when vdsm reports no usable model.
            blockingProblem =
                "Hardware virtualization support is not available: please check BIOS settings and turn on NX support if available"
        } else {
            blockingProblem = nil
        }
    }
}

extension HostedEngineCPUQuestion {
    /// For the flow engine: the question from the first host's `/proc/cpuinfo` text (`CPUProbe.command`'s output).
    package init(firstHostCPUInfo text: String, host: String) throws(CPUInfoParseError) {
        let cpu = try CPUInfo(parsing: text)
        self.init(firstHost: HostCPUClassifier.classify(cpu, source: host))
    }

    /// otopi's valid values for `OVEHOSTED_VDSM/cpu` (`model_*`), in the order hosted-engine prints them.
    package var validValues: [String] { choices.map(\.vdsmName) }

    /// The value for `OVEHOSTED_VDSM/engineCpu` that goes with `cpu` ("Intel Conroe Family").
    package func engineCpu(for cpu: String) -> String? {
        choices.first { $0.vdsmName == cpu }?.engineName
    }
}
