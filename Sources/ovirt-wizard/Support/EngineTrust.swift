import Deploy
import EngineAPI
import Foundation
import HostOps
import SSHKit

/// How the engine's CA becomes the pinned trust anchor, in the order the commands try:
/// the CA already pinned for the FQDN (wizard state, `EngineCAStore`); the CA read over SSH from the engine host
/// (host key verified against known_hosts; `apache-ca.pem`, the chain Apache serves, else `ca.pem`); a PEM file the
/// operator gives; or the pki-resource download, pinned only when the operator accepts its fingerprint.
/// A source that disagrees with the pinned CA is refused, never pinned over it.
enum EngineTrust {
    /// The engine host's CA files, in the order engine-setup's Apache uses them.
    static let caPaths = ["/etc/pki/ovirt-engine/apache-ca.pem", "/etc/pki/ovirt-engine/ca.pem"]

    struct Failure: Error, CustomStringConvertible {
        var description: String
        /// 255 when the engine host cannot be reached over SSH, 2 for everything the operator must fix.
        var exitCode: Int32 = 2
    }

    enum Source: Sendable {
        case file(String)
        case ssh(HostAccess)
        case fetch(fingerprint: String?)
    }

    /// The CA to trust for this connection: the pinned one when no source is given, else the source's CA, which
    /// must equal the pinned one when there is one. A new CA is pinned only after the engine proved it holds a
    /// certificate that CA signed for its FQDN (`pin(_:)` after a successful login), so a wrong file or host is
    /// never remembered.
    struct Trusted: Sendable {
        var ca: EngineCA
        /// Where a CA that is not pinned yet came from; nil when it is the pinned one.
        var newFrom: String?
    }

    static func resolve(_ endpoint: EngineEndpoint, source: Source?, store: EngineCAStore) async throws -> Trusted {
        let pinned: EngineCA?
        do { pinned = try store.pinned(endpoint.fqdn) } catch { throw Failure(description: "\(error)") }
        guard let source else {
            if let pinned { return Trusted(ca: pinned, newFrom: nil) }
            throw Failure(description: "no CA is pinned for \(endpoint.fqdn) (in \(store.directory)): read it from the engine "
                + "host with --ca-from-host [user@]HOST (over SSH), give it with --ca-file FILE, or fetch it with --fetch-ca "
                + "and accept its fingerprint")
        }
        let (ca, origin) = try await candidate(source, endpoint: endpoint, pinned: pinned)
        if let pinned {
            guard pinned == ca else {
                throw Failure(description: EngineCAStore.Conflict(fqdn: endpoint.fqdn, path: store.path(for: endpoint.fqdn),
                                                                  pinned: pinned.fingerprint, offered: ca.fingerprint,
                                                                  source: origin).description)
            }
            return Trusted(ca: pinned, newFrom: nil)
        }
        return Trusted(ca: ca, newFrom: origin)
    }

    /// Pins a new CA once the engine was reached through it; the line to show, nil when nothing was new.
    static func pin(_ trusted: Trusted, endpoint: EngineEndpoint, store: EngineCAStore) throws -> String? {
        guard let origin = trusted.newFrom else { return nil }
        do { try store.pin(trusted.ca, for: endpoint.fqdn, source: origin) } catch { throw Failure(description: "\(error)") }
        return "Pinned the CA of \(endpoint.fqdn) from \(origin): SHA256 \(trusted.ca.fingerprint) (\(store.path(for: endpoint.fqdn)))"
    }

    static func candidate(_ source: Source, endpoint: EngineEndpoint, pinned: EngineCA?) async throws -> (EngineCA, String) {
        switch source {
        case let .file(path):
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw Failure(description: "\(path): cannot be read")
            }
            do { return (try EngineCA(pem: text, source: path), path) } catch { throw Failure(description: "\(error)") }
        case let .ssh(access):
            return try readOverSSH(access)
        case let .fetch(fingerprint):
            let ca: EngineCA
            do { ca = try await EngineCAFetch.candidate(endpoint) } catch {
                throw Failure(description: "\(error)", exitCode: 255)
            }
            let origin = "\(endpoint.origin)\(EngineCAFetch.path)"
            if let pinned, pinned == ca { return (ca, origin) }
            if let fingerprint {
                guard ca.matches(fingerprint: fingerprint) else {
                    throw Failure(description: "the CA the engine serves at \(origin) has SHA256 \(ca.fingerprint), not the "
                        + "fingerprint given with --ca-fingerprint (\(fingerprint)); it was not pinned")
                }
                return (ca, origin)
            }
            guard pinned == nil else { return (ca, origin) }  // resolve refuses it with both fingerprints
            guard TerminalPrompt.available else {
                throw Failure(description: "the engine serves a CA with SHA256 \(ca.fingerprint) (\(ca.subject)); compare it with "
                    + "engine-setup's 'Internal CA fingerprint' and pass it with --ca-fingerprint to accept it")
            }
            let question = "The engine \(endpoint.described) serves this CA:\n  \(ca.subject)\n  SHA256 \(ca.fingerprint)\n"
                + "Compare it with engine-setup's 'Internal CA' line. Trust it for \(endpoint.fqdn) (yes/no)? "
            while true {
                guard let answer = TerminalPrompt.ask(question, echo: true)?.lowercased() else {
                    throw Failure(description: "the engine's CA was not accepted")
                }
                if answer == "yes" { return (ca, origin) }
                if answer == "no" { throw Failure(description: "the engine's CA (SHA256 \(ca.fingerprint)) was not accepted") }
            }
        }
    }

    /// Reads the CA over the wizard's SSH connection to the engine host.
    static func readOverSSH(_ access: HostAccess) throws -> (EngineCA, String) {
        let connection: SSHConnection
        do { connection = try access.connect() } catch {
            throw Failure(description: (error as? SSHError)?.description ?? "\(access.target.host): \(error)", exitCode: 255)
        }
        defer { connection.close() }
        var problems: [String] = []
        for path in caPaths {
            let output: CapturedOutput
            do {
                output = try connection.capture(RemoteCommand(["cat", path]), options: ExecOptions(timeout: 60))
            } catch {
                throw Failure(description: (error as? SSHError)?.description ?? "\(connection.name): \(error)", exitCode: 255)
            }
            let origin = "\(connection.name):\(path) (over SSH)"
            guard output.result.succeeded else {
                problems.append("\(path): " + (output.stderr.split(separator: "\n").first.map(String.init) ?? "\(output.result)"))
                continue
            }
            do { return (try EngineCA(pem: output.stdout, source: origin), origin) } catch {
                throw Failure(description: "\(error)")
            }
        }
        throw Failure(description: "\(connection.name) holds no engine CA (" + problems.joined(separator: "; ")
            + "): is it the engine host, after engine-setup?")
    }
}
