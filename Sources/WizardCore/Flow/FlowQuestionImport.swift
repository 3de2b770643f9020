import Foundation
import OtopiKit

/// Questions one flow borrows from another flow's file, for a tool the first flow's answers also drive: hosted-engine
/// 3.4 asks the engine-setup questions of the engine it sets up inside its VM. In a section's `questions:`:
///
///     - use: engine-setup-3.4          # Screens/engine-setup-3.4.yaml, beside this file
///       keys: [OVESETUP_CONFIG/applicationMode, …]
///       when: {key: OVIRT_WIZARD/engineVM, is: true}
///       facts: {new_database: true, …}   # the other tool's host as it will be (it may not exist yet)
///       same_as: {OVESETUP_CONFIG/fqdn: OVEHOSTED_NETWORK/fqdn}
///       set: {OVESETUP_DIALOG/confirmSettings: "bool:True"}
///
/// The imported questions keep their prompts, validators and key conditions; their host-fact conditions, fact
/// values and fact defaults are decided by `facts`, since the facts of this flow's host are another machine's.
/// Their host checks are dropped for the same reason (they would run on the wrong host). A key named in `same_as`
/// is never asked: the other tool gets this flow's answer for it, so the two cannot differ.
package struct FlowImport: Sendable {
    /// The imported flow, as loaded from its own file.
    package var flow: Flow
    /// The questions asked here, rewritten for the importing flow, in the imported flow's order.
    package var questions: [Question]
    /// Their keys.
    package var keys: [String] { questions.map(\.key) }
    /// Keys the imported questions' answers set besides their own (`effects`): they belong to the other tool too.
    package var effectKeys: [String]
    /// The other tool's key → this flow's key whose answer it takes.
    package var sameAs: [String: String]
    /// Fixed values the other tool receives (its own confirmation, answered by this flow's preview).
    package var fixed: [String: OtopiValue]

    /// Every key of the other tool's answer file that comes from this flow.
    package var allKeys: [String] { keys + effectKeys + sameAs.keys.sorted() + fixed.keys.sorted() }

    /// The values the other tool receives, from this flow's answers (`value`): the imported answers and their
    /// effects, the `same_as` keys with this flow's answers, the fixed values. Unanswered keys are left out.
    package func values(_ value: (String) -> OtopiValue?) -> [String: OtopiValue] {
        var out: [String: OtopiValue] = [:]
        for key in keys + effectKeys {
            if let v = value(key), !v.isNone { out[key] = v }
        }
        for (theirs, ours) in sameAs {
            if let v = value(ours), !v.isNone { out[theirs] = v }
        }
        for (key, v) in fixed { out[key] = v }
        return out
    }
}

extension FlowLoader {
    static let importFields: Set<String> = ["use", "keys", "when", "facts", "same_as", "set"]

    /// `- use: NAME` inside a section's questions: the questions `keys` of `NAME.yaml` beside this file.
    static func decodeImport(_ y: Y) throws -> FlowImport {
        try y.allow(importFields)
        let name = try y.required("use").string()
        let path = URL(fileURLWithPath: y.file).deletingLastPathComponent().appendingPathComponent("\(name).yaml").path
        guard path != y.file else { throw y.error("a flow cannot import its own questions") }
        let other: Flow
        do {
            other = try FlowLoader.load(path: path)
        } catch {
            throw y.error("cannot import \(name): \(error)")
        }
        var facts = HostFacts(description: "the \(other.tool) host as the import describes it")
        for (fact, value) in try y.optional("facts")?.mapping() ?? [] { facts[fact] = try decodeFact(value) }
        let sameAs = try y.optional("same_as")?.stringMapping() ?? [:]
        var fixed: [String: OtopiValue] = [:]
        for (key, typed) in try y.optional("set")?.stringMapping() ?? [:] {
            do { fixed[key] = try OtopiValue.parse(typed) } catch { throw y.error("set: \(key): \(error)") }
        }
        let wanted = try y.required("keys").strings()
        for key in wanted where other.question(forKey: key) == nil {
            throw y.error("\(key) is not a question of \(path)")
        }
        for key in wanted where sameAs[key] != nil {
            throw y.error("\(key) is both imported and taken from \(sameAs[key]!) (same_as): it is asked once, here")
        }
        let when = try y.optional("when").map(decodeCondition)
        var imported: [Question] = []
        var effectKeys: [String] = []
        for var question in other.sections.flatMap(\.questions) where wanted.contains(question.key) {
            question.checks = []
            question.condition = question.condition.map { $0.deciding(facts: facts).renaming(sameAs) }
            if let when { question.condition = question.condition.map { .all([when, $0]) } ?? when }
            if case .fact(let fact)? = question.values {
                guard let list = facts.list(fact) else { throw y.error("\(question.key) takes its values from the fact \(fact): give it in facts") }
                question.values = .list(list)
            }
            if let within = question.valuesWithin {
                guard let list = facts.list(within.fact) else { throw y.error("\(question.key) is narrowed by the fact \(within.fact): give it in facts") }
                if case .list(let all)? = question.values { question.values = .list(all.filter(list.contains)) }
                question.valuesWithin = nil
            }
            switch question.defaultValue {
            case .fact(let fact)?, .factOrHostName(let fact, _)?:
                guard let value = facts.string(fact) else { throw y.error("\(question.key) defaults to the fact \(fact): give it in facts") }
                question.defaultValue = .value(value)
            case .domainOf(let key)?: question.defaultValue = .domainOf(key: sameAs[key] ?? key)
            case .perWord(let key, let format, let start)?: question.defaultValue = .perWord(key: sameAs[key] ?? key, format: format, start: start)
            default: break
            }
            for effects in question.effects.values { effectKeys += effects.keys.filter { !effectKeys.contains($0) && !wanted.contains($0) } }
            imported.append(question)
        }
        return FlowImport(flow: other, questions: imported, effectKeys: effectKeys.sorted(), sameAs: sameAs, fixed: fixed)
    }
}

extension Condition {
    /// The same condition with every host-fact test decided by `facts` (true: `all([])`, false: `any([])`).
    func deciding(facts: HostFacts) -> Condition {
        switch self {
        case .all(let c): return .all(c.map { $0.deciding(facts: facts) })
        case .any(let c): return .any(c.map { $0.deciding(facts: facts) })
        case .not(let c): return .not(c.deciding(facts: facts))
        case .key: return self
        case .fact:
            return holds(answers: { _ in nil }, facts: facts) ? .all([]) : .any([])
        }
    }

    /// The same condition reading `renamed[key]` instead of each renamed key.
    func renaming(_ renamed: [String: String]) -> Condition {
        switch self {
        case .all(let c): return .all(c.map { $0.renaming(renamed) })
        case .any(let c): return .any(c.map { $0.renaming(renamed) })
        case .not(let c): return .not(c.renaming(renamed))
        case .key(let key, let test): return .key(renamed[key] ?? key, test)
        case .fact: return self
        }
    }
}
