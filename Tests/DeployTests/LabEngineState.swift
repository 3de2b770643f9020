import EngineAPI
import Foundation
import LabHosts

/// What the deployment tests read from the fake engine, over its own CA: the requests it recorded and a session as
/// its admin (the state `engine status` would show).
extension LabEngine {
    var pinnedCA: EngineCA {
        get throws { try EngineCA(pem: String(contentsOfFile: caPath, encoding: .utf8), source: caPath) }
    }

    var endpoint: EngineEndpoint { EngineEndpoint(fqdn: fqdn, port: port, address: address) }

    /// `GET /__fixture/state`: logins, requests, refused bodies.
    func recorded() async throws -> [String: Any] {
        let transport = EngineTransport(endpoint: endpoint, ca: try pinnedCA)
        let response: EngineResponse
        do { response = try await transport.send(.GET, "/__fixture/state") } catch {
            await transport.shutdown()
            throw error
        }
        await transport.shutdown()
        return (try JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any] ?? [:]
    }

    func adminSession() async throws -> EngineSession {
        try await EngineSession.open(endpoint, ca: try pinnedCA, credentials: EngineCredentials(user: user, password: EnginePassword(password)))
    }
}
