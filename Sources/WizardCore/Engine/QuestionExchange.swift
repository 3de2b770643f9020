import Foundation
import OtopiKit

/// What a screen or the line dialog shows for the current step of a question.
package struct RenderedPrompt: Sendable, Equatable {
    /// Note lines before the prompt, placeholders filled.
    package var notes: [String]
    /// Log lines before the prompt.
    package var before: [DialogMessage]
    /// The prompt line, exactly as otopi prints it (ends with ": ").
    package var text: String
    package var hidden: Bool
    /// The default taken by an empty answer, as text.
    package var defaultText: String?
    /// Valid answers (empty: free text).
    package var validValues: [String]
    package var caseSensitive: Bool
}

extension RenderedPrompt {
    /// The valid value `typed` chooses: the value itself, or the only value it starts, compared without case
    /// unless the question is case-sensitive. Nil for an unknown or ambiguous word (otopi's `Invalid value`).
    /// The line dialog and the full-screen choice list both choose through this.
    package static func match(_ typed: String, in values: [String], caseSensitive: Bool) -> String? {
        func fold(_ s: String) -> String { caseSensitive ? s : s.lowercased() }
        let word = fold(typed)
        guard !word.isEmpty else { return nil }
        if let exact = values.first(where: { fold($0) == word }) { return exact }
        let starts = values.filter { fold($0).hasPrefix(word) }
        return starts.count == 1 ? starts[0] : nil
    }

    /// The valid value `typed` chooses for this prompt (see `match`).
    package func choice(for typed: String) -> String? {
        RenderedPrompt.match(typed, in: validValues, caseSensitive: caseSensitive)
    }

    /// Said with `Invalid value` where the prompt itself does not list the values (a screen).
    package var validValuesHint: String { "valid values: " + validValues.joined(separator: ", ") }
}

package enum ExchangeStep: Sendable, Equatable {
    /// Show the messages, then the (possibly new) prompt of the exchange.
    case ask([DialogMessage])
    /// The question is answered: the messages, and every key it sets.
    case accepted([DialogMessage], [String: Answer], unchecked: [UncheckedItem])
    /// The answer ends the dialog (otopi's "Aborted by user", "Configuration was rejected by user").
    case abort([DialogMessage], String)
}

