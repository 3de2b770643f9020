import Crypto
import Foundation
import NIOSSL

/// The engine's certificate authority, the only trust anchor of every HTTPS call to that engine.
/// It comes from the engine host over the wizard's host-key-verified SSH connection, from a file the operator
/// gives, or from the engine's pki-resource after the operator accepted its fingerprint (see `EngineCAStore`).
package struct EngineCA: Sendable, Equatable {
    /// The PEM text as read (one or more certificates; `apache-ca.pem` may hold a chain).
    package let pem: String
    package let certificates: [NIOSSLCertificate]

    package struct Invalid: Error, CustomStringConvertible {
        package var source: String
        package var reason: String
        package var description: String { "\(source): not a CA certificate in PEM form (\(reason))" }
    }

    /// Parses PEM text; `source` names where it came from in messages.
    package init(pem: String, source: String) throws {
        guard pem.contains("-----BEGIN CERTIFICATE-----") else {
            throw Invalid(source: source, reason: "no -----BEGIN CERTIFICATE----- block")
        }
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))
        } catch {
            throw Invalid(source: source, reason: "\(error)")
        }
        guard !certificates.isEmpty else { throw Invalid(source: source, reason: "no certificate") }
        self.pem = pem
    }

    /// SHA-256 of the first certificate's DER bytes, as `AA:BB:…` (engine-setup 4.x prints
    /// `Internal CA fingerprint: SHA256: AA:BB:…` in its summary, the same form).
    package var fingerprint: String { Self.fingerprint(certificates[0]) }

    static func fingerprint(_ certificate: NIOSSLCertificate) -> String {
        let der = (try? certificate.toDERBytes()) ?? []
        return SHA256.hash(data: der).map { String(format: "%02X", $0) }.joined(separator: ":")
    }

    /// The first certificate's common name, for messages (`CN=…`; NIOSSL's description names it `common_name`).
    package var subject: String {
        let text = certificates[0].description
        guard let start = text.range(of: "common_name=") else { return text }
        let rest = text[start.upperBound...]
        return "CN=" + String(rest.prefix { $0 != ";" && $0 != ">" })
    }

    /// True when `text` names this CA's fingerprint: hex with or without colons, any case, an optional
    /// `SHA256:` prefix (as the operator copies it from engine-setup's summary).
    package func matches(fingerprint text: String) -> Bool {
        Self.normalized(text) == Self.normalized(fingerprint)
    }

    static func normalized(_ text: String) -> String {
        var t = text.trimmingCharacters(in: .whitespaces).uppercased()
        if t.hasPrefix("SHA256:") { t.removeFirst(7) }
        return t.filter { $0.isHexDigit }
    }

    package static func == (a: EngineCA, b: EngineCA) -> Bool { a.fingerprint == b.fingerprint }
}

/// Where pinned engine CAs are kept: the wizard's state, one `FQDN.pem` per engine in
/// `$XDG_STATE_HOME/ovirt-wizard/engine-ca/` (default `~/.local/state/ovirt-wizard/engine-ca/`), like
/// known_hosts for SSH. A pinned CA is never replaced silently: a different one is refused until the operator
/// removes the file.
package struct EngineCAStore: Sendable {
    package let directory: String

    package init(directory: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let directory {
            self.directory = directory
        } else if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            self.directory = state + "/ovirt-wizard/engine-ca"
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            self.directory = home + "/.local/state/ovirt-wizard/engine-ca"
        }
    }

    package func path(for fqdn: String) -> String { directory + "/" + fqdn.lowercased() + ".pem" }

    /// The pinned CA of `fqdn`, nil when none is pinned.
    package func pinned(_ fqdn: String) throws -> EngineCA? {
        let path = path(for: fqdn)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw EngineCA.Invalid(source: path, reason: "cannot be read")
        }
        return try EngineCA(pem: text, source: path)
    }

    package struct Conflict: Error, CustomStringConvertible {
        package var fqdn: String
        package var path: String
        package var pinned: String
        package var offered: String
        package var source: String

        package init(fqdn: String, path: String, pinned: String, offered: String, source: String) {
            self.fqdn = fqdn
            self.path = path
            self.pinned = pinned
            self.offered = offered
            self.source = source
        }

        package var description: String {
            "the CA \(source) (SHA256 \(offered)) is not the one pinned for \(fqdn) in \(path) (SHA256 \(pinned)); "
                + "if the engine was set up again, remove \(path) and pin its new CA"
        }
    }

    /// Pins `ca` for `fqdn` (0644 file in a 0700 folder); the same CA again is a no-op, another one a `Conflict`.
    package func pin(_ ca: EngineCA, for fqdn: String, source: String) throws {
        if let existing = try pinned(fqdn) {
            guard existing == ca else {
                throw Conflict(fqdn: fqdn, path: path(for: fqdn), pinned: existing.fingerprint, offered: ca.fingerprint,
                               source: source)
            }
            return
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let path = path(for: fqdn)
        let temporary = path + ".part"
        try Data(ca.pem.utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            throw EngineCA.Invalid(source: path, reason: "cannot be written: \(String(cString: strerror(errno)))")
        }
    }
}
