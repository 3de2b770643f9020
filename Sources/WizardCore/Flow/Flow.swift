import OtopiKit

/// A question flow of one oVirt tool and version, loaded from `Screens/<name>.yaml`.
public struct Flow: Sendable {
    /// Short name used on the command line (`engine-setup`).
    public var id: String
    public var title: String
    /// The remote tool the answers are for (`engine-setup`, `hosted-engine`).
    public var tool: String
    public var version: String
    /// How the written answer file is used, `@FILE@` standing for its path; nil: `TOOL --config-append=@FILE@`.
    /// (Flows of the wizard's own tools, such as `gluster`, are read back by an `ovirt-wizard` command.)
    public var use: String?
    /// The file it was loaded from.
    public var source: String
    public var sections: [FlowSection]
    /// What the seed's host looked like: used when no target host can be asked.
    public var seedFacts: HostFacts
    /// Values the tool sets itself (shown in the preview; written unless `write` is false).
    public var computed: [ComputedValue]
    public var preview: PreviewSpec

    /// Every question in flow order, the preview confirmation last.
    public var questions: [Question] {
        sections.flatMap(\.questions) + [preview.confirm]
    }

    /// Whether the tool reads the answer file on the target host (`TOOL --config-append`), so the host receives
    /// it; flows with their own `use` are read back by an `ovirt-wizard` command instead.
    public var isSentToHost: Bool { use == nil }

    /// The command line that uses an answer file at `path`.
    public func usage(answerFile path: String) -> String {
        (use ?? "\(tool) --config-append=@FILE@").replacingOccurrences(of: "@FILE@", with: path)
    }

    public func question(forKey key: String) -> Question? {
        questions.first { $0.key == key }
    }

    public func section(of question: Question) -> FlowSection? {
        sections.first { $0.questions.contains { $0.key == question.key } }
    }

    /// Keys only the wizard reads, never sent to the tool: the answers of its own sections, questions marked
    /// `wizard_only`, and the file's identity (`OVIRT_WIZARD/flow`, `flowVersion`).
    public func isWizardOnly(_ key: String) -> Bool {
        if AnswerFileContract.identityKeys.contains(key) { return true }
        if sections.contains(where: { $0.isWizard && $0.questions.contains { $0.key == key } }) { return true }
        return question(forKey: key)?.wizardOnly == true
    }

    /// Whether a key holds a secret: the answer of a hidden (password) question. Keys the flow does not ask
    /// about are judged by their name, so an unexpected password in a file is still masked.
    public func isSecret(_ key: String) -> Bool {
        if let question = question(forKey: key) { return question.isHidden }
        return Secrets.looksSecret(key)
    }
}

public struct FlowSection: Sendable {
    public var id: String
    /// Printed as `--== TITLE ==--`; nil for questions otopi asks outside a titled section.
    public var title: String?
    /// The wizard's own section (target host, SSH): skipped with `--offline`, not part of otopi's dialog.
    public var isWizard: Bool
    public var notes: [String]
    public var help: String?
    /// The title is printed only when this holds (otopi prints PACKAGES only on RPM systems).
    public var condition: Condition?
    public var questions: [Question]
}

public struct Question: Sendable {
    public enum Kind: String, Sendable {
        case text, boolean, choice, password
    }

    /// The otopi environment key (or an `OVIRT_WIZARD/` key for the wizard's own questions).
    public var key: String
    /// Short name for screens and the preview of the wizard.
    public var label: String
    public var kind: Kind
    /// The type written to the answer file.
    public var valueType: ValueType
    /// otopi's prompt template: `@VALUES@` and `@DEFAULT@` are replaced as otopi does.
    public var prompt: String
    /// Note lines printed before the prompt (templates too).
    public var notes: [String]
    /// Log lines printed before the prompt.
    public var before: [DialogMessage]
    /// Log lines printed once the answer is accepted (`@VALUE@` is the answer).
    public var after: [DialogMessage]
    public var values: ValuesSource?
    /// For a choice whose list is narrowed to what the host supports (in this order).
    public var valuesWithin: FactReference?
    public var valueLabels: [String: String]
    /// How one line of `@VALUE_LINES@` looks (`@ITEM@`, `@LABEL@`).
    public var valueLine: String?
    public var caseSensitive: Bool
    /// `[true, false]` labels of a boolean question.
    public var booleanLabels: (String, String)
    public var defaultValue: DefaultSource?
    public var allowEmpty: Bool
    public var isHidden: Bool { kind == .password }
    public var condition: Condition?
    public var validators: [ValidatorSpec]
    /// Checks that need the target host (name resolution, ping, mount): "not checked" when it is unreachable.
    public var checks: [String]
    /// Put before a validator's message (`Host name is not valid: `).
    public var errorPrefix: String?
    /// Message when the answer is empty and there is no default.
    public var emptyError: String?
    public var confirm: PasswordConfirmation?
    public var weak: WeakPasswordConfirmation?
    public var minimum: MinimumConfirmation?
    /// How an accepted answer is stored: lower-cased, or mapped (`spice` → `qxl`).
    public var store: StoreRule
    /// The stored bool is the opposite of the answer (memCheckEnabled: "continue?" Yes turns the check off).
    public var invert: Bool
    /// Other keys set by an answer (keyed by the stored value's text).
    public var effects: [String: [String: OtopiValue]]
    /// Answers that end the dialog, with otopi's message (keyed by the stored value's text).
    public var abortOn: [String: String]
    public var help: String?
    /// The tool never reads this answer; the wizard keeps it for itself (not in the file sent to the host).
    /// Questions of a `wizard` section are wizard-only anyway.
    public var wizardOnly = false

    public var isWizardKey: Bool { key.hasPrefix("OVIRT_WIZARD/") }
}

public enum ValueType: String, Sendable {
    case str, bool, int
    case multiStr = "multi-str"
}

public enum ValuesSource: Sendable {
    case list([String])
    case fact(String)
}

public struct FactReference: Sendable {
    public var fact: String
}

public enum DefaultSource: Sendable {
    case value(String)
    case fact(String)
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
}

public enum StoreRule: Sendable, Equatable {
    case asTyped
    case lowercase
    case map([String: String])
}

public struct DialogMessage: Sendable, Equatable {
    public enum Level: String, Sendable {
        case info, warning, error, note
    }
    public var level: Level
    public var text: String

    public init(_ level: Level, _ text: String) {
        self.level = level
        self.text = text
    }
}

public struct PasswordConfirmation: Sendable {
    public var prompt: String
    public var mismatch: DialogMessage
}

public struct WeakPasswordConfirmation: Sendable {
    public var prompt: String
    public var defaultLabel: String
}

public struct MinimumConfirmation: Sendable {
    public var value: Int
    public var warning: String
    public var prompt: String
}

public struct ValidatorSpec: Sendable {
    public var name: String
    /// Replaces the validator's own message (`@VALUE@` is the answer).
    public var message: String?
}

public struct ComputedValue: Sendable {
    public var key: String
    public var valueType: ValueType
    public var source: DefaultSource
    public var write: Bool
}

public struct PreviewSpec: Sendable {
    public var title: String
    public var width: Int
    public var items: [PreviewItem]
    public var confirm: Question
}

public struct PreviewItem: Sendable {
    public var label: String
    public var key: String
    public var condition: Condition?
    /// What otopi shows when the key is unset but the tool fills it in itself (database name `engine`).
    public var otherwise: (show: String, condition: Condition?)?
}
