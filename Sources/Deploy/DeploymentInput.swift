import Foundation
import OtopiKit
import SSHKit
import WizardCore

/// One answer file of a deployment: which tool it is for and which host runs it.
public struct DeploymentInput: Sendable {
    public var path: String
    public var environment: OtopiEnvironment
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
    public init(path: String, options: ConnectOptions) throws {
        let file: AnswerFile
        do {
            file = try AnswerFile.load(path: path)
        } catch {
            throw Problem(path: path, message: error.problems.map(\.description).joined(separator: "; "))
        }
        try self.init(path: path, environment: OtopiEnvironment(files: [file]), options: options)
    }

    public init(path: String, environment: OtopiEnvironment, options: ConnectOptions) throws {
        self.path = path
        self.environment = environment
        let keys = environment.items.keys
        let engine = keys.contains { $0.hasPrefix("OVESETUP_") || $0.hasPrefix("OSETUP_") }
        let hosted = keys.contains { $0.hasPrefix("OVEHOSTED_") }
        switch (engine, hosted) {
        case (true, false): tool = .engineSetup
        case (false, true): tool = .hostedEngine
        case (true, true):
            throw Problem(path: path, message: "holds both engine-setup (OVESETUP_) and hosted-engine (OVEHOSTED_) keys; use one file per tool")
        case (false, false):
            throw Problem(path: path, message: "holds no engine-setup (OVESETUP_) or hosted-engine (OVEHOSTED_) keys")
        }
        func text(_ key: String) -> String? {
            guard let value = environment[key]?.value else { return nil }
            switch value {
            case .string(let s): return s.isEmpty ? nil : s
            case .int(let i): return String(i)
            default: return nil
            }
        }
        guard let host = text("OVIRT_WIZARD/host") else {
            throw Problem(path: path, message: "OVIRT_WIZARD/host is missing: the file does not say which host to run \(tool.rawValue) on (answer the wizard's target-host questions)")
        }
        hostName = host
        var port: Int?
        if let p = text("OVIRT_WIZARD/sshPort") {
            guard let n = Int(p), (1...65535).contains(n) else {
                throw Problem(path: path, message: "OVIRT_WIZARD/sshPort=\(p) is not a port number (1-65535)")
            }
            port = n
        }
        var connect = options
        if let identity = text("OVIRT_WIZARD/sshIdentity") { connect.identityFiles = [identity] }
        access = HostAccess(target: SSHTarget(user: text("OVIRT_WIZARD/sshUser"), host: host, port: port), options: connect)
    }

    public func string(_ key: String) -> String? { environment[key]?.value.stringValue }
    public func bool(_ key: String) -> Bool? { environment[key]?.value.boolValue }

    /// The keys the tool reads, with their sections: everything except the wizard's own `OVIRT_WIZARD/` keys.
    public var toolSections: [EnvironmentSection: [String: OtopiValue]] {
        var sections: [EnvironmentSection: [String: OtopiValue]] = [:]
        for (key, item) in environment.items where !key.hasPrefix("OVIRT_WIZARD/") {
            sections[item.origin.section, default: [:]][key] = item.value
        }
        return sections
    }

    /// Values of keys that hold secrets (non-empty strings), for masking command output.
    public var secretValues: [String] {
        environment.items.compactMap { key, item in
            guard Secrets.looksSecret(key), let s = item.value.stringValue, !s.isEmpty else { return nil }
            return s
        }
    }
}
