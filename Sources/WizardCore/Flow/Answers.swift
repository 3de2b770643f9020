import OtopiKit

/// Where a value came from; shown beside every value in the preview.
package enum Provenance: Sendable, Equatable, CustomStringConvertible {
    /// The flow's default, accepted (Enter) or set by the tool itself.
    case `default`
    /// Detected on the target host (or taken from the seed's environment when offline).
    case detected
    /// Read from an answer file.
    case file(path: String, line: Int)
    /// Typed by the operator.
    case `operator`

    package var description: String {
        switch self {
        case .default: return "default"
        case .detected: return "detected"
        case .file(let path, let line): return "file \(path):\(line)"
        case .operator: return "typed"
        }
    }

    /// One word, for narrow columns.
    package var shortName: String {
        switch self {
        case .default: return "default"
        case .detected: return "detected"
        case .file: return "file"
        case .operator: return "typed"
        }
    }
}

package struct Answer: Sendable, Equatable {
    package var value: OtopiValue
    package var provenance: Provenance

    package init(_ value: OtopiValue, _ provenance: Provenance) {
        self.value = value
        self.provenance = provenance
    }
}

/// A value from a file that failed validation: asked again, with the reason.
package struct RejectedAnswer: Sendable, Equatable {
    package var key: String
    package var value: OtopiValue
    package var origin: OtopiEnvironment.Origin
    package var reason: String
}

/// The answers of one session, keyed by otopi environment key.
package struct Answers: Sendable, Equatable {
    package private(set) var items: [String: Answer] = [:]

    package init() {}

    package subscript(key: String) -> Answer? {
        get { items[key] }
        set { items[key] = newValue }
    }

    /// Whether otopi would skip a question with this key: present and not `none`.
    package func isAnswered(_ key: String) -> Bool {
        guard let answer = items[key] else { return false }
        return !answer.value.isNone
    }

    package var keys: [String] { items.keys.sorted(by: AnswerFileWriter.codePointOrder) }

    package mutating func remove(_ key: String) { items[key] = nil }
}
