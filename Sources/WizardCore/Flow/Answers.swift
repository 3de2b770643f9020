import OtopiKit

/// Where a value came from; shown beside every value in the preview. It says the truth: `detected` only for
/// values read from the probed host, `seed example` only under `--offline`, where the seed's lab was chosen.
package indirect enum Provenance: Sendable, Equatable, CustomStringConvertible {
    /// The flow's default, accepted (Enter) or set by the tool itself.
    case `default`
    /// Read from the probed target host.
    case detected
    /// Computed from other answers (the engine FQDN from the target host's name, the PKI organisation from the
    /// FQDN's domain); computed again when they change.
    case derived
    /// The seed's example environment (`--offline` only): the values of the tutorial's lab.
    case seedExample
    /// Read from an answer file; `given` is how it was first given, when the file recorded it
    /// (`AnswerFileContract.provenanceKey`).
    case file(path: String, line: Int, given: Provenance? = nil)
    /// Typed by the operator.
    case `operator`

    package var description: String {
        switch self {
        case .file(let path, let line, let given?): return "\(given.description), file \(path):\(line)"
        case .file(let path, let line, nil): return "file \(path):\(line)"
        default: return shortName
        }
    }

    /// A few words, for narrow columns.
    package var shortName: String {
        switch self {
        case .default: return "default"
        case .detected: return "detected"
        case .derived: return "derived"
        case .seedExample: return "seed example"
        case .file(_, _, let given?): return given.shortName
        case .file: return "file"
        case .operator: return "typed"
        }
    }

    /// How the value was first given: through an answer file, the kind the file recorded (nil when it recorded none).
    package var given: Provenance? {
        if case .file(_, _, let given) = self { return given }
        return self
    }

    /// Typed by the operator, now or in an earlier session whose file recorded it.
    package var isTyped: Bool { given == .operator }
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
