import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// Fetches the CA the engine publishes at its pki-resource. This one download cannot verify anything (the CA is
/// what verification needs), so its result is only a candidate: the caller shows its SHA-256 fingerprint and pins
/// it only when the operator accepts it (or it matches a fingerprint the operator gave, e.g. the one engine-setup
/// printed). API calls never use this client.
package enum EngineCAFetch {
    package static let path = "/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA"

    package static func candidate(_ endpoint: EngineEndpoint) async throws -> EngineCA {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                configuration: EngineTransport.configuration(tls: tls, endpoint: endpoint))
        var request = HTTPClientRequest(url: endpoint.origin + path)
        request.method = .GET
        let text: String
        let status: Int
        do {
            let response = try await client.execute(request, timeout: .seconds(60))
            status = Int(response.status.code)
            text = String(buffer: try await response.body.collect(upTo: 1 << 20))
            try? await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw EngineError.unreachable(endpoint: endpoint.described, reason: "fetching its CA: \(error)")
        }
        guard status == 200 else {
            throw EngineError.notAnEngine(endpoint: endpoint.described, reason: "its CA at \(path) answered HTTP \(status)")
        }
        return try EngineCA(pem: text, source: "\(endpoint.origin)\(path)")
    }
}
