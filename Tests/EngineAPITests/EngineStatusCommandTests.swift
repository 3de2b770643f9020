import EngineAPI
import Foundation
import LabHosts
import Testing

extension EngineAPISuite {
    /// `ovirt-wizard engine status` as an operator runs it, against the fake engine in both personalities.
    @Suite struct EngineStatusCommandTests {
        static let binary: String = {
            let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("ovirt-wizard").path
        }()

        struct Run { var status: Int32; var stdout: String; var stderr: String }

        static func run(_ arguments: [String]) throws -> Run {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
            let output = Pipe(), errors = Pipe()
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            let out = output.fileHandleForReading.readDataToEndOfFile()
            let err = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Run(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                       stderr: String(decoding: err, as: UTF8.self))
        }

        /// A platform half done: node1 up, node2 non-operational, the data domain attached and active.
        static func prepare(_ engine: LabEngine) async throws {
            let session = try await EngineFixture.open(engine)
            let node1 = try await session.addHost(EngineHostSpec(name: "node1", address: "192.168.1.11", cluster: "Default",
                                                                 authentication: .password(EnginePassword("rootpw"))))
            let node2 = try await session.addHost(EngineHostSpec(name: "node2", address: "192.168.1.12", cluster: "Default",
                                                                 authentication: .publicKey))
            _ = try await EngineFixture.waitForHost(session, id: node1.id)
            _ = try await EngineFixture.waitForHost(session, id: node2.id)
            let data = try await session.addStorageDomain(EngineStorageDomainSpec(
                name: "data", function: .data, storage: .glusterfs(address: "gs1.example.com", volume: "data", mountOptions: nil),
                host: "node1"))
            let dc = try #require(try await session.dataCenters().first)
            _ = try await session.attachStorageDomain(id: data.id, dataCenterID: dc.id)
            _ = try await session.attachedStorageDomains(dataCenterID: dc.id)  // a tick: locked → active
            _ = try await session.addStorageDomain(EngineStorageDomainSpec(
                name: "iso", function: .iso, storage: .nfs(address: "nfs1.example.com", path: "/exports/iso", nfsVersion: nil),
                host: "node1"))
            await session.close()
        }

