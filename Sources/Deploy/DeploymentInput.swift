import Foundation
import OtopiKit
import SSHKit
import WizardCore

/// One answer file of a deployment: which tool it is for and which host runs it.
public struct DeploymentInput: Sendable {
    public var path: String
    public var environment: OtopiEnvironment
    /// The flow the file names (or, for an older file, the tool its keys suggest).
    public var kind: AnswerFileKind
    public var tool: DeployTool
    /// The `OVIRT_WIZARD/host` answer.
    public var hostName: String
    public var access: HostAccess

    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    /// Reads an answer file and works out its tool and host. `options` carries known_hosts and the host-key policy.
    public init(path: String, flows: FlowCatalog, options: ConnectOptions) throws {
        try self.init(DeploymentAnswerFile.load(path: path, flows: flows), options: options)
    }

    public init(path: String, environment: OtopiEnvironment, flows: FlowCatalog, options: ConnectOptions) throws {
        try self.init(DeploymentAnswerFile(path: path, environment: environment, flows: flows), options: options)
    }

    public init(_ file: DeploymentAnswerFile, options: ConnectOptions) throws {
        path = file.path
        environment = file.environment
        kind = file.kind
        switch kind.tool {
        case DeployTool.engineSetup.rawValue: tool = .engineSetup
        case DeployTool.hostedEngine.rawValue: tool = .hostedEngine
        case DeployTool.gluster.rawValue:
            throw Problem(path: path, message: "is a gluster flow answer file, which describes every Gluster host: give it alone, without other --answers files")
        default:
            let use = kind.flow.map { "; use it with: \($0.usage(answerFile: file.path))" } ?? ""
            throw Problem(path: path, message: "is an answer file of the \(kind.flow?.id ?? kind.tool) flow, which plan and apply do not run\(use)")
        }
        let login: TargetLogin
        do {
            login = try TargetLogin(environment: environment)
        } catch {
            throw Problem(path: path, message: error.description)
        }
        guard let host = login.host, let access = HostAccess(login, options: options) else {
            throw Problem(path: path, message: "\(TargetLogin.hostKey) is missing: the file does not say which host to run \(tool.rawValue) on (answer the wizard's target-host questions)")
        }
        hostName = host
        self.access = access
    }

    public func string(_ key: String) -> String? { environment[key]?.value.stringValue }
    public func bool(_ key: String) -> Bool? { environment[key]?.value.boolValue }

    /// Every key of the file, with its section (the wizard-only ones are dropped by `AnswerFileContract.renderForHost`).
    public var sections: [EnvironmentSection: [String: OtopiValue]] {
        var sections: [EnvironmentSection: [String: OtopiValue]] = [:]
        for (key, item) in environment.items {
            sections[item.origin.section, default: [:]][key] = item.value
        }
        return sections
    }

    /// What this host receives: the file without the wizard's own keys, and its masked copy.
    public func hostAnswerFile() throws -> HostAnswerFile {
        try AnswerFileContract.renderForHost(kind, sections: sections, source: path, host: hostName)
    }

    /// Values of keys that hold secrets (non-empty strings), for masking command output.
    public var secretValues: [String] {
        environment.items.compactMap { key, item in
            guard kind.isSecret(key), let s = item.value.stringValue, !s.isEmpty else { return nil }
            return s
        }
    }
}
