import Foundation

/// The flows found in a `Screens/` folder.
package struct FlowCatalog: Sendable {
    package var directory: String
    package var flows: [Flow]
    /// Files that failed to load, with the reason (a broken file does not hide the others).
    package var problems: [FlowFileError]

    package init(directory: String, flows: [Flow], problems: [FlowFileError] = []) {
        self.directory = directory
        self.flows = flows
        self.problems = problems
    }

    /// Every flow file of `directory`; `_NAME.yaml` files are sections shared by flows (`- use: NAME`), not flows.
    package static func load(directory: String) -> FlowCatalog {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasPrefix("_") }.sorted()
        var flows: [Flow] = []
        var problems: [FlowFileError] = []
        for name in names {
            do {
                flows.append(try FlowLoader.load(path: directory + "/" + name))
            } catch {
                problems.append(error)
            }
        }
        return FlowCatalog(directory: directory, flows: flows, problems: problems)
    }

    /// A flow by name: `engine-setup-3.4` (one version) or `engine-setup`. A name without a version, when no host
    /// has decided (`flow(id:on:)`), is the oldest version the wizard knows: the seed tutorial's (oVirt 3.4).
    package func flow(named name: String) -> Flow? {
        let exact = flows.filter { "\($0.id)-\($0.version)" == name }
        if let flow = exact.first { return flow }
        return versions(of: name).first
    }

    /// The flow list when the target host chooses the version: each flow once (its oldest version stands for it
    /// until the host is probed), and for each flow with several versions, the versions it chooses from.
    package func listedForHostChoice() -> (flows: [Flow], versions: [String: [String]]) {
        var listed: [Flow] = []
        var versions: [String: [String]] = [:]
        for flow in flows where !listed.contains(where: { $0.id == flow.id }) {
            let all = self.versions(of: flow.id)
            guard hostChoosesVersion(of: flow.id) else {
                listed += all
                continue
            }
            listed.append(all[0])
            versions[flow.id] = all.map(\.version)
        }
        return (listed, versions)
    }

    /// Whether the target host's OS chooses the version of flow `id`: it has several, and each names the hosts it
    /// runs on (the platform flow's versions do not: the engine's version is the operator's choice).
    package func hostChoosesVersion(of id: String) -> Bool {
        let all = versions(of: id)
        return all.count > 1 && all.allSatisfy { !$0.platforms.isEmpty }
    }

    /// Every version of flow `id`, oldest first.
    package func versions(of id: String) -> [Flow] {
        flows.filter { $0.id == id }.sorted { $0.version.compare($1.version, options: .numeric) == .orderedAscending }
    }

    /// The version of flow `id` whose tool runs on `os` (EL6: 3.4, EL8/EL9: 4.5). A flow that names no platforms
    /// runs anywhere; a host no version runs on is refused, naming the versions and what they need.
    package func flow(id: String, on os: HostOS, host: String) throws(VersionRefused) -> Flow {
        let candidates = versions(of: id)
        if let any = candidates.first(where: { $0.platforms.isEmpty }) { return any }
        if let fit = candidates.last(where: { $0.runs(on: os) == true }) { return fit }
        throw VersionRefused(host: host, os: os, flowID: id, versions: candidates)
    }

    package struct VersionRefused: Error, Sendable, CustomStringConvertible {
        package var host: String
        package var os: HostOS
        package var flowID: String
        package var versions: [Flow]
        package var description: String {
            let known = versions.map { "oVirt \($0.version) needs \($0.platforms.map(\.description).joined(separator: " or "))" }
            return "\(host) runs \(os): no \(flowID) flow the wizard knows runs there ("
                + known.joined(separator: "; ") + ")"
        }
    }

    /// Where the binary finds `Screens/`: an explicit folder, `$OVIRT_WIZARD_SCREENS`, beside the executable,
    /// `../share/ovirt-wizard/Screens`, the nearest parent of the executable that has one, then `./Screens`.
    package static func locate(explicit: String?, environment: [String: String], executablePath: String,
                              currentDirectory: String) -> String? {
        if let explicit { return explicit }
        if let env = environment["OVIRT_WIZARD_SCREENS"], !env.isEmpty { return env }
        let exe = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        var candidates = [exe.appendingPathComponent("Screens").path,
                          exe.appendingPathComponent("../share/ovirt-wizard/Screens").standardized.path]
        var dir = exe
        while dir.path != "/" {
            dir = dir.deletingLastPathComponent()
            candidates.append(dir.appendingPathComponent("Screens").path)
        }
        candidates.append(currentDirectory + "/Screens")
        return candidates.first { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }
}
