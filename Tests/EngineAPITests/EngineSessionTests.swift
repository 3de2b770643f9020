import EngineAPI
import Foundation
import LabHosts
import Testing

extension EngineAPISuite {
    /// Version detection, authentication and trust against the fake engine in both personalities.
    @Suite struct EngineSessionTests {
        @Test(arguments: [LabEngine.API.v3, .v4])
        func detectsTheAPIVersionFromTheEngine(api: LabEngine.API) async throws {
            let engine = try LabEngine(api: api)
            defer { engine.stop() }
            let session = try await EngineFixture.open(engine)
            #expect(session.version.rawValue == api.rawValue)
            #expect(session.productVersion == (api == .v3 ? "3.4.0-1.el6" : "4.5.6-1.el8"))
            #expect(session.productName == "oVirt Engine")
            await session.close()
        }

        @Test func v3KeepsOnePersistentSessionAndLogsOutAtTheEnd() async throws {
            let engine = try LabEngine(api: .v3)
            defer { engine.stop() }
            let session = try await EngineFixture.open(engine)
            _ = try await session.dataCenters()
            _ = try await session.hosts()
            _ = try await session.storageDomains()
            let during = try await EngineFixture.record(engine)
            // One Basic login (the first API request), then only the JSESSIONID cookie.
            #expect(EngineFixture.count(during, "logins") == 1)
            #expect(EngineFixture.count(during, "basic_requests") == 1)
            #expect(EngineFixture.count(during, "cookie_requests") == 3)
            #expect(EngineFixture.count(during, "logouts") == 0)
            await session.close()
            let after = try await EngineFixture.record(engine)
            #expect(EngineFixture.count(after, "logouts") == 1)
            #expect(EngineFixture.count(after, "logins") == 1)
        }

        @Test func v4UsesAnSSOTokenAndRevokesIt() async throws {
            let engine = try LabEngine(api: .v4)
            defer { engine.stop() }
            let session = try await EngineFixture.open(engine)
            _ = try await session.dataCenters()
            _ = try await session.clusters()
            let during = try await EngineFixture.record(engine)
            #expect(EngineFixture.count(during, "tokens_issued") == 1)
            #expect(EngineFixture.count(during, "bearer_requests") == 3)  // the API root and the two lists
            #expect(EngineFixture.count(during, "basic_requests") == 0)
            await session.close()
            let after = try await EngineFixture.record(engine)
            #expect(EngineFixture.count(after, "tokens_revoked") == 1)
            await #expect(throws: EngineError.self) { _ = try await session.hosts() }
        }

        @Test func v4GetsANewTokenOnceWhenTheOldOneExpires() async throws {
            let engine = try LabEngine(api: .v4, scenario: ["token_uses": 2])
            defer { engine.stop() }
            let session = try await EngineFixture.open(engine)  // use 1: the API root
            _ = try await session.dataCenters()                  // use 2
            let hosts = try await session.hosts()                // expired: a new token, then the request again
            #expect(hosts.isEmpty)
            let record = try await EngineFixture.record(engine)
            #expect(EngineFixture.count(record, "tokens_issued") == 2)
            await session.close()
        }

        @Test(arguments: [LabEngine.API.v3, .v4])
        func aWrongPasswordIsRefusedWithoutShowingIt(api: LabEngine.API) async throws {
            let engine = try LabEngine(api: api)
            defer { engine.stop() }
            let wrong = "Wr0ng-secret-\(api)"
            do {
                _ = try await EngineSession.open(EngineFixture.endpoint(engine), ca: EngineFixture.ca(engine),
                                                 credentials: EngineFixture.credentials(engine, password: wrong))
                Issue.record("a wrong password was accepted")
            } catch let error as EngineError {
                guard case let .authentication(_, user, reason) = error else {
                    Issue.record("not an authentication error: \(error)")
                    return
                }
                #expect(user == "admin@internal")
                if api == .v4 { #expect(reason.contains("Cannot authenticate user 'admin@internal'")) }
                #expect(!error.description.contains(wrong))
                #expect(!"\(error)".contains(wrong))
                #expect(error.description.contains("refused the login of admin@internal"))
            }
        }

        @Test(arguments: [LabEngine.API.v3, .v4])
        func aCertificateOfAnotherCAIsRefusedBeforeAnythingIsSent(api: LabEngine.API) async throws {
            let engine = try LabEngine(api: api, signedByForeignCA: true)
            defer { engine.stop() }
            let pinned = try EngineFixture.ca(engine)
            do {
                _ = try await EngineFixture.open(engine)
                Issue.record("a certificate of another CA was accepted")
            } catch let error as EngineError {
                guard case .untrusted = error else { Issue.record("not a trust error: \(error)"); return }
                #expect(error.description.contains("engine engine.test:\(engine.port) (at \(engine.address)) is not trusted"))
                #expect(error.description.contains("not signed by the engine CA trusted for it (SHA256 \(pinned.fingerprint))"))
                #expect(error.description.contains("nothing was sent"))
            }
            // The fixture saw no request (its record is read with the CA that did sign its certificate).
            let record = try await EngineFixture.record(engine, foreignCA: true)
            #expect((record["requests"] as? [String]) == ["GET /__fixture/state"])
        }

        @Test func aCertificateForAnotherNameIsRefused() async throws {
            let engine = try LabEngine(api: .v4, certificateName: "other.test")
            defer { engine.stop() }
            do {
                _ = try await EngineFixture.open(engine)
                Issue.record("a certificate for other.test was accepted for engine.test")
            } catch let error as EngineError {
                guard case .untrusted = error else { Issue.record("not a trust error: \(error)"); return }
                #expect(error.description.contains("its certificate is not issued to engine.test"))
            }
        }

        @Test func somethingThatIsNotAnEngineIsNamed() async throws {
            let engine = try LabEngine(api: .v4)
            defer { engine.stop() }
            // The right server and CA, the wrong port: nothing listens there.
            let closed = EngineEndpoint(fqdn: engine.fqdn, port: engine.port == 65535 ? 65534 : engine.port + 1,
                                        address: engine.address)
            do {
                _ = try await EngineSession.open(closed, ca: EngineFixture.ca(engine), credentials: EngineFixture.credentials(engine))
                Issue.record("a closed port answered")
            } catch let error as EngineError {
                guard case .unreachable = error else { Issue.record("not unreachable: \(error)"); return }
                #expect(error.description.hasPrefix("engine engine.test:\(closed.port) (at \(engine.address)) cannot be reached"))
            }
        }
    }
}
