import OtopiKit

/// The CONFIGURATION PREVIEW: every effective value, in otopi's order and layout, with where it came from.
package struct Preview: Sendable {
    package struct Row: Sendable, Equatable {
        package var label: String
        package var key: String
        /// The value as shown (secrets masked); nil when missing.
        package var text: String?
        package var provenance: Provenance?
        package var isSecret: Bool
        /// Missing, or refused from a file: what to fix.
        package var problem: String?
    }

    package var title: String
    package var width: Int
    /// otopi's preview lines, in its order.
    package var rows: [Row]
    /// The wizard's own values (target host, SSH), shown apart from otopi's.
    package var wizardRows: [Row]
    /// Questions that apply but have no valid answer yet.
    package var missing: [Row]
    /// Hosts deployed besides the target host (hosted-engine's additional hosts), each with the lines its
    /// answer file gets; empty for a one-host deployment.
    package var hostBlocks: [HostBlock] = []

    package struct HostBlock: Sendable, Equatable {
        /// `gs2.lofyer.org: Host ID 2, hosted_engine_2`
        package var title: String
        /// What its answer file gets (secrets masked), then where the rest comes from.
        package var lines: [String]
    }

    /// otopi's `'{description:W}: {value}'` lines for the rows that have a value.
    package var lines: [String] {
        rows.compactMap { row in row.text.map { Preview.line(row.label, $0, width: width) } }
    }

    package static func line(_ label: String, _ value: String, width: Int) -> String {
        let pad = max(0, width - label.count)
        return label + String(repeating: " ", count: pad) + ": " + value
    }
}

extension FlowSession {
    package func preview() -> Preview {
        let spec = flow.preview
        var rows: [Preview.Row] = []
        let answerOf: (String) -> OtopiValue? = { self.value(for: $0) }
        for item in spec.items {
            if let condition = item.condition, !condition.holds(answers: answerOf, facts: facts) { continue }
            let secret = isSecret(item.key)
            if let answer = answers[item.key], !answer.value.isNone {
                rows.append(.init(label: item.label, key: item.key, text: secret ? Secrets.mask : answer.value.displayText,
                                  provenance: answer.provenance, isSecret: secret, problem: nil))
            } else if let otherwise = item.otherwise,
                      otherwise.condition?.holds(answers: answerOf, facts: facts) ?? true {
                rows.append(.init(label: item.label, key: item.key, text: otherwise.show, provenance: .default,
                                  isSecret: false, problem: nil))
            }
        }
        var wizardRows: [Preview.Row] = []
        for section in flow.sections where section.isWizard && !offline {
            for q in section.questions where isActive(q) {
                let answer = answers[q.key]
                let text = answer.map { q.isHidden ? Secrets.mask : ($0.value.displayText.isEmpty ? "(none)" : $0.value.displayText) }
                wizardRows.append(.init(label: q.label, key: q.key, text: text, provenance: answer?.provenance,
                                        isSecret: q.isHidden, problem: text == nil ? "missing" : nil))
            }
        }
        let missing = missingQuestions.filter { $0.key != flow.preview.confirm.key }.map { q -> Preview.Row in
            let problem = rejected[q.key].map { "\($0.reason) (\($0.origin))" } ?? "no answer yet"
            return .init(label: q.label, key: q.key, text: nil, provenance: nil, isSecret: q.isHidden, problem: problem)
        }
        var preview = Preview(title: spec.title, width: spec.width, rows: rows, wizardRows: wizardRows, missing: missing)
        preview.hostBlocks = additionalHostBlocks() + engineVMBlocks()
        return preview
    }
}

extension FlowSession {
    /// hosted-engine's HA set as the preview shows it: the first host (Host ID 1), then each additional host
    /// with its ID and its answer-file lines. Empty when the flow asks no additional hosts or none are given.
    func additionalHostBlocks() -> [Preview.HostBlock] {
        guard !offline, flow.question(forKey: HostedEngineAdditionalHosts.hostsKey) != nil,
              let login = try? TargetLogin(answers: answers),
              let set = try? HostedEngineAdditionalHosts(value: value(for:), firstLogin: login), !set.hosts.isEmpty else { return [] }
        let firstName = value(for: HostedEngineAdditionalHosts.appHostNameKey)?.displayText ?? HostedEngineAdditionalHosts.defaultName(1)
        var blocks = [Preview.HostBlock(title: "\(login.host ?? "(first host)"): Host ID 1, \(firstName) (first host)",
                                        lines: ["the answer file above; deployed first"])]
        for host in set.hosts {
            let port = host.login.port.map { ":\($0)" } ?? ""
            blocks.append(Preview.HostBlock(
                title: "\(host.name): Host ID \(host.hostID), \(host.appHostName)",
                lines: ["SSH: \(host.login.user ?? "root")@\(host.name)\(port)"]
                    + HostedEngineAdditionalHosts.maskedLines(for: host, shared: value(for:))
                    + ["+ answers.conf: the first host's \(HostedEngineAdditionalHosts.firstHostAnswerFile), fetched by the wizard after it finished"]))
        }
        return blocks
    }
}

extension FlowSession {
    /// The engine VM as a target of its own, when the wizard sets up the engine in it: its SSH login and the
    /// engine-setup answer-file lines it receives (secrets masked).
    func engineVMBlocks() -> [Preview.HostBlock] {
        guard !offline, let login = try? TargetLogin(answers: answers),
              let vm = try? HostedEngineEngineVM(flow: flow, value: value(for:), firstLogin: login),
              let file = try? vm.answerFile(source: "these answers") else { return [] }
        let port = vm.login.port.map { ":\($0)" } ?? ""
        let lines = file.masked.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.hasPrefix("[") }
        return [Preview.HostBlock(
            title: "\(vm.name): the engine VM (engine-setup \(vm.engineSetup.flow.version) --offline, at hosted-engine's engine-installation loop)",
            lines: ["SSH: \(vm.login.user ?? "root")@\(vm.name)\(port) (its host key is shown to accept when it first answers)"]
                + lines
                + ["hosted-engine's loop is answered 1 only after engine-setup succeeded in the VM"])]
    }
}
