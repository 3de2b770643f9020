import EngineAPI
import Foundation
import LabHosts
import Testing

extension EngineAPISuite {
    /// Hosts and storage domains through the API, both versions, against the fake engine's state and model checks.
    @Suite struct EngineOperationsTests {
        static let node1 = EngineHostSpec(name: "node1", address: "192.168.1.11", cluster: "Default",
                                          authentication: .password(EnginePassword("rootpw")))

        @Test(arguments: [LabEngine.API.v3, .v4])
        func aHostInstallsAndComesUpWithItsDeployEvents(api: LabEngine.API) async throws {
            let engine = try LabEngine(api: api)
            defer { engine.stop() }
            let session = try await EngineFixture.open(engine)
            let marker = try await session.lastEventID() ?? 0
            let added = try await session.addHost(Self.node1)
            #expect(added.status == "installing")
            #expect(added.name == "node1")
            let host = try await EngineFixture.waitForHost(session, id: added.id)
            #expect(host.status == "up")
            let events = try await session.events(after: marker)
            let codes = events.filter { $0.hostID == added.id }.compactMap(\.code)
            #expect(codes.first == 42)
            #expect(codes.contains(504))
            #expect(codes.last == 13)
            #expect(codes.contains(api == .v3 ? 509 : 559))
            #expect(events.map(\.id) == events.map(\.id).sorted())
            #expect(try await session.hosts().map(\.name) == ["node1"])
            let record = try await EngineFixture.record(engine)
            #expect((record["refused_bodies"] as? [Any])?.isEmpty == true)
            await session.close()
        }

        @Test(arguments: [LabEngine.API.v3, .v4])
        func installFailedAndNonOperationalCarryTheEnginesReason(api: LabEngine.API) async throws {
            let engine = try LabEngine(api: api, scenario: ["hosts": [
                "node2": ["outcome": "non_operational", "reason": "cpu_type_incompatible_with_cluster"],
                "node3": ["outcome": "install_failed", "message": "Failed to execute stage 'Package installation'"],
            ]])
            defer { engine.stop() }
            let session = try await EngineFixture.open(engine)
            let marker = try await session.lastEventID() ?? 0
            let node2 = try await session.addHost(EngineHostSpec(name: "node2", address: "192.168.1.12", cluster: "Default",
                                                                 authentication: .publicKey))
            let node3 = try await session.addHost(EngineHostSpec(name: "node3", address: "192.168.1.13", cluster: "Default",
                                                                 authentication: .password(EnginePassword("rootpw"))))
            let two = try await EngineFixture.waitForHost(session, id: node2.id)
            #expect(two.status == "non_operational")
            #expect(two.statusDetail == "cpu_type_incompatible_with_cluster")
            let three = try await EngineFixture.waitForHost(session, id: node3.id)
            #expect(three.status == "install_failed")
            let failure = try await session.events(after: marker).filter { $0.hostID == node3.id && $0.code == 505 }
            #expect(failure.first?.description.hasPrefix("Host node3 installation failed. Failed to execute stage 'Package installation'.") == true)
            await session.close()
        }

        @Test(arguments: [LabEngine.API.v3, .v4])
        func aWrongRootPasswordIsRefusedAtOnceAsTheEngineDoes(api: LabEngine.API) async throws {
            // The engine logs in to the host while validating the add (AddVdsCommand.canConnect): 409, no host.
            let engine = try LabEngine(api: api)
            defer { engine.stop() }
            let session = try await EngineFixture.open(engine)
            let secret = "not-the-root-pw"
            do {
                _ = try await session.addHost(EngineHostSpec(name: "node1", address: "192.168.1.11", cluster: "Default",
                                                             authentication: .password(EnginePassword(secret))))
                Issue.record("a wrong root password was accepted")
            } catch let EngineError.fault(fault) {
                #expect(fault.httpStatus == 409)
                #expect(fault.reason == "Operation Failed")
                #expect(fault.detail.hasPrefix("[Cannot add Host. SSH authentication failed"))
                #expect(fault.description.hasPrefix("POST /ovirt-engine/api/hosts\(api == .v4 ? "?reboot=false" : ""): the engine refused it: Operation Failed: [Cannot add Host. SSH authentication failed"))
                #expect(!fault.description.contains(secret))
            }
            #expect(try await session.hosts().isEmpty)
            await session.close()
        }

