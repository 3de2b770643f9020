import EngineAPI
import Foundation
import LabHosts
import Testing
@testable import Deploy

/// The seed's chapter 13 done by `apply` against the fake engine (v3 as 3.4, v4 as 4.5, its CA pinned, every body
/// checked against the real model): three nodes added, the GlusterFS data domain, the ISO domain, and the export
/// domain made by `export-domain create` imported; the exports checked over SSH on their lab server first.
@Suite("platform apply", .serialized, .timeLimit(.minutes(10)))
struct PlatformApplyTests {
    static let adminPassword = "Eng1ne-adm1n-pw"
    static let rootPassword = "R00t-s3cret-pw"
    static let screens = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Screens").path

    /// The lab: host 0 is the engine host and the NFS/Gluster server, hosts 1-3 are the nodes to add.
    final class Lab: @unchecked Sendable {
        let lab: LabDeployment
        let engine: LabEngine
        let exports: String
        let keysFile: String
        var answerFile = ""

        /// `storageErrors`: an export (`iso`, `export`) whose mount fails in VDSM with that error (`mount`, `permission`).
        init(api: LabEngine.API, scenario: [String: Any] = [:], storageErrors: [String: String] = [:]) throws {
            lab = try LabDeployment(hosts: 4)
            let cluster = lab.cluster
            exports = cluster.root + "/exports"
            let keys = cluster.root + "/engine-authorized_keys"
            keysFile = keys
            var scenario = scenario
            scenario["local_exports"] = true
            if !storageErrors.isEmpty {
                let exports = self.exports, server = cluster.hosts[0].address
                scenario["storage"] = Dictionary(uniqueKeysWithValues: storageErrors.map { ("\(server):\(exports)/\($0.key)", ["error": $0.value]) })
            }
            scenario["root_password"] = PlatformApplyTests.rootPassword
            scenario["authorized_keys"] = Dictionary(uniqueKeysWithValues: cluster.hosts.dropFirst().map { ($0.address, keys) })
            engine = try LabEngine(api: api, password: PlatformApplyTests.adminPassword, scenario: scenario)
            // The Gluster volume of the seed, started, with the owner options the seed asks for (36:36).
            let host = cluster.hosts[0]
            for name in ["common.sh", "gluster"] {
                let target = host.binDirectory + "/" + name
                try? FileManager.default.removeItem(atPath: target)
                try FileManager.default.copyItem(atPath: LabDeployment.fixtures + "/" + name, toPath: target)
                chmod(target, name.hasSuffix(".sh") ? 0o644 : 0o755)
            }
            let state = lab.root(0) + "/var/lib/rpm-fixture"
            let volumes = state + "/gluster/volumes"
            try FileManager.default.createDirectory(atPath: volumes, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: state + "/glusterd-running", contents: nil)
            try "type=Distributed-Replicate\ncount=4 x 2 = 8\nstatus=Started\n".write(toFile: volumes + "/vol0", atomically: true, encoding: .utf8)
            try "\(host.address):/gluster_brick0\n".write(toFile: volumes + "/vol0.bricks", atomically: true, encoding: .utf8)
            try "storage.owner-uid: 36\nstorage.owner-gid: 36\n".write(toFile: volumes + "/vol0.options", atomically: true, encoding: .utf8)
            for dir in ["iso", "export"] {
                try FileManager.default.createDirectory(atPath: exports + "/" + dir, withIntermediateDirectories: true)
                chown(exports + "/" + dir, 36, 36)
            }
        }

        deinit { engine.stop() }

        var cluster: LabCluster { lab.cluster }

