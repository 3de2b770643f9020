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

    /// A flow by name: `engine-setup` (the newest version) or `engine-setup-3.4` (one version).
    package func flow(named name: String) -> Flow? {
        let exact = flows.filter { "\($0.id)-\($0.version)" == name }
        if let flow = exact.first { return flow }
        return flows.filter { $0.id == name }.max { $0.version.compare($1.version, options: .numeric) == .orderedAscending }
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
