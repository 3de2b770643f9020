import EngineAPI
import Foundation
import LabHosts
import Testing

extension EngineAPISuite {
    /// The engine CA: its fingerprint as openssl computes it, and the pin store that never replaces a pinned CA.
    @Suite struct EngineCATests {
        @Test func theFingerprintIsOpenSSLsSHA256OfTheCertificate() throws {
            let engine = try LabEngine(api: .v3)
            defer { engine.stop() }
            let ca = try EngineFixture.ca(engine)
            let openssl = try Self.openssl(["x509", "-in", engine.caPath, "-noout", "-fingerprint", "-sha256"])
            // "sha256 Fingerprint=AB:CD:..." (the label's case differs between OpenSSL versions)
            let expected = openssl.split(separator: "=", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            #expect(ca.fingerprint == expected)
            #expect(ca.subject.hasPrefix("CN=engine.test."))
            #expect(ca.matches(fingerprint: "SHA256: " + ca.fingerprint.lowercased()))
            #expect(ca.matches(fingerprint: ca.fingerprint.replacingOccurrences(of: ":", with: "")))
            #expect(!ca.matches(fingerprint: try EngineFixture.ca(engine, foreign: true).fingerprint))
        }

        @Test func aPinnedCAIsNeverReplacedSilently() throws {
            let engine = try LabEngine(api: .v3)
            defer { engine.stop() }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("engine-ca-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let store = EngineCAStore(directory: directory)
            let ca = try EngineFixture.ca(engine)
            let other = try EngineFixture.ca(engine, foreign: true)
            #expect(try store.pinned("engine.test") == nil)
            try store.pin(ca, for: "engine.test", source: "test")
            #expect(try store.pinned("ENGINE.test") == ca)
            try store.pin(ca, for: "engine.test", source: "again")  // the same CA: fine
            do {
                try store.pin(other, for: "engine.test", source: "gs1:/etc/pki/ovirt-engine/ca.pem (over SSH)")
                Issue.record("another CA replaced the pinned one")
            } catch let conflict as EngineCAStore.Conflict {
                #expect(conflict.description.contains("the CA gs1:/etc/pki/ovirt-engine/ca.pem (over SSH) (SHA256 \(other.fingerprint)) "
                    + "is not the one pinned for engine.test in \(directory)/engine.test.pem (SHA256 \(ca.fingerprint))"))
            }
            #expect(try store.pinned("engine.test") == ca)
        }

        @Test func textThatIsNotACertificateIsRefusedNamingItsSource() {
            #expect(throws: EngineCA.Invalid.self) { try EngineCA(pem: "hello", source: "x.pem") }
            do {
                _ = try EngineCA(pem: "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", source: "y.pem")
                Issue.record("garbage accepted")
            } catch {
                #expect("\(error)".hasPrefix("y.pem: not a CA certificate in PEM form"))
            }
        }

        static func openssl(_ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
    }
}