        /// The export domain of the seed's "手动创建导出域", made by the wizard's own export-domain create.
        func makeExportDomain() throws {
            let server = cluster.hosts[0]
            let file = cluster.root + "/export-domain.conf"
            let lines = [server.address, exports + "/export", "Export", "37e0e64b-5445-4bc3-8675-ceff4637e8e3", "Yes"]
            let plain = try lab.wizard(["plain", "--flow", "export-domain", "--offline", "--screens", PlatformApplyTests.screens, "--output", file],
                                       stdin: lines.joined(separator: "\n") + "\n")
            #expect(plain.status == 0, "\(plain.stdout)\(plain.stderr)")
            let made = try lab.wizard(["export-domain", "create", "--answers", file, "--host", server.target] + lab.sshArguments.prefix(6))
            #expect(made.status == 0, "\(made.stdout)\(made.stderr)")
        }

        func writeAnswers(version: String, hostAuth: String = "password", rootPassword: String = PlatformApplyTests.rootPassword) throws {
            let h = cluster.hosts
            let user = NSUserName()
            let rootPasswordLine = hostAuth == "password" ? "str:\(rootPassword)" : "none:None"
            answerFile = lab.directory + "/platform.conf"
            try """
                [environment:default]
                OVIRT_WIZARD/flow=str:platform
                OVIRT_WIZARD/flowVersion=str:\(version)
                OVIRT_WIZARD/host=str:\(h[0].address)
                OVIRT_WIZARD/sshUser=str:\(user)
                OVIRT_WIZARD/sshPort=int:\(h[0].port)
                OVIRT_WIZARD/sshIdentity=str:\(cluster.clientKey)
                PLATFORM/engineAnswerFile=none:None
                PLATFORM/engineFQDN=str:\(engine.fqdn)
                PLATFORM/enginePort=int:\(engine.port)
                PLATFORM/adminUser=str:admin@internal
                PLATFORM/adminPassword=str:\(PlatformApplyTests.adminPassword)
                PLATFORM/dataCenter=str:Default
                PLATFORM/cluster=str:Default
                PLATFORM/clusterCPU=str:Intel SandyBridge Family
                PLATFORM/hosts=str:\(h.dropFirst().map { "\(user)@\($0.address):\($0.port)" }.joined(separator: " "))
                PLATFORM/hostNames=str:node2 node3 node4
                PLATFORM/hostAuth=str:\(hostAuth)
                PLATFORM/hostRootPassword=\(rootPasswordLine)
                PLATFORM/dataDomainType=str:glusterfs
                PLATFORM/dataDomainName=str:data
                PLATFORM/dataDomainPath=str:\(h[0].address):/vol0
                PLATFORM/isoDomainName=str:iso
                PLATFORM/isoDomainPath=str:\(h[0].address):\(exports)/iso
                PLATFORM/exportDomainName=str:export
                PLATFORM/exportDomainPath=str:\(h[0].address):\(exports)/export
                PLATFORM/confirmSettings=bool:True

                """.write(toFile: answerFile, atomically: true, encoding: .utf8)
        }

        func applyArguments(poll: Double = 0.01) -> [String] {
            ["apply", "--answers", answerFile] + lab.sshArguments
                + ["--engine-address", engine.address, "--engine-ca-file", engine.caPath, "--ca-store", cluster.root + "/ca-store",
                   "--engine-poll", String(poll), "--root-authorized-keys", keysFile]
        }

        func record() async throws -> [String: Any] { try await engine.recorded() }

        func requests(_ record: [String: Any], _ prefix: String) -> [String] {
            ((record["requests"] as? [String]) ?? []).filter { $0.hasPrefix(prefix) }
        }

        func session() async throws -> EngineSession { try await engine.adminSession() }

        /// Every file `apply` wrote (journal, logs) and `extra` output: none may hold a password.
        func expectNoSecrets(_ extra: [String]) throws {
            var texts = extra
            let deploy = answerFile + ".deploy"
            if let walker = FileManager.default.enumerator(atPath: deploy) {
                for case let path as String in walker {
                    if let text = try? String(contentsOfFile: deploy + "/" + path, encoding: .utf8) { texts.append(text) }
                }
            }
            #expect(texts.count > 2)
            for text in texts {
                #expect(!text.contains(PlatformApplyTests.adminPassword))
                #expect(!text.contains(PlatformApplyTests.rootPassword))
            }
        }

