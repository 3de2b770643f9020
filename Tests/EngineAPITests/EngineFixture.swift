import EngineAPI
import Foundation
import LabHosts
import NIOHTTP1

/// Helpers around the fake engine (`LabEngine`): its endpoint, its CA as a client pins it, a logged-in session,
/// and the fixture's own record of what it received.
enum EngineFixture {
    static func endpoint(_ engine: LabEngine) -> EngineEndpoint {
        EngineEndpoint(fqdn: engine.fqdn, port: engine.port, address: engine.address)
    }

    static func ca(_ engine: LabEngine, foreign: Bool = false) throws -> EngineCA {
        let path = foreign ? engine.foreignCAPath : engine.caPath
        return try EngineCA(pem: String(contentsOfFile: path, encoding: .utf8), source: path)
    }

    static func credentials(_ engine: LabEngine, password: String? = nil) -> EngineCredentials {
        EngineCredentials(user: engine.user, password: EnginePassword(password ?? engine.password))
    }

    static func open(_ engine: LabEngine) async throws -> EngineSession {
        try await EngineSession.open(endpoint(engine), ca: ca(engine), credentials: credentials(engine))
    }

    /// What the fixture recorded: logins, logouts, tokens, refused bodies, requests (`GET /__fixture/state`,
    /// read over the same pinned TLS; `pinning` picks the CA when the server's certificate is signed by another).
    static func record(_ engine: LabEngine, foreignCA: Bool = false) async throws -> [String: Any] {
        let transport = EngineTransport(endpoint: endpoint(engine), ca: try ca(engine, foreign: foreignCA))
        let response: EngineResponse
        do {
            response = try await transport.send(.GET, "/__fixture/state")
        } catch {
            await transport.shutdown()
            throw error
        }
        await transport.shutdown()
        return (try JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any] ?? [:]
    }

    static func count(_ record: [String: Any], _ key: String) -> Int { record[key] as? Int ?? -1 }

    /// Polls a host (each API request advances the fixture's clock one tick) until it leaves the install states.
    static func waitForHost(_ session: EngineSession, id: String, limit: Int = 30) async throws -> EngineHost {
        var host = try await session.host(id: id)
        var polls = 0
        while ["installing", "initializing", "reboot", "connecting"].contains(host.status ?? ""), polls < limit {
            host = try await session.host(id: id)
            polls += 1
        }
        return host
    }
}

extension LabEngine.API: CustomStringConvertible {
    public var description: String { rawValue }
}
