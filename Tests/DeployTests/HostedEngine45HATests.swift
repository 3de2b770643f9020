import EngineAPI
import Foundation
import LabHosts
import Testing
@testable import Deploy

/// oVirt 4.5's additional hosted-engine hosts, added through the engine the first host's deploy made: the fixture
/// hosted-engine 4.5 deploys the first lab host and leaves the fake engine's CA where host-deploy leaves it; the
/// fake engine (v4, every body checked with the oVirt SDK's model) installs the other two lab hosts with
/// `deploy_hosted_engine=true`, writes their hosted-engine.conf with the Host ID it chose, and reports their HA agent.
@Suite(.serialized, .timeLimit(.minutes(8)))
struct HostedEngine45HATests {
    final class Lab: @unchecked Sendable {
        let lab: LabDeployment
        let engine: LabEngine
        let keysFile: String
        let answerFile: String

        /// `installingTicks`: how long the engine keeps each added host installing (engine requests).
        init(installingTicks: Int = 0) throws {
            lab = try LabDeployment(hosts: 3)
            let hosts = lab.cluster.hosts
            keysFile = lab.cluster.root + "/engine-authorized_keys"
            engine = try LabEngine(api: .v4, fqdn: "engine.lab.test", user: "admin@ovirt@internalsso",
                                   password: HostedEngine45Tests.adminPassword, scenario: [
                                       "fqdn": "engine.lab.test",
                                       "existing_hosts": [["id": "he-host-0001", "name": "host0.lab.test", "address": hosts[0].address, "hosted_engine": true]],
                                       "authorized_keys": [hosts[1].address: keysFile, hosts[2].address: keysFile],
                                       "he_conf": [hosts[1].address: Self.heConf(lab, 1), hosts[2].address: Self.heConf(lab, 2)],
                                       "hosts": ["hosted_engine_2": ["installing_ticks": installingTicks],
                                                 "hosted_engine_3": ["installing_ticks": installingTicks]],
                                   ])
            try HostedEngine45Tests.prepare(lab, 0, env: "HE45_ENGINE_CA=\(engine.caPath)\n")
            try HostedEngine45Tests.prepare(lab, 1)
            try HostedEngine45Tests.prepare(lab, 2)
            answerFile = try HostedEngine45Tests.writeAnswers(lab, extra: """
                OVIRT_WIZARD/additionalHosts=str:\(lab.entry(1)) \(lab.entry(2))
                OVIRT_WIZARD/additionalHostNames=str:hosted_engine_2 hosted_engine_3

                """)
        }

        deinit { engine.stop() }

        static func heConf(_ lab: LabDeployment, _ index: Int) -> String {
            lab.root(index) + "/etc/ovirt-hosted-engine/hosted-engine.conf"
        }

        func arguments(_ command: String, _ extra: [String] = [], poll: Double = 0.01) -> [String] {
            [command, "--answers", answerFile] + lab.sshArguments + extra
                + (command == "apply" ? ["--engine-address", engine.address, "--engine-port", String(engine.port), "--engine-poll", String(poll),
                                         "--root-authorized-keys", keysFile,
                                         "--engine-ca-on-host", lab.root(0) + "/etc/pki/vdsm/certs/cacert.pem"] : [])
        }

        func record() async throws -> [String: Any] { try await engine.recorded() }

        func session() async throws -> EngineSession { try await engine.adminSession() }

