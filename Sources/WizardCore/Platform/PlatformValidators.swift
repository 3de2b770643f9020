/// The platform flow's checks as plain functions for the flow validators (nil = fine, else the message): the
/// hosts to add and their names, the engine user, and the storage domains' names and connections, which must not
/// be used twice. Answers given earlier come from `answer` (the validation context).
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

    /// The hosts to add: names or addresses, each once, optionally as `user@host:port` when the wizard reaches one
    /// with another login than the engine host's.
    package static func hosts(_ value: String) -> String? {
        let entries = words(value)
        if entries.isEmpty { return "give at least one host to add (name or address), separated by spaces" }
        var seen: Set<String> = []
        for entry in entries {
            guard let target = HostedEngineAdditionalHosts.parseEntry(entry) else {
                return "\(entry) is not a host name or address, optionally as user@host:port"
            }
            if !seen.insert(target.host.lowercased()).inserted { return "\(target.host) is named twice" }
        }
        return nil
    }

    /// The hosts' names in the engine: one per host, in the same order, each once, of the characters the engine
    /// takes (letters, digits, '-', '_' and '.').
    package static func hostNames(_ value: String, hosts: String?) -> String? {
        let names = words(value)
        let count = words(hosts).count
        for name in names where !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
            return "\(name) is not a host name the engine takes (letters, digits, '-', '_' and '.')"
        }
        var seen: Set<String> = []
        for name in names where !seen.insert(name.lowercased()).inserted { return "\(name) is given twice: the engine needs one name per host" }
        if names.count != count {
            return "\(names.count) name\(names.count == 1 ? "" : "s") for \(count) host\(count == 1 ? "" : "s") to add: give one per host, in the same order"
        }
        return nil
    }

    /// `user@domain` (admin@internal, admin@ovirt@internalsso).
    package static func engineUser(_ value: String) -> String? {
        guard let at = value.firstIndex(of: "@"), at != value.startIndex, value.index(after: at) != value.endIndex,
              !value.contains(where: { $0.isWhitespace }) else {
            return "\(value) is not an engine user: write USER@PROFILE (admin@internal; with Keycloak on 4.5 admin@ovirt@internalsso)"
        }
        return nil
    }

    /// A storage domain's name; `optional`: "none" or empty means no such domain. Never the name of a domain
    /// asked before it.
    package static func domainName(_ value: String, key: String, optional: Bool, answer: (String) -> String?) -> String? {
        if isNone(value) {
            return optional ? nil : "the \(label(key)) is required (it holds the virtual disks): give it a name"
        }
        if case .error(let message) = Validators.domainName(value, what: "Storage domain name") { return message }
        for (other, _) in domains.prefix(while: { $0.0 != key }) where !isNone(answer(other)) {
            if answer(other)?.lowercased() == value.lowercased() { return "\(value) is already the name of the \(label(other))" }
        }
        return nil
    }

    /// A storage connection `server:/path`, never the connection of a domain asked before it (one export holds
    /// one domain).
    package static func domainPath(_ value: String, key: String, answer: (String) -> String?) -> String? {
        if case .error(let message) = Validators.hostPath(value) { return message }
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
