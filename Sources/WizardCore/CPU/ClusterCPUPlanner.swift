/// The cluster CPU the engine would accept for every host, at one compatibility level.
public struct ClusterCPURecommendation: Sendable {
    public let level: String
    /// The highest `ServerCPUList` entry all hosts satisfy; nil when there is none.
    public let cpu: ClusterCPU?
    /// Why there is no recommendation, or what stands in the way of a better one.
    public let problems: [String]
}

public enum ClusterCPUPlanner {
    /// The best cluster CPU all `hosts` share at `level`, as the engine's `CpuFlagsManagerHandler` ranks them
    /// (vendor bucket by `vmx`/`svm`, highest level whose flags every host has).
    public static func recommend(level: String, hosts: [HostCPUReport]) -> ClusterCPURecommendation {
        guard let entries = ClusterCPULevels.cpus(level: level) else {
            return ClusterCPURecommendation(
                level: level, cpu: nil,
                problems: ["unknown cluster compatibility level '\(level)'; known: \(ClusterCPULevels.levels.joined(separator: ", "))"])
        }
        guard !hosts.isEmpty else {
            return ClusterCPURecommendation(level: level, cpu: nil, problems: ["no hosts were checked"])
        }
        var problems: [String] = []
        let vendors = Set(hosts.compactMap { $0.cpu.vendor })
        for host in hosts where host.cpu.vendor == nil {
            problems.append("\(host.source): vendor '\(host.cpu.vendorID ?? "none")' has no oVirt CPU models")
        }
        for host in hosts {
            if case .unavailable(let reason) = host.virtualization {
                problems.append("\(host.source): no hardware virtualization — \(reason)")
            }
        }
        guard vendors.count == 1, let vendor = vendors.first else {
            if vendors.count > 1 {
                problems.append("the hosts mix Intel and AMD CPUs; one cluster takes one vendor, so put them in separate clusters")
            }
            return ClusterCPURecommendation(level: level, cpu: nil, problems: problems)
        }
        // Stable ascending sort, then scan from the top: among equal levels the later entry wins, as in the engine.
        let ranked = entries.enumerated()
            .filter { $0.element.vendor == vendor }
            .sorted { ($0.element.level, $0.offset) < ($1.element.level, $1.offset) }
            .map(\.element)
            .reversed()
        let chosen = ranked.first { entry in hosts.allSatisfy { $0.missingFlags(for: entry).isEmpty } }
        if chosen == nil {
            problems.append(
                "no \(vendor.shortName) CPU of cluster level \(level) is supported by every host")
        } else if let chosen {
            // Name the hosts that hold the cluster back from the next better CPU.
            if let better = ranked.prefix(while: { $0 != chosen }).last {
                let laggards = hosts.filter { !$0.missingFlags(for: better).isEmpty }.map(\.source)
                if !laggards.isEmpty, laggards.count < hosts.count {
                    problems.append("\(better.name) would need: \(laggards.joined(separator: ", "))")
                }
            }
        }
        return ClusterCPURecommendation(level: level, cpu: chosen, problems: problems)
    }

    /// The best entry of `level` for one host (the engine's `FindMaxServerCpuByFlags`).
    public static func bestClusterCPU(level: String, host: HostCPUReport) -> ClusterCPU? {
        recommend(level: level, hosts: [host]).cpu
    }
}
