import OtopiKit

/// How the wizard reaches its target host: the `OVIRT_WIZARD/host`, `sshUser`, `sshPort` and `sshIdentity`
/// answers. This is the only parser of those keys, so a port means the same in the wizard, in `apply` and in
/// `export-domain`: `int:` or `str:`, 1-65535.
public struct TargetLogin: Sendable, Equatable {
    public static let hostKey = "OVIRT_WIZARD/host"
    public static let userKey = "OVIRT_WIZARD/sshUser"
    public static let portKey = "OVIRT_WIZARD/sshPort"
    public static let identityKey = "OVIRT_WIZARD/sshIdentity"
    public static let keys = [hostKey, userKey, portKey, identityKey]

    /// Nil for flows that name their hosts elsewhere (gluster: one login for every host of the volume).
    public var host: String?
    public var user: String?
    public var port: Int?
    /// A private key file to try first.
    public var identity: String?

    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var key: String
        public var value: String
        public var reason: String
        public var description: String { "\(key)=\(value) \(reason)" }
    }

    public init(host: String? = nil, user: String? = nil, port: Int? = nil, identity: String? = nil) {
        self.host = host
        self.user = user
        self.port = port
        self.identity = identity
    }

    /// From the wizard's answers (a session).
    public init(answers: Answers) throws(Problem) {
        try self.init { answers[$0]?.value }
    }

    /// From a loaded answer file.
    public init(environment: OtopiEnvironment) throws(Problem) {
        try self.init { environment[$0]?.value }
    }

    /// The same login, to another host (gluster: every host of the plan).
    public func reaching(_ host: String) -> TargetLogin {
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
