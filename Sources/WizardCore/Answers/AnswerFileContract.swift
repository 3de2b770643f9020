import OtopiKit

/// The answer file is the one contract between the wizard and everything that runs later: it names its flow,
/// and this type renders it both for the operator's disk and for each host that receives it.
package enum AnswerFileContract {
    /// The flow that wrote the file (`engine-setup`), so that a reader takes the tool, the wizard-only keys and
    /// the secrets from that flow instead of guessing them from key names.
    package static let flowKey = "OVIRT_WIZARD/flow"
    /// The flow's version (`3.4`).
    package static let flowVersionKey = "OVIRT_WIZARD/flowVersion"
    /// How each answer was first given (`ProvenanceRecord`): a resumed session keeps typed apart from defaults.
    package static let provenanceKey = "OVIRT_WIZARD/provenance"
    /// The wizard's own bookkeeping keys: never sent to a host.
    package static let identityKeys: Set<String> = [flowKey, flowVersionKey, provenanceKey]
    /// Where the wizard's own keys live (otopi ignores them); a flow must mark every question here wizard-only.
    package static let wizardNamespace = "OVIRT_WIZARD/"

    /// What the wizard writes to the local file: every answer, and the flow's identity.
    package static func localValues(_ session: FlowSession) -> [String: OtopiValue] {
        var values = session.answerFileValues()
        values[flowKey] = .string(session.flow.id)
        values[flowVersionKey] = .string(session.flow.version)
        values[provenanceKey] = .string(ProvenanceRecord(session).text)
        return values
    }

    /// Whether `key` holds a secret: `flow` decides; without one (a file naming none), the key's name does.
    package static func isSecret(_ key: String, flow: Flow?) -> Bool {
        flow?.isSecret(key) ?? Secrets.looksSecret(key)
    }

    /// The local answer file; an incomplete one says so in its first lines. `masked` replaces secrets (to show it).
    package static func renderLocal(_ session: FlowSession, complete: Bool,
                                   masked: Bool = false) throws(AnswerFileWriter.Unrepresentable) -> String {
        let flow = session.flow
        var comments = ["ovirt-wizard answers for \(flow.tool) (oVirt \(flow.version)): \(flow.usage(answerFile: "FILE"))"]
        let missing = session.missingQuestions
        if !complete && missing.map(\.key) == [flow.preview.confirm.key] {
            // Every question is answered; only the preview is not confirmed (a value changed after it was).
            comments.append("NOT CONFIRMED: every question is answered, but the preview was not confirmed since the last change; confirm it with ovirt-wizard --flow \(flow.id) --answers FILE")
        } else if !complete {
            comments.append("INCOMPLETE: not every question is answered; continue with ovirt-wizard plain --flow \(flow.id) --answers FILE")
        }
        var values = localValues(session)
        if masked {
            for (key, value) in values where session.flow.isSecret(key) && !value.isNone { values[key] = .string(Secrets.mask) }
        }
        return try AnswerFileWriter.render(values, comments: comments)
    }

    /// The file a host receives for `kind`'s tool, and the same file with its secrets masked (for plans, logs and
    /// the wizard's answer-lines screen). The wizard-only keys are dropped; hosted-engine gets `screenProceed`.
    package static func renderForHost(_ kind: AnswerFileKind, sections: [EnvironmentSection: [String: OtopiValue]],
                                     source: String, host: String) throws(AnswerFileWriter.Unrepresentable) -> HostAnswerFile {
        var sent: [EnvironmentSection: [String: OtopiValue]] = [:]
        for (section, values) in sections {
            for (key, value) in values where !kind.isWizardOnly(key) { sent[section, default: [:]][key] = value }
        }
        if kind.tool == "hosted-engine" {
            // Run over SSH without screen, hosted-engine would stop to ask "Do you want to continue anyway?".
            sent[.default, default: [:]]["OVEHOSTED_CORE/screenProceed"] = .bool(true)
        }
        var masked = sent
        for (section, values) in sent {
            for (key, value) in values where kind.isSecret(key) && !value.isNone {
                masked[section, default: [:]][key] = .string(Secrets.mask)
            }
        }
        let comments = ["Uploaded by ovirt-wizard from \(source) for \(kind.tool) on \(host)"]
        return HostAnswerFile(text: try AnswerFileWriter.render(sent, comments: comments),
                              masked: try AnswerFileWriter.render(masked, comments: comments))
    }

    /// The flow an answer file names, looked up in `catalog`; nil when the file names none (written before the
    /// wizard recorded it).
    package static func flow(of environment: OtopiEnvironment, in catalog: FlowCatalog) throws(UnknownFlow) -> Flow? {
        guard let item = environment[flowKey], !item.value.isNone else { return nil }
        let id = item.value.displayText
        let version = environment[flowVersionKey].flatMap { $0.value.isNone ? nil : $0.value.displayText }
        let flow: Flow?
        if let version {
            flow = catalog.flows.first { $0.id == id && $0.version == version }
        } else {
            flow = catalog.flow(named: id)
        }
        guard let flow else {
            let known = catalog.flows.map { "\($0.id) \($0.version)" }.joined(separator: ", ")
            throw UnknownFlow(flow: id, version: version, directory: catalog.directory, known: known)
        }
        return flow
    }

    package struct UnknownFlow: Error, Sendable, CustomStringConvertible {
        package var flow: String
        package var version: String?
        package var directory: String
        package var known: String
        package var description: String {
            "names the flow '\(flow)'\(version.map { " version \($0)" } ?? ""), which is not in \(directory)"
                + (known.isEmpty ? "" : " (known: \(known))")
        }
    }
}

/// What one host receives: the uploaded text, and the same text with its secrets masked.
package struct HostAnswerFile: Sendable, Equatable {
    package var text: String
    package var masked: String
}

/// What an answer file is for: the flow it names or, for a file written before files named their flow, the tool
/// guessed from its keys. The wizard-only keys and the secrets come from the flow; only a file without one falls
/// back on key names.
package struct AnswerFileKind: Sendable {
    package var tool: String
    /// Nil for a file that names no flow.
    package var flow: Flow?

    package init(flow: Flow) {
        tool = flow.tool
        self.flow = flow
    }

    /// A file without `OVIRT_WIZARD/flow`, whose tool was guessed from its keys.
    package init(guessedTool tool: String) {
        self.tool = tool
        flow = nil
    }

    package func isWizardOnly(_ key: String) -> Bool {
        flow?.isWizardOnly(key) ?? key.hasPrefix(AnswerFileContract.wizardNamespace)
    }

    package func isSecret(_ key: String) -> Bool { AnswerFileContract.isSecret(key, flow: flow) }
}
