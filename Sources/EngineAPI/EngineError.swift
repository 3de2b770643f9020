/// A fault the engine returned: its own reason and detail (and, when the detail says nothing, the text of the
/// error events the engine logged for the request), with the request it answered.
package struct EngineFault: Error, Sendable, Equatable, CustomStringConvertible {
    /// `POST /ovirt-engine/api/hosts`.
    package var operation: String
    package var httpStatus: Int
    package var reason: String
    package var detail: String
    /// Descriptions of warning/error events logged after the request (e.g. code 996, the VDSM reason).
    package var events: [String] = []

    package init(operation: String, httpStatus: Int, reason: String, detail: String, events: [String] = []) {
        self.operation = operation
        self.httpStatus = httpStatus
        self.reason = reason
        self.detail = detail
        self.events = events
    }

    /// True when the detail carries no message (3.4 answers `[]` for several storage failures).
    package var detailIsEmpty: Bool {
        let d = detail.trimmingCharacters(in: .whitespacesAndNewlines)
        return d.isEmpty || d == "[]"
    }

    package var description: String {
        var text = "\(operation): the engine refused it: \(reason)"
        if !detailIsEmpty { text += ": " + detail }
        if !events.isEmpty { text += " (engine events: " + events.joined(separator: "; ") + ")" }
        else if detailIsEmpty { text += " (the engine gave no detail and logged no event about it)" }
        return text + " [HTTP \(httpStatus)]"
    }
}

/// Everything the engine client can fail with. Messages name the engine and never hold the password.
package enum EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No HTTPS connection (refused, timed out, name not resolved).
    case unreachable(endpoint: String, reason: String)
    /// The TLS peer is not the pinned engine (another CA, another name).
    case untrusted(endpoint: String, reason: String)
    /// Something answers, but not an engine this client can talk to (health, API version).
    case notAnEngine(endpoint: String, reason: String)
    /// The engine refused the login.
    case authentication(endpoint: String, user: String, reason: String)
    /// A request the engine refused with a fault.
    case fault(EngineFault)
    /// A response this client cannot read.
    case unexpected(operation: String, reason: String)

    package var description: String {
        switch self {
        case let .unreachable(endpoint, reason): return "engine \(endpoint) cannot be reached: \(reason)"
        case let .untrusted(endpoint, reason): return "engine \(endpoint) is not trusted: \(reason); nothing was sent"
        case let .notAnEngine(endpoint, reason): return "engine \(endpoint): \(reason)"
        case let .authentication(endpoint, user, reason): return "engine \(endpoint) refused the login of \(user): \(reason)"
        case let .fault(fault): return fault.description
        case let .unexpected(operation, reason): return "\(operation): unexpected answer: \(reason)"
        }
    }

    /// The same error with every occurrence of `secret` replaced by the mask (defence in depth: an engine or a
    /// proxy that echoes a request back must not put the password into a message).
    func redacting(_ secret: String) -> EngineError {
        guard !secret.isEmpty else { return self }
        func r(_ s: String) -> String { s.replacingOccurrences(of: secret, with: EnginePassword.mask) }
        switch self {
        case let .unreachable(e, reason): return .unreachable(endpoint: e, reason: r(reason))
        case let .untrusted(e, reason): return .untrusted(endpoint: e, reason: r(reason))
        case let .notAnEngine(e, reason): return .notAnEngine(endpoint: e, reason: r(reason))
        case let .authentication(e, user, reason): return .authentication(endpoint: e, user: user, reason: r(reason))
        case var .fault(fault):
            fault.reason = r(fault.reason)
            fault.detail = r(fault.detail)
            fault.events = fault.events.map(r)
            return .fault(fault)
        case let .unexpected(operation, reason): return .unexpected(operation: r(operation), reason: r(reason))
        }
    }
}

/// The admin password: kept out of every description, interpolation and dump.
package struct EnginePassword: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The same mask `OtopiKit.Secrets.mask` shows (EngineAPI does not depend on OtopiKit).
    package static let mask = "********"
    let value: String
    package init(_ value: String) { self.value = value }
    package var description: String { Self.mask }
    package var debugDescription: String { Self.mask }
    package var customMirror: Mirror { Mirror(self, children: []) }
    package var isEmpty: Bool { value.isEmpty }
}

/// Who logs in: `admin@internal` (or `admin@ovirt@internalsso` on a 4.5 engine with Keycloak) and the password.
package struct EngineCredentials: Sendable {
    package var user: String
    package var password: EnginePassword
    package init(user: String, password: EnginePassword) {
        self.user = user
        self.password = password
    }
}
