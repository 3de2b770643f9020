/// The platform flow's checks for the flow validators (nil = fine, else the message). The rules of each answer are
/// the contract parser's (`PlatformAnswers`), so the dialog refuses exactly what `plan` would; here only what
/// compares answers is added: a storage domain's name or connection given to an earlier domain, "none" for the
/// data domain. Answers given earlier come from `answer` (the validation context).
package enum PlatformValidators {
    package static let hostNamesKey = "PLATFORM/hostNames"
    /// The storage domains in the order the flow asks them: name key, connection key.
    package static let domains = [("PLATFORM/dataDomainName", "PLATFORM/dataDomainPath"),
                                  ("PLATFORM/isoDomainName", "PLATFORM/isoDomainPath"),
                                  ("PLATFORM/exportDomainName", "PLATFORM/exportDomainPath")]

    package static func words(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "\t" }).map(String.init)
    }

    /// "none" (any case) or empty: no such domain.
    package static func isNone(_ text: String?) -> Bool {
        let t = (text ?? "").trimmingCharacters(in: .whitespaces)
        return t.isEmpty || t.lowercased() == "none"
    }

    /// The hosts to add (`[user@]host[:port]`, each once): the contract parser's rule.
    package static func hosts(_ value: String) -> String? {
        PlatformAnswers.hostsProblem(PlatformAnswers.words(value))
    }

    /// The hosts' names in the engine: one per host, in the same order, each once (the contract parser's rule).
    package static func hostNames(_ value: String, hosts: String?) -> String? {
        PlatformAnswers.hostNamesProblem(PlatformAnswers.words(value), hostCount: PlatformAnswers.words(hosts ?? "").count)
    }

    /// `user@profile` (admin@internal, admin@ovirt@internalsso): the contract parser's rule.
    package static func engineUser(_ value: String) -> String? {
        PlatformAnswers.adminUserProblem(value)
    }

    /// A data center's or cluster's name as the engine takes it.
    package static func engineName(_ value: String, what: String) -> String? {
        PlatformAnswers.engineNameProblem(value, what: what)
    }

    /// A storage domain's name; `optional`: "none" or empty means no such domain. Never the name of a domain
    /// asked before it.
    package static func domainName(_ value: String, key: String, optional: Bool, answer: (String) -> String?) -> String? {
        if isNone(value) {
            return optional ? nil : "the \(label(key)) is required (it holds the virtual disks): give it a name"
        }
        if let message = PlatformAnswers.domainNameProblem(value) { return message }
        for (other, _) in domains.prefix(while: { $0.0 != key }) where !isNone(answer(other)) {
            if answer(other)?.lowercased() == value.lowercased() { return "\(value) is already the name of the \(label(other))" }
        }
        return nil
    }

    /// A storage connection `server:/path`, never the connection of a domain asked before it (one export holds
    /// one domain).
    package static func domainPath(_ value: String, key: String, answer: (String) -> String?) -> String? {
        if let message = PlatformAnswers.connectionProblem(value) { return message }
        for (name, path) in domains.prefix(while: { $0.1 != key }) where !isNone(answer(name)) {
            if let other = answer(path), normalized(other) == normalized(value) {
                return "\(value) is already the connection of the \(label(name)); each domain needs its own export"
            }
        }
        return nil
    }

    static func normalized(_ path: String) -> String {
        var p = path.lowercased()
        while p.hasSuffix("/") && !p.hasSuffix(":/") { p.removeLast() }
        return p
    }

    static func label(_ key: String) -> String {
        switch key {
        case "PLATFORM/dataDomainName": return "data domain"
        case "PLATFORM/isoDomainName": return "ISO domain"
        default: return "export domain"
        }
    }
}