        static func answerFile(_ engine: LabEngine, in directory: String) throws -> String {
            let path = directory + "/engine-setup.conf"
            try """
                [environment:default]
                OVESETUP_CONFIG/fqdn=str:\(engine.fqdn)
                OVESETUP_CONFIG/adminPassword=str:\(engine.password)

                """.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        static func temporaryDirectory() throws -> String {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("engine-status-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            return path
        }

        @Test(arguments: [LabEngine.API.v3, .v4])
        func statusListsDataCentersClustersHostsAndDomains(api: LabEngine.API) async throws {
            let engine = try LabEngine(api: api, scenario: ["hosts": ["node2": ["outcome": "non_operational",
                                                                               "reason": "cpu_type_incompatible_with_cluster"]]])
            defer { engine.stop() }
            try await Self.prepare(engine)
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let answers = try Self.answerFile(engine, in: directory)
            let store = directory + "/ca-store"
            let ca = try EngineFixture.ca(engine)
            let common = ["engine", "status", "--answers", answers, "--address", engine.address, "--port", String(engine.port),
                          "--ca-store", store]

            let first = try Self.run(common + ["--ca-file", engine.caPath])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stderr == "engine: Pinned the CA of engine.test from \(engine.caPath): SHA256 \(ca.fingerprint) "
                + "(\(store)/engine.test.pem)\n")
            let product = api == .v3 ? "3.4.0-1.el6" : "4.5.6-1.el8"
            let cpu = "Intel Conroe Family"
            #expect(first.stdout == """
                Engine engine.test: oVirt Engine \(product), API \(api)
                CA SHA256 \(ca.fingerprint)

                Data centers
                  NAME     STATUS  VERSION
                  Default  up      \(api == .v3 ? "3.4" : "4.7")

                Clusters
                  NAME     DATA CENTER  CPU TYPE
                  Default  Default      \(cpu)

                Hosts
                  NAME   STATUS           ADDRESS       CLUSTER  DETAIL
                  node1  up               192.168.1.11  Default
                  node2  non_operational  192.168.1.12  Default  cpu_type_incompatible_with_cluster

                Storage domains
                  NAME  TYPE            STATUS      DATA CENTER  STORAGE
                  data  data/glusterfs  active      Default      gs1.example.com:/data
                  iso   iso/nfs         unattached  -            nfs1.example.com:/exports/iso

                """)

            // Pinned now: the next run needs no CA source, and --json carries the same facts.
            let json = try Self.run(common + ["--json"])
            #expect(json.status == 0, "\(json.stderr)")
            #expect(json.stderr.isEmpty)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let engineInfo = try #require(document["engine"] as? [String: Any])
            #expect(engineInfo["api"] as? String == api.rawValue)
            #expect(engineInfo["version"] as? String == product)
            #expect(engineInfo["caFingerprint"] as? String == ca.fingerprint)
            let hosts = try #require(document["hosts"] as? [[String: Any]])
            #expect(hosts.map { $0["name"] as? String } == ["node1", "node2"])
            #expect(hosts.map { $0["status"] as? String } == ["up", "non_operational"])
            #expect(hosts[1]["statusDetail"] as? String == "cpu_type_incompatible_with_cluster")
            let domains = try #require(document["storageDomains"] as? [[String: Any]])
            #expect(domains.map { $0["status"] as? String } == ["active", "unattached"])
            #expect((document["dataCenters"] as? [[String: Any]])?.first?["status"] as? String == "up")
            #expect(!json.stdout.contains(engine.password))

            // v3 logged out, v4 revoked its token: every run ended its session.
            let record = try await EngineFixture.record(engine)
            #expect(EngineFixture.count(record, "logouts") == EngineFixture.count(record, "logins"))
        }

        @Test func aCAThatDiffersFromThePinnedOneIsRefused() async throws {
            let engine = try LabEngine(api: .v4)
            defer { engine.stop() }
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let answers = try Self.answerFile(engine, in: directory)
            let common = ["engine", "status", "--answers", answers, "--address", engine.address, "--port", String(engine.port),
                          "--ca-store", directory + "/store"]
            #expect(try Self.run(common + ["--ca-file", engine.caPath]).status == 0)
            let other = try Self.run(common + ["--ca-file", engine.foreignCAPath])
            #expect(other.status == 2)
            #expect(other.stderr.contains("is not the one pinned for engine.test in \(directory)/store/engine.test.pem"))
            #expect(other.stdout.isEmpty)
        }

        @Test func aCAFileThatDoesNotVerifyTheEngineIsNotPinned() async throws {
            let engine = try LabEngine(api: .v3)
            defer { engine.stop() }
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let answers = try Self.answerFile(engine, in: directory)
            let r = try Self.run(["engine", "status", "--answers", answers, "--address", engine.address, "--port",
                                  String(engine.port), "--ca-store", directory + "/store", "--ca-file", engine.foreignCAPath])
            #expect(r.status == 255)
            #expect(r.stderr.contains("is not trusted: its certificate is not signed by the engine CA trusted for it"), "\(r.stderr)")
            #expect(r.stderr.hasSuffix("; the CA from \(engine.foreignCAPath) was not pinned\n"))
            #expect(!FileManager.default.fileExists(atPath: directory + "/store/engine.test.pem"))
        }

        @Test func withoutAPinnedCATheCommandSaysHowToPinOne() async throws {
            let engine = try LabEngine(api: .v3)
            defer { engine.stop() }
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let answers = try Self.answerFile(engine, in: directory)
            let r = try Self.run(["engine", "status", "--answers", answers, "--address", engine.address, "--port",
                                  String(engine.port), "--ca-store", directory + "/store"])
            #expect(r.status == 2)
            #expect(r.stderr == "engine: no CA is pinned for engine.test (in \(directory)/store): read it from the engine host with "
                + "--ca-from-host [user@]HOST (over SSH), give it with --ca-file FILE, or fetch it with --fetch-ca and accept its "
                + "fingerprint\n")
        }

        @Test func aFetchedCAIsPinnedOnlyWithTheMatchingFingerprint() async throws {
            let engine = try LabEngine(api: .v4)
            defer { engine.stop() }
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let answers = try Self.answerFile(engine, in: directory)
            let ca = try EngineFixture.ca(engine)
            let foreign = try EngineFixture.ca(engine, foreign: true)
            let common = ["engine", "status", "--answers", answers, "--address", engine.address, "--port", String(engine.port),
                          "--ca-store", directory + "/store", "--fetch-ca"]
            let wrong = try Self.run(common + ["--ca-fingerprint", foreign.fingerprint])
            #expect(wrong.status == 2)
            #expect(wrong.stderr.contains("has SHA256 \(ca.fingerprint), not the fingerprint given with --ca-fingerprint"))
            #expect(!FileManager.default.fileExists(atPath: directory + "/store/engine.test.pem"))
            // Without a terminal and without a fingerprint, nothing is accepted: the fingerprint is shown instead.
            let unasked = try Self.run(common)
            #expect(unasked.status == 2)
            #expect(unasked.stderr.contains("the engine serves a CA with SHA256 \(ca.fingerprint)"))
            let right = try Self.run(common + ["--ca-fingerprint", "SHA256:" + ca.fingerprint.lowercased()])
            #expect(right.status == 0, "\(right.stderr)")
            #expect(right.stdout.hasPrefix("Engine engine.test: oVirt Engine 4.5.6-1.el8, API v4\n"))
        }

        @Test func aWrongAdminPasswordEndsWith255AndNeverShowsIt() async throws {
            let engine = try LabEngine(api: .v3)
            defer { engine.stop() }
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let path = directory + "/engine-setup.conf"
            try "[environment:default]\nOVESETUP_CONFIG/fqdn=str:engine.test\nOVESETUP_CONFIG/adminPassword=str:Not-It-42\n"
                .write(toFile: path, atomically: true, encoding: .utf8)
            let r = try Self.run(["engine", "status", "--answers", path, "--address", engine.address, "--port", String(engine.port),
                                  "--ca-store", directory + "/store", "--ca-file", engine.caPath])
            #expect(r.status == 255)
            #expect(r.stderr.contains("refused the login of admin@internal"))
            #expect(!r.stderr.contains("Not-It-42") && !r.stdout.contains("Not-It-42"))
        }
    }
}