        @Test(arguments: [LabEngine.API.v3, .v4])
        func aNameInUseShowsTheEnginesReasonAndDetail(api: LabEngine.API) async throws {
            let engine = try LabEngine(api: api)
            defer { engine.stop() }
            let session = try await EngineFixture.open(engine)
            _ = try await session.addHost(Self.node1)
            do {
                var again = Self.node1
                again.address = "192.168.1.99"
                _ = try await session.addHost(again)
                Issue.record("a second node1 was accepted")
            } catch let EngineError.fault(fault) {
                #expect(fault.httpStatus == (api == .v3 ? 400 : 409))  // BAD_PARAMETERS on 3.4, CONFLICT on 4.5
                #expect(fault.description.contains("Operation Failed: [Cannot add Host. The Host name is already in use, please choose a unique name and try again.]"))
            }
            await session.close()
        }

        /// The seed's storage: the GlusterFS data domain first, attached (the data center comes up), then ISO and
        /// the export domain made by `export-domain create`, which the engine imports (its id is the existing one).
        @Test(arguments: [LabEngine.API.v3, .v4])
        func storageDomainsAreAddedAttachedAndImported(api: LabEngine.API) async throws {
            let exportID = "5e1f0c2a-export-0000-0000-000000000001"
            let engine = try LabEngine(api: api, scenario: [
                "storage": ["nfs1.example.com:/exports/export": ["existing": ["id": exportID, "name": "export", "type": "export"]]],
            ])
            defer { engine.stop() }
            let session = try await EngineFixture.open(engine)
            let host = try await session.addHost(Self.node1)
            #expect(try await EngineFixture.waitForHost(session, id: host.id).status == "up")
            let dc = try #require(try await session.dataCenters().first)
            #expect(dc.status == "uninitialized")

            let iso = try await session.addStorageDomain(EngineStorageDomainSpec(
                name: "iso", function: .iso, storage: .nfs(address: "nfs1.example.com", path: "/exports/iso", nfsVersion: nil),
                host: "node1"))
            // ISO before data in an uninitialized data center: the engine's own refusal.
            do {
                _ = try await session.attachStorageDomain(id: iso.id, dataCenterID: dc.id)
                Issue.record("ISO attached before the data domain")
            } catch let EngineError.fault(fault) {
                #expect(fault.httpStatus == 409)
                #expect(fault.detail == "[Cannot attach Storage Domain.\n-Please attach Data Domain to the Data Center first.]")
            }

            let data = try await session.addStorageDomain(EngineStorageDomainSpec(
                name: "data", function: .data,
                storage: .glusterfs(address: "gs1.example.com", volume: "data",
                                    mountOptions: "backup-volfile-servers=gs2.example.com:gs3.example.com"),
                host: "node1"))
            #expect(data.status == "unattached")
            #expect(data.storageType == "glusterfs")
            _ = try await session.attachStorageDomain(id: data.id, dataCenterID: dc.id)
            var attached = try await session.attachedStorageDomains(dataCenterID: dc.id)
            var polls = 0
            while attached.first(where: { $0.id == data.id })?.status != "active", polls < 10 {
                attached = try await session.attachedStorageDomains(dataCenterID: dc.id)
                polls += 1
            }
            #expect(attached.first { $0.id == data.id }?.status == "active")
            #expect(try await session.dataCenters().first?.status == "up")

            _ = try await session.attachStorageDomain(id: iso.id, dataCenterID: dc.id)
            let export = try await session.addStorageDomain(EngineStorageDomainSpec(
                name: "export", function: .export,
                storage: .nfs(address: "nfs1.example.com", path: "/exports/export", nfsVersion: "v3"), host: "node1"))
            #expect(export.id == exportID)
            _ = try await session.attachStorageDomain(id: export.id, dataCenterID: dc.id)
            try await session.activateStorageDomain(id: export.id, dataCenterID: dc.id)
            let statuses = Dictionary(uniqueKeysWithValues: try await session.attachedStorageDomains(dataCenterID: dc.id)
                .map { ($0.name, $0.status ?? "-") })
            #expect(statuses == ["data": "active", "iso": "active", "export": "active"])

            // Every body the client sent passed the fixture's model check (SDK round trip / 3.4 schema).
            let record = try await EngineFixture.record(engine)
            #expect((record["refused_bodies"] as? [Any])?.isEmpty == true, "\(record["refused_bodies"] ?? "")")
            await session.close()
        }

