import EngineAPI
import Foundation
import LabHosts
import Testing

extension EngineAPISuite {
    /// The calls the platform adds (cluster CPU, look-ups by name, the engine's SSH key, reinstall, importing the
    /// export domain), in both versions, every body checked by the fake engine against the real model.
    @Suite struct EnginePlatformOperationsTests {
        static func noRefusedBodies(_ engine: LabEngine) async throws {
            let record = try await EngineFixture.record(engine)
            #expect((record["refused_bodies"] as? [Any])?.isEmpty == true, "\(record["refused_bodies"] ?? "")")
        }

        @Test(arguments: [LabEngine.API.v3, .v4])
        func theClusterCPUIsSetInTheVersionsShape(api: LabEngine.API) async throws {
            let engine = try LabEngine(api: api)
            defer { engine.stop() }
            let session = try await EngineFixture.open(engine)
            let cluster = try #require(try await session.cluster(named: "Default"))
            #expect(cluster.cpuType == "Intel Conroe Family")
            let updated = try await session.setClusterCPU(clusterID: cluster.id, cpu: "Intel SandyBridge Family")
            #expect(updated.cpuType == "Intel SandyBridge Family")
            #expect(try await session.cluster(named: "Default")?.cpuType == "Intel SandyBridge Family")
            #expect(try await session.cluster(named: "Other") == nil)
            #expect(try await session.dataCenter(named: "Default")?.status == "uninitialized")
            try await Self.noRefusedBodies(engine)
            await session.close()
        }

        @Test(arguments: [LabEngine.API.v3, .v4])
        func namesAreLookedUpExactlyAndTheEnginesKeyIsOneLine(api: LabEngine.API) async throws {
            let engine = try LabEngine(api: api)
            defer { engine.stop() }
            let session = try await EngineFixture.open(engine)
            let key = try await session.engineSSHPublicKey()
            #expect(key.hasPrefix("ssh-ed25519 ") && key.hasSuffix(" ovirt-engine") && !key.contains("\n"))
            _ = try await session.addHost(EngineHostSpec(name: "node2", address: "192.168.1.12", cluster: "Default",
                                                         authentication: .password(EnginePassword("rootpw"))))
            _ = try await session.addHost(EngineHostSpec(name: "node22", address: "192.168.1.22", cluster: "Default",
                                                         authentication: .password(EnginePassword("rootpw"))))
            #expect(try await session.host(named: "node2")?.address == "192.168.1.12")
            #expect(try await session.host(named: "node3") == nil)
            #expect(session.sentRequests.contains("GET /ovirt-engine/api/hosts?search=name%3D%22node2%22"))
            await session.close()
        }

        @Test(arguments: [LabEngine.API.v3, .v4])
        func aHostLeftInstallFailedIsReinstalledNotAddedAgain(api: LabEngine.API) async throws {
            let engine = try LabEngine(api: api, scenario: ["hosts": ["node3": ["outcome": "install_failed"]]])
            defer { engine.stop() }
            let session = try await EngineFixture.open(engine)
            let spec = EngineHostSpec(name: "node3", address: "192.168.1.13", cluster: "Default",
                                      authentication: .password(EnginePassword("rootpw")))
            let added = try await session.addHost(spec)
            #expect(try await EngineFixture.waitForHost(session, id: added.id).status == "install_failed")
            try await session.reinstallHost(id: added.id, authentication: spec.authentication)
            #expect(try await EngineFixture.waitForHost(session, id: added.id).status == "up")
            #expect(try await session.hosts().count == 1)
            try await Self.noRefusedBodies(engine)
            await session.close()
        }

        @Test(arguments: [LabEngine.API.v3, .v4])
        func theExportDomainIsImportedWithItsID(api: LabEngine.API) async throws {
            let engine = try LabEngine(api: api, scenario: ["storage": [
                "nfs1.example.com:/exports/export": ["existing": ["id": "37e0e64b-5445-4bc3-8675-ceff4637e8e3", "name": "Export", "type": "export"]],
            ]])
            defer { engine.stop() }
            let session = try await EngineFixture.open(engine)
            let node1 = try await session.addHost(EngineHostSpec(name: "node1", address: "192.168.1.11", cluster: "Default",
                                                                 authentication: .password(EnginePassword("rootpw"))))
            _ = try await EngineFixture.waitForHost(session, id: node1.id)
            let imported = try await session.addStorageDomain(EngineStorageDomainSpec(
                name: "export", function: .export, storage: .nfs(address: "nfs1.example.com", path: "/exports/export", nfsVersion: nil),
                host: "node1", importExisting: true))
            #expect(imported.id == "37e0e64b-5445-4bc3-8675-ceff4637e8e3")
            // 3.4 keeps the name stored in the domain; 4.5 takes the requested one.
            #expect(imported.name == (api == .v3 ? "Export" : "export"))
            try await Self.noRefusedBodies(engine)
            await session.close()
        }
    }
}
