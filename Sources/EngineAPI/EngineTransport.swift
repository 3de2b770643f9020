import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// One HTTP response as the client needs it.
package struct EngineResponse: Sendable {
    package var status: Int
    package var headers: HTTPHeaders
    package var body: String
}

/// HTTPS to one engine. Its only trust root is the pinned engine CA and it always verifies the certificate chain
/// and the FQDN (`.fullVerification`); there is no switch that turns this off.
package final class EngineTransport: Sendable {
    package let endpoint: EngineEndpoint
    package let ca: EngineCA
    let client: HTTPClient

    package init(endpoint: EngineEndpoint, ca: EngineCA) {
        self.endpoint = endpoint
        self.ca = ca
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(ca.certificates)
        tls.certificateVerification = .fullVerification
        client = HTTPClient(eventLoopGroupProvider: .singleton,
                            configuration: Self.configuration(tls: tls, endpoint: endpoint))
    }

    static func configuration(tls: TLSConfiguration, endpoint: EngineEndpoint) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(15), read: .seconds(120)))
        // Connect to the address, but verify the certificate (and send SNI) for the FQDN.
        if let address = endpoint.address { configuration.dnsOverride = [endpoint.fqdn: address] }
        return configuration
    }

    /// Sends one request; `path` starts with `/` and may carry a query. Transport failures (TLS, connection,
    /// timeouts) become `EngineError.unreachable` / `.untrusted` with a sentence that says what to check.
    package func send(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], body: String? = nil) async throws -> EngineResponse {
        var request = HTTPClientRequest(url: endpoint.origin + path)
        request.method = method
        request.headers = headers
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        do {
            let response = try await client.execute(request, timeout: .seconds(180))
            let bytes = try await response.body.collect(upTo: 64 << 20)
            return EngineResponse(status: Int(response.status.code), headers: response.headers,
                                  body: String(buffer: bytes))
        } catch {
            throw Self.describe(error, endpoint: endpoint, ca: ca, operation: "\(method.rawValue) \(path)")
        }
    }

    package func shutdown() async {
        try? await client.shutdown()
    }

    /// Turns a transport error into a sentence naming the engine and what to check.
    static func describe(_ error: Error, endpoint: EngineEndpoint, ca: EngineCA, operation: String) -> EngineError {
        let text = String(describing: error)
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return .untrusted(endpoint: endpoint.described,
                              reason: "its certificate is not issued to \(endpoint.fqdn) (connect by the FQDN the engine was set up with)")
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("certificate verify failed") {
            return .untrusted(endpoint: endpoint.described,
                              reason: "its certificate is not signed by the engine CA trusted for it (SHA256 \(ca.fingerprint))")
        }
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout: return .unreachable(endpoint: endpoint.described, reason: "the connection timed out")
            case .deadlineExceeded, .readTimeout:
                return .unreachable(endpoint: endpoint.described, reason: "\(operation) got no answer in time")
            default: break
            }
        }
        if text.contains("connectionRefused") || text.contains("Connection refused") {
            return .unreachable(endpoint: endpoint.described, reason: "the connection was refused (is the engine's web server running?)")
        }
        if text.contains("handshakeFailed") || text.contains("NIOSSL") {
            return .untrusted(endpoint: endpoint.described, reason: "the TLS handshake failed: \(text)")
        }
        return .unreachable(endpoint: endpoint.described, reason: "\(operation): \(text)")
    }
}
