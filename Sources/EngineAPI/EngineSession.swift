import Foundation
import NIOHTTP1
import Synchronization

/// Which REST API an engine speaks: v3 (oVirt 3.4) or v4 (oVirt 4.5).
package enum EngineAPIVersion: String, Sendable, Equatable, Codable {
    case v3
    case v4
}

/// A logged-in conversation with one engine: the API version detected (never assumed), the engine's own version,
/// and requests with the version's authentication. v3 (3.4): HTTP Basic once, then the persistent session
/// (`Prefer: persistent-auth`, the JSESSIONID cookie), ended by one request without `Prefer`. v4 (4.5): an SSO
/// token from `/ovirt-engine/sso/oauth/token` as `Bearer`, renewed once on a 401, revoked by `close()`.
package final class EngineSession: Sendable {
    package let transport: EngineTransport
    package let version: EngineAPIVersion
    /// The engine's `product_info` version, e.g. `3.4.0` or `4.5.6` (`full_version` when the engine gives it).
    package let productVersion: String
    package let productName: String
    let credentials: EngineCredentials
    let state: Mutex<State>

    struct State {
        var cookie: String?
        var token: String?
        var closed = false
        /// Requests sent, for tests and logs: method and path only (no header, no body).
        var sent: [String] = []
    }

    package var endpoint: EngineEndpoint { transport.endpoint }

    init(transport: EngineTransport, version: EngineAPIVersion, productVersion: String, productName: String,
         credentials: EngineCredentials, state: State) {
        self.transport = transport
        self.version = version
        self.productVersion = productVersion
        self.productName = productName
        self.credentials = credentials
        self.state = Mutex(state)
    }

    /// Checks the engine's health, detects the API version, logs in. On failure the transport is shut down.
    package static func open(_ endpoint: EngineEndpoint, ca: EngineCA, credentials: EngineCredentials) async throws -> EngineSession {
        let transport = EngineTransport(endpoint: endpoint, ca: ca)
        do {
            return try await openOn(transport, credentials: credentials)
        } catch let error as EngineError {
            await transport.shutdown()
            throw error.redacting(credentials.password.value)
        } catch {
            await transport.shutdown()
            throw error
        }
    }

    static func openOn(_ transport: EngineTransport, credentials: EngineCredentials) async throws -> EngineSession {
        let where_ = transport.endpoint.described
        // 1. The engine's own health page: "DB Up!Welcome to Health Status!" when it can serve the API.
        let health = try await transport.send(.GET, "/ovirt-engine/services/health")
        guard health.status == 200, health.body.hasPrefix("DB Up") else {
            let said = health.body.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200)
            throw EngineError.notAnEngine(endpoint: where_, reason: "its health page /ovirt-engine/services/health answered "
                + "HTTP \(health.status)\(said.isEmpty ? "" : ": \(said)") (the engine or its database is not up)")
        }
        // 2. Unauthenticated API root: the 401 challenge's realm tells the REST stack (ENGINE: 3.x, RESTAPI: 4.x).
        let challenge = try await transport.send(.GET, EngineEndpoint.apiRoot, headers: ["Accept": "application/xml"])
        let realm = challenge.headers.first(name: "WWW-Authenticate").flatMap(Self.realm)
        let guess: EngineAPIVersion
        switch (challenge.status, realm) {
        case (401, "ENGINE"): guess = .v3
        case (401, "RESTAPI"): guess = .v4
        default:
            throw EngineError.notAnEngine(endpoint: where_, reason: "\(EngineEndpoint.apiRoot) without credentials answered HTTP "
                + "\(challenge.status)\(realm.map { " realm \"\($0)\"" } ?? " without a Basic realm"); an oVirt engine asks for "
                + "credentials there (realm ENGINE on 3.x, RESTAPI on 4.x)")
        }
        // 3. Log in the way that version expects and read the API root: product_info/version with attributes is
        //    the v3 model, with child elements the v4 model.
        var state = State()
        if guess == .v4 { state.token = try await requestToken(transport, credentials: credentials) }
        let session = EngineSession(transport: transport, version: guess, productVersion: "", productName: "",
                                    credentials: credentials, state: state)
        let root = try await session.get(EngineEndpoint.apiRoot)
        guard root.name == "api", let versionNode = root.child("product_info")?.child("version") else {
            throw EngineError.notAnEngine(endpoint: where_, reason: "the API root has no product_info/version")
        }
        let model: EngineAPIVersion = versionNode.attributes["major"] != nil ? .v3 : .v4
        guard model == guess else {
            await session.close()
            throw EngineError.notAnEngine(endpoint: where_, reason: "the login realm says API \(guess.rawValue) but the API root "
                + "is in the \(model.rawValue) model; this engine version is not supported")
        }
        let product: String
        if model == .v3 {
            let a = versionNode.attributes
            product = root.value("product_info/full_version") ?? a["full_version"]
                ?? [a["major"], a["minor"], a["build"]].compactMap { $0 }.joined(separator: ".")
        } else {
            product = versionNode.value("full_version")
                ?? [versionNode.value("major"), versionNode.value("minor"), versionNode.value("build")].compactMap { $0 }.joined(separator: ".")
        }
        let name = root.value("product_info/name") ?? "oVirt Engine"
        let opened = EngineSession(transport: transport, version: model, productVersion: product, productName: name,
                                   credentials: credentials, state: session.state.withLock { $0 })
        return opened
    }

    static func realm(_ header: String) -> String? {
        guard let range = header.range(of: "realm=\"") else { return nil }
        let rest = header[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    // MARK: - v4 SSO

    /// `POST /ovirt-engine/sso/oauth/token`; `Accept` must be exactly `application/json`.
    static func requestToken(_ transport: EngineTransport, credentials: EngineCredentials) async throws -> String {
        let form = FormBody.encode([("grant_type", "password"), ("scope", "ovirt-app-api"),
                                    ("username", credentials.user), ("password", credentials.password.value)])
        let response = try await transport.send(.POST, "/ovirt-engine/sso/oauth/token", headers: [
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
        ], body: form)
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any]
        if response.status == 200, let token = json?["access_token"] as? String, !token.isEmpty { return token }
        // Two error shapes: {"error_code", "error": message} (API scope) or OAuth's {"error", "error_description"}.
        let message = (json?["error_code"] != nil ? json?["error"] as? String : json?["error_description"] as? String)
            ?? (json?["error"] as? String)
            ?? "HTTP \(response.status) from the SSO token endpoint"
        let code = (json?["error_code"] as? String) ?? (json?["error_description"] != nil ? json?["error"] as? String : nil)
        throw EngineError.authentication(endpoint: transport.endpoint.described, user: credentials.user,
                                         reason: message + (code.map { " (\($0))" } ?? ""))
    }

    // MARK: - Requests

    /// GET `path` (absolute, e.g. `/ovirt-engine/api/hosts`), the XML answer.
    package func get(_ path: String) async throws -> EngineXML {
        try await request(.GET, path, body: nil)
    }

    /// POST an XML body to `path`, the XML answer.
    package func post(_ path: String, _ body: EngineXML) async throws -> EngineXML {
        try await request(.POST, path, body: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body.rendered)
    }

    /// The requests sent so far (method and path), oldest first.
    package var sentRequests: [String] { state.withLock { $0.sent } }

    func request(_ method: HTTPMethod, _ path: String, body: String?) async throws -> EngineXML {
        do {
            return try await requestOnce(method, path, body: body, retried: false)
        } catch let error as EngineError {
            throw error.redacting(credentials.password.value)
        }
    }

    func requestOnce(_ method: HTTPMethod, _ path: String, body: String?, retried: Bool) async throws -> EngineXML {
        let operation = "\(method.rawValue) \(path)"
        let (closed, cookie, token) = state.withLock { s -> (Bool, String?, String?) in
            s.sent.append(operation)
            return (s.closed, s.cookie, s.token)
        }
        guard !closed else { throw EngineError.unexpected(operation: operation, reason: "the session was closed") }
        var headers = HTTPHeaders([("Accept", "application/xml")])
        if body != nil { headers.add(name: "Content-Type", value: "application/xml") }
        if let correlation = Self.correlationID { headers.add(name: "Correlation-Id", value: correlation) }
        switch version {
        case .v3:
            headers.add(name: "Prefer", value: "persistent-auth")
            if let cookie, !retried { headers.add(name: "Cookie", value: "JSESSIONID=\(cookie)") } else {
                headers.add(name: "Authorization", value: basicAuthorization)
            }
        case .v4:
            headers.add(name: "Version", value: "4")
            headers.add(name: "Authorization", value: "Bearer \(token ?? "")")
        }
        let response = try await transport.send(method, path, headers: headers, body: body)
        if version == .v3, let id = Self.sessionCookie(response.headers) { state.withLock { $0.cookie = id } }
        if response.status == 401 {
            guard !retried else {
                throw EngineError.authentication(endpoint: endpoint.described, user: credentials.user,
                                                 reason: Self.faultText(response.body) ?? "HTTP 401 on \(operation)")
            }
            // v3: the session ended (log in again with Basic); v4: the token expired (get a new one, once).
            if version == .v4 {
                let fresh = try await Self.requestToken(transport, credentials: credentials)
                state.withLock { $0.token = fresh }
            } else {
                state.withLock { $0.cookie = nil }
            }
            return try await requestOnce(method, path, body: body, retried: true)
        }
        return try Self.interpret(response, operation: operation)
    }

    var basicAuthorization: String {
        "Basic " + Data("\(credentials.user):\(credentials.password.value)".utf8).base64EncodedString()
    }

    static func sessionCookie(_ headers: HTTPHeaders) -> String? {
        for value in headers["Set-Cookie"] {
            guard let first = value.split(separator: ";").first else { continue }
            let pair = first.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces) == "JSESSIONID" { return String(pair[1]) }
        }
        return nil
    }

    /// A 2xx answer as XML; anything else as the engine's fault.
    static func interpret(_ response: EngineResponse, operation: String) throws -> EngineXML {
        let parsed = try? EngineXML.parse(response.body)
        if (200..<300).contains(response.status) {
            if response.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return EngineXML("empty") }
            guard let parsed else {
                throw EngineError.unexpected(operation: operation, reason: "HTTP \(response.status) with a body that is not XML")
            }
            // An action that failed comes back as <action> with status failed and a fault.
            if parsed.name == "action", let fault = parsed.child("fault"),
               (parsed.value("status") ?? parsed.value("status/state")) == "failed" {
                throw EngineError.fault(fault.asFault(operation: operation, status: response.status))
            }
            return parsed
        }
        if let parsed, parsed.name == "fault" {
            throw EngineError.fault(parsed.asFault(operation: operation, status: response.status))
        }
        if let parsed, parsed.name == "action", let fault = parsed.child("fault") {
            throw EngineError.fault(fault.asFault(operation: operation, status: response.status))
        }
        // Not a fault document (a proxy error page, say): its first text line, never the bare code alone.
        let text = response.body.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
        throw EngineError.fault(EngineFault(operation: operation, httpStatus: response.status,
                                            reason: HTTPResponseStatus(statusCode: response.status).reasonPhrase,
                                            detail: text.map { String($0.prefix(300)) } ?? ""))
    }

    static func faultText(_ body: String) -> String? {
        guard let xml = try? EngineXML.parse(body), xml.name == "fault" else { return nil }
        return [xml.value("reason"), xml.value("detail")].compactMap { $0 }.joined(separator: ": ")
    }

    /// Ends the session: v3 logs out with one request without `Prefer: persistent-auth`; v4 revokes the token at
    /// `/ovirt-engine/services/sso-logout`. Then closes the connections. Safe to call more than once.
    package func close() async {
        let (wasClosed, cookie, token) = state.withLock { s -> (Bool, String?, String?) in
            defer { s.closed = true }
            return (s.closed, s.cookie, s.token)
        }
        guard !wasClosed else { return }
        switch version {
        case .v3:
            if let cookie {
                _ = try? await transport.send(.GET, EngineEndpoint.apiRoot, headers: [
                    "Accept": "application/xml", "Cookie": "JSESSIONID=\(cookie)",
                ])
            }
        case .v4:
            if let token {
                _ = try? await transport.send(.POST, "/ovirt-engine/services/sso-logout", headers: [
                    "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
                ], body: FormBody.encode([("scope", "ovirt-app-api"), ("token", token)]))
            }
        }
        await transport.shutdown()
    }
}

extension EngineXML {
    func asFault(operation: String, status: Int) -> EngineFault {
        EngineFault(operation: operation, httpStatus: status, reason: value("reason") ?? "no reason given",
                    detail: value("detail") ?? "")
    }
}

/// `application/x-www-form-urlencoded` bodies.
enum FormBody {
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }
    static func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "" }
}
