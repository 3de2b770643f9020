import OtopiKit

/// How each answer of a file was first given (typed, derived, detected, the seed's example), kept in the file's
/// wizard-only key `AnswerFileContract.provenanceKey` so that a resumed session still tells a typed value from
/// an accepted default. otopi ignores the key and hosts never receive it; the otopi keys stay as they are.
///
/// Written as `typed=KEY,KEY derived=KEY …`; a key the record does not name was a default.
package struct ProvenanceRecord: Sendable, Equatable {
    /// The kinds a record names, and their words in the file.
    static let words: [(Provenance, String)] = [
        (.operator, "typed"), (.derived, "derived"), (.detected, "detected"), (.seedExample, "seed-example"),
    ]
    /// The word for a value read from a file that recorded nothing about it (written by hand, say).
    static let unknownWord = "file"

    var kinds: [String: String] = [:]

    /// The record of a session's answers: only keys the flow asks or computes. The preview's confirmation is an
    /// act, not a value: how it was given (Enter at otopi's prompt, Write in the dialog) is not recorded.
    package init(_ session: FlowSession) {
        let known = Set(session.flow.questions.map(\.key) + session.flow.computed.map(\.key))
            .subtracting([session.flow.preview.confirm.key])
        for (key, answer) in session.answers.items where known.contains(key) {
            switch answer.provenance.given {
            case nil: kinds[key] = Self.unknownWord
            case let given?:
                if let word = Self.words.first(where: { $0.0 == given })?.1 { kinds[key] = word }
            }
        }
    }

    /// Reads a record; nil when the text is not one (then the file's values count as of unknown origin).
    package init?(parsing text: String) {
        for group in text.split(separator: " ") {
            guard let eq = group.firstIndex(of: "=") else { return nil }
            let word = String(group[..<eq])
            guard word == Self.unknownWord || Self.words.contains(where: { $0.1 == word }) else { return nil }
            for key in group[group.index(after: eq)...].split(separator: ",") { kinds[String(key)] = word }
        }
    }

    /// How `key` was given: nil for a value of unknown origin, `.default` for a key the record does not name.
    package func given(_ key: String) -> Provenance? {
        guard let word = kinds[key] else { return .default }
        return Self.words.first(where: { $0.1 == word })?.0
    }

    /// The record's text, in a fixed order so that rewriting an unchanged session changes no byte.
    package var text: String {
        (Self.words.map(\.1) + [Self.unknownWord]).compactMap { word -> String? in
            let keys = kinds.filter { $0.value == word }.map(\.key).sorted(by: AnswerFileWriter.codePointOrder)
            return keys.isEmpty ? nil : "\(word)=\(keys.joined(separator: ","))"
        }.joined(separator: " ")
    }
}
