import OtopiKit

/// What the platform flow's fetches tell, as facts and answers: the engine's values from an engine-setup or
/// hosted-engine answer file, the engine's data centers and clusters, and the cluster CPU proposed from the CPU
/// check of the hosts to add. Pure: the executable reads the file, calls the engine and the hosts.
package enum PlatformFacts {
    /// Where engine-setup and hosted-engine keep the engine's FQDN, its admin password and Keycloak.
    package static let fqdnKeys = ["OVESETUP_CONFIG/fqdn", "OVEHOSTED_NETWORK/fqdn", "OVEHOSTED_VM/cloudinitInstanceHostName"]
    package static let passwordKeys = ["OVESETUP_CONFIG/adminPassword", "OVEHOSTED_ENGINE/adminPassword"]
    package static let keycloakKeys = ["OVESETUP_CONFIG/keycloakEnable", "OVEHOSTED_CORE/enableKeycloak"]
    /// With Keycloak (oVirt 4.5.1+) the REST API's admin is this one (reference/engine-api.md §1.3).
    package static let keycloakAdmin = "admin@ovirt@internalsso"

    package static let fqdnKey = "PLATFORM/engineFQDN"
    package static let adminUserKey = "PLATFORM/adminUser"
    package static let adminPasswordKey = "PLATFORM/adminPassword"
    package static let engineAnswerFileKey = "PLATFORM/engineAnswerFile"
    package static let clusterKey = "PLATFORM/cluster"
    package static let hostsKey = "PLATFORM/hosts"

    /// Fact: the engine answer file holds the admin password (its question is then not asked).
    package static let passwordInFileFact = "engine_answers_password"
    package static let dataCentersFact = "engine_data_centers"
    package static let clustersFact = "engine_clusters"
    package static let cpuChoicesFact = "cluster_cpu_choices"
    package static let proposedCPUFact = "proposed_cluster_cpu"
    /// The compatibility level the flow assumes when the engine does not tell the cluster's (seed fact).
    package static let levelFact = "cluster_level"
    /// "Leave the cluster's CPU type as it is."
    package static let keepCPU = "none"

    static func clusterLevelFact(_ cluster: String) -> String { "engine_cluster_level/\(cluster)" }
    static func clusterCPUFact(_ cluster: String) -> String { "engine_cluster_cpu/\(cluster)" }

    // MARK: - the engine answer file

    /// The engine's values from an engine-setup or hosted-engine answer file at `path`: the FQDN, and the admin
    /// password's presence (the password itself stays in that file: PLATFORM/adminPassword is none:None then).
    package static func engineAnswerFile(_ environment: OtopiEnvironment, path: String) -> FlowFetchResult {
        var result = FlowFetchResult(forget: [passwordInFileFact])
        func first(_ keys: [String]) -> (key: String, item: OtopiEnvironment.Item)? {
            for key in keys {
                if let item = environment[key], !item.value.isNone, !item.value.displayText.isEmpty { return (key, item) }
            }
            return nil
        }
        func provenance(_ item: OtopiEnvironment.Item) -> Provenance {
            .file(path: item.origin.path, line: item.origin.line)
        }
        var said: [String] = []
        if let (_, fqdn) = first(fqdnKeys) {
            result.answers[fqdnKey] = Answer(.string(fqdn.value.displayText), provenance(fqdn))
            said.append("the engine FQDN \(fqdn.value.displayText)")
        } else {
            result.messages.append(DialogMessage(.warning, "\(path) names no engine FQDN (\(fqdnKeys.joined(separator: ", "))): it is asked"))
        }
        if let (key, password) = first(passwordKeys) {
            result.forget = []
            result.facts[passwordInFileFact] = .bool(true)
            result.overrides[adminPasswordKey] = Answer(.none, provenance(password))
            said.append("the admin password (\(key), not asked again)")
        } else {
            result.messages.append(DialogMessage(.info, "\(path) holds no admin password (\(passwordKeys.joined(separator: ", "))): it is asked"))
        }
        if let (_, keycloak) = first(keycloakKeys), case .bool(true) = keycloak.value {
            result.answers[adminUserKey] = Answer(.string(keycloakAdmin), provenance(keycloak))
            said.append("the admin user \(keycloakAdmin) (Keycloak is enabled)")
        }
        if !said.isEmpty {
            result.messages.insert(DialogMessage(.info, "From \(path): " + said.joined(separator: ", ")), at: 0)
        }
        return result
    }

    // MARK: - the engine

    package struct DataCenter: Sendable, Equatable {
        package var name: String
        package var status: String?
        package var version: String?
        package init(name: String, status: String?, version: String?) {
            self.name = name
            self.status = status
            self.version = version
        }
    }

    package struct Cluster: Sendable, Equatable {
        package var name: String
        package var dataCenter: String?
        package var cpuType: String?
        package var version: String?
        package init(name: String, dataCenter: String?, cpuType: String?, version: String?) {
            self.name = name
            self.dataCenter = dataCenter
            self.cpuType = cpuType
            self.version = version
        }
    }

    /// The engine's data centers and clusters as the questions offer them. `engine` names it for the messages
    /// ("engine.test (oVirt Engine 3.4.0-1.el6)").
    package static func engine(_ engine: String, dataCenters: [DataCenter], clusters: [Cluster]) -> FlowFetchResult {
        var result = FlowFetchResult()
        result.facts[dataCentersFact] = .list(dataCenters.map(\.name))
        result.facts[clustersFact] = .list(clusters.map(\.name))
        for cluster in clusters {
            // A cluster's level: its own version, else its data center's.
            let level = cluster.version ?? dataCenters.first { $0.name == cluster.dataCenter }?.version
            if let level { result.facts[clusterLevelFact(cluster.name)] = .string(level) }
            if let cpu = cluster.cpuType { result.facts[clusterCPUFact(cluster.name)] = .string(cpu) }
        }
        let centers = dataCenters.map { dc in
            dc.name + " (" + [dc.status, dc.version.map { "level \($0)" }].compactMap { $0 }.joined(separator: ", ") + ")"
        }
        let groups = clusters.map { c in
            c.name + " (" + ["data center \(c.dataCenter ?? "none")", "CPU \(c.cpuType ?? "not set")"].joined(separator: ", ") + ")"
        }
        result.messages.append(DialogMessage(.info, "The engine \(engine) has the data centers: "
            + (centers.isEmpty ? "none" : centers.joined(separator: "; "))))
        result.messages.append(DialogMessage(.info, "and the clusters: " + (groups.isEmpty ? "none" : groups.joined(separator: "; "))))
        return result
    }

    /// The engine could not be asked: its lists are forgotten, and the operator is told plainly.
    package static func engineUnknown(_ why: String, severity: DialogMessage.Level = .warning) -> FlowFetchResult {
        FlowFetchResult(forget: [dataCentersFact, clustersFact],
                        messages: [DialogMessage(severity, why),
                                   DialogMessage(.warning, "The data centers and clusters are not listed from the engine: type their names")])
    }

    // MARK: - the cluster CPU

    /// The compatibility level the cluster CPU is chosen at: the engine's for the answered cluster, else the flow's.
    package static func clusterLevel(_ session: FlowSession) -> String {
        let cluster = session.answers[clusterKey]?.value.displayText ?? ""
        return session.facts.string(clusterLevelFact(cluster)) ?? session.facts.string(levelFact) ?? session.flow.version
    }

    /// The cluster CPU the engine would accept for every host to add (`ClusterCPUPlanner`), the choices of the
    /// level, and what stands in the way. `failures` are the hosts that could not be checked, with why.
    package static func cpuProposal(level: String, cluster: String?, currentCPU: String?, reports: [HostCPUReport],
                                    failures: [String]) -> FlowFetchResult {
        var result = FlowFetchResult()
        let entries = ClusterCPULevels.cpus(level: level) ?? []
        result.facts[cpuChoicesFact] = .list(entries.map(\.name) + [keepCPU])
        for report in reports {
            let best = ClusterCPUPlanner.bestClusterCPU(level: level, host: report)
            result.messages.append(DialogMessage(.info, "\(report.source): \(report.cpu.modelName ?? "unknown CPU"); "
                + "best cluster CPU at level \(level): \(best?.name ?? "none")"))
        }
        for failure in failures { result.messages.append(DialogMessage(.warning, failure)) }
        let recommendation = ClusterCPUPlanner.recommend(level: level, hosts: reports)
        for problem in recommendation.problems where !reports.isEmpty { result.messages.append(DialogMessage(.warning, problem)) }
        if let cpu = recommendation.cpu, failures.isEmpty {
            result.facts[proposedCPUFact] = .string(cpu.name)
            result.messages.append(DialogMessage(.info, "Proposed cluster CPU: \(cpu.name), the best every host to add "
                + "shares at level \(level); a CPU a host lacks keeps it Non Operational and the data center down"))
        } else {
            result.forget.append(proposedCPUFact)
            result.messages.append(DialogMessage(.warning, "No cluster CPU is proposed: "
                + (failures.isEmpty ? "no CPU of level \(level) fits every host" : "not every host to add was checked")
                + "; choose the CPU every host has"))
        }
        if let currentCPU, let cluster {
            let entry = entries.first { $0.name == currentCPU }
            let lacking = reports.filter { report in entry.map { !report.missingFlags(for: $0).isEmpty } ?? false }.map(\.source)
            if !lacking.isEmpty {
                result.messages.append(DialogMessage(.warning, "The cluster \(cluster) has the CPU type \(currentCPU) now, which "
                    + "\(lacking.joined(separator: ", ")) lack\(lacking.count == 1 ? "s" : ""): keeping it leaves them Non Operational"))
            } else {
                result.messages.append(DialogMessage(.info, "The cluster \(cluster) has the CPU type \(currentCPU) now (\(keepCPU): leave it)"))
            }
        }
        return result
    }

    /// The cluster's CPU type as the engine told it, when it was reached.
    package static func currentCPU(_ session: FlowSession) -> String? {
        let cluster = session.answers[clusterKey]?.value.displayText ?? ""
        return session.facts.string(clusterCPUFact(cluster))
    }
}
