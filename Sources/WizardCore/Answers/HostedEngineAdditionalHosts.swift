import OtopiKit

/// The additional hosts of a hosted engine (oVirt 3.4, Host ID > 1): the wizard's three answers, what each
/// additional host's answer file gets on top of the first host's generated answers.conf, and the rules the real
/// tool applies to a Host ID. Facts: reference/hosted-engine-cpu-storage.md §1.8. Pure: no I/O.
package struct HostedEngineAdditionalHosts: Sendable, Equatable {
    package static let hostsKey = "OVIRT_WIZARD/additionalHosts"
    package static let hostIDsKey = "OVIRT_WIZARD/additionalHostIDs"
    package static let hostNamesKey = "OVIRT_WIZARD/additionalHostNames"
    package static let keys = [hostsKey, hostIDsKey, hostNamesKey]

    /// hosted-engine's own keys for an additional host (§1.8, §1.9).
    package static let isAdditionalHostKey = "OVEHOSTED_CORE/isAdditionalHost"
    package static let hostIDKey = "OVEHOSTED_STORAGE/hostID"
    package static let appHostNameKey = "OVEHOSTED_ENGINE/appHostName"
    package static let adminPasswordKey = "OVEHOSTED_ENGINE/adminPassword"
    package static let reDeploymentKey = "OVEHOSTED_CORE/additionalHostReDeployment"
    /// Answered once for the whole deployment (the first host's answers) and written for every additional host.
    package static let sharedKeys = ["OVEHOSTED_CORE/deployProceed", "OVEHOSTED_CORE/confirmSettings", adminPasswordKey]
    /// Where hosted-engine 3.4 writes its answer file on a host; an additional host needs the first host's.
    package static let firstHostAnswerFile = "/etc/ovirt-hosted-engine/answers.conf"
    /// vdsm's sanlock host ids run from 1 to 250; 1 is the first host's.
    package static let hostIDRange = 2...250

    package struct Host: Sendable, Equatable {
        /// How to reach it: the first host's login with this host (and the user or port its entry names).
        package var login: TargetLogin
        package var hostID: Int
        /// Its name in the Administrator Portal (`OVEHOSTED_ENGINE/appHostName`, `hosted_engine_N`).
        package var appHostName: String
        package var name: String { login.host ?? "" }
    }

    package struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        package var key: String
        package var message: String
        package var description: String { "\(key): \(message)" }
    }

    package var hosts: [Host]

    /// Reads the three answers (any may be missing: no additional hosts). `firstLogin` is the first host's
    /// `TargetLogin`, whose user, port and key the additional hosts share unless an entry names its own.
    package init(value: (String) -> OtopiValue?, firstLogin: TargetLogin) throws(Problem) {
        func words(_ key: String) -> [String] {
            guard let v = value(key), !v.isNone else { return [] }
            return v.displayText.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "\t" }).map(String.init)
        }
        let entries = words(Self.hostsKey)
        if let problem = Self.hostsProblem(entries, firstHost: firstLogin.host) { throw Problem(key: Self.hostsKey, message: problem) }
        let idWords = words(Self.hostIDsKey)
        let ids: [Int]
        if idWords.isEmpty && value(Self.hostIDsKey) == nil {
            ids = Self.defaultIDs(count: entries.count)
        } else {
            if let problem = Self.idsProblem(idWords, hostCount: entries.count) { throw Problem(key: Self.hostIDsKey, message: problem) }
            ids = idWords.compactMap { Int($0) }
        }
        let nameWords = words(Self.hostNamesKey)
        let names: [String]
        if nameWords.isEmpty && value(Self.hostNamesKey) == nil {
            names = ids.map(Self.defaultName)
        } else {
            if let problem = Self.namesProblem(nameWords, hostCount: entries.count) { throw Problem(key: Self.hostNamesKey, message: problem) }
            names = nameWords
        }
        hosts = zip(entries, zip(ids, names)).map { entry, idName in
            let target = Self.parseEntry(entry)!
            var login = firstLogin.reaching(target.host)
            if let user = target.user { login.user = user }
            if let port = target.port { login.port = port }
            return Host(login: login, hostID: idName.0, appHostName: idName.1)
        }
    }

    package static func defaultIDs(count: Int) -> [Int] { (0..<count).map { $0 + 2 } }
    package static func defaultName(_ id: Int) -> String { "hosted_engine_\(id)" }

    // MARK: - the answers' rules

    /// `[user@]host[:port]`; nil when it is not one.
    package static func parseEntry(_ entry: String) -> (user: String?, host: String, port: Int?)? {
        var rest = Substring(entry)
        var user: String?
        if let at = rest.lastIndex(of: "@") {
            user = String(rest[..<at])
            rest = rest[rest.index(after: at)...]
            guard !user!.isEmpty else { return nil }
        }
        var port: Int?
        var host: String
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let p = Int(after.dropFirst()) else { return nil }
                port = p
            }
        } else if rest.filter({ $0 == ":" }).count == 1, let colon = rest.firstIndex(of: ":") {
            host = String(rest[..<colon])
            guard let p = Int(rest[rest.index(after: colon)...]) else { return nil }
            port = p
        } else {
            host = String(rest)
        }
        if let port, !(1...65535).contains(port) { return nil }
        if case .error = Validators.hostAddress(host) { return nil }
        return (user, host, port)
    }

    /// Why the hosts answer cannot be used; nil when it can (empty: no additional hosts).
    package static func hostsProblem(_ entries: [String], firstHost: String?) -> String? {
        var seen: Set<String> = []
        for entry in entries {
            guard let target = parseEntry(entry) else {
                return "\(entry) is not a host name or address, optionally as user@host:port"
            }
            let key = target.host.lowercased()
            if let firstHost, key == firstHost.lowercased() {
                return "\(target.host) is the first host (Host ID 1); name only the additional hosts"
            }
            if !seen.insert(key).inserted { return "\(target.host) is named twice" }
        }
        return nil
    }

    /// hosted-engine's Host ID rules (`OVEHOSTED_HOST_ID`), applied to every additional host at once: an integer,
    /// not the first host's 1, not used twice; vdsm's sanlock takes no id above 250.
    package static func idsProblem(_ words: [String], hostCount: Int) -> String? {
        var seen: Set<Int> = []
        for word in words {
            guard let id = Int(word) else { return "Invalid value for Host ID: must be integer (\(word))" }
            if id == 1 { return "Cannot use the same ID used by first host (1)" }
            guard hostIDRange.contains(id) else { return "Invalid value for Host ID: \(id) (vdsm takes host ids \(hostIDRange.lowerBound)-\(hostIDRange.upperBound) here)" }
            if !seen.insert(id).inserted { return "Invalid value for Host ID: already used (\(id) is given twice)" }
        }
        if words.count != hostCount {
            return "\(words.count) Host IDs for \(hostCount) additional host\(hostCount == 1 ? "" : "s"): give one per host, in the same order"
        }
        return nil
    }

    package static func namesProblem(_ words: [String], hostCount: Int) -> String? {
        var seen: Set<String> = []
        for word in words where !seen.insert(word).inserted { return "\(word) is given twice: the engine needs one name per host" }
        if words.count != hostCount {
            return "\(words.count) names for \(hostCount) additional host\(hostCount == 1 ? "" : "s"): give one per host, in the same order"
        }
        return nil
    }

    // MARK: - what each host receives

    /// The lines an additional host's answer file gets besides the first host's answers.conf: hosted-engine's
    /// additional-host keys, its Host ID and name, and what was answered once for every host (`shared`: the
    /// first host's answers of `sharedKeys`). `reDeployment`: the host's earlier run was interrupted, so its
    /// Host ID is already in the storage's metadata (hosted-engine would otherwise ask).
    package static func additions(for host: Host, shared: (String) -> OtopiValue?, reDeployment: Bool = false) -> [String: OtopiValue] {
        var out: [String: OtopiValue] = [:]
        for key in sharedKeys { if let v = shared(key), !v.isNone { out[key] = v } }
        out["OVEHOSTED_CORE/deployProceed"] = .bool(true)
        out["OVEHOSTED_CORE/confirmSettings"] = .bool(true)
        // Run over SSH without screen, hosted-engine would stop to ask "Do you want to continue anyway?".
        out["OVEHOSTED_CORE/screenProceed"] = .bool(true)
        out[isAdditionalHostKey] = .bool(true)
        out[hostIDKey] = .int(host.hostID)
        out[appHostNameKey] = .string(host.appHostName)
        if reDeployment { out[reDeploymentKey] = .bool(true) }
        return out
    }

    /// The additions as answer-file lines (`KEY=TYPE:VALUE`, sorted), secrets masked: what the preview shows.
    package static func maskedLines(for host: Host, shared: (String) -> OtopiValue?) -> [String] {
        additions(for: host, shared: shared).sorted { $0.key < $1.key }.map { key, value in
            key == adminPasswordKey ? "\(key)=str:\(Secrets.mask)" : "\(key)=\(value.typeName):\(value.displayText)"
        }
    }
}
