import OtopiKit
import WizardCore

/// One answer file given to `plan` or `apply`, read once: its values and what it is for. The flow it names
/// (`OVIRT_WIZARD/flow`) decides the tool; a file that names none is read by the old rule, its key prefixes.
package struct DeploymentAnswerFile: Sendable {
    package var path: String
    package var environment: OtopiEnvironment
    package var kind: AnswerFileKind
    /// Set for a file that names no flow: its tool was guessed from its keys (one line, naming the file).
    package var warning: String?

    package static func load(path: String, flows: FlowCatalog) throws -> DeploymentAnswerFile {
        let file: AnswerFile
        do {
            file = try AnswerFile.load(path: path)
        } catch {
            throw DeploymentInput.Problem(path: path, message: error.problems.map(\.description).joined(separator: "; "))
        }
        return try DeploymentAnswerFile(path: path, environment: OtopiEnvironment(files: [file]), flows: flows)
    }

    package init(path: String, environment: OtopiEnvironment, flows: FlowCatalog) throws {
        self.path = path
        self.environment = environment
        let named: Flow?
        do {
            named = try AnswerFileContract.flow(of: environment, in: flows)
        } catch {
            throw DeploymentInput.Problem(path: path, message: error.description)
        }
        if let named {
            kind = AnswerFileKind(flow: named)
        } else {
            let tool = try Self.guessTool(path: path, keys: environment.items.keys)
            kind = AnswerFileKind(guessedTool: tool)
            warning = "warning: \(path) names no flow (no \(AnswerFileContract.flowKey) line, written by an older ovirt-wizard): read as a \(tool) file, judged by its key names"
        }
    }

    /// The old rule, for files without `OVIRT_WIZARD/flow`: the tool from the prefixes of the keys.
    static func guessTool(path: String, keys: some Collection<String>) throws -> String {
        if keys.contains(where: { $0.hasPrefix("GLUSTER/") }) { return DeployTool.gluster.rawValue }
        let engine = keys.contains { $0.hasPrefix("OVESETUP_") || $0.hasPrefix("OSETUP_") }
        let hosted = keys.contains { $0.hasPrefix("OVEHOSTED_") }
        switch (engine, hosted) {
        case (true, false): return DeployTool.engineSetup.rawValue
        case (false, true): return DeployTool.hostedEngine.rawValue
        case (true, true):
            throw DeploymentInput.Problem(path: path, message: "holds both engine-setup (OVESETUP_) and hosted-engine (OVEHOSTED_) keys; use one file per tool")
        case (false, false):
            throw DeploymentInput.Problem(path: path, message: "holds no engine-setup (OVESETUP_) or hosted-engine (OVEHOSTED_) keys")
        }
    }

    /// Whether this is the gluster flow's file (one file for every Gluster host).
    package var isGluster: Bool { kind.tool == DeployTool.gluster.rawValue }
}
