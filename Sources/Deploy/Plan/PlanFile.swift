import Foundation
import HostOps
import SSHKit

/// A generic plan read from JSON: hosts and one ordered list of steps that every host runs. It becomes the same
/// `DeploymentPlan` the answer-file planner makes, so journal, lock, logs and resume work the same way.
///
///     {"hosts": [{"name": "h1", "target": "root@10.0.0.5:22", "identity": "~/.ssh/id_ed25519",
///                 "knownHosts": "~/.ssh/known_hosts"}],
///      "steps": [{"id": "hello", "run": ["echo", "hi"]},
///                {"id": "feed", "run": ["cat"], "stdin": "hello\n"},
///                {"id": "iso", "upload": "local.iso", "to": "/tmp/{host}.iso", "mode": "644"}]}
///
/// `{host}` in an argv element or upload path becomes the host's name. A step without `probe` runs again on resume.
///
/// A host may have steps of its own (`"steps"` in its entry, instead of the shared ones), which is how a plan
/// holds a hosted-engine engine VM (`EngineVMRole`): the VM's entry says whose loop runs it,
/// `"engineVMOf": {"host": "he1", "step": "deploy", "engineSetupStep": "setup"}`, and that host's step runs the
/// tool with `"otopi": true, "interactive": true, "engineVM": "vm"`. Such a step answers 1 to the
/// engine-installation loop only after the VM's `engineSetupStep` succeeded, as in a plan made from answers.
package struct PlanFile: Sendable {
    package struct Problem: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    struct HostEntry: Decodable {
        var name: String?
        var target: String
        var identity: String?
        var knownHosts: String?
        /// This host's own steps (instead of the plan's shared ones).
        var steps: [StepEntry]?
        var engineVMOf: EngineVMEntry?
    }

    struct EngineVMEntry: Decodable {
        var host: String
        var step: String
        var engineSetupStep: String
    }

    struct StepEntry: Decodable {
        var id: String
        var title: String?
        var run: [String]?
        var stdin: String?
        var upload: String?
        var to: String?
        var mode: String?
        var probe: [String]?
        var timeout: Double?
        /// A `run` whose output is otopi's console (stages, prompts), and whose prompts are answered.
        var otopi: Bool?
        var interactive: Bool?
        /// The engine VM (a host name of this plan) whose steps this step's engine-installation loop runs.
        var engineVM: String?
    }

    struct Document: Decodable {
        var hosts: [HostEntry]
        var steps: [StepEntry]?
    }

    /// Reads `path`; relative local paths (upload sources, identities, known_hosts) are taken from its folder.
    /// `options` supplies what the file does not say (connect timeout, host-key policy, identities).
    package static func load(path: String, options: ConnectOptions) throws -> DeploymentPlan {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Problem(description: "\(path): cannot read: \(error.localizedDescription)")
        }
        return try parse(data, path: path, options: options)
    }

    package static func parse(_ data: Data, path: String, options: ConnectOptions) throws -> DeploymentPlan {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw Problem(description: "\(path): \(where_(context.codingPath)) has no \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(type, context) {
            throw Problem(description: "\(path): \(where_(context.codingPath)) is not a \(type)")
        } catch let DecodingError.dataCorrupted(context) {
            throw Problem(description: "\(path): not valid JSON at \(where_(context.codingPath)): \(context.underlyingError.map { "\($0)" } ?? context.debugDescription)")
        } catch {
            throw Problem(description: "\(path): \(error)")
        }
        guard !document.hosts.isEmpty else { throw Problem(description: "\(path): \"hosts\" is empty: name at least one host") }
        let shared = document.steps ?? []
        for (i, entry) in document.hosts.enumerated() where (entry.steps ?? shared).isEmpty {
            throw Problem(description: "\(path): hosts[\(i)] has no steps: give \"steps\" (for every host, or in its entry)")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func local(_ p: String) -> String {
            if p.hasPrefix("/") || p.hasPrefix("~") { return p }
            return base.appendingPathComponent(p).standardizedFileURL.path
        }
        try check(shared, at: "\(path): steps")
        for (i, entry) in document.hosts.enumerated() {
            if let own = entry.steps { try check(own, at: "\(path): hosts[\(i)].steps") }
        }
        var names: Set<String> = []
        var hosts: [HostPlan] = []
        for (i, entry) in document.hosts.enumerated() {
            let target: SSHTarget
            do {
                target = try SSHTarget(parsing: entry.target)
            } catch {
                throw Problem(description: "\(path): hosts[\(i)] target \"\(entry.target)\": \(error)")
            }
            let name = entry.name ?? entry.target
            guard names.insert(name).inserted else { throw Problem(description: "\(path): hosts[\(i)]: the name \(name) is used twice") }
            var connect = options
            if let identity = entry.identity { connect.identityFiles = [local(identity)] }
            if let known = entry.knownHosts { connect.knownHostsPath = local(known) }
            let steps = (entry.steps ?? shared).map { step(from: $0, host: name, local: local) }
            var host = HostPlan(name: name, tool: .generic, access: HostAccess(target: target, options: connect),
                                answerFile: path, remoteDirectory: "", platform: .assumed("generic plan: not probed"),
                                steps: steps, secretValues: [])
            if let vm = entry.engineVMOf {
                host.engineVM = EngineVMRole(vm: name, host: vm.host, hostStep: vm.step, engineSetupStep: vm.engineSetupStep)
            }
            hosts.append(host)
        }
        // Which step names which engine VM, by host and step index (the entries' order is the plan's).
        let named = document.hosts.enumerated().flatMap { h, entry in
            (entry.steps ?? shared).enumerated().compactMap { s, step in step.engineVM.map { (host: h, step: s, vm: $0) } }
        }
        try linkEngineVMs(&hosts, named: named, path: path)
        return DeploymentPlan(hosts: hosts)
    }

    /// Gives each step naming an engine VM its role, once the VM's entry and the step agree on each other.
    static func linkEngineVMs(_ hosts: inout [HostPlan], named: [(host: Int, step: Int, vm: String)], path: String) throws {
        for (h, s, vmName) in named {
            let host = hosts[h], step = host.steps[s]
            do {
                let at = "\(path): \(host.name)/\(step.id)"
                guard let vm = hosts.first(where: { $0.name == vmName }) else { throw Problem(description: "\(at): engineVM \(vmName) is not a host of the plan") }
                guard let role = vm.engineVM, role.host == host.name, role.hostStep == step.id else {
                    throw Problem(description: "\(at): the host \(vmName) must say \"engineVMOf\": {\"host\": \"\(host.name)\", \"step\": \"\(step.id)\", \"engineSetupStep\": …}")
                }
                guard vm.steps.contains(where: { $0.id == role.engineSetupStep }) else {
                    throw Problem(description: "\(path): \(vmName): engineSetupStep \(role.engineSetupStep) is not one of its steps")
                }
                guard case .run(_, true, true) = step.action else {
                    throw Problem(description: "\(at): a step that runs an engine VM at its loop must be a run with \"otopi\": true and \"interactive\": true")
                }
                hosts[h].steps[s].engineVM = role
            }
        }
        for vm in hosts {
            guard let role = vm.engineVM else { continue }
            guard hosts.contains(where: { $0.name == role.host && $0.steps.contains { $0.id == role.hostStep && $0.engineVM == role } }) else {
                throw Problem(description: "\(path): \(vm.name) says engineVMOf \(role.host)/\(role.hostStep), whose step does not name it (\"engineVM\": \"\(vm.name)\")")
            }
        }
    }

    /// The plan's step list rules (ids, one action each, modes, timeouts).
    static func check(_ steps: [StepEntry], at prefix: String) throws {
        var seenIDs: Set<String> = []
        for (i, step) in steps.enumerated() {
            let at = "\(prefix)[\(i)] (\(step.id))"
            guard !step.id.isEmpty else { throw Problem(description: "\(prefix)[\(i)] has an empty id") }
            guard seenIDs.insert(step.id).inserted else { throw Problem(description: "\(at): the id is used twice") }
            switch (step.run, step.upload) {
            case (let argv?, nil):
                guard !argv.isEmpty, !argv[0].isEmpty else { throw Problem(description: "\(at): \"run\" needs a command") }
            case (nil, _?):
                guard let to = step.to, !to.isEmpty else { throw Problem(description: "\(at): an upload needs \"to\" (the remote path)") }
                guard step.stdin == nil else { throw Problem(description: "\(at): \"stdin\" belongs to a \"run\" step") }
                if let mode = step.mode, Int32(mode, radix: 8) == nil {
                    throw Problem(description: "\(at): mode \"\(mode)\" is not an octal file mode such as 644")
                }
            case (_?, _?): throw Problem(description: "\(at): has both \"run\" and \"upload\"; one action per step")
            case (nil, nil): throw Problem(description: "\(at): has neither \"run\" nor \"upload\"")
            }
            if let t = step.timeout, !(t > 0) { throw Problem(description: "\(at): timeout must be positive seconds") }
        }
    }

    static func step(from entry: StepEntry, host: String, local: (String) -> String) -> PlanStep {
        func expand(_ s: String) -> String { s.replacingOccurrences(of: "{host}", with: host) }
        let action: StepAction
        var changes = true
        if let argv = entry.run {
            action = .run(RemoteCommand(argv.map(expand)), otopi: entry.otopi ?? false, interactive: entry.interactive ?? false)
        } else {
            let mode = entry.mode.flatMap { Int32($0, radix: 8) } ?? 0o644
            action = .upload(Upload(source: .localFile(local(expand(entry.upload!))), remotePath: expand(entry.to!), mode: mode, sha256: nil))
            changes = true
        }
        let probe: Probe
        if let p = entry.probe, !p.isEmpty {
            probe = .command(RemoteCommand(p.map(expand)))
        } else if case .upload = action {
            probe = .remoteHashMatches
        } else {
            probe = .rerun
        }
        var step = PlanStep(id: entry.id, title: entry.title ?? entry.id, action: action, changesHost: changes, probe: probe,
                            skipIsSafe: false, skipNote: "a step of a generic plan", waitsFor: [], timeout: entry.timeout)
        step.stdin = entry.stdin.map { Array($0.utf8) }
        return step
    }

    private static func where_(_ path: [CodingKey]) -> String {
        path.isEmpty ? "the top level" : path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
}
