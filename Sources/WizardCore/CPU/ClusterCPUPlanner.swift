/// The cluster CPU the engine would accept for every host, at one compatibility level.
package struct ClusterCPURecommendation: Sendable {
    package let level: String
    /// The highest `ServerCPUList` entry all hosts satisfy; nil when there is none.
    package let cpu: ClusterCPU?
    /// Why there is no recommendation, or what stands in the way of a better one.
    package let problems: [String]
}

package enum ClusterCPUPlanner {
    /// The best cluster CPU all `hosts` share at `level`, as the engine's `CpuFlagsManagerHandler` ranks them
    /// (vendor bucket by `vmx`/`svm`, highest level whose flags every host has).
    package static func recommend(level: String, hosts: [HostCPUReport]) -> ClusterCPURecommendation {
        guard let entries = ClusterCPULevels.cpus(level: level) else {
            return ClusterCPURecommendation(
                level: level, cpu: nil,
                problems: ["unknown cluster compatibility level '\(level)'; known: \(ClusterCPULevels.levels.joined(separator: ", "))"])
        }
        guard !hosts.isEmpty else {
            return ClusterCPURecommendation(level: level, cpu: nil, problems: ["no hosts were checked"])
        }
        var problems: [String] = []
        // A host without vmx/svm can join no cluster; recommend for the others and say so.
        for host in hosts where !host.virtualization.isAvailable {
            problems.append("\(host.source) can join no cluster: it has no hardware virtualization (vmx/svm)")
        }
        let candidates = hosts.filter { $0.virtualization.isAvailable }
        for host in candidates where host.cpu.vendor == nil {
            problems.append(
                "\(host.source): vendor '\(host.cpu.vendorID ?? "none")': oVirt's x86 CPU models are defined for GenuineIntel and AuthenticAMD only")
        }
        let vendors = Set(candidates.compactMap { $0.cpu.vendor })
        guard vendors.count == 1, let vendor = vendors.first, !candidates.contains(where: { $0.cpu.vendor == nil }) else {
            if vendors.count > 1 {
                problems.append("the hosts mix Intel and AMD CPUs; one cluster takes one vendor, so put them in separate clusters")
            }
            return ClusterCPURecommendation(level: level, cpu: nil, problems: problems)
        }
        // Stable ascending sort, then scan from the top: among equal levels the later entry wins, as in the engine.
        let ranked = Array(entries.enumerated()
            .filter { $0.element.vendor == vendor }
            .sorted { ($0.element.level, $0.offset) < ($1.element.level, $1.offset) }
            .map(\.element)
            .reversed())
        let chosen = ranked.first { entry in candidates.allSatisfy { $0.missingFlags(for: entry).isEmpty } }
        if let chosen {
            // Name the hosts that hold the cluster back from the next better CPU.
            if let index = ranked.firstIndex(of: chosen), index > 0 {
                let better = ranked[index - 1]
                let laggards = candidates.filter { !$0.missingFlags(for: better).isEmpty }.map(\.source)
                if !laggards.isEmpty, laggards.count < candidates.count {
                    problems.append("\(better.name) is out of reach because of \(laggards.joined(separator: ", "))")
                }
            }
        } else {
            let names = candidates.filter { host in !ranked.contains { host.missingFlags(for: $0).isEmpty } }.map(\.source)
            problems.append(names.isEmpty
                ? "no \(vendor.shortName) CPU of cluster level \(level) is supported by every host"
                : "no CPU of cluster level \(level) fits \(names.joined(separator: ", "))")
        }
        return ClusterCPURecommendation(level: level, cpu: chosen, problems: problems)
    }

    /// The best entry of `level` for one host (the engine's `FindMaxServerCpuByFlags`).
    package static func bestClusterCPU(level: String, host: HostCPUReport) -> ClusterCPU? {
        recommend(level: level, hosts: [host]).cpu
    }
}
