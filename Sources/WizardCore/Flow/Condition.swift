import OtopiKit

/// When a question is asked: a small tree over answers (`key`) and host facts (`fact`).
package indirect enum Condition: Sendable {
    case all([Condition])
    case any([Condition])
    case not(Condition)
    case key(String, KeyTest)
    case fact(String, FactTest)

    package enum KeyTest: Sendable {
        /// Compared with the value's text, case-insensitively for words (`true`, `local`), exactly otherwise.
        case `is`(String)
        case `in`([String])
        /// Whether the key has a value (`none` counts as no value, as for otopi).
        case set(Bool)
    }

    package enum FactTest: Sendable {
        case `is`(String)
        case `in`([String])
        case contains(String)
        case countAtLeast(Int)
        case countIs(Int)
        case lessThan(Int)
    }

    /// Evaluates against the current answers and facts. A missing fact makes its test false.
    package func holds(answers: (String) -> OtopiValue?, facts: HostFacts) -> Bool {
        switch self {
        case .all(let conditions):
            return conditions.allSatisfy { $0.holds(answers: answers, facts: facts) }
        case .any(let conditions):
            return conditions.contains { $0.holds(answers: answers, facts: facts) }
        case .not(let condition):
            return !condition.holds(answers: answers, facts: facts)
        case .key(let key, let test):
            let value = answers(key).flatMap { $0.isNone ? nil : $0 }
            switch test {
            case .set(let expected):
                return (value != nil) == expected
            case .is(let expected):
                guard let value else { return false }
                return Condition.matches(value, expected)
            case .in(let options):
                guard let value else { return false }
                return options.contains { Condition.matches(value, $0) }
            }
        case .fact(let name, let test):
            guard let fact = facts[name] else { return false }
            switch test {
            case .is(let expected):
                return fact.description.lowercased() == expected.lowercased()
            case .in(let options):
                return options.contains { $0.lowercased() == fact.description.lowercased() }
            case .contains(let item):
                if case .list(let items) = fact { return items.contains(item) }
                return false
            case .countAtLeast(let n):
                if case .list(let items) = fact { return items.count >= n }
                return false
            case .countIs(let n):
                if case .list(let items) = fact { return items.count == n }
                return false
            case .lessThan(let n):
                if case .int(let i) = fact { return i < n }
                return false
            }
        }
    }

    static func matches(_ value: OtopiValue, _ expected: String) -> Bool {
        switch value {
        case .bool(let b): return expected.lowercased() == (b ? "true" : "false")
        case .int(let i): return Int(expected) == i
        case .string(let s): return s == expected || s.lowercased() == expected.lowercased()
        case .multiString(let items): return items.contains(expected)
        case .none: return false
        }
    }

    /// The keys this condition reads (for "what depends on this answer").
    package var keys: Set<String> {
        switch self {
        case .all(let c), .any(let c): return c.reduce(into: Set()) { $0.formUnion($1.keys) }
        case .not(let c): return c.keys
        case .key(let k, _): return [k]
        case .fact: return []
        }
    }
}