        /// The data domain went in before the ISO domain failed: it is active, the ISO and export domains are not there.
        func expectDataDomainOnly() async throws {
            let session = try await session()
            let dc = try #require(try await session.dataCenter(named: "Default"))
            let attached = try await session.attachedStorageDomains(dataCenterID: dc.id)
            #expect(attached.map(\.name) == ["data"])
            #expect(attached.first?.status == "active")
            await session.close()
        }

        /// The seed's platform is there: three nodes up, the CPU set, the three domains active in Default.
        func expectPlatform() async throws {
            let session = try await session()
            let hosts = try await session.hosts()
            #expect(hosts.map(\.name).sorted() == ["node2", "node3", "node4"])
            #expect(hosts.allSatisfy { $0.status == "up" })
            #expect(try await session.cluster(named: "Default")?.cpuType == "Intel SandyBridge Family")
            let dc = try #require(try await session.dataCenter(named: "Default"))
            let attached = try await session.attachedStorageDomains(dataCenterID: dc.id)
            #expect(Set(attached.map { $0.type ?? "" }) == ["data", "iso", "export"])
            #expect(attached.allSatisfy { $0.status == "active" })
            let export = try #require(attached.first { $0.type == "export" })
            #expect(export.id == "37e0e64b-5445-4bc3-8675-ceff4637e8e3")
            await session.close()
        }
    }

    @Test(arguments: [(LabEngine.API.v3, "3.4"), (.v4, "4.5")])
    func theSeedsPlatformFromApplyPlain(api: LabEngine.API, version: String) async throws {
        let lab = try Lab(api: api)
        try lab.makeExportDomain()
        try lab.writeAnswers(version: version)

        let plan = try lab.lab.wizard(["plan", "--answers", lab.answerFile] + lab.lab.sshArguments)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("POST /ovirt-engine/api/hosts" + (api == .v4 ? "?reboot=false" : "")))
        #expect(plan.stdout.contains("<root_password>********</root_password>"))

        let run = try lab.lab.wizard(lab.applyArguments() + ["--plain"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stderr.contains("Pinned the CA of \(lab.engine.fqdn)"))
        try await lab.expectPlatform()
        let record = try await lab.record()
        #expect((record["refused_bodies"] as? [Any])?.isEmpty == true, "\(record["refused_bodies"] ?? "")")
        #expect(lab.requests(record, "POST /ovirt-engine/api/hosts").count == 3)
        #expect(lab.requests(record, "POST /ovirt-engine/api/storagedomains").count == 3)
        #expect(lab.requests(record, "PUT /ovirt-engine/api/clusters/").count == 1)
        // Each step's requests carry its Correlation-Id: the engine's events about node2's add name it.
        let session = try await lab.session()
        let added = try await session.events(after: 0).first { $0.code == 42 && $0.description.hasPrefix("Host node2 ") }
        await session.close()
        #expect(added?.correlationID?.hasPrefix("ovw-add-host-") == true, "\(String(describing: added))")
        #expect(((record["correlations"] as? [String]) ?? []).allSatisfy { $0.range(of: "^[0-9a-zA-Z_-]{1,36}$", options: .regularExpression) != nil })
        // The nodes' install progress from the engine's events, in their own log (what their pane shows).
        let node2Log = try String(contentsOfFile: lab.answerFile + ".deploy/logs/" + "\(lab.cluster.hosts[1].address).log", encoding: .utf8)
        #expect(node2Log.contains(api == .v3 ? "Installing Host node2. Stage: Initializing." : "Installing Host node2. Gathering Facts."))
        #expect(node2Log.contains("Status of host node2 was set to Up."))
        try lab.expectNoSecrets([run.stdout, run.stderr, plan.stdout, plan.stderr])

        // Run again: every step's probe finds the engine's state in place, nothing is sent twice.
        let again = try lab.lab.wizard(lab.applyArguments() + ["--plain", "--resume"])
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        let after = try await lab.record()
        #expect(lab.requests(after, "POST /ovirt-engine/api/hosts").count == 3)
        #expect(lab.requests(after, "POST /ovirt-engine/api/storagedomains").count == 3)
        #expect(lab.requests(after, "POST /ovirt-engine/api/datacenters/").count == 3)
    }

