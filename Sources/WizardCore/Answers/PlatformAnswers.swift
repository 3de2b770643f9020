import Foundation
import OtopiKit

/// The answers of the platform flow (`Screens/platform-*.yaml`, keys `PLATFORM/…`): the engine to talk to, the
/// hosts it adds and the storage domains it creates, as the seed's chapter 13 does by hand. The one parser of
/// that contract (notes/platform-contract.md): the flow's tests, `plan` and `apply` all read the file through it.
/// Pure apart from `loadingEngineAnswers`, which reads the engine's own answer file when it is named.
package struct PlatformAnswers: Sendable, Equatable {
    package static let flowID = "platform"
    package static let engineAnswerFileKey = "PLATFORM/engineAnswerFile"
    package static let engineFQDNKey = "PLATFORM/engineFQDN"
    package static let enginePortKey = "PLATFORM/enginePort"
    package static let adminUserKey = "PLATFORM/adminUser"
    package static let adminPasswordKey = "PLATFORM/adminPassword"
    package static let dataCenterKey = "PLATFORM/dataCenter"
    package static let clusterKey = "PLATFORM/cluster"
    package static let clusterCPUKey = "PLATFORM/clusterCPU"
    package static let hostsKey = "PLATFORM/hosts"
    package static let hostNamesKey = "PLATFORM/hostNames"
    package static let hostAuthKey = "PLATFORM/hostAuth"
    package static let hostRootPasswordKey = "PLATFORM/hostRootPassword"
    package static let dataDomainTypeKey = "PLATFORM/dataDomainType"
    package static let dataDomainNameKey = "PLATFORM/dataDomainName"
    package static let dataDomainPathKey = "PLATFORM/dataDomainPath"
    package static let isoDomainNameKey = "PLATFORM/isoDomainName"
    package static let isoDomainPathKey = "PLATFORM/isoDomainPath"
    package static let exportDomainNameKey = "PLATFORM/exportDomainName"
    package static let exportDomainPathKey = "PLATFORM/exportDomainPath"
    package static let confirmSettingsKey = "PLATFORM/confirmSettings"
    package static let secretKeys: Set<String> = [adminPasswordKey, hostRootPasswordKey]

    /// Where the engine's own answer file keeps what this flow would otherwise ask (engine-setup, hosted-engine).
    package static let engineFileFQDNKeys = ["OVESETUP_CONFIG/fqdn", "OVEHOSTED_NETWORK/fqdn"]
    package static let engineFilePasswordKeys = ["OVESETUP_CONFIG/adminPassword", "OVEHOSTED_ENGINE/adminPassword"]

    /// A password from the answers: printed masked everywhere; only the engine client reads `value`.
    package struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
        package let value: String
        package init(_ value: String) { self.value = value }
        package var description: String { Secrets.mask }
        package var debugDescription: String { "Secret(\(Secrets.mask))" }
    }

    package struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        package var key: String
        package var message: String
        package init(key: String, message: String) {
            self.key = key
            self.message = message
        }
        package var description: String { "\(key): \(message)" }
    }

    /// How the engine logs in to a host it adds (as root over SSH).
    package enum HostAuth: String, Sendable, Equatable, CaseIterable {
        /// The wizard puts the engine's SSH public key into root's authorized_keys first.
        case sshKey = "sshkey"
        /// The engine is given root's password.
        case password
    }

    package struct Host: Sendable, Equatable {
        /// The address the engine reaches the host at (the host part of the entry).
        package var address: String
        /// Its name in the engine.
        package var name: String
        /// How the wizard itself reaches it (the engine host's login, with the entry's user and port if any).
        package var login: TargetLogin
    }

    package enum DomainType: String, Sendable, Equatable, CaseIterable {
        case glusterfs
        case nfs
    }

    /// What a storage domain is for in the data center (the engine's `<type>`).
    package enum DomainRole: String, Sendable, Equatable {
        case data
        case iso
        case export
    }

    package struct StorageDomain: Sendable, Equatable {
        package var role: DomainRole
        package var name: String
        package var storageType: DomainType
        /// The NFS or Gluster server.
        package var server: String
        /// The export's path (NFS) or `/volume` (Gluster), as the engine takes it after `server:`.
        package var path: String
        package var connection: String { "\(server):\(path)" }
        /// The export domain made by `export-domain create` already holds its metadata: imported, never formatted.
        package var isImported: Bool { role == .export }
    }

    package var flowVersion: String
    /// The engine's own host (where its CA is read, over SSH, host key verified).
    package var engineLogin: TargetLogin
    package var engineAnswerFile: String?
    package var engineFQDN: String
    package var enginePort: Int
    package var adminUser: String
    package var adminPassword: Secret
    package var dataCenter: String
    package var cluster: String
    /// Nil: the cluster's CPU is left as it is.
    package var clusterCPU: String?
    package var hosts: [Host]
    package var hostAuth: HostAuth
    /// Only with `hostAuth == .password`.
    package var hostRootPassword: Secret?
    /// Data first, then ISO, then the imported export domain: the order they are created and attached in.
    package var domains: [StorageDomain]
    package var confirmed: Bool

    package var dataDomain: StorageDomain { domains[0] }
    /// The NFS/Gluster servers whose exports are checked before anything is sent (36:36, empty), in domain order.
    package var storageServers: [String] {
        var seen: Set<String> = []
        return domains.map(\.server).filter { seen.insert($0.lowercased()).inserted }
    }

    /// From a loaded answer file; the engine's answer file it names is read only when a value is left to it.
    package static func loadingEngineAnswers(_ environment: OtopiEnvironment) throws(Problem) -> PlatformAnswers {
        let value: (String) -> OtopiValue? = { environment[$0]?.value }
        var engineValues: ((String) -> OtopiValue?)?
        if let path = optionalText(value(engineAnswerFileKey)), needsEngineFile(value) {
            do {
                let file = try AnswerFile.load(path: path)
                let env = OtopiEnvironment(files: [file])
                engineValues = { env[$0]?.value }
            } catch {
                throw Problem(key: engineAnswerFileKey, message: "\(path) cannot be read as an answer file: \(error.description)")
            }
        }
        return try PlatformAnswers(value: value, engineAnswers: engineValues)
    }

    /// `value` reads this flow's answers; `engineAnswers`, when given, the engine's answer file (for the admin
    /// password and FQDN left to it: never asked twice).
    package init(value: (String) -> OtopiValue?, engineAnswers: ((String) -> OtopiValue?)? = nil) throws(Problem) {
        func required(_ key: String) throws(Problem) -> String {
            guard let text = Self.optionalText(value(key)) else {
                throw Problem(key: key, message: "is not answered (run: ovirt-wizard plain --flow platform --answers FILE)")
            }
            return text
        }
        func check(_ key: String, _ problem: String?) throws(Problem) {
            if let problem { throw Problem(key: key, message: problem) }
        }

        flowVersion = Self.optionalText(value(AnswerFileContract.flowVersionKey)) ?? ""
        do {
            engineLogin = try TargetLogin(value: value)
        } catch {
            throw Problem(key: error.key, message: "\(error.value) \(error.reason)")
        }
        guard engineLogin.host != nil else {
            throw Problem(key: TargetLogin.hostKey, message: "is not answered: the engine's host (its CA is read there over SSH)")
        }
        engineAnswerFile = Self.optionalText(value(Self.engineAnswerFileKey))

        if let fqdn = Self.optionalText(value(Self.engineFQDNKey)) {
            engineFQDN = fqdn
        } else if let fqdn = Self.firstText(Self.engineFileFQDNKeys, in: engineAnswers) {
            engineFQDN = fqdn
        } else {
            throw Problem(key: Self.engineFQDNKey, message: engineAnswerFile.map { "is not answered, and \($0) gives no \(Self.engineFileFQDNKeys.joined(separator: " or "))" } ?? "is not answered")
        }
        try check(Self.engineFQDNKey, Self.fqdnProblem(engineFQDN))

        switch value(Self.enginePortKey) {
        case nil, .none?: enginePort = 443
        case .int(let n)?: enginePort = n
        case .string(let s)? where Int(s) != nil: enginePort = Int(s)!
        case let other?: throw Problem(key: Self.enginePortKey, message: "\(other.displayText) is not a port number (1-65535)")
        }
        guard (1...65535).contains(enginePort) else {
            throw Problem(key: Self.enginePortKey, message: "\(enginePort) is not a port number (1-65535)")
        }

        adminUser = try required(Self.adminUserKey)
        try check(Self.adminUserKey, Self.adminUserProblem(adminUser))
        if let typed = Self.secretText(value(Self.adminPasswordKey)) {
            adminPassword = Secret(typed)
        } else if let fromFile = Self.firstText(Self.engineFilePasswordKeys, in: engineAnswers) {
            adminPassword = Secret(fromFile)
        } else {
            throw Problem(key: Self.adminPasswordKey, message: engineAnswerFile.map { "is not answered, and \($0) gives no \(Self.engineFilePasswordKeys.joined(separator: " or "))" } ?? "is not answered, and no engine answer file (\(Self.engineAnswerFileKey)) gives it")
        }

        dataCenter = try required(Self.dataCenterKey)
        try check(Self.dataCenterKey, Self.engineNameProblem(dataCenter, what: "data center"))
        cluster = try required(Self.clusterKey)
        try check(Self.clusterKey, Self.engineNameProblem(cluster, what: "cluster"))
        clusterCPU = Self.optionalText(value(Self.clusterCPUKey))

        let entries = Self.words(try required(Self.hostsKey))
        try check(Self.hostsKey, Self.hostsProblem(entries))
        let names = Self.words(try required(Self.hostNamesKey))
        try check(Self.hostNamesKey, Self.hostNamesProblem(names, hostCount: entries.count))
        let firstLogin = self.engineLogin
        hosts = zip(entries, names).map { entry, name in
            let target = HostedEngineAdditionalHosts.parseEntry(entry)!
            var login = firstLogin.reaching(target.host)
            if let user = target.user { login.user = user }
            if let port = target.port { login.port = port }
            return Host(address: target.host, name: name, login: login)
        }

        let authText = try required(Self.hostAuthKey)
        guard let auth = HostAuth(rawValue: authText.lowercased()) else {
            throw Problem(key: Self.hostAuthKey, message: "\(authText) is not sshkey or password")
        }
        hostAuth = auth
        let rootPassword = Self.secretText(value(Self.hostRootPasswordKey))
        switch auth {
        case .password:
            guard let rootPassword else {
                throw Problem(key: Self.hostRootPasswordKey, message: "is not answered, and \(Self.hostAuthKey) is password: the engine logs in to the hosts as root with it")
            }
            hostRootPassword = Secret(rootPassword)
        case .sshKey:
            hostRootPassword = nil
        }

        let typeText = try required(Self.dataDomainTypeKey)
        guard let type = DomainType(rawValue: typeText.lowercased()) else {
            throw Problem(key: Self.dataDomainTypeKey, message: "\(typeText) is not glusterfs or nfs")
        }
        var domains: [StorageDomain] = []
        func domain(_ role: DomainRole, type: DomainType, nameKey: String, pathKey: String, optional: Bool) throws(Problem) {
            let name: String
            if optional {
                guard let n = Self.optionalText(value(nameKey)), n.lowercased() != "none" else { return }
                name = n
            } else {
                name = try required(nameKey)
            }
            try check(nameKey, Self.domainNameProblem(name))
            if let other = domains.first(where: { $0.name.lowercased() == name.lowercased() }) {
                throw Problem(key: nameKey, message: "\(name) is already the name of the \(other.role.rawValue) domain: each storage domain needs its own name")
            }
            let pathText = try required(pathKey)
            guard let (server, path) = Self.splitConnection(pathText) else {
                throw Problem(key: pathKey, message: Self.connectionProblem(pathText) ?? "\(pathText) is not server:/path")
            }
            if let other = domains.first(where: { $0.connection == "\(server):\(path)" }) {
                throw Problem(key: pathKey, message: "\(pathText) is already the \(other.role.rawValue) domain's export: each domain needs its own")
            }
            domains.append(StorageDomain(role: role, name: name, storageType: type, server: server, path: path))
        }
        try domain(.data, type: type, nameKey: Self.dataDomainNameKey, pathKey: Self.dataDomainPathKey, optional: false)
        // The ISO and export domains are NFS exports in the seed (and on 3.4 must be: no Gluster ISO domains).
        try domain(.iso, type: .nfs, nameKey: Self.isoDomainNameKey, pathKey: Self.isoDomainPathKey, optional: true)
        try domain(.export, type: .nfs, nameKey: Self.exportDomainNameKey, pathKey: Self.exportDomainPathKey, optional: true)
        self.domains = domains
        confirmed = value(Self.confirmSettingsKey)?.boolValue == true
    }

    /// Whether a value this flow may leave to the engine's answer file is missing from the answers.
    static func needsEngineFile(_ value: (String) -> OtopiValue?) -> Bool {
        secretText(value(adminPasswordKey)) == nil || optionalText(value(engineFQDNKey)) == nil
    }

    // MARK: - the answers' rules (also the flow's validators)

    /// Words separated by spaces or commas (how the flow asks for lists).
    package static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" }).map(String.init)
    }

    /// The hosts to add: `[user@]host[:port]`, none twice, at least one.
    package static func hostsProblem(_ entries: [String]) -> String? {
        if entries.isEmpty { return "name at least one host to add" }
        var seen: Set<String> = []
        for entry in entries {
            guard let target = HostedEngineAdditionalHosts.parseEntry(entry) else {
                return "\(entry) is not a host name or address, optionally as user@host:port"
            }
            if !seen.insert(target.host.lowercased()).inserted { return "\(target.host) is named twice" }
        }
        return nil
    }

    /// One engine name per host, in the same order, none twice.
    package static func hostNamesProblem(_ names: [String], hostCount: Int) -> String? {
        var seen: Set<String> = []
        for name in names {
            if let problem = engineNameProblem(name, what: "host") { return problem }
            if !seen.insert(name.lowercased()).inserted { return "\(name) is given twice: the engine needs one name per host" }
        }
        if names.count != hostCount {
            return "\(names.count) names for \(hostCount) host\(hostCount == 1 ? "" : "s"): give one per host, in the same order"
        }
        return nil
    }

    /// The engine's rule for host, cluster and data center names (letters, digits, `-`, `_`, `.`; at most 255).
    package static func engineNameProblem(_ name: String, what: String) -> String? {
        if name.isEmpty { return "the \(what) needs a name" }
        if name.utf8.count > 255 { return "\(name) is longer than the engine's 255 characters for a \(what) name" }
        if !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
            return "\(name) is not a \(what) name the engine takes (letters, digits, '-', '_' and '.' only)"
        }
        return nil
    }

    /// The engine's rule for storage domain names: letters, digits, `-` and `_`, at most 50 characters.
    package static func domainNameProblem(_ name: String) -> String? {
        if name.utf8.count > 50 { return "\(name) is longer than the engine's 50 characters for a storage domain name" }
        if !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }) {
            return "\(name) is not a storage domain name the engine takes (letters, digits, '-' and '_' only)"
        }
        return nil
    }

    /// Why `server:/path` cannot be a domain's export; nil when it can.
    package static func connectionProblem(_ text: String) -> String? {
        guard let colon = text.firstIndex(of: ":") else { return "\(text) is not server:/path" }
        let server = String(text[..<colon])
        let path = String(text[text.index(after: colon)...])
        if case .error(let message) = Validators.hostAddress(server) { return "\(text): \(message)" }
        guard path.hasPrefix("/"), path.count > 1 else { return "\(text): the path after \(server): must be absolute (server:/path)" }
        if path.contains("//") || path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) {
            return "\(text): the path must be plain (no '//', '.' or '..')"
        }
        if path.contains(where: { $0.isWhitespace || $0 == "," }) { return "\(text): the path has a blank or a comma" }
        return nil
    }

    static func splitConnection(_ text: String) -> (String, String)? {
        guard connectionProblem(text) == nil, let colon = text.firstIndex(of: ":") else { return nil }
        var path = String(text[text.index(after: colon)...])
        if path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return (String(text[..<colon]), path)
    }

    /// The engine's FQDN is what its certificate names: a host name (no IP address).
    package static func fqdnProblem(_ name: String) -> String? {
        if Validators.isIPv4(name) || Validators.isIPv6(name) {
            return "\(name) is an IP address; the engine's certificate names its FQDN (reach another address with --engine-address)"
        }
        return Validators.isHostName(name) ? nil : "\(name) is not a host name"
    }

    /// `user@profile` (`admin@internal`; `admin@ovirt@internalsso` with Keycloak).
    package static func adminUserProblem(_ user: String) -> String? {
        guard let at = user.lastIndex(of: "@"), at != user.startIndex, user.index(after: at) != user.endIndex else {
            return "\(user) is not user@profile (admin@internal)"
        }
        return nil
    }

    /// A text answer; nil for a missing key, `none:None`, an empty text or the word "none".
    static func optionalText(_ value: OtopiValue?) -> String? {
        guard let value, !value.isNone else { return nil }
        let text = value.displayText.trimmingCharacters(in: .whitespaces)
        return text.isEmpty || text.lowercased() == "none" ? nil : text
    }

    /// A secret is taken as typed (a password may be the word "none"); only a missing, `none:None` or empty one is absent.
    static func secretText(_ value: OtopiValue?) -> String? {
        guard let value, !value.isNone, case .string(let s) = value, !s.isEmpty else { return nil }
        return s
    }

    static func firstText(_ keys: [String], in values: ((String) -> OtopiValue?)?) -> String? {
        guard let values else { return nil }
        for key in keys { if let text = secretText(values(key)) { return text } }
        return nil
    }
}
