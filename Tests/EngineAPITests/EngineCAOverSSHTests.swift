import EngineAPI
import Foundation
import LabHosts
import Testing

extension EngineAPISuite {
    /// `--ca-from-host`: the engine CA read over the wizard's SSH connection (host key checked against known_hosts).
    /// The lab host stands in for the engine host: a fixture `cat` in its PATH serves `/etc/pki/ovirt-engine/*` from
    /// the host's work directory, since the test machine has no engine PKI of its own (and tests write nothing to /etc).
    @Suite struct EngineCAOverSSHTests {
        static func engineHost(_ cluster: LabCluster, ca: String?) throws -> LabHost {
            let host = cluster.hosts[0]
            let pki = host.workDirectory + "/etc-pki-ovirt-engine"
            try FileManager.default.createDirectory(atPath: pki, withIntermediateDirectories: true)
            if let ca { try FileManager.default.copyItem(atPath: ca, toPath: pki + "/ca.pem") }
            let shim = host.binDirectory + "/cat"
            try """
                #!/bin/sh
                # Fixture: the engine host's /etc/pki/ovirt-engine lives in this lab host's work directory.
                case "$1" in
                /etc/pki/ovirt-engine/*)
                    file="\(pki)/${1#/etc/pki/ovirt-engine/}"
                    [ -f "$file" ] || { echo "cat: $1: No such file or directory" >&2; exit 1; }
                    exec /bin/cat "$file" ;;
                esac
                exec /bin/cat "$@"

                """.write(toFile: shim, atomically: true, encoding: .utf8)
            chmod(shim, 0o755)
            return host
        }

        @Test func theCAIsReadOverSSHPinnedAndUsed() async throws {
            let engine = try LabEngine(api: .v3)
            defer { engine.stop() }
            let cluster = try LabCluster.start(hosts: 1)
            defer { cluster.stop() }
            let host = try Self.engineHost(cluster, ca: engine.caPath)
            let directory = try EngineStatusCommandTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let answers = try EngineStatusCommandTests.answerFile(engine, in: directory)
            let ca = try EngineFixture.ca(engine)
            let r = try EngineStatusCommandTests.run([
                "engine", "status", "--answers", answers, "--address", engine.address, "--port", String(engine.port),
                "--ca-store", directory + "/store", "--ca-from-host", host.target,
                "--known-hosts", cluster.knownHostsPath, "-i", cluster.clientKey,
            ])
            #expect(r.status == 0, "\(r.stderr)")
            // apache-ca.pem is absent on this host: ca.pem is the one read.
            #expect(r.stderr == "engine: Pinned the CA of engine.test from \(host.address):/etc/pki/ovirt-engine/ca.pem (over SSH): "
                + "SHA256 \(ca.fingerprint) (\(directory)/store/engine.test.pem)\n")
            #expect(r.stdout.hasPrefix("Engine engine.test: oVirt Engine 3.4.0-1.el6, API v3\n"))
        }

        @Test func anUnknownHostKeyIsRefusedAndNothingIsPinned() async throws {
            let engine = try LabEngine(api: .v4)
            defer { engine.stop() }
            let cluster = try LabCluster.start(hosts: 1)
            defer { cluster.stop() }
            let host = try Self.engineHost(cluster, ca: engine.caPath)
            let directory = try EngineStatusCommandTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let answers = try EngineStatusCommandTests.answerFile(engine, in: directory)
            let empty = directory + "/known_hosts"
            _ = FileManager.default.createFile(atPath: empty, contents: Data())
            let r = try EngineStatusCommandTests.run([
                "engine", "status", "--answers", answers, "--address", engine.address, "--port", String(engine.port),
                "--ca-store", directory + "/store", "--ca-from-host", host.target, "--known-hosts", empty, "-i", cluster.clientKey,
            ])
            #expect(r.status == 255)
            #expect(r.stderr.contains("host key"), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory + "/store/engine.test.pem"))
        }

        @Test func aHostWithoutEnginePKIIsNamed() async throws {
            let engine = try LabEngine(api: .v4)
            defer { engine.stop() }
            let cluster = try LabCluster.start(hosts: 1)
            defer { cluster.stop() }
            let host = try Self.engineHost(cluster, ca: nil)
            let directory = try EngineStatusCommandTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let answers = try EngineStatusCommandTests.answerFile(engine, in: directory)
            let r = try EngineStatusCommandTests.run([
                "engine", "status", "--answers", answers, "--address", engine.address, "--port", String(engine.port),
                "--ca-store", directory + "/store", "--ca-from-host", host.target,
                "--known-hosts", cluster.knownHostsPath, "-i", cluster.clientKey,
            ])
            #expect(r.status == 2)
            #expect(r.stderr.contains("\(host.address) holds no engine CA (/etc/pki/ovirt-engine/apache-ca.pem: cat: "
                + "/etc/pki/ovirt-engine/apache-ca.pem: No such file or directory; /etc/pki/ovirt-engine/ca.pem: cat: "
                + "/etc/pki/ovirt-engine/ca.pem: No such file or directory)"), "\(r.stderr)")
            #expect(r.stderr.contains("is it the engine host, after engine-setup?"))
        }
    }
}