    @Test(arguments: [(LabEngine.API.v3, "3.4"), (.v4, "4.5")])
    func killedInTheMiddleAndResumedAddsNothingTwice(api: LabEngine.API, version: String) async throws {
        // node4 installs slowly: the run is killed while the engine installs it, before any domain is sent.
        let lab = try Lab(api: api, scenario: ["hosts": ["node4": ["installing_ticks": 400]]])
        try lab.makeExportDomain()
        try lab.writeAnswers(version: version)
        let running = try lab.lab.start(lab.applyArguments(poll: 0.3) + ["--plain"])
        let journal = lab.answerFile + ".deploy/journal.jsonl"
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: journal, encoding: .utf8)) ?? ""
            if text.split(separator: "\n").contains(where: { $0.contains("step-started") && $0.contains("wait-host-up") && $0.contains(lab.cluster.hosts[3].address) }) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(running.process.processIdentifier, SIGKILL)
        running.process.waitUntilExit()
        #expect(running.process.terminationReason == .uncaughtSignal)
        let before = try await lab.record()
        #expect(lab.requests(before, "POST /ovirt-engine/api/storagedomains").isEmpty)

        let resumed = try lab.lab.wizard(lab.applyArguments() + ["--plain", "--resume"])
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        try await lab.expectPlatform()
        let record = try await lab.record()
        #expect(lab.requests(record, "POST /ovirt-engine/api/hosts").count == 3)
        #expect(lab.requests(record, "POST /ovirt-engine/api/storagedomains").count == 3)
        #expect((record["refused_bodies"] as? [Any])?.isEmpty == true)
        try lab.expectNoSecrets([resumed.stdout, resumed.stderr])
    }

    @Test(arguments: [(LabEngine.API.v3, "3.4"), (.v4, "4.5")])
    func aWrongRootPasswordStopsWithTheEnginesReason(api: LabEngine.API, version: String) async throws {
        let lab = try Lab(api: api)
        try lab.makeExportDomain()
        let wrong = "Wr0ng-r00t-pw"
        try lab.writeAnswers(version: version, rootPassword: wrong)
        let run = try lab.lab.wizard(lab.applyArguments() + ["--plain"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("[Cannot add Host. SSH authentication failed, verify authentication parameters are correct"), "\(run.stdout)")
        #expect(!run.stdout.contains(wrong) && !run.stderr.contains(wrong))
        let record = try await lab.record()
        #expect(lab.requests(record, "POST /ovirt-engine/api/storagedomains").isEmpty)
        try lab.expectNoSecrets([run.stdout, run.stderr])
        let logs = try FileManager.default.contentsOfDirectory(atPath: lab.answerFile + ".deploy/logs")
        for log in logs {
            #expect(!(try String(contentsOfFile: lab.answerFile + ".deploy/logs/" + log, encoding: .utf8)).contains(wrong))
        }
    }

    @Test func aNodeThatEndsInstallFailedShowsTheEnginesReasonInItsPane() async throws {
        let lab = try Lab(api: .v4, scenario: ["hosts": ["node3": ["outcome": "install_failed",
                                                                   "message": "Failed to execute stage 'Package installation'"]]])
        try lab.makeExportDomain()
        try lab.writeAnswers(version: "4.5")
        let run = try lab.lab.wizard(lab.applyArguments() + ["--plain"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("node3 is install_failed: Installing Host node3. Failed to execute stage 'Package installation'."), "\(run.stdout)")
        let record = try await lab.record()
        #expect(lab.requests(record, "POST /ovirt-engine/api/storagedomains").isEmpty)
    }

    @Test func aNodeThatEndsNonOperationalShowsTheEnginesReason() async throws {
        let lab = try Lab(api: .v3, scenario: ["hosts": ["node2": ["outcome": "non_operational", "reason": "cpu_type_incompatible_with_cluster"]]])
        try lab.makeExportDomain()
        try lab.writeAnswers(version: "3.4")
        let run = try lab.lab.wizard(lab.applyArguments() + ["--plain"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("node2 is non_operational (cpu_type_incompatible_with_cluster): Host node2 moved to Non-Operational state as host CPU type is not supported"), "\(run.stdout)")
        let record = try await lab.record()
        #expect(lab.requests(record, "POST /ovirt-engine/api/storagedomains").isEmpty)
    }

    @Test(arguments: [(LabEngine.API.v3, "3.4"), (.v4, "4.5")])
    func aMountFailureShowsTheEnginesFaultAndVDSMsReason(api: LabEngine.API, version: String) async throws {
        let lab = try Lab(api: api, storageErrors: ["iso": "mount"])
        try lab.makeExportDomain()
        try lab.writeAnswers(version: version)
        let run = try lab.lab.wizard(lab.applyArguments() + ["--plain"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("POST /ovirt-engine/api/storagedomains: the engine refused it: Operation Failed"), "\(run.stdout)")
        if api == .v3 {
            // 3.4 answers "[]": the reason is VDSM's, from the engine's event 996.
            #expect(run.stdout.contains("(engine events: The error message for connection \(lab.cluster.hosts[0].address):\(lab.exports)/iso returned by VDSM was: Problem while trying to mount target)"))
        } else {
            #expect(run.stdout.contains("[Problem while trying to mount target]"))
        }
        try await lab.expectDataDomainOnly()
    }

    @Test func anExportNotOwnedByVdsmStopsTheRunBeforeAnythingIsSent() async throws {
        let lab = try Lab(api: .v4)
        try lab.makeExportDomain()
        chown(lab.exports + "/iso", 0, 0)
        try lab.writeAnswers(version: "4.5")
        let run = try lab.lab.wizard(lab.applyArguments() + ["--plain"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("\(lab.exports)/iso is owned by 0:0, not 36:36 (vdsm:kvm): run chown 36:36 \(lab.exports)/iso"), "\(run.stdout)")
        let record = try await lab.record()
        #expect(lab.requests(record, "POST /ovirt-engine/api/").isEmpty)
        #expect(lab.requests(record, "PUT /ovirt-engine/api/").isEmpty)
    }

    @Test func theSupportBundleOfAPlatformRunHoldsNoPassword() async throws {
        let lab = try Lab(api: .v4)
        try lab.makeExportDomain()
        try lab.writeAnswers(version: "4.5")
        let run = try lab.lab.wizard(lab.applyArguments() + ["--plain"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let output = lab.lab.directory + "/support.tar.gz"
        let made = try lab.lab.wizard(["bundle", "--answers", lab.answerFile, "--output", output] + lab.lab.sshArguments)
        #expect(made.status == 0, "\(made.stdout)\n\(made.stderr)")
        let folder = lab.lab.directory + "/unpacked"
        let files = try BundleLabTests.unpack(output, into: folder)
        #expect(files.keys.contains { $0.hasSuffix("platform.conf") }, "\(files.keys.sorted())")
        for secret in [PlatformApplyTests.adminPassword, PlatformApplyTests.rootPassword] {
            #expect(try BundleLabTests.grep(secret, in: folder).isEmpty)
        }
    }

    @Test func sshKeyAuthPutsTheEnginesKeyOnEveryNodeFirst() async throws {
        let lab = try Lab(api: .v3)
        try lab.makeExportDomain()
        try lab.writeAnswers(version: "3.4", hostAuth: "sshkey")
        let run = try lab.lab.wizard(lab.applyArguments() + ["--plain"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let keys = try String(contentsOfFile: lab.keysFile, encoding: .utf8).split(separator: "\n")
        // Three nodes share the lab's file: the key is there once (idempotent), as the engine's pki-resource serves it.
        #expect(keys.count == 1)
        #expect(keys.first?.hasSuffix(" ovirt-engine") == true)
        try await lab.expectPlatform()
    }
}

/// The same platform from the panes (tmux, 120x40): one pane per added node fed by the engine's events, the
/// wizard killed while the engine installs the nodes, then resumed in the panes.
@Suite("platform apply in the panes", .serialized, .timeLimit(.minutes(10)))
struct PlatformPanesTests {
    /// The wizard's PID: the child of the tmux pane's shell.
    static func wizardPID(_ tmux: Tmux) throws -> Int32? {
        let shell = try tmux.tmux(["list-panes", "-t", "e2e", "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(shell)/task")) ?? []
        for task in tasks {
            let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(task)/children", encoding: .utf8)) ?? ""
            if let first = children.split(separator: " ").first, let pid = Int32(first) { return pid }
        }
        return nil
    }

    @Test(arguments: [(LabEngine.API.v3, "3.4"), (.v4, "4.5")])
    func theSeedsPlatformInThePanesKilledAndResumed(api: LabEngine.API, version: String) async throws {
        // node4 installs slowly: the wizard is killed while the engine installs it, before any domain is sent.
        let lab = try PlatformApplyTests.Lab(api: api, scenario: ["hosts": ["node4": ["installing_ticks": 400]]])
        try lab.makeExportDomain()
        try lab.writeAnswers(version: version)
        let environment = lab.lab.binaryEnvironment.filter { ["HOME", "PATH"].contains($0.key) }
        let node4 = lab.cluster.hosts[3].address

        let first = try Tmux(command: ([LabDeployment.binary] + lab.applyArguments(poll: 0.3)).map(Tmux.quote).joined(separator: " "),
                             width: 120, height: 40, environment: environment)
        // A node's pane shows its install from the engine's events; the wizard is killed there.
        var screen = try first.waitFor(api == .v3 ? "Installing Host node4. Stage: Initializing" : "Installing Host node4. Gathering Facts", timeout: 120)
        print(screen)
        #expect(screen.contains(node4))
        let pid = try #require(try Self.wizardPID(first))
        kill(pid, SIGKILL)
        screen = try first.waitFor("EXIT=", timeout: 30)
        let killed = try await lab.record()
        #expect(lab.requests(killed, "POST /ovirt-engine/api/storagedomains").isEmpty, "killed after the platform was done")

        let second = try Tmux(command: ([LabDeployment.binary] + lab.applyArguments() + ["--resume"]).map(Tmux.quote).joined(separator: " "),
                              width: 120, height: 40, environment: environment)
        screen = try second.waitFor("q quit", timeout: 180)
        print(screen)
        #expect(screen.contains("(4 done)"))
        #expect(!screen.contains("failed"))
        #expect(!screen.contains(PlatformApplyTests.adminPassword) && !screen.contains(PlatformApplyTests.rootPassword))
        try second.send("q")
        _ = try second.waitFor("EXIT=0", timeout: 30)
        try await lab.expectPlatform()
        let record = try await lab.record()
        #expect(lab.requests(record, "POST /ovirt-engine/api/hosts").count == 3)
        #expect(lab.requests(record, "POST /ovirt-engine/api/storagedomains").count == 3)
        #expect((record["refused_bodies"] as? [Any])?.isEmpty == true)
        try lab.expectNoSecrets([screen])
    }
}
