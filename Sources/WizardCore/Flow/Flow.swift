import OtopiKit

/// A question flow of one oVirt tool and version, loaded from `Screens/<name>.yaml`.
package struct Flow: Sendable {
    /// Short name used on the command line (`engine-setup`).
    package var id: String
    package var title: String
    /// The remote tool the answers are for (`engine-setup`, `hosted-engine`).
    package var tool: String
    package var version: String
    /// The hosts this version's tool runs on; empty: any host (the wizard's own tools).
    package var platforms: [FlowPlatform] = []
    /// How the written answer file is used, `@FILE@` standing for its path; nil: `TOOL --config-append=@FILE@`.
    /// (Flows of the wizard's own tools, such as `gluster`, are read back by an `ovirt-wizard` command.)
    package var use: String?
    /// The file it was loaded from.
    package var source: String
    package var sections: [FlowSection]
    /// What the seed's host looked like: the example environment `--offline` chooses explicitly.
    package var seedFacts: HostFacts
    /// The seed facts that describe the seed's lab (its names, addresses, CPU): never used for a host that was
    /// not probed (see `unprobedFacts`).
    package var labFacts: Set<String> = []
    /// Values the tool sets itself (shown in the preview; written unless `write` is false).
    package var computed: [ComputedValue]
    package var preview: PreviewSpec

    /// Every question in flow order, the preview confirmation last.
    package var questions: [Question] {
        sections.flatMap(\.questions) + [preview.confirm]
    }

    /// Whether the tool reads the answer file on the target host (`TOOL --config-append`), so the host receives
    /// it; flows with their own `use` are read back by an `ovirt-wizard` command instead.
    package var isSentToHost: Bool { use == nil }

    /// The command line that uses an answer file at `path`.
    package func usage(answerFile path: String) -> String {
        (use ?? "\(tool) --config-append=@FILE@").replacingOccurrences(of: "@FILE@", with: path)
    }

    /// Whether this version's tool runs on `os`: nil when the flow names no platforms (any host will do).
    package func runs(on os: HostOS) -> Bool? {
        platforms.isEmpty ? nil : platforms.contains { $0.matches(family: os.family, major: os.major) }
    }

    /// The questions this flow borrows from other flows' files, for the tools its answers also drive.
    package var imports: [FlowImport] { sections.flatMap(\.imports) }

    package func question(forKey key: String) -> Question? {
        questions.first { $0.key == key }
    }

    /// What is assumed of a target host that could not be probed: the seed's facts that decide which questions
    /// apply (a fresh host, as otopi would find it), without the seed lab's values. A question whose default or
    /// values would come from those has none: the operator answers it.
    package var unprobedFacts: HostFacts {
        HostFacts(description: "not probed: no value of the seed's example lab is used",
                  values: seedFacts.values.filter { !labFacts.contains($0.key) })
    }

    package func section(of question: Question) -> FlowSection? {
        sections.first { $0.questions.contains { $0.key == question.key } }
    }

    /// Keys only the wizard reads, never sent to the tool: the answers of its own sections, questions marked
    /// `wizard_only`, and the file's identity (`OVIRT_WIZARD/flow`, `flowVersion`).
    package func isWizardOnly(_ key: String) -> Bool {
        if AnswerFileContract.identityKeys.contains(key) { return true }
        if sections.contains(where: { $0.isWizard && $0.questions.contains { $0.key == key } }) { return true }
        return question(forKey: key)?.wizardOnly == true
    }

    /// Whether a key holds a secret: the answer of a hidden (password) question. Keys the flow does not ask
    /// about are judged by their name, so an unexpected password in a file is still masked.
    package func isSecret(_ key: String) -> Bool {
        if let question = question(forKey: key) { return question.isHidden }
        return Secrets.looksSecret(key)
    }
}

package struct FlowSection: Sendable {
    package var id: String
    /// Printed as `--== TITLE ==--`; nil for questions otopi asks outside a titled section.
    package var title: String?
    /// The wizard's own section (target host, SSH): skipped with `--offline`, not part of otopi's dialog.
    package var isWizard: Bool
    package var notes: [String]
    package var help: String?
    /// The title is printed only when this holds (otopi prints PACKAGES only on RPM systems).
    package var condition: Condition?
    package var questions: [Question]
    /// Where some of `questions` came from: another flow's file (`- use: FLOW` in the section's questions).
    package var imports: [FlowImport] = []
    /// What the wizard fetches before asking this section (the engine's data centers, the CPUs of the hosts to add):
    /// facts and answers from outside the flow, fetched by the executable (`FlowFetchSource`).
    package var fetch: [FlowFetchSource] = []
}

