import OtopiKit

/// How the wizard reaches its target host: the `OVIRT_WIZARD/host`, `sshUser`, `sshPort` and `sshIdentity`
/// answers. This is the only parser of those keys, so a port means the same in the wizard, in `apply` and in
/// `export-domain`: `int:` or `str:`, 1-65535.
package struct TargetLogin: Sendable, Equatable {
    package static let hostKey = "OVIRT_WIZARD/host"
    package static let userKey = "OVIRT_WIZARD/sshUser"
    package static let portKey = "OVIRT_WIZARD/sshPort"
    package static let identityKey = "OVIRT_WIZARD/sshIdentity"
    package static let keys = [hostKey, userKey, portKey, identityKey]

    /// Nil for flows that name their hosts elsewhere (gluster: one login for every host of the volume).
    package var host: String?
    package var user: String?
    package var port: Int?
    /// A private key file to try first.
    package var identity: String?

    package struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        package var key: String
        package var value: String
        package var reason: String
        package var description: String { "\(key)=\(value) \(reason)" }
    }

    package init(host: String? = nil, user: String? = nil, port: Int? = nil, identity: String? = nil) {
        self.host = host
        self.user = user
        self.port = port
        self.identity = identity
    }

    /// From the wizard's answers (a session).
    package init(answers: Answers) throws(Problem) {
        try self.init { answers[$0]?.value }
    }

    /// From a loaded answer file.
    package init(environment: OtopiEnvironment) throws(Problem) {
        try self.init { environment[$0]?.value }
    }

    /// The same login, to another host (gluster: every host of the plan).
    package func reaching(_ host: String) -> TargetLogin {
        var login = self
        login.host = host
        return login
    }

    private init(value: (String) -> OtopiValue?) throws(Problem) {
        func text(_ key: String) throws(Problem) -> String? {
            switch value(key) {
            case nil, .none?: return nil
            case .string(let s)?: return s.isEmpty ? nil : s
            case .int(let i)?: return String(i)
            case let other?:
                throw Problem(key: key, value: "\(other.typeName):\(other.displayText)", reason: "is not a text (use str:)")
            }
        }
        host = try text(Self.hostKey)
        user = try text(Self.userKey)
        identity = try text(Self.identityKey)
        if let p = try text(Self.portKey) {
            guard let n = Int(p), (1...65535).contains(n) else {
                throw Problem(key: Self.portKey, value: p, reason: "is not a port number (1-65535)")
            }
            port = n
        }
    }
}
