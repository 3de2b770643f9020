import OtopiKit

/// How the wizard reaches its target host: the `OVIRT_WIZARD/host`, `sshUser`, `sshPort` and `sshIdentity`
/// answers, and how a login user other than root becomes root (`become`, `sudoPasswordIsLoginPassword`).
/// This is the only parser of those keys, so a port means the same in the wizard, in `apply` and in
/// `export-domain`: `int:` or `str:`, 1-65535.
package struct TargetLogin: Sendable, Equatable {
    package static let hostKey = "OVIRT_WIZARD/host"
    package static let userKey = "OVIRT_WIZARD/sshUser"
    package static let portKey = "OVIRT_WIZARD/sshPort"
    package static let identityKey = "OVIRT_WIZARD/sshIdentity"
    /// `none` (the login user is root), `sudo` (without a password) or `sudo-password`.
    package static let becomeKey = "OVIRT_WIZARD/become"
    /// With `sudo-password`: the sudo password is the SSH login password (asked once, for both).
    package static let sudoPasswordIsLoginPasswordKey = "OVIRT_WIZARD/sudoPasswordIsLoginPassword"
    package static let keys = [hostKey, userKey, portKey, identityKey, becomeKey, sudoPasswordIsLoginPasswordKey]

    /// How the steps that need root become root. The sudo password itself is never an answer: it is asked when
    /// the plan runs and kept in memory only.
    package enum Become: Sendable, Equatable {
        /// The login user is root (or the plan needs no root).
        case none
        /// `sudo` without a password (NOPASSWD).
        case sudo
        /// `sudo` with the login user's password; `sameAsLogin`: the SSH login password is used.
        case sudoPassword(sameAsLogin: Bool)

        /// The word of `OVIRT_WIZARD/become`.
        package var word: String {
            switch self {
            case .none: return "none"
            case .sudo: return "sudo"
            case .sudoPassword: return "sudo-password"
            }
        }
    }

    /// Nil for flows that name their hosts elsewhere (gluster: one login for every host of the volume).
    package var host: String?
    package var user: String?
    package var port: Int?
    /// A private key file to try first.
    package var identity: String?
    package var become: Become = .none

    package struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        package var key: String
        package var value: String
        package var reason: String
        package var description: String { "\(key)=\(value) \(reason)" }
    }

    package init(host: String? = nil, user: String? = nil, port: Int? = nil, identity: String? = nil, become: Become = .none) {
        self.host = host
        self.user = user
        self.port = port
        self.identity = identity
        self.become = become
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

    /// From any source of answers (the platform flow reads its engine host's login through this).
    package init(value: (String) -> OtopiValue?) throws(Problem) {
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
        switch try text(Self.becomeKey)?.lowercased() {
        case nil, "none"?: become = .none
        case "sudo"?: become = .sudo
        case "sudo-password"?:
            let same: Bool
            switch value(Self.sudoPasswordIsLoginPasswordKey) {
            case nil, .none?: same = false
            case .bool(let b)?: same = b
            case let other?:
                throw Problem(key: Self.sudoPasswordIsLoginPasswordKey, value: "\(other.typeName):\(other.displayText)", reason: "is not a yes/no answer (use bool:True or bool:False)")
            }
            become = .sudoPassword(sameAsLogin: same)
        case let word?:
            throw Problem(key: Self.becomeKey, value: word, reason: "is not a way to become root (none, sudo or sudo-password)")
        }
        if let p = try text(Self.portKey) {
            guard let n = Int(p), (1...65535).contains(n) else {
                throw Problem(key: Self.portKey, value: p, reason: "is not a port number (1-65535)")
            }
            port = n
        }
    }
}
