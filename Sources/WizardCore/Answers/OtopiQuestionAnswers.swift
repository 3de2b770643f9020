import OtopiKit

/// otopi's name of one query and its occurrence: `OVESETUP_CONFIG_ADMIN_SETUP` is asked twice (the password,
/// then its confirmation), so the password is occurrence 1.
package struct OtopiQuestionName: Sendable, Equatable, CustomStringConvertible {
    package var name: String
    package var occurrence: Int

    /// `NAME` (occurrence 1) or `N/NAME`.
    package init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        if parts.count == 2, let n = Int(parts[0]), n >= 1, !parts[1].isEmpty {
            name = parts[1]
            occurrence = n
        } else if !text.isEmpty, Int(parts[0]) == nil {
            name = text
            occurrence = 1
        } else {
            return nil
        }
    }

    /// The answer-file key otopi looks up for it.
    package var key: String { "QUESTION/\(occurrence)/\(name)" }
    package var description: String { key }
}

/// Reads the `QUESTION/<n>/<name>` answers of a file (otopi >= 1.7.6; what 4.3+ engine-setup writes) as the
/// environment keys of the flow's questions they answer, so that such a file is checked and resumed like one
/// that sets the keys. otopi uses these answers verbatim: a yes/no query is true unless the answer is its
/// false label in lower case (`No` with a capital N counts as yes), and nothing is lower-cased.
package enum OtopiQuestionAnswers {
    package static func translate(_ environment: OtopiEnvironment, flow: Flow) -> OtopiEnvironment {
        var result = environment
        for question in flow.questions {
            guard let name = question.otopiQuestion, let item = environment[name.key],
                  environment[question.key] == nil, case .string(let answer) = item.value else { continue }
            guard let value = value(of: answer, for: question) else { continue }
            var translated = item
            translated.value = value
            result.addIfAbsent(question.key, translated)
        }
        return result
    }

    static func value(of answer: String, for question: Question) -> OtopiValue? {
        switch question.kind {
        case .boolean:
            let yes = answer != question.booleanLabels.1.lowercased()
            return .bool(question.invert ? !yes : yes)
        case .choice:
            if case .lowercase = question.store { return .string(answer.lowercased()) }
            return .string(answer)
        case .text, .password:
            if question.valueType == .int {
                guard let number = Int(answer) else { return nil }
                return .int(number)
            }
            return .string(answer)
        }
    }
}

/// Reads old spellings of values as the tool does (`Question.legacyValues`): hosted-engine 4.5 still takes the
/// `domainType=nfs3` of files written for 4.1 and earlier as `nfs` with `nfsVersion=v3`. A key the file sets
/// itself is kept.
package enum OtopiLegacyValues {
    package static func translate(_ environment: OtopiEnvironment, flow: Flow) -> OtopiEnvironment {
        var result = environment
        for question in flow.questions where !question.legacyValues.isEmpty {
            guard let item = environment[question.key], case .string(let text) = item.value,
                  let legacy = question.legacyValues[text] else { continue }
            result.replaceValue(question.key, with: .string(legacy.value))
            for (key, value) in legacy.sets.sorted(by: { $0.key < $1.key }) {
                var set = item
                set.value = .string(value)
                result.addIfAbsent(key, set)
            }
        }
        return result
    }
}
