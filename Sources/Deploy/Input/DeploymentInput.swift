import Foundation
import OtopiKit
import SSHKit
import WizardCore

/// One answer file of a deployment: which tool it is for and which host runs it.
package struct DeploymentInput: Sendable {
    package var path: String
    package var environment: OtopiEnvironment
    /// The flow the file names (or, for an older file, the tool its keys suggest).
    package var kind: AnswerFileKind
    package var tool: DeployTool
    /// The `OVIRT_WIZARD/host` answer.
    package var hostName: String
    package var access: HostAccess
    /// hosted-engine: the other hosts of the HA set (Host ID > 1), deployed after this one; empty otherwise.
    package var additionalHosts: [AdditionalHost] = []
    /// hosted-engine: the engine VM, when the wizard sets up the engine inside it; nil otherwise.
    package var engineVM: HostedEngineEngineVM?

    /// An additional host of a hosted engine and how to reach it.
    package struct AdditionalHost: Sendable {
        package var host: HostedEngineAdditionalHosts.Host
        package var access: HostAccess
        package var name: String { host.name }
    }

    package struct Problem: Error, Sendable, CustomStringConvertible {
        package var path: String
        package var message: String
        package var description: String { "\(path): \(message)" }
    }

    /// Reads an answer file and works out its tool and host. `options` carries known_hosts and the host-key policy.
    package init(path: String, flows: FlowCatalog, options: ConnectOptions) throws {
        try self.init(DeploymentAnswerFile.load(path: path, flows: flows), options: options)
    }

    package init(path: String, environment: OtopiEnvironment, flows: FlowCatalog, options: ConnectOptions) throws {
        try self.init(DeploymentAnswerFile(path: path, environment: environment, flows: flows), options: options)
    }

    package init(_ file: DeploymentAnswerFile, options: ConnectOptions) throws {
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
        if tool == .hostedEngine {
            do {
                let set = try HostedEngineAdditionalHosts(value: { environment[$0]?.value }, firstLogin: login)
                additionalHosts = set.hosts.compactMap { host in
                    HostAccess(host.login, options: options).map { AdditionalHost(host: host, access: $0) }
                }
            } catch {
                throw Problem(path: path, message: error.description)
            }
            if let flow = kind.flow {
                do {
                    engineVM = try HostedEngineEngineVM(flow: flow, value: { environment[$0]?.value }, firstLogin: login)
                } catch {
                    throw Problem(path: path, message: error.description)
                }
            }
        }
    }

    /// The engine VM's part of a hosted-engine file: engine-setup in the VM, with the answers made for it from the
    /// file's (`HostedEngineEngineVM`), reached with the file's connection options and the VM's login.
    package init(engineVM vm: HostedEngineEngineVM, of input: DeploymentInput) {
        path = input.path
        environment = OtopiEnvironment(values: vm.values, path: input.path)
        kind = AnswerFileKind(flow: vm.engineSetup.flow)
        tool = .engineSetup
        hostName = vm.name
        access = HostAccess(vm.login, options: input.access.options)
            ?? HostAccess(target: SSHTarget(user: "root", host: vm.name, port: vm.login.port), options: input.access.options)
    }

    /// Every host this file deploys: its target host, then the additional hosts.
    package var hosts: [(name: String, access: HostAccess)] {
        [(hostName, access)] + additionalHosts.map { ($0.name, $0.access) }
    }

    package func string(_ key: String) -> String? { environment[key]?.value.stringValue }
    package func bool(_ key: String) -> Bool? { environment[key]?.value.boolValue }

    /// Every key of the file, with its section (the wizard-only ones are dropped by `AnswerFileContract.renderForHost`).
    package var sections: [EnvironmentSection: [String: OtopiValue]] {
        var sections: [EnvironmentSection: [String: OtopiValue]] = [:]
        for (key, item) in environment.items {
            sections[item.origin.section, default: [:]][key] = item.value
        }
        return sections
    }

    /// What this host receives: the file without the wizard's own keys, and its masked copy.
    package func hostAnswerFile() throws -> HostAnswerFile {
        try AnswerFileContract.renderForHost(kind, sections: sections, source: path, host: hostName)
    }

    /// Values of keys that hold secrets (non-empty strings), for masking command output.
    package var secretValues: [String] {
        environment.items.compactMap { key, item in
            guard kind.isSecret(key), let s = item.value.stringValue, !s.isEmpty else { return nil }
            return s
        }
    }
}
