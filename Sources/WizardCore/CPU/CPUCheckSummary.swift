/// Everything `cpu-check` (and the CPU check screen) shows, for a set of hosts and one cluster level.
package struct CPUCheckSummary: Sendable {
    package let level: String
    package let hosts: [HostCPUReport]
    package let cluster: ClusterCPURecommendation
    /// hosted-engine 3.4's CPU question as the first host would see it; nil without hosts.
    package let hostedEngine: HostedEngineCPUQuestion?
    /// The CPU type of a hosted-engine answer file, checked against the hosts; nil when none was given.
    package var answerFile: CPUAnswerFileCheck?

    package init(hosts: [HostCPUReport], level: String) {
        self.level = level
        self.hosts = hosts
        self.cluster = ClusterCPUPlanner.recommend(level: level, hosts: hosts)
        self.hostedEngine = hosts.first.map { HostedEngineCPUQuestion(firstHost: $0) }
    }

    /// The models the level's cluster CPUs are built on (one row per `model_*`), for the hosts' vendors.
    package var tableModels: [CPUModel] {
        let vendors = Set(hosts.compactMap { $0.cpu.vendor })
        var seen: Set<String> = []
        var models: [CPUModel] = []
        for entry in ClusterCPULevels.cpus(level: level) ?? [] where vendors.contains(entry.vendor) {
            guard let model = CPUModelCatalog.model(vdsmName: entry.vdsmModel), seen.insert(model.name).inserted else { continue }
            models.append(model)
        }
        return models.sorted { a, b in a.vendor != b.vendor ? a.vendor == .intel : a.generation < b.generation }
    }

    /// The engine name a plain `model_*` entry carries at this level ("Intel Westmere Family").
    package func engineName(for model: CPUModel) -> String? {
        ClusterCPULevels.cpus(level: level)?.first { $0.vdsmModel == model.vdsmName }?.name
    }

    /// True when something stops a deployment: a host without virtualization or no shared cluster CPU.
    package var hasBlockingProblem: Bool {
        cluster.cpu == nil || hosts.contains { !$0.virtualization.isAvailable } || answerFile?.problems.isEmpty == false
    }
}
