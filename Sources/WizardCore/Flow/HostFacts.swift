/// What is known about the target host: probed over SSH, or the seed's environment when it cannot be.
package struct HostFacts: Sendable, Equatable {
    package enum Value: Sendable, Equatable, CustomStringConvertible {
        case string(String)
        case bool(Bool)
        case int(Int)
        case list([String])

        package var description: String {
            switch self {
            case .string(let s): return s
            case .bool(let b): return b ? "true" : "false"
            case .int(let i): return String(i)
            case .list(let l): return l.joined(separator: ", ")
            }
        }
    }

    /// Where the facts came from, said to the operator ("seed environment (...)", "probed on gs1 over SSH").
    package var description: String
    package var values: [String: Value]

    package init(description: String, values: [String: Value] = [:]) {
        self.description = description
        self.values = values
    }

    package subscript(name: String) -> Value? {
        get { values[name] }
        set { values[name] = newValue }
    }

    package func string(_ name: String) -> String? {
        switch values[name] {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .list, .none: return nil
        }
    }

    package func list(_ name: String) -> [String]? {
        if case .list(let l) = values[name] { return l }
        return nil
    }

    /// Facts probed from a host replace the seed's, one by one; what the probe could not tell stays as seeded.
    package func overlaid(with other: HostFacts) -> HostFacts {
        HostFacts(description: other.description, values: values.merging(other.values) { _, new in new })
    }
}