        /// The HA set is there: the first host deployed once by hosted-engine, the other two added through the
        /// engine once each (with deploy_hosted_engine=true, after the first host's CA was pinned), up, their
        /// agents active, their hosted-engine.conf holding the Host IDs the engine chose.
        func expectDeployed() async throws {
            #expect(lab.runCount(0, "hosted-engine") == 1)
            #expect(lab.runCount(1, "hosted-engine") == 0 && lab.runCount(2, "hosted-engine") == 0)
            let record = try await record()
            let adds = ((record["requests"] as? [String]) ?? []).filter { $0.hasPrefix("POST /ovirt-engine/api/hosts") }
            #expect(adds == Array(repeating: "POST /ovirt-engine/api/hosts?deploy_hosted_engine=true&reboot=false", count: 2), "\(adds)")
            #expect((record["refused_bodies"] as? [Any] ?? []).isEmpty, "\(record["refused_bodies"] ?? "")")
            let ids = [1, 2].map { (try? String(contentsOfFile: Self.heConf(lab, $0), encoding: .utf8)) ?? "" }
            #expect(Set(ids.map { $0.split(separator: "\n").first { $0.hasPrefix("host_id=") }.map(String.init) ?? "none" }) == ["host_id=2", "host_id=3"], "\(ids)")
            let session = try await session()
            let hosts = try await session.hosts()
            #expect(hosts.map(\.name).sorted() == ["host0.lab.test", "hosted_engine_2", "hosted_engine_3"])
            for host in hosts {
                #expect(host.status == "up")
                #expect(try await session.hostWithAllContent(id: host.id).hostedEngine?.active == true)
            }
            await session.close()
            let records = Journal.read(path: lab.files.journal).records
            let pinned = records.firstIndex { $0.kind == .stepEnded && $0.host == lab.cluster.hosts[0].address && $0.step == "pin-engine-ca" && $0.status == .done }
            for index in 1...2 {
                let added = records.firstIndex { $0.kind == .stepStarted && $0.host == lab.cluster.hosts[index].address && $0.step == "add-host" }
                #expect(pinned != nil && added != nil && pinned! < added!)
            }
        }

        /// No password in anything apply wrote or printed.
        func expectNoSecrets(_ texts: [String], answerFile: String? = nil) {
            var all = texts
            let deploy = (answerFile ?? self.answerFile) + ".deploy"
            if let walker = FileManager.default.enumerator(atPath: deploy) {
                for case let path as String in walker {
                    if let text = try? String(contentsOfFile: deploy + "/" + path, encoding: .utf8) { all.append(text) }
                }
            }
            #expect(all.count > 2)
            for text in all {
                #expect(!text.contains(HostedEngine45Tests.adminPassword) && !text.contains(HostedEngine45Tests.rootPassword))
            }
        }
    }

    @Test func thePlanAddsTheOtherHostsThroughTheEngineAfterTheFirstHostsCA() throws {
        let lab = try Lab()
        let printed = try lab.lab.wizard(lab.arguments("plan"))
        #expect(printed.status == 0, "\(printed.stderr)")
        let text = printed.stdout
        #expect(text.contains("engine:  https://engine.lab.test/ovirt-engine/api (API v4) as admin@ovirt@internalsso, made by this host's deploy"), "\(text)")
        #expect(text.contains("[pin-engine-ca; read-only"))
        #expect(text.contains("/etc/pki/vdsm/certs/cacert.pem"))
        #expect(text.components(separatedBy: "POST /ovirt-engine/api/hosts?deploy_hosted_engine=true&reboot=false").count == 3, "\(text)")
        #expect(text.contains("<authentication_method>publickey</authentication_method>"))
        #expect(text.contains("[wait-hosted-engine;"))
        // hosted-engine --deploy runs on the first host only.
        #expect(text.components(separatedBy: "run:    hosted-engine --deploy").count == 2, "\(text)")
        #expect(!text.contains(HostedEngine45Tests.adminPassword))
    }

    @Test func theHASetFromApplyPlain() async throws {
        let lab = try Lab()
        let applied = try lab.lab.wizard(lab.arguments("apply", ["--plain", "--verbose"]))
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        #expect(applied.stdout.contains("the engine's CA from \(lab.lab.cluster.hosts[0].address):"), "\(applied.stdout)")
        #expect(applied.stdout.contains("its certificate verifies against that CA; logged in as admin@ovirt@internalsso"))
        #expect(applied.stdout.contains(": HA agent active, score 3400"))
        try await lab.expectDeployed()
        lab.expectNoSecrets([applied.stdout, applied.stderr])
    }

    @Test func killedWhileTheEngineInstallsAHostThenResumedAddsNothingTwice() async throws {
        let lab = try Lab(installingTicks: 400)
        let running = try lab.lab.start(lab.arguments("apply", ["--plain"], poll: 0.02))
        try running.input.fileHandleForWriting.close()
        // Killed once the engine has the second host and installs it.
        let second = lab.lab.cluster.hosts[1].address
        let deadline = Date().addingTimeInterval(120)
        var added = false
        while !added && Date() < deadline {
            added = Journal.read(path: lab.lab.files.journal).records.contains {
                $0.kind == .stepEnded && $0.host == second && $0.step == "add-host" && $0.status == .done
            }
            if !added { usleep(50_000) }
        }
        #expect(added)
        kill(running.process.processIdentifier, SIGKILL)
        running.process.waitUntilExit()

        let resumed = try lab.lab.wizard(lab.arguments("apply", ["--plain", "--verbose", "--resume"]))
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        // The CA is read again (a new process trusts nothing it did not pin itself).
        #expect(resumed.stdout.contains("the engine's CA from"), "\(resumed.stdout)")
        try await lab.expectDeployed()
        lab.expectNoSecrets([resumed.stdout, resumed.stderr])
    }