        @Test(arguments: [LabEngine.API.v3, .v4])
        func aStorageFaultWithoutDetailIsExplainedByTheEnginesEvent(api: LabEngine.API) async throws {
            let engine = try LabEngine(api: api, scenario: ["storage": ["gs1.example.com:/data": ["error": "permission"]]])
            defer { engine.stop() }
            let session = try await EngineFixture.open(engine)
            let host = try await session.addHost(Self.node1)
            _ = try await EngineFixture.waitForHost(session, id: host.id)
            do {
                _ = try await session.addStorageDomain(EngineStorageDomainSpec(
                    name: "data", function: .data, storage: .glusterfs(address: "gs1.example.com", volume: "/data", mountOptions: nil),
                    host: "node1"))
                Issue.record("a domain on a path without 36:36 permissions was added")
            } catch let EngineError.fault(fault) {
                #expect(fault.httpStatus == 400)
                if api == .v3 {
                    // 3.4 answers `[]`: the VDSM reason is only in event 996.
                    #expect(fault.detail == "[]")
                    #expect(fault.events == ["The error message for connection gs1.example.com:/data returned by VDSM was: "
                        + "Permission settings on the specified path do not allow access to the storage."])
                } else {
                    #expect(fault.detail.hasPrefix("[Permission settings on the specified path do not allow access to the storage."))
                }
                #expect(fault.description.contains("Permission settings on the specified path do not allow access to the storage."))
            }
            await session.close()
        }

        @Test(arguments: [LabEngine.API.v3, .v4])
        func aBodyTheModelDoesNotKnowIsRefusedWithAClearError(api: LabEngine.API) async throws {
            let engine = try LabEngine(api: api)
            defer { engine.stop() }
            let session = try await EngineFixture.open(engine)
            let body = EngineXML("host", children: [.leaf("name", "node9"), .leaf("address", "192.168.1.19"),
                                                    .leaf("root_pasword", "x"),
                                                    EngineXML("cluster", children: [.leaf("name", "Default")])])
            do {
                _ = try await session.post("/ovirt-engine/api/hosts", body)
                Issue.record("an unknown element was accepted")
            } catch let EngineError.fault(fault) {
                #expect(fault.httpStatus == 400)
                #expect(fault.reason == "Request syntactically incorrect.")
                #expect(fault.detail.contains("root_pasword"))
                #expect(fault.description.hasPrefix("POST /ovirt-engine/api/hosts: the engine refused it: Request syntactically incorrect.: "))
            }
            if api == .v3 {
                // 3.4's schema is a sequence: <address> after <cluster> is out of order.
                let outOfOrder = EngineXML("host", children: [.leaf("name", "node9"),
                                                              EngineXML("cluster", children: [.leaf("name", "Default")]),
                                                              .leaf("address", "192.168.1.19")])
                do {
                    _ = try await session.post("/ovirt-engine/api/hosts", outOfOrder)
                    Issue.record("an out-of-order v3 body was accepted")
                } catch let EngineError.fault(fault) {
                    #expect(fault.detail.contains("<address> comes after <cluster>"))
                }
            } else {
                let badEnum = EngineXML("host", children: [.leaf("name", "node9"), .leaf("address", "192.168.1.19"),
                                                           EngineXML("ssh", children: [.leaf("authentication_method", "pubkey")])])
                do {
                    _ = try await session.post("/ovirt-engine/api/hosts", badEnum)
                    Issue.record("an unknown enum value was accepted")
                } catch let EngineError.fault(fault) {
                    #expect(fault.detail.contains("/host/ssh/authentication_method = \"pubkey\": not in the v4 model"))
                }
            }
            let record = try await EngineFixture.record(engine)
            #expect((record["refused_bodies"] as? [Any])?.count == 2)
            await session.close()
        }
    }
}