package struct Question: Sendable {
    package enum Kind: String, Sendable {
        case text, boolean, choice, password
    }

    /// The otopi environment key (or an `OVIRT_WIZARD/` key for the wizard's own questions).
    package var key: String
    /// Short name for screens and the preview of the wizard.
    package var label: String
    package var kind: Kind
    /// The type written to the answer file.
    package var valueType: ValueType
    /// otopi's prompt template: `@VALUES@` and `@DEFAULT@` are replaced as otopi does.
    package var prompt: String
    /// Note lines printed before the prompt (templates too).
    package var notes: [String]
    /// Log lines printed before the prompt.
    package var before: [DialogMessage]
    /// Log lines printed once the answer is accepted (`@VALUE@` is the answer).
    package var after: [DialogMessage]
    package var values: ValuesSource?
    /// For a choice whose list is narrowed to what the host supports (in this order).
    package var valuesWithin: FactReference?
    package var valueLabels: [String: String]
    /// How one line of `@VALUE_LINES@` looks (`@ITEM@`, `@LABEL@`).
    package var valueLine: String?
    package var caseSensitive: Bool
    /// `[true, false]` labels of a boolean question.
    package var booleanLabels: (String, String)
    package var defaultValue: DefaultSource?
    package var allowEmpty: Bool
    package var isHidden: Bool { kind == .password }
    package var condition: Condition?
    package var validators: [ValidatorSpec]
    /// Checks that need the target host (name resolution, ping, mount): "not checked" when it is unreachable.
    package var checks: [String]
    /// Put before a validator's message (`Host name is not valid: `).
    package var errorPrefix: String?
    /// Message when the answer is empty and there is no default.
    package var emptyError: String?
    package var confirm: PasswordConfirmation?
    package var weak: WeakPasswordConfirmation?
    package var minimum: MinimumConfirmation?
    /// How an accepted answer is stored: lower-cased, or mapped (`spice` → `qxl`).
    package var store: StoreRule
    /// The stored bool is the opposite of the answer (memCheckEnabled: "continue?" Yes turns the check off).
    package var invert: Bool
    /// Other keys set by an answer (keyed by the stored value's text).
    package var effects: [String: [String: OtopiValue]]
    /// Answers that end the dialog, with otopi's message (keyed by the stored value's text).
    package var abortOn: [String: String]
    package var help: String?
    /// The tool never reads this answer; the wizard keeps it for itself (not in the file sent to the host).
    /// Questions of a `wizard` section are wizard-only anyway.
    package var wizardOnly = false
    /// otopi's name of the query (`OVESETUP_CONFIG_APPLICATION_MODE`) and which of its occurrences this question
    /// is: an answer file of otopi >= 1.7.6 may answer it as `QUESTION/<occurrence>/<name>`.
    package var otopiQuestion: OtopiQuestionName?
    /// Values older answer files use that the tool still reads as another value, and the keys it sets with it
    /// (hosted-engine 4.5 reads `domainType=nfs3` as `nfs` with `nfsVersion=v3`). Keyed by the old value.
    package var legacyValues: [String: LegacyValue] = [:]

    package var isWizardKey: Bool { key.hasPrefix("OVIRT_WIZARD/") }
}

/// What the tool makes of an old spelling of a value: the value it stands for and the keys it also sets.
package struct LegacyValue: Sendable, Equatable {
    package var value: String
    package var sets: [String: String]
}

package enum ValueType: String, Sendable {
    case str, bool, int
    case multiStr = "multi-str"
}

package enum ValuesSource: Sendable {
    case list([String])
    case fact(String)
}

package struct FactReference: Sendable {
    package var fact: String
}

package enum DefaultSource: Sendable {
    case value(String)
    case fact(String)
    /// The fact when the host told it; otherwise the host name answered for `key` (the target host), when it is
    /// a fully qualified name (derived): the engine FQDN of a host that could not be probed.
    case factOrHostName(fact: String, key: String)
    /// The domain part of another answer (FQDN minus its first label, or `Test`), as otopi's PKI default.
    case domainOf(key: String)
    /// A random MAC address with the given prefix (hosted-engine: `00:16:3e`, then 0x00–0x7f, then two bytes).
    case randomMAC(prefix: String)
    /// A random (version 4) UUID in lower case, drawn from the session's seeded generator (a new storage domain's UUID).
    case randomUUID
    /// The first of the valid values.
    case firstValue
    /// The given value when it is valid, else the first valid value.
    case preferredValue(String)
    /// One word per word of another answer, space-separated: `format` with `@ITEM@` (that word) and `@N@`
    /// (its position counted from `start`) filled in (the additional hosts' Host IDs 2 3 …, then their names).
    case perWord(key: String, format: String, start: Int)
}

package enum StoreRule: Sendable, Equatable {
    case asTyped
    case lowercase
    case map([String: String])
}

package struct DialogMessage: Sendable, Equatable {
    package enum Level: String, Sendable {
        case info, warning, error, note
    }
    package var level: Level
    package var text: String

    package init(_ level: Level, _ text: String) {
        self.level = level
        self.text = text
    }
}

package struct PasswordConfirmation: Sendable {
    package var prompt: String
    package var mismatch: DialogMessage
}

package struct WeakPasswordConfirmation: Sendable {
    package var prompt: String
    package var defaultLabel: String
}

package struct MinimumConfirmation: Sendable {
    package var value: Int
    package var warning: String
    package var prompt: String
}

package struct ValidatorSpec: Sendable {
    package var name: String
    /// Replaces the validator's own message (`@VALUE@` is the answer).
    package var message: String?
}

package struct ComputedValue: Sendable {
    package var key: String
    package var valueType: ValueType
    package var source: DefaultSource
    package var write: Bool
}

package struct PreviewSpec: Sendable {
    package var title: String
    package var width: Int
    package var items: [PreviewItem]
    package var confirm: Question
}

package struct PreviewItem: Sendable {
    package var label: String
    package var key: String
    package var condition: Condition?
    /// What otopi shows when the key is unset but the tool fills it in itself (database name `engine`).
    package var otherwise: (show: String, condition: Condition?)?
}
