import OtopiKit

/// What the wizard fetches before a section (`fetch:` in a flow file): facts and answers that come from outside
/// the flow. WizardCore only names the sources and merges what they gave; the executable does the I/O.
package enum FlowFetchSource: String, Sendable, CaseIterable, Hashable {
    /// The engine-setup or hosted-engine answer file the operator named (a local file, read offline too): the
    /// engine's FQDN and admin login, so that the admin password is never asked twice.
    case engineAnswerFile = "engine_answer_file"
    /// The engine's data centers and clusters, over its REST API with the engine's CA pinned.
    case engine
    /// The CPU check of every host to be added (over SSH), and the cluster CPU type it proposes.
    case hostCPUs = "host_cpus"

    /// The answers a fetch depends on: when one of them changes, the facts are fetched again.
    package var inputs: [String] {
        switch self {
        case .engineAnswerFile: return ["PLATFORM/engineAnswerFile"]
        case .engine:
            return TargetLogin.keys + ["PLATFORM/engineAnswerFile", "PLATFORM/engineFQDN", "PLATFORM/enginePort",
                                       "PLATFORM/adminUser", "PLATFORM/adminPassword"]
        case .hostCPUs:
            return TargetLogin.keys.filter { $0 != TargetLogin.hostKey } + ["PLATFORM/hosts", "PLATFORM/cluster"]
        }
    }
}

/// What one fetch gave.
package struct FlowFetchResult: Sendable {
    /// Facts for the questions' defaults and values (shown as `detected`).
    package var facts: [String: HostFacts.Value]
    /// Facts the fetch could not tell: forgotten, so that what an earlier fetch told (another engine) is not kept.
    package var forget: [String]
    /// Answers taken from the source (the engine FQDN from engine-setup's answer file), with their provenance.
    /// They fill only questions that have no answer yet: what the operator gave is never overwritten.
    package var answers: [String: Answer]
    /// Answers the source decides whatever was given before (the admin password that the engine answer file holds
    /// is none:None here: it is never asked twice, nor kept twice).
    package var overrides: [String: Answer] = [:]
    /// Said to the operator before the section: where the facts came from, or plainly why there are none.
    package var messages: [DialogMessage]
    /// Answers the source refused (a wrong admin password): cleared, so that their questions are asked again.
    package var reask: [String]

    package init(facts: [String: HostFacts.Value] = [:], forget: [String] = [], answers: [String: Answer] = [:],
                messages: [DialogMessage] = [], reask: [String] = []) {
        self.facts = facts
        self.forget = forget
        self.answers = answers
        self.messages = messages
        self.reask = reask
    }
}

extension FlowSession {
    /// The current values of a source's inputs, as one text (secrets included: it stays in memory).
    package func fetchSignature(_ source: FlowFetchSource) -> String {
        source.inputs.map { "\($0)=\(answers[$0]?.value.displayText ?? "-")" }.joined(separator: "\n")
    }

    /// Whether `source` must be fetched (again): never fetched, or fetched with other inputs.
    package func needsFetch(_ source: FlowFetchSource) -> Bool {
        fetchSignatures[source] != fetchSignature(source)
    }

    /// The sources of `section` that must be fetched before its questions.
    package func pendingFetches(before section: FlowSection) -> [FlowFetchSource] {
        section.fetch.filter(needsFetch)
    }

    /// Merges a fetch: its facts, the answers it gave to unanswered questions, and the refused answers cleared.
    /// `signature` is `fetchSignature(source)` as it was when the fetch started.
    package mutating func apply(_ result: FlowFetchResult, from source: FlowFetchSource, signature: String) {
        for name in result.forget { fetched[name] = nil }
        for (name, value) in result.facts { fetched[name] = value }
        rebuildFacts()
        for (key, answer) in result.answers where !answers.isAnswered(key) || fetchFilled.contains(key) {
            answers[key] = answer
            rejected[key] = nil
            fetchFilled.insert(key)
        }
        for (key, answer) in result.overrides {
            answers[key] = answer
            rejected[key] = nil
        }
        for key in result.reask { clear(key) }
        fetchSignatures[source] = result.reask.isEmpty ? signature : nil
        applyComputed()
    }
}