/// One question being asked: the main prompt and its follow-ups (password confirmation, weak password,
/// values below a minimum). Pure: it takes typed lines and answers what to show next.
package struct QuestionExchange: Sendable {
    package enum Stage: Sendable, Equatable {
        case main
        case confirmPassword(first: String)
        case weakPassword(password: String)
        case belowMinimum(value: String)
    }

    package let question: Question
    package let validValues: [String]
    package let defaultText: String?
    package let defaultProvenance: Provenance
    let mainNotes: [String]
    let context: ValidationContext
    package private(set) var stage: Stage = .main

    init(question: Question, validValues: [String], defaultText: String?, defaultProvenance: Provenance,
         context: ValidationContext) {
        self.question = question
        self.validValues = validValues
        self.defaultText = defaultText
        self.defaultProvenance = defaultProvenance
        self.context = context
        self.mainNotes = question.notes.flatMap {
            QuestionExchange.fillNote($0, question: question, values: validValues, defaultText: defaultText)
        }
    }

    /// The prompt of the current stage.
    package var prompt: RenderedPrompt {
        switch stage {
        case .main:
            return RenderedPrompt(notes: mainNotes, before: question.before, text: fill(question.prompt, values: validValues, defaultText: defaultText),
                                  hidden: question.isHidden, defaultText: defaultText, validValues: validValues,
                                  caseSensitive: question.caseSensitive)
        case .confirmPassword:
            return RenderedPrompt(notes: [], before: [], text: question.confirm!.prompt, hidden: true, defaultText: nil,
                                  validValues: [], caseSensitive: true)
        case .weakPassword:
            let weak = question.weak!
            return yesNo(weak.prompt, defaultLabel: weak.defaultLabel)
        case .belowMinimum:
            return yesNo(question.minimum!.prompt, defaultLabel: "No")
        }
    }

    func yesNo(_ template: String, defaultLabel: String) -> RenderedPrompt {
        RenderedPrompt(notes: [], before: [], text: fill(template, values: ["Yes", "No"], defaultText: defaultLabel),
                       hidden: false, defaultText: defaultLabel, validValues: ["Yes", "No"], caseSensitive: false)
    }

    func fill(_ template: String, values: [String], defaultText: String?) -> String {
        QuestionExchange.fill(template, values: values, defaultText: defaultText)
    }

    static func fill(_ template: String, values: [String], defaultText: String?, value: String? = nil) -> String {
        var text = template
        // Without values (a list the engine or host did not give), no empty `()` is shown: the answer is typed.
        if values.isEmpty {
            text = text.replacingOccurrences(of: " (@VALUES@)", with: "").replacingOccurrences(of: "(@VALUES@)", with: "")
        }
        text = text.replacingOccurrences(of: "@VALUES@", with: values.joined(separator: ", "))
        // Without a default (a host that could not be probed), no empty `[]` is shown: the answer must be typed.
        if defaultText == nil {
            text = text.replacingOccurrences(of: " [@DEFAULT@]", with: "").replacingOccurrences(of: "[@DEFAULT@]", with: "")
        }
        text = text.replacingOccurrences(of: "@DEFAULT@", with: defaultText ?? "")
        if let value { text = text.replacingOccurrences(of: "@VALUE@", with: value) }
        return text
    }

    static func fillNote(_ note: String, question: Question, values: [String], defaultText: String?) -> [String] {
        if note == "@VALUE_LINES@" {
            let line = question.valueLine ?? "@ITEM@"
            return values.map {
                line.replacingOccurrences(of: "@ITEM@", with: $0)
                    .replacingOccurrences(of: "@LABEL@", with: question.valueLabels[$0] ?? $0)
            }
        }
        return [fill(note, values: values, defaultText: defaultText)]
    }

    /// Takes one typed line (without its newline) and says what comes next.
    package mutating func submit(_ line: String, checker: HostChecker, answers: Answers) -> ExchangeStep {
        let typed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        switch stage {
        case .main:
            return submitMain(typed, raw: line, checker: checker, answers: answers)
        case .confirmPassword(let first):
            let second = question.isHidden ? line.trimmingCharacters(in: .newlines) : typed
            guard second == first else {
                stage = .main
                return .ask([question.confirm!.mismatch])
            }
            if question.weak != nil, let reason = PasswordStrength.weakness(of: first) {
                stage = .weakPassword(password: first)
                return .ask([DialogMessage(.warning, "Password is weak: \(reason)")])
            }
            return finish(first, provenance: .operator, messages: [], checker: checker, answers: answers)
        case .weakPassword(let password):
            switch yesNoAnswer(typed, defaultLabel: question.weak!.defaultLabel) {
            case nil: return .ask([DialogMessage(.error, "Invalid value")])
            case true?: return finish(password, provenance: .operator, messages: [], checker: checker, answers: answers)
            case false?:
                stage = .main
                return .ask([])
            }
        case .belowMinimum(let value):
            switch yesNoAnswer(typed, defaultLabel: "No") {
            case nil: return .ask([DialogMessage(.error, "Invalid value")])
            case true?: return finish(value, provenance: .operator, messages: [], checker: checker, answers: answers)
            case false?:
                stage = .main
                return .ask([])
            }
        }
    }

    func yesNoAnswer(_ typed: String, defaultLabel: String) -> Bool? {
        switch RenderedPrompt.match(typed.isEmpty ? defaultLabel : typed, in: ["Yes", "No"], caseSensitive: false) {
        case "Yes"?: return true
        case "No"?: return false
        default: return nil
        }
    }

    mutating func submitMain(_ typed: String, raw: String, checker: HostChecker, answers: Answers) -> ExchangeStep {
        // Passwords are taken as typed (spaces included); everything else stripped, as otopi strips.
        var value = question.isHidden ? raw.trimmingCharacters(in: .newlines) : typed
        var provenance = Provenance.operator
        if value.isEmpty {
            if let defaultText {
                value = defaultText
                provenance = defaultProvenance
            } else if !question.allowEmpty {
                return .ask([DialogMessage(.error, question.emptyError ?? "Please specify value")])
            } else {
                // Enter on an empty optional field takes "nothing": the flow's default, not something typed.
                provenance = .default
            }
        }
        if !validValues.isEmpty {
            guard let match = RenderedPrompt.match(value, in: validValues, caseSensitive: question.caseSensitive) else {
                return .ask([DialogMessage(.error, "Invalid value")])
            }
            // otopi lower-cases case-insensitive answers; the store rule decides what is kept.
            value = question.caseSensitive ? match : match.lowercased()
        }
        var messages: [DialogMessage] = []
        if !(value.isEmpty && question.allowEmpty) {
            for validator in question.validators {
                switch Validators.validate(validator.name, value, context: context) {
                case .ok: break
                case .warning(let w): messages.append(DialogMessage(.warning, w))
                case .error(let e):
                    let text = validator.message.map { QuestionExchange.fill($0, values: [], defaultText: nil, value: value) }
                        ?? (question.errorPrefix.map { QuestionExchange.fill($0, values: [], defaultText: nil, value: value) } ?? "") + e
                    return .ask(messages + [DialogMessage(.error, text)])
                }
            }
        }
        // A value the tool's reader would take differently (otopi 1.2: ` ;`, `%(`) is refused here, never at the write.
        if let problem = AnswerFileWriter.problem(with: QuestionExchange.store(value, for: question)) {
            return .ask(messages + [DialogMessage(.error, problem)])
        }
        if question.confirm != nil {
            stage = .confirmPassword(first: value)
            return .ask(messages)
        }
        if question.weak != nil, let reason = PasswordStrength.weakness(of: value) {
            stage = .weakPassword(password: value)
            return .ask(messages + [DialogMessage(.warning, "Password is weak: \(reason)")])
        }
        if let minimum = question.minimum, let n = OtopiValue.pythonInt(value), n < minimum.value {
            stage = .belowMinimum(value: value)
            return .ask(messages + [DialogMessage(.warning, minimum.warning)])
        }
        return finish(value, provenance: provenance, messages: messages, checker: checker, answers: answers)
    }

    /// Runs the host checks, types the value, applies effects and says what was accepted.
    mutating func finish(_ value: String, provenance: Provenance, messages: [DialogMessage], checker: HostChecker,
                         answers: Answers) -> ExchangeStep {
        var messages = messages
        var unchecked: [UncheckedItem] = []
        if !value.isEmpty {
            for check in question.checks {
                switch checker.run(check: check, value: value, answers: answers) {
                case .passed: break
                case .warning(let w): messages.append(DialogMessage(.warning, w))
                case .failed(let f):
                    stage = .main
                    let prefix = question.errorPrefix.map { QuestionExchange.fill($0, values: [], defaultText: nil, value: value) } ?? ""
                    return .ask(messages + [DialogMessage(.error, prefix + f)])
                case .notChecked(let reason):
                    unchecked.append(UncheckedItem(key: question.key, what: HostCheckDescriptions.describe(check, value: value),
                                                   reason: reason))
                }
            }
        }
        stage = .main
        let stored = QuestionExchange.store(value, for: question)
        var set: [String: Answer] = [question.key: Answer(stored, provenance)]
        let effectKey = stored.displayText.lowercased()
        for (key, effect) in question.effects[effectKey] ?? [:] {
            set[key] = Answer(effect, provenance)
        }
        let shown = question.isHidden ? Secrets.mask : stored.displayText
        messages += question.after.map {
            DialogMessage($0.level, QuestionExchange.fill($0.text, values: [], defaultText: nil, value: shown))
        }
        if let abort = question.abortOn[effectKey] {
            return .abort(messages, abort)
        }
        return .accepted(messages, set, unchecked: unchecked)
    }

    /// Turns an accepted answer text into the typed value written for the question's key.
    package static func store(_ value: String, for question: Question) -> OtopiValue {
        if question.kind == .boolean {
            let isTrue = value.lowercased() != question.booleanLabels.1.lowercased()
            return .bool(question.invert ? !isTrue : isTrue)
        }
        var text = value
        switch question.store {
        case .asTyped: break
        case .lowercase: text = value.lowercased()
        case .map(let map): text = map[value] ?? map[value.lowercased()] ?? value
        }
        switch question.valueType {
        case .int: return OtopiValue.pythonInt(text).map(OtopiValue.int) ?? .string(text)
        case .bool: return .bool(!["f", "F", "false", "False"].contains(text))
        case .multiStr: return .multiString(text.isEmpty ? [] : text.split(separator: ",").map(String.init))
        case .str: return .string(text)
        }
    }
}