    @Test func anEngineWhoseCertificateDoesNotMatchTheHostsCAIsRefused() async throws {
        let lab = try Lab()
        // The first host holds another CA than the one that signed the engine's certificate.
        try HostedEngine45Tests.prepare(lab.lab, 0, env: "HE45_ENGINE_CA=\(lab.engine.foreignCAPath)\n")
        let applied = try lab.lab.wizard(lab.arguments("apply", ["--plain"]))
        #expect(applied.status == 1, "\(applied.stdout)\n\(applied.stderr)")
        #expect(applied.stdout.contains("pin-engine-ca"), "\(applied.stdout)")
        let record = try await lab.record()
        let adds = ((record["requests"] as? [String]) ?? []).filter { $0.hasPrefix("POST /ovirt-engine/api/hosts") }
        #expect(adds.isEmpty, "nothing is sent to an engine that does not verify: \(adds)")
    }

    /// A new operator types the whole 4.5 dialog, the two other hosts included (their engine names as proposed);
    /// the file then deploys the HA set, and the panes show each added host's install from the engine's events.
    @Test func aNewOperatorsTypedHASetFromThePanes() async throws {
        let lab = try Lab()
        let hosts = lab.lab.cluster.hosts
        var lines = HostedEngine45Tests.typedAnswers(lab.lab).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // After the storage answers: no /etc/hosts lines, then the additional hosts, their names as proposed.
        let storage = try #require(lines.firstIndex(of: HostedEngine45Tests.exportConnection(lab.lab)))
        lines = Array(lines[...(storage + 2)]) + ["", "\(lab.lab.entry(1)) \(lab.lab.entry(2))", ""] + Array(repeating: "", count: 4)
        let file = lab.lab.directory + "/hosted-engine-ha.conf"
        let dialog = try lab.lab.wizard(["plain", "--flow", "hosted-engine", "--output", file, "--known-hosts", lab.lab.cluster.knownHostsPath],
                                        stdin: lines.joined(separator: "\n") + "\n")
        #expect(dialog.status == 0, "\(dialog.stdout)\n\(dialog.stderr)")
        #expect(dialog.stdout.contains("Names of these hosts in the engine, in the same order [\(hosts[1].address) \(hosts[2].address)]: "), "\(dialog.stdout)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("OVIRT_WIZARD/additionalHostNames=str:\(hosts[1].address) \(hosts[2].address)"), "\(text)")

        let argv = ["apply", "--answers", file] + lab.lab.sshArguments
            + ["--engine-address", lab.engine.address, "--engine-port", String(lab.engine.port), "--engine-poll", "0.05",
               "--root-authorized-keys", lab.keysFile, "--engine-ca-on-host", lab.lab.root(0) + "/etc/pki/vdsm/certs/cacert.pem"]
        let tmux = try Tmux(command: ([LabDeployment.binary] + argv).map(Tmux.quote).joined(separator: " "),
                            environment: lab.lab.binaryEnvironment.filter { ["HOME", "PATH"].contains($0.key) })
        let screen = try tmux.waitFor("q quit", timeout: 180)
        print(screen)
        #expect(screen.contains("3 done"), "\(screen)")
        #expect(screen.contains("\(hosts[1].address) · hosted-engine"))
        #expect(screen.contains("\(hosts[2].address): HA agent active"), "\(screen)")
        try tmux.send("q")
        #expect(try tmux.waitFor("EXIT=", timeout: 20).contains("EXIT=0"))
        let session = try await lab.session()
        let names = try await session.hosts().map(\.name).sorted()
        await session.close()
        #expect(names == ["host0.lab.test", hosts[1].address, hosts[2].address].sorted())
        lab.expectNoSecrets([dialog.stdout, dialog.stderr, screen], answerFile: file)
    }
}
