import Foundation
import OtopiKit
import Yams

/// A mistake in a flow file, named by file, line and the path inside the document.
package struct FlowFileError: Error, Sendable, CustomStringConvertible {
    package var path: String
    package var line: Int
    package var message: String
    package var description: String { "\(path):\(line): \(message)" }
}

/// Reads `Screens/*.yaml` into `Flow` values. Unknown fields are errors, so that a typo in a flow file
/// is caught by the tests instead of silently changing a question.
package enum FlowLoader {
    package static func load(path: String) throws(FlowFileError) -> Flow {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw FlowFileError(path: path, line: 0, message: "cannot read the flow file: \(error.localizedDescription)")
        }
        return try parse(yaml: text, path: path)
    }

    package static func parse(yaml: String, path: String) throws(FlowFileError) -> Flow {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw FlowFileError(path: path, line: 1, message: "the flow file is empty")
            }
            root = node
        } catch let error as FlowFileError {
            throw error
        } catch let error as YamlError {
            throw FlowFileError(path: path, line: yamlErrorLine(error), message: "not valid YAML: \(error)")
        } catch {
            throw FlowFileError(path: path, line: 0, message: "not valid YAML: \(error)")
        }
        do {
            return try decodeFlow(Y(root, "", path))
        } catch let error as FlowFileError {
            throw error
        } catch {
            throw FlowFileError(path: path, line: 0, message: "\(error)")
        }
    }

    static func yamlErrorLine(_ error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return 0
        }
    }

    // MARK: - decoding

    static func decodeFlow(_ y: Y) throws -> Flow {
        try y.allow(["flow", "title", "tool", "version", "platforms", "use", "seed_facts", "sections", "computed", "preview"])
        let seed = try y.required("seed_facts")
        var facts = HostFacts(description: try seed.optional("description")?.string() ?? "seed environment")
        for (name, value) in try seed.mapping() where name != "description" && name != "lab" {
            facts[name] = try decodeFact(value)
        }
        // `lab:` names the facts that are the seed lab's own values (only `--offline` uses them).
        let lab = Set(try seed.optional("lab")?.strings() ?? [])
        for name in lab where facts[name] == nil {
            throw seed.error("lab: \(name) is not one of the seed facts")
        }
        let sections = try y.required("sections").sequence().map { try decodeSection(resolveUse($0)) }
        var flow = Flow(
            id: try y.required("flow").string(),
            title: try y.required("title").string(),
            tool: try y.required("tool").string(),
            version: try y.required("version").string(),
            use: try y.optional("use")?.string(),
            source: y.file,
            sections: sections,
            seedFacts: facts,
            computed: try y.optional("computed")?.sequence().map(decodeComputed) ?? [],
            preview: try decodePreview(y.required("preview"))
        )
        flow.labFacts = lab
        flow.platforms = try y.optional("platforms")?.sequence().map(decodePlatform) ?? []
        try checkUnique(flow, y)
        for q in flow.questions where q.key.hasPrefix(AnswerFileContract.wizardNamespace) && !flow.isWizardOnly(q.key) {
            throw y.error("\(q.key) is one of the wizard's own keys: put it in a `wizard: true` section or mark it `wizard_only: true`")
        }
        return flow
    }

    /// `{os: [centos, redhat], major: [8, 9]}`.
    static func decodePlatform(_ y: Y) throws -> FlowPlatform {
        try y.allow(["os", "major"])
        let families = try y.required("os").strings()
        let majors = try y.required("major").sequence().map { try $0.int() }
        guard !families.isEmpty, !majors.isEmpty else { throw y.error("a platform names at least one os and one major version") }
        return FlowPlatform(families: families, majors: majors)
    }

    static func checkUnique(_ flow: Flow, _ y: Y) throws {
        var seen = Set<String>()
        for q in flow.questions {
            if !seen.insert(q.key).inserted {
                throw y.error("key \(q.key) is asked by two questions")
            }
        }
    }

    static func decodeFact(_ y: Y) throws -> HostFacts.Value {
        if let items = try? y.sequence() { return .list(try items.map { try $0.string() }) }
        let text = try y.string()
        if y.isPlainScalar {
            if text == "true" { return .bool(true) }
            if text == "false" { return .bool(false) }
            if let i = Int(text) { return .int(i) }
        }
        return .string(text)
    }

    /// `- use: NAME` takes the section from `_NAME.yaml` beside the flow file (the target-host login, shared by
    /// every flow). The flow gives the section's `title` and `help`, per question (matched by `key`) only the
    /// fields that differ, and `without` leaves questions out (gluster names its hosts elsewhere).
    static func resolveUse(_ y: Y) throws -> Y {
        guard let use = y.optional("use") else { return y }
        try y.allow(["use", "title", "help", "questions", "without"])
        let name = try use.string()
        let path = URL(fileURLWithPath: y.file).deletingLastPathComponent().appendingPathComponent("_\(name).yaml").path
        let shared: Y
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            guard let root = try Yams.compose(yaml: text) else { throw use.error("\(path) is empty") }
            shared = Y(root, "", path)
        } catch let error as FlowFileError {
            throw error
        } catch {
            throw use.error("cannot read the shared section \(path): \(error)")
        }
        try shared.allow(["section"])
        guard case .mapping(var section) = try shared.required("section").node else {
            throw shared.error("section: expected a mapping")
        }
        for field in ["title", "help"] {
            if let value = y.optional(field) { section[field] = value.node }
        }
        let left = Set(try y.optional("without")?.strings() ?? [])
        var questions: [Node] = []
        for question in try Y(.mapping(section), "", path).required("questions").sequence() {
            if !left.contains(try question.required("key").string()) { questions.append(question.node) }
        }
        for override in try y.optional("questions")?.sequence() ?? [] {
            let key = try override.required("key").string()
            guard let index = try questions.firstIndex(where: { try Y($0, "", path).required("key").string() == key }),
                  case .mapping(var merged) = questions[index] else {
                throw override.error("\(key) is not a question of \(path)")
            }
            for (field, value) in try override.mapping() { merged[field] = value.node }
            questions[index] = .mapping(merged)
        }
        section["questions"] = .sequence(Node.Sequence(questions))
        return Y(.mapping(section), y.path, y.file)
    }

    static func decodeSection(_ y: Y) throws -> FlowSection {
        try y.allow(["id", "title", "wizard", "notes", "help", "when", "questions", "fetch"])
        // A question is asked here, or (`- use: FLOW`) questions are imported from another flow's file.
        var questions: [Question] = []
        var imports: [FlowImport] = []
        for item in try y.required("questions").sequence() {
            if item.optional("use") != nil {
                let imported = try decodeImport(item)
                imports.append(imported)
                questions += imported.questions
            } else {
                questions.append(try decodeQuestion(item))
            }
        }
        var section = FlowSection(
            id: try y.required("id").string(),
            title: try y.optional("title")?.string(),
            isWizard: try y.optional("wizard")?.bool() ?? false,
            notes: try y.optional("notes")?.strings() ?? [],
            help: try y.optional("help")?.string(),
            condition: try y.optional("when").map(decodeCondition),
            questions: questions,
            imports: imports
        )
        section.fetch = try y.optional("fetch")?.sequence().map { item throws -> FlowFetchSource in
            let name = try item.string()
            guard let source = FlowFetchSource(rawValue: name) else {
                throw item.error("unknown fetch source '\(name)' (known: \(FlowFetchSource.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return source
        } ?? []
        return section
    }

    static let questionFields: Set<String> = [
        "key", "label", "kind", "type", "prompt", "notes", "before", "after", "values", "values_within",
        "value_labels", "value_line", "case_sensitive", "labels", "default", "allow_empty", "when", "validators",
        "checks", "error_prefix", "empty_error", "confirm", "weak", "minimum", "store", "invert", "effects",
        "abort_on", "help", "wizard_only", "otopi_name", "legacy_values",
    ]

    static func decodeQuestion(_ y: Y) throws -> Question {
        try y.allow(questionFields)
        let key = try y.required("key").string()
        let kindText = try y.optional("kind")?.string() ?? "text"
        guard let kind = Question.Kind(rawValue: kindText) else {
            throw y.error("unknown kind '\(kindText)' (text, boolean, choice, password)")
        }
        let typeText = try y.optional("type")?.string() ?? (kind == .boolean ? "bool" : "str")
        guard let type = ValueType(rawValue: typeText) else {
            throw y.error("unknown type '\(typeText)' (str, bool, int, multi-str)")
        }
        var labels = ("Yes", "No")
        if let l = try y.optional("labels")?.strings() {
            guard l.count == 2 else { throw y.error("labels needs two entries: the true one, then the false one") }
            labels = (l[0], l[1])
        }
        var values: ValuesSource? = nil
        if let v = y.optional("values") {
            if let list = try? v.strings() {
                values = .list(list)
            } else {
                try v.allow(["fact"])
                values = .fact(try v.required("fact").string())
            }
        }
        if kind == .choice && values == nil { throw y.error("a choice needs values") }
        var store = StoreRule.asTyped
        if let s = y.optional("store") {
            if let word = try? s.string() {
                guard word == "lowercase" else { throw s.error("store is 'lowercase' or a mapping") }
                store = .lowercase
            } else {
                store = .map(try s.stringMapping())
            }
        }
        var question = Question(
            key: key,
            label: try y.optional("label")?.string() ?? key,
            kind: kind,
            valueType: type,
            prompt: try y.required("prompt").string(),
            notes: try y.optional("notes")?.strings() ?? [],
            before: try y.optional("before")?.sequence().map(decodeMessage) ?? [],
            after: try y.optional("after")?.sequence().map(decodeMessage) ?? [],
            values: values,
            valuesWithin: try y.optional("values_within").map { w in
                try w.allow(["fact"])
                return FactReference(fact: try w.required("fact").string())
            },
            valueLabels: try y.optional("value_labels")?.stringMapping() ?? [:],
            valueLine: try y.optional("value_line")?.string(),
            caseSensitive: try y.optional("case_sensitive")?.bool() ?? (kind != .boolean),
            booleanLabels: labels,
            defaultValue: try y.optional("default").map(decodeDefault),
            allowEmpty: try y.optional("allow_empty")?.bool() ?? false,
            condition: try y.optional("when").map(decodeCondition),
            validators: try y.optional("validators")?.sequence().map(decodeValidator) ?? [],
            checks: try y.optional("checks")?.strings() ?? [],
            errorPrefix: try y.optional("error_prefix")?.string(),
            emptyError: try y.optional("empty_error")?.string(),
            confirm: try y.optional("confirm").map { c in
                try c.allow(["prompt", "mismatch"])
                return PasswordConfirmation(prompt: try c.required("prompt").string(),
                                            mismatch: try decodeMessage(c.required("mismatch")))
            },
            weak: try y.optional("weak").map { w in
                try w.allow(["prompt", "default"])
                return WeakPasswordConfirmation(prompt: try w.required("prompt").string(),
                                                defaultLabel: try w.optional("default")?.string() ?? "No")
            },
            minimum: try y.optional("minimum").map { m in
                try m.allow(["value", "warning", "prompt"])
                return MinimumConfirmation(value: try m.required("value").int(),
                                           warning: try m.required("warning").string(),
                                           prompt: try m.required("prompt").string())
            },
            store: store,
            invert: try y.optional("invert")?.bool() ?? false,
            effects: try decodeEffects(y.optional("effects")),
            abortOn: try y.optional("abort_on")?.stringMapping() ?? [:],
            help: try y.optional("help")?.string()
        )
        question.wizardOnly = try y.optional("wizard_only")?.bool() ?? false
        if let name = try y.optional("otopi_name")?.string() {
            guard let parsed = OtopiQuestionName(name) else {
                throw y.error("otopi_name is the query's name, optionally after its occurrence (2/OVESETUP_KEYCLOAK_ENABLE)")
            }
            question.otopiQuestion = parsed
        }
        if let legacy = y.optional("legacy_values") {
            for (old, entry) in try legacy.mapping() {
                try entry.allow(["value", "sets"])
                question.legacyValues[old] = LegacyValue(value: try entry.required("value").string(),
                                                         sets: try entry.optional("sets")?.stringMapping() ?? [:])
            }
        }
        for v in question.validators where !Validators.names.contains(v.name) {
            throw y.error("unknown validator '\(v.name)' (known: \(Validators.names.sorted().joined(separator: ", ")))")
        }
        if question.invert && kind != .boolean { throw y.error("invert is only for boolean questions") }
        return question
    }

    static func decodeEffects(_ y: Y?) throws -> [String: [String: OtopiValue]] {
        guard let y else { return [:] }
        var effects: [String: [String: OtopiValue]] = [:]
        for (answer, sets) in try y.mapping() {
            var values: [String: OtopiValue] = [:]
            for (key, typed) in try sets.stringMapping() {
                do {
                    values[key] = try OtopiValue.parse(typed)
                } catch {
                    throw sets.error("\(key): \(error)")
                }
            }
            effects[answer.lowercased()] = values
        }
        return effects
    }

    static func decodeMessage(_ y: Y) throws -> DialogMessage {
        let map = try y.stringMapping()
        guard map.count == 1, let (level, text) = map.first, let l = DialogMessage.Level(rawValue: level) else {
            throw y.error("a message is one of {info: …}, {warning: …}, {error: …}, {note: …}")
        }
        return DialogMessage(l, text)
    }

    static func decodeValidator(_ y: Y) throws -> ValidatorSpec {
        if let name = try? y.string() { return ValidatorSpec(name: name, message: nil) }
        let map = try y.stringMapping()
        guard map.count == 1, let (name, message) = map.first else {
            throw y.error("a validator is a name or {name: message}")
        }
        return ValidatorSpec(name: name, message: message)
    }

    static func decodeDefault(_ y: Y) throws -> DefaultSource {
        if let text = try? y.string() { return .value(text) }
        try y.allow(["fact", "compute", "key", "prefix", "prefer", "else_host_name", "format", "start"])
        if let fact = y.optional("fact") {
            if let key = y.optional("else_host_name") { return .factOrHostName(fact: try fact.string(), key: try key.string()) }
            return .fact(try fact.string())
        }
        let compute = try y.required("compute").string()
        switch compute {
        case "domain_of": return .domainOf(key: try y.required("key").string())
        case "random_mac": return .randomMAC(prefix: try y.optional("prefix")?.string() ?? "00:16:3e")
        case "random_uuid": return .randomUUID
        case "first_value": return .firstValue
        case "preferred_value": return .preferredValue(try y.required("prefer").string())
        case "per_word":
            let start = try y.optional("start")?.string() ?? "1"
            guard let first = Int(start) else { throw y.error("start is a whole number") }
            return .perWord(key: try y.required("key").string(), format: try y.required("format").string(), start: first)
        default: throw y.error("unknown computed default '\(compute)' (domain_of, random_mac, random_uuid, first_value, preferred_value, per_word)")
        }
    }

    static func decodeComputed(_ y: Y) throws -> ComputedValue {
        try y.allow(["key", "type", "value", "fact", "write"])
        let typeText = try y.optional("type")?.string() ?? "str"
        guard let type = ValueType(rawValue: typeText) else { throw y.error("unknown type '\(typeText)'") }
        let source: DefaultSource
        if let fact = y.optional("fact") {
            source = .fact(try fact.string())
        } else {
            source = .value(try y.required("value").string())
        }
        return ComputedValue(key: try y.required("key").string(), valueType: type, source: source,
                             write: try y.optional("write")?.bool() ?? true)
    }

    static func decodePreview(_ y: Y) throws -> PreviewSpec {
        try y.allow(["title", "width", "items", "confirm"])
        let items = try y.required("items").sequence().map { item throws -> PreviewItem in
            try item.allow(["label", "key", "when", "otherwise"])
            return PreviewItem(
                label: try item.required("label").string(),
                key: try item.required("key").string(),
                condition: try item.optional("when").map(decodeCondition),
                otherwise: try item.optional("otherwise").map { o in
                    try o.allow(["show", "when"])
                    return (try o.required("show").string(), try o.optional("when").map(decodeCondition))
                })
        }
        return PreviewSpec(title: try y.required("title").string(), width: try y.required("width").int(),
                           items: items, confirm: try decodeQuestion(y.required("confirm")))
    }

    static func decodeCondition(_ y: Y) throws -> Condition {
        let map = try y.mapping()
        let keys = Set(map.map(\.0))
        if keys == ["all"] { return .all(try y.required("all").sequence().map(decodeCondition)) }
        if keys == ["any"] { return .any(try y.required("any").sequence().map(decodeCondition)) }
        if keys == ["not"] { return .not(try decodeCondition(y.required("not"))) }
        if keys.contains("key") {
            try y.allow(["key", "is", "in", "set"])
            let key = try y.required("key").string()
            if let v = y.optional("is") { return .key(key, .is(try v.string())) }
            if let v = y.optional("in") { return .key(key, .in(try v.strings())) }
            if let v = y.optional("set") { return .key(key, .set(try v.bool())) }
            throw y.error("a key condition needs is, in or set")
        }
        if keys.contains("fact") {
            try y.allow(["fact", "is", "in", "contains", "count_at_least", "count_is", "less_than"])
            let fact = try y.required("fact").string()
            if let v = y.optional("is") { return .fact(fact, .is(try v.string())) }
            if let v = y.optional("in") { return .fact(fact, .in(try v.strings())) }
            if let v = y.optional("contains") { return .fact(fact, .contains(try v.string())) }
            if let v = y.optional("count_at_least") { return .fact(fact, .countAtLeast(try v.int())) }
            if let v = y.optional("count_is") { return .fact(fact, .countIs(try v.int())) }
            if let v = y.optional("less_than") { return .fact(fact, .lessThan(try v.int())) }
            throw y.error("a fact condition needs is, in, contains, count_at_least, count_is or less_than")
        }
        throw y.error("a condition is {all: […]}, {any: […]}, {not: …}, {key: …} or {fact: …}")
    }
}

/// A YAML node with the path that led to it, for error messages.
struct Y {
    let node: Node
    let path: String
    let file: String

    init(_ node: Node, _ path: String, _ file: String) {
        self.node = node
        self.path = path
        self.file = file
    }

    var line: Int { (node.mark?.line ?? 0) }

    func error(_ message: String) -> FlowFileError {
        FlowFileError(path: file, line: line, message: path.isEmpty ? message : "\(path): \(message)")
    }

    var isPlainScalar: Bool {
        if case .scalar(let s) = node { return s.style == .plain }
        return false
    }

    func string() throws -> String {
        guard case .scalar(let s) = node else { throw error("expected a text value") }
        return s.string
    }

    func bool() throws -> Bool {
        switch try string() {
        case "true": return true
        case "false": return false
        default: throw error("expected true or false")
        }
    }

    func int() throws -> Int {
        guard let i = Int(try string()) else { throw error("expected a whole number") }
        return i
    }

    func sequence() throws -> [Y] {
        guard case .sequence(let s) = node else { throw error("expected a list") }
        return s.enumerated().map { Y($0.element, "\(path)[\($0.offset)]", file) }
    }

    func strings() throws -> [String] { try sequence().map { try $0.string() } }

    func mapping() throws -> [(String, Y)] {
        guard case .mapping(let m) = node else { throw error("expected a mapping") }
        return try m.map { pair in
            guard case .scalar(let k) = pair.key else { throw error("mapping keys must be text") }
            return (k.string, Y(pair.value, path.isEmpty ? k.string : "\(path).\(k.string)", file))
        }
    }

    func stringMapping() throws -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in try mapping() { out[k] = try v.string() }
        return out
    }

    func optional(_ key: String) -> Y? {
        guard case .mapping(let m) = node, let value = m[key] else { return nil }
        return Y(value, path.isEmpty ? key : "\(path).\(key)", file)
    }

    func required(_ key: String) throws -> Y {
        guard let y = optional(key) else { throw error("missing field '\(key)'") }
        return y
    }

    func allow(_ keys: Set<String>) throws {
        for (k, v) in try mapping() where !keys.contains(k) {
            throw v.error("unknown field (allowed: \(keys.sorted().joined(separator: ", ")))")
        }
    }
}
