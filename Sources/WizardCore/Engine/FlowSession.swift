import Foundation
import OtopiKit

/// The flow engine: which question comes next, what it offers, and the answers so far with their provenance.
///
/// Follows otopi: questions are asked in flow order; one whose key already has a value is skipped; a condition
/// decides whether a question applies at all. Pure: facts, checks, file access and randomness are handed in.
package struct FlowSession: Sendable {
    package let flow: Flow
    package private(set) var facts: HostFacts
    /// Detected facts come from a probed host. Otherwise they are the seed's example environment (`--offline`) or,
    /// for a host not probed (yet), the seed's assumptions without its lab's values (`Flow.unprobedFacts`).
    package private(set) var factsProbed: Bool
    /// Leave out the wizard's own sections (target host): nothing will be contacted.
    package let offline: Bool
    package internal(set) var answers = Answers()
    /// Values from answer files that failed validation, to be asked again with the reason.
    package internal(set) var rejected: [String: RejectedAnswer] = [:]
    /// Warnings about loaded values that were kept (below a minimum, say).
    package private(set) var loadWarnings: [String] = []
    /// Host checks that could not run.
    package private(set) var unchecked: [UncheckedItem] = []
    var generatedDefaults: [String: String] = [:]
    package let context: ValidationContext
    /// The seed of generated defaults (a MAC address), kept for `switching(to:)`.
    let randomSeed: UInt64
    /// The host's (or the seed's) facts before any fetch; `facts` is these with `fetched` laid over them.
    var baseFacts: HostFacts
    /// Facts fetched before a section (`FlowFetchSource`): the engine's data centers, the proposed cluster CPU.
    package internal(set) var fetched: [String: HostFacts.Value] = [:]
    /// The inputs each source was last fetched with (`fetchSignature`).
    var fetchSignatures: [FlowFetchSource: String] = [:]
    /// Answers a fetch gave (not typed): the next fetch of the same source may replace them.
    var fetchFilled: Set<String> = []

    package init(flow: Flow, facts: HostFacts? = nil, factsProbed: Bool = false, offline: Bool,
                randomSeed: UInt64, context: ValidationContext = .local) {
        self.flow = flow
        self.randomSeed = randomSeed
        // Only --offline chooses the seed's example lab; a host not probed yet gets none of its values.
        self.facts = facts ?? (offline ? flow.seedFacts : flow.unprobedFacts)
        self.baseFacts = self.facts
        self.factsProbed = factsProbed
        self.offline = offline
        self.context = context
        var rng = SplitMix64(seed: randomSeed)
        for q in flow.questions {
            if case .randomMAC(let prefix)? = q.defaultValue {
                // hosted-engine: 00:16:3e, then 0x00-0x7f, then two bytes 0x00-0xff, in lower-case hex
                let bytes = [UInt8(rng.next() % 0x80), UInt8(rng.next() % 0x100), UInt8(rng.next() % 0x100)]
                generatedDefaults[q.key] = prefix + bytes.map { String(format: ":%02x", $0) }.joined()
            } else if case .randomUUID? = q.defaultValue {
                generatedDefaults[q.key] = Self.uuid4(&rng)
            }
        }
        applyComputed()
    }

    /// Replaces the facts (after probing a host) and recomputes what depends on them.
    package mutating func setFacts(_ newFacts: HostFacts, probed: Bool) {
        baseFacts = newFacts
        factsProbed = probed
        rebuildFacts()
        applyComputed()
    }

    /// Replaces the facts with those of a host that could not be probed (or whose probe no longer applies):
    /// what the last host told is forgotten, and nothing of the seed's lab takes its place.
    package mutating func forgetHostFacts() {
        baseFacts = offline ? flow.seedFacts : flow.unprobedFacts
        factsProbed = false
        rebuildFacts()
        applyComputed()
    }

    /// The base facts with the fetched ones laid over them.
    mutating func rebuildFacts() {
        var merged = baseFacts
        for (name, value) in fetched { merged[name] = value }
        facts = merged
    }

    /// How the value of one fact is labelled: a fetched fact was read from its source (`detected`).
    func provenance(ofFact name: String) -> Provenance {
        fetched[name] != nil ? .detected : factProvenance
    }

    /// How a value taken from the facts is labelled: read from the host, the seed's example (`--offline`), or (a host
    /// not probed, whose assumed facts hold no value of the seed's lab) the flow's default.
    package var factProvenance: Provenance { factsProbed ? .detected : (offline ? .seedExample : .default) }

    mutating func applyComputed() {
        for c in flow.computed where !(answers[c.key]?.provenance.isTyped ?? false) && !isFromFile(c.key) {
            let text: String?
            let provenance: Provenance
            switch c.source {
            case .fact(let name): text = facts.string(name); provenance = self.provenance(ofFact: name)
            case .value(let v): text = v; provenance = .default
            default: text = nil; provenance = .default
            }
            guard let text else {
                // The host that told it is gone (or was never asked): the value is not kept as if it were known.
                if case .fact = c.source, let answer = answers[c.key], answer.provenance == .detected || answer.provenance == .seedExample {
                    answers.remove(c.key)
                }
                continue
            }
            answers[c.key] = Answer(Self.typed(text, c.valueType), provenance)
        }
        refreshDerived()
    }

    /// Answers derived from other answers or from the host (`[derived]`) follow what they were derived from:
    /// the FQDN taken from the target host's name changes with it, and the PKI organisation with the FQDN's
    /// domain. One the operator typed is never touched. Returns whether a value changed.
    @discardableResult
    mutating func refreshDerived() -> Bool {
        var changed = false
        // Chains are short (target host → FQDN → PKI organisation); a few passes settle them.
        for _ in 0..<4 {
            var pass = false
            for question in flow.questions where answers[question.key]?.provenance.given == .derived {
                guard let current = answers[question.key] else { continue }
                if let fresh = defaultAnswer(for: question) {
                    let value = QuestionExchange.store(fresh.text, for: question)
                    if value != current.value || fresh.provenance != .derived {
                        answers[question.key] = Answer(value, fresh.provenance)
                        pass = true
                    }
                } else {
                    // Nothing to derive it from any more: the question is asked.
                    answers.remove(question.key)
                    pass = true
                }
            }
            changed = changed || pass
            if !pass { break }
        }
        return changed
    }

    func isFromFile(_ key: String) -> Bool {
        if case .file? = answers[key]?.provenance { return true }
        return false
    }

    static func typed(_ text: String, _ type: ValueType) -> OtopiValue {
        switch type {
        case .int: return OtopiValue.pythonInt(text).map(OtopiValue.int) ?? .string(text)
        case .bool: return .bool(!["f", "F", "false", "False"].contains(text))
        case .multiStr: return .multiString([text])
        case .str: return .string(text)
        }
    }

    // MARK: - which questions apply

    func sectionApplies(_ section: FlowSection) -> Bool {
        !(offline && section.isWizard)
    }

    /// Whether a section's title is printed (otopi prints titles even when every question is answered).
    package func showsTitle(_ section: FlowSection) -> Bool {
        guard sectionApplies(section), section.title != nil else { return false }
        return section.condition?.holds(answers: value(for:), facts: facts) ?? true
    }

    package func value(for key: String) -> OtopiValue? { answers[key]?.value }

    /// Whether the question applies now (its section is in use and its condition holds).
    package func isActive(_ question: Question) -> Bool {
        if let section = flow.section(of: question), !sectionApplies(section) { return false }
        return question.condition?.holds(answers: value(for:), facts: facts) ?? true
    }

    package func needsAnswer(_ question: Question) -> Bool {
        isActive(question) && !answers.isAnswered(question.key)
    }

    /// The first question, in flow order, that applies and has no answer; the preview confirmation comes last.
    package func nextQuestion(includingConfirmation: Bool = true) -> Question? {
        let candidates = includingConfirmation ? flow.questions : flow.sections.flatMap(\.questions)
        return candidates.first(where: needsAnswer)
    }

    /// Every question that applies now, in order.
    package var activeQuestions: [Question] { flow.questions.filter(isActive) }

    // MARK: - what a question offers

    package func validValues(for question: Question) -> [String] {
        var values: [String]
        switch question.values {
        case .list(let list)?: values = list
        case .fact(let name)?: values = facts.list(name) ?? facts.string(name).map { [$0] } ?? []
        case nil: values = question.kind == .boolean ? [question.booleanLabels.0, question.booleanLabels.1] : []
        }
        if let within = question.valuesWithin, let allowed = facts.list(within.fact) {
            values = values.filter(allowed.contains)
        }
        return values
    }

    /// The default as otopi would offer it now, and where it comes from.
    package func defaultAnswer(for question: Question) -> (text: String, provenance: Provenance)? {
        guard let source = question.defaultValue else { return nil }
        switch source {
        case .value(let v): return (v, .default)
        case .fact(let name): return facts.string(name).map { ($0, provenance(ofFact: name)) }
        case .factOrHostName(let name, let key):
            if let fact = facts.string(name) { return (fact, provenance(ofFact: name)) }
            return hostName(answers[key]?.value.stringValue).map { ($0, .derived) }
        case .domainOf(let key):
            guard let fqdn = answers[key]?.value.stringValue else { return nil }
            guard let dot = fqdn.firstIndex(of: "."), fqdn.index(after: dot) < fqdn.endIndex else { return ("Test", .derived) }
            return (String(fqdn[fqdn.index(after: dot)...]), .derived)
        case .randomMAC, .randomUUID: return generatedDefaults[question.key].map { ($0, .default) }
        case .firstValue:
            guard !lacksHostValues(question) else { return nil }
            return validValues(for: question).first.map { ($0, factsBacked(question)) }
        case .preferredValue(let preferred):
            guard !lacksHostValues(question) else { return nil }
            let values = validValues(for: question)
            return (values.contains(preferred) ? preferred : values.first).map { ($0, factsBacked(question)) }
        case let .perWord(key, format, start):
            guard let text = answers[key]?.value.displayText else { return nil }
            let words = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "\t" })
            let filled = words.enumerated().map { index, word in
                // @HOST@: the host of a `[user@]host[:port]` entry (a host's name in the engine, say).
                let host = HostedEngineAdditionalHosts.parseEntry(String(word))?.host ?? String(word)
                return format.replacingOccurrences(of: "@ITEM@", with: String(word)).replacingOccurrences(of: "@HOST@", with: host)
                    .replacingOccurrences(of: "@N@", with: String(start + index))
            }
            return (filled.joined(separator: " "), .default)
        }
    }

    /// A fully qualified host name (not an address, not a short name) as answered, or nil.
    func hostName(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if case .ok = Validators.validate("fqdn", text, context: .local) { return text }
        return nil
    }

    /// The facts a question's values come from, if any.
    func backingFact(_ question: Question) -> String? {
        if let within = question.valuesWithin { return within.fact }
        if case .fact(let name)? = question.values { return name }
        return nil
    }

    /// Whether a question's values should have come from the host, which told nothing: its choice is then the
    /// operator's (no default is offered, and the whole list of the tool's values is shown).
    package func lacksHostValues(_ question: Question) -> Bool {
        guard let fact = backingFact(question) else { return false }
        return facts[fact] == nil
    }

    func factsBacked(_ question: Question) -> Provenance {
        backingFact(question).map(provenance(ofFact:)) ?? .default
    }

    /// Why a question offers no value of the host, said before its prompt: the host was not probed.
    func unprobedNote(for question: Question) -> DialogMessage? {
        guard !offline, !factsProbed else { return nil }
        // A section that fetches its facts (the engine's lists) says itself where they came from, or why not.
        if let section = flow.section(of: question), !section.fetch.isEmpty { return nil }
        let fromHost: Bool
        switch question.defaultValue {
        case .fact(let name)?: fromHost = facts[name] == nil
        case .factOrHostName(let name, let key)?:
            guard facts[name] == nil else { return nil }
            if defaultAnswer(for: question) != nil {
                return DialogMessage(.info, "The target host was not probed: the default is derived from its name as answered (\(flow.question(forKey: key)?.label ?? key)).")
            }
            fromHost = true
        default: fromHost = lacksHostValues(question)
        }
        guard fromHost else { return nil }
        return DialogMessage(.warning, "The target host was not probed, so this value is not read from it; "
                             + (lacksHostValues(question) ? "every value the tool knows is listed: choose the one the host has."
                                                          : "no example value is offered."))
    }

    /// A version 4 UUID (RFC 4122 §4.4) from the seeded generator, as vdsm writes them: lower-case hex.
    static func uuid4(_ rng: inout SplitMix64) -> String {
        var bytes = (0..<2).flatMap { _ in withUnsafeBytes(of: rng.next().bigEndian, Array.init) }
        bytes[6] = (bytes[6] & 0x0f) | 0x40
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let cuts = [8, 12, 16, 20]
        var groups: [Substring] = []
        var start = hex.startIndex
        for cut in cuts + [32] {
            let end = hex.index(hex.startIndex, offsetBy: cut)
            groups.append(hex[start..<end])
            start = end
        }
        return groups.joined(separator: "-")
    }

    /// `@ANSWER:KEY@` in notes and prompts becomes the text of that earlier answer, so that a confirmation
    /// can name what it confirms (the disks a Gluster plan will wipe). An unanswered key stays visible as `(KEY not answered)`.
    func fillAnswerPlaceholders(_ text: String) -> String {
        guard text.contains("@ANSWER:") else { return text }
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "@ANSWER:") {
            result += rest[..<start.lowerBound]
            let tail = rest[start.upperBound...]
            guard let end = tail.firstIndex(of: "@") else { result += rest[start.lowerBound...]; return result }
            let key = String(tail[..<end])
            // A secret is never shown, not even in a note that quotes it.
            result += isSecret(key) ? Secrets.mask : (answers[key]?.value.displayText ?? "(\(key) not answered)")
            rest = tail[tail.index(after: end)...]
        }
        return result + rest
    }

    /// The validation context with the answers given so far, for validators that compare answers.
    func answeredContext(asking key: String? = nil) -> ValidationContext {
        var context = self.context
        context.asking = key
        let snapshot = answers
        context.answer = { snapshot[$0].map { $0.value.isNone ? "" : $0.value.displayText } }
        return context
    }

    /// Starts asking a question: the exchange drives its prompt and follow-ups.
    package func exchange(for question: Question) -> QuestionExchange {
        let d = defaultAnswer(for: question)
        var question = question
        question.notes = question.notes.map(fillAnswerPlaceholders)
        question.prompt = fillAnswerPlaceholders(question.prompt)
        if let note = unprobedNote(for: question) { question.before.insert(note, at: 0) }
        return QuestionExchange(question: question, validValues: validValues(for: question), defaultText: d?.text,
                                defaultProvenance: d?.provenance ?? .default, context: answeredContext(asking: question.key))
    }

    /// Why a loaded answer for this question was refused, if it was.
    package func rejection(for question: Question) -> RejectedAnswer? { rejected[question.key] }

    /// This session in another version of its flow, which the probed host chose (EL9: engine-setup of oVirt
    /// 4.5): the answers to the questions both versions ask (the target host's login) are kept as they were given.
    package func switching(to other: Flow) -> FlowSession {
        var next = FlowSession(flow: other, facts: factsProbed ? facts : nil, factsProbed: factsProbed, offline: offline,
                               randomSeed: randomSeed, context: context)
        var kept: [String: Answer] = [:]
        for key in answers.keys where other.question(forKey: key) != nil { kept[key] = answers[key] }
        next.accept(kept)
        return next
    }

    // MARK: - recording answers

    /// Records what an exchange accepted. A changed value drops the preview's confirmation: the preview must be
    /// seen again before the file counts as confirmed.
    package mutating func accept(_ values: [String: Answer], unchecked newUnchecked: [UncheckedItem] = []) {
        let confirmKey = flow.preview.confirm.key
        var unconfirm = answers.isAnswered(confirmKey) && values[confirmKey] == nil
            && values.contains(where: { answers[$0.key]?.value != $0.value.value })
        for (key, answer) in values {
            answers[key] = answer
            rejected[key] = nil
            fetchFilled.remove(key)
        }
        if refreshDerived(), answers.isAnswered(confirmKey), values[confirmKey] == nil { unconfirm = true }
        if unconfirm { answers.remove(confirmKey) }
        let keys = Set(values.keys)
        unchecked.removeAll { keys.contains($0.key) }
        unchecked += newUnchecked
    }

    /// Forgets an answer so that its question is asked again (going back in a screen, say).
    package mutating func clear(_ key: String) {
        answers.remove(key)
        if let q = flow.question(forKey: key) {
            for effect in q.effects.values { for k in effect.keys { answers.remove(k) } }
        }
        unchecked.removeAll { $0.key == key }
        refreshDerived()
    }

    /// Pre-fills from answer files, as otopi's `[environment:*]` sections would, and validates each value of a
    /// question. A value that fails is set aside and its question asked again with the reason; keys the flow does
    /// not know are kept as they are and written back.
    package mutating func load(_ environment: OtopiEnvironment) {
        // How each value was first given, when the file recorded it (a file the wizard wrote).
        let record = environment[AnswerFileContract.provenanceKey].flatMap { ProvenanceRecord(parsing: $0.value.displayText) }
        for (key, item) in environment.items where key != AnswerFileContract.provenanceKey {
            let given = record.flatMap { $0.given(key) }
            answers[key] = Answer(item.value, .file(path: item.origin.path, line: item.origin.line, given: given))
        }
        let asked = Set(flow.questions.map(\.key))
        for (key, item) in environment.items where !asked.contains(key) {
            if let problem = OtopiValue.boolSpellingProblem(item.raw) { loadWarnings.append("\(key) (\(item.origin)): \(problem)") }
        }
        for question in flow.questions {
            guard let item = environment[question.key], !item.value.isNone else { continue }
            if let misreading = LegacyConfigParserRules.misreading(of: item.raw) {
                rejected[question.key] = RejectedAnswer(key: question.key, value: item.value, origin: item.origin,
                                                        reason: misreading.description)
                answers.remove(question.key)
                continue
            }
            if let problem = OtopiValue.boolSpellingProblem(item.raw) {
                rejected[question.key] = RejectedAnswer(key: question.key, value: item.value, origin: item.origin, reason: problem)
                answers.remove(question.key)
                continue
            }
            switch validateLoaded(item.value, for: question) {
            case .ok: break
            case .warning(let w): loadWarnings.append("\(question.key) (\(item.origin)): \(w)")
            case .error(let reason):
                rejected[question.key] = RejectedAnswer(key: question.key, value: item.value, origin: item.origin, reason: reason)
                answers.remove(question.key)
            }
        }
    }

    /// Checks a value given in a file: its type first (a wrong type silently misleads otopi), then the answer rules.
    /// There is no follow-up to ask: below a minimum is a warning, as for otopi's non-interactive path.
    package func validateLoaded(_ value: OtopiValue, for question: Question) -> ValidationResult {
        let expected = question.kind == .boolean ? ValueType.bool : question.valueType
        let typeOK: Bool
        switch (expected, value) {
        case (.str, .string), (.bool, .bool), (.int, .int), (.multiStr, .multiString): typeOK = true
        default: typeOK = false
        }
        guard typeOK else {
            return .error("written as \(value.typeName):\(value.displayText), but otopi needs \(expected.rawValue):… here")
        }
        if question.kind == .boolean { return .ok }
        let text = value.displayText
        if text.isEmpty {
            return question.allowEmpty ? .ok : .error("the value is empty")
        }
        let values = storedForms(of: validValues(for: question), question: question)
        if !values.isEmpty, !values.contains(text) {
            if !factsProbed, question.valuesWithin != nil {
                // Offline the host's own list is unknown: accept any model the tool offers.
                let all = storedForms(of: question.values.flatMap { if case .list(let l) = $0 { return l } else { return nil } } ?? [], question: question)
                if all.contains(text) { return .ok }
            }
            let shown = validValues(for: question).joined(separator: ", ")
            return .error("'\(text)' is not one of the valid values (\(shown))")
        }
        var warnings: [String] = []
        for validator in question.validators {
            switch Validators.validate(validator.name, text, context: answeredContext(asking: question.key)) {
            case .ok: break
            case .warning(let w): warnings.append(w)
            case .error(let e):
                return .error(validator.message.map { QuestionExchange.fill($0, values: [], defaultText: nil, value: text) } ?? e)
            }
        }
        if let minimum = question.minimum, let n = OtopiValue.pythonInt(text), n < minimum.value {
            warnings.append("\(minimum.warning) (\(n) < \(minimum.value))")
        }
        return warnings.isEmpty ? .ok : .warning(warnings.joined(separator: "; "))
    }

    func storedForms(of values: [String], question: Question) -> [String] {
        values.map { QuestionExchange.store($0, for: question).displayText }
    }

    // MARK: - output

    /// The values to write: every answer (keys the flow does not know, and the wizard's own `OVIRT_WIZARD/` keys,
    /// which otopi ignores, included), minus computed values the tool must work out itself.
    package func answerFileValues() -> [String: OtopiValue] {
        let notWritten = Set(flow.computed.filter { !$0.write }.map(\.key))
        var out: [String: OtopiValue] = [:]
        for (key, answer) in answers.items where !notWritten.contains(key) || isFromFile(key) {
            out[key] = answer.value
        }
        return out
    }

    /// Whether a key holds a secret (the flow decides: a hidden question's answer).
    package func isSecret(_ key: String) -> Bool { flow.isSecret(key) }

    /// Questions that apply and still need an answer (for `answers check`, the hub and the preview).
    package var missingQuestions: [Question] { activeQuestions.filter { !answers.isAnswered($0.key) } }
}
