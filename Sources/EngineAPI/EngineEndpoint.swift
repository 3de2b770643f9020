/// Where an engine answers: its FQDN (the name its certificate must carry), the HTTPS port, and optionally an
/// address to connect to instead of resolving the FQDN (the certificate is still verified against the FQDN).
package struct EngineEndpoint: Sendable, Equatable {
    package var fqdn: String
    package var port: Int
    package var address: String?

    package init(fqdn: String, port: Int = 443, address: String? = nil) {
        self.fqdn = fqdn
        self.port = port
        self.address = address
    }

    /// `https://FQDN[:PORT]`.
    package var origin: String { port == 443 ? "https://\(fqdn)" : "https://\(fqdn):\(port)" }

    /// The API root of both versions (3.4 also serves `/api`, 4.x only this one).
    package static let apiRoot = "/ovirt-engine/api"

    /// For messages: the FQDN, with the address when one is given.
    package var described: String {
        let hostPort = port == 443 ? fqdn : "\(fqdn):\(port)"
        return address.map { "\(hostPort) (at \($0))" } ?? hostPort
    }
}
