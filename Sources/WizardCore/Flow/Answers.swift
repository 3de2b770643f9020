import OtopiKit

/// Where a value came from; shown beside every value in the preview.
public enum Provenance: Sendable, Equatable, CustomStringConvertible {
    /// The flow's default, accepted (Enter) or set by the tool itself.
    case `default`
    /// Detected on the target host (or taken from the seed's environment when offline).
    case detected
    /// Read from an answer file.
    case file(path: String, line: Int)
    /// Typed by the operator.
    case `operator`

    public var description: String {
        switch self {
        case .default: return "default"
        case .detected: return "detected"
        case .file(let path, let line): return "file \(path):\(line)"
        case .operator: return "typed"
        }
    }

    /// One word, for narrow columns.
    public var shortName: String {
        switch self {
        case .default: return "default"
        case .detected: return "detected"
        case .file: return "file"
        case .operator: return "typed"
        }
    }
}

public struct Answer: Sendable, Equatable {
    public var value: OtopiValue
    public var provenance: Provenance

    public init(_ value: OtopiValue, _ provenance: Provenance) {
        self.value = value
        self.provenance = provenance
    }
}

/// A value from a file that failed validation: asked again, with the reason.
public struct RejectedAnswer: Sendable, Equatable {
    public var key: String
    public var value: OtopiValue
    public var origin: OtopiEnvironment.Origin
    public var reason: String
}

/// The answers of one session, keyed by otopi environment key.
public struct Answers: Sendable, Equatable {
    public private(set) var items: [String: Answer] = [:]

    public init() {}

    public subscript(key: String) -> Answer? {
        get { items[key] }
        set { items[key] = newValue }
    }

    /// Whether otopi would skip a question with this key: present and not `none`.
    public func isAnswered(_ key: String) -> Bool {
        guard let answer = items[key] else { return false }
        return !answer.value.isNone
    }

    public var keys: [String] { items.keys.sorted(by: AnswerFileWriter.codePointOrder) }

    public mutating func remove(_ key: String) { items[key] = nil }
}
