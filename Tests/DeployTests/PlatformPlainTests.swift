import Foundation
import LabHosts
import OtopiKit
import Testing
@testable import WizardCore

/// `ovirt-wizard plain --flow platform` against the fixture engine (`LabEngine`, API v3 and v4) and real sshd lab
/// hosts: the engine host serves the engine's CA (read over SSH, host key verified, then pinned), the hosts to add
/// serve the cpuinfo of the fixtures (a Westmere and a Sandy Bridge), and the answer file written parses with the
/// contract's one parser (`PlatformAnswers`).
@Suite(.serialized, .timeLimit(.minutes(10)))
struct PlatformPlainTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func run(_ arguments: [String], stdin: String, in directory: String, home: String) throws -> LabDeployment.Result {
        try LabDeployment.runBinary(arguments, stdin: stdin, directory: directory, home: home,
                                    extra: ["OVIRT_WIZARD_SCREENS": repository.appendingPathComponent("Screens").path])
    }

    /// A `cat` in the host's PATH that serves the engine PKI (`ca`) and /proc/cpuinfo (`cpuinfo`, a fixture) from
    /// the host's work directory: the lab machine has neither an engine nor these CPUs, and tests write nothing to /etc.
    static func serve(_ host: LabHost, ca: String? = nil, cpuinfo: String? = nil) throws {
        let pki = host.workDirectory + "/etc-pki-ovirt-engine"
        try FileManager.default.createDirectory(atPath: pki, withIntermediateDirectories: true)
        if let ca { try FileManager.default.copyItem(atPath: ca, toPath: pki + "/ca.pem") }
        let cpu = host.workDirectory + "/cpuinfo"
        if let cpuinfo {
            try FileManager.default.copyItem(atPath: repository.appendingPathComponent("Tests/Fixtures/cpuinfo/\(cpuinfo)").path, toPath: cpu)
        }
        let shim = host.binDirectory + "/cat"
        try """
            #!/bin/sh
            # Fixture: the engine host's /etc/pki/ovirt-engine and this host's CPU live in its work directory.
            case "$1" in
            /etc/pki/ovirt-engine/*)
                file="\(pki)/${1#/etc/pki/ovirt-engine/}"
                [ -f "$file" ] || { echo "cat: $1: No such file or directory" >&2; exit 1; }
                exec /bin/cat "$file" ;;
            /proc/cpuinfo)
                [ -f "\(cpu)" ] && exec /bin/cat "\(cpu)" ;;
            esac
            exec /bin/cat "$@"

            """.write(toFile: shim, atomically: true, encoding: .utf8)
        chmod(shim, 0o755)
    }

    struct Lab {
        var cluster: LabCluster
        var engine: LabEngine
        var directory: String
        var engineAnswers: String

        func stop() {
            engine.stop()
            cluster.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }

        var engineHost: LabHost { cluster.hosts[0] }
        var nodes: [LabHost] { Array(cluster.hosts[1...]) }

        func arguments(_ version: String) -> [String] {
            ["plain", "--flow", "platform-\(version)", "--known-hosts", cluster.knownHostsPath, "--engine-address", engine.address,
             "--engine-port", String(engine.port), "--ca-store", directory + "/ca-store", "--output", directory + "/platform.conf"]
        }

        /// The engine host's login, as the target section asks it.
        var login: String { "\(engineHost.address)\nroot\n\(engineHost.port)\n\(cluster.clientKey)\n" }
        var hostEntries: String { nodes.map { "\($0.address):\($0.port)" }.joined(separator: " ") }
    }

    static func lab(_ api: LabEngine.API, password: String? = nil) throws -> Lab {
        let cluster = try LabCluster.start(hosts: 3)
        let engine: LabEngine
        do { engine = try LabEngine(api: api) } catch { cluster.stop(); throw error }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("platform-plain-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try serve(cluster.hosts[0], ca: engine.caPath)
        try serve(cluster.hosts[1], cpuinfo: "westmere-xeon-e5649-vdsm.txt")
        try serve(cluster.hosts[2], cpuinfo: "sandybridge-xeon-e5-2690-joefriday.txt")
        let answers = directory + "/engine-setup.conf"
        try """
            [environment:default]
            OVESETUP_CONFIG/fqdn=str:\(engine.fqdn)
            OVESETUP_CONFIG/adminPassword=str:\(password ?? engine.password)

            """.write(toFile: answers, atomically: true, encoding: .utf8)
        return Lab(cluster: cluster, engine: engine, directory: directory, engineAnswers: answers)
    }

    static func reports() -> [HostCPUReport] {
        ["westmere-xeon-e5649-vdsm.txt", "sandybridge-xeon-e5-2690-joefriday.txt"].map { name in
            try! CPUProbe.report(text: String(contentsOf: repository.appendingPathComponent("Tests/Fixtures/cpuinfo/\(name)"), encoding: .utf8),
                                 source: name).get()
        }
    }

    @Test(arguments: [LabEngine.API.v3, .v4])
    func theEnginesListsAndTheHostsCPUsAreFetchedAndThePasswordIsNotAsked(api: LabEngine.API) throws {
        let lab = try Self.lab(api)
        defer { lab.stop() }
        let version = api == .v3 ? "3.4" : "4.5"
        let input = lab.login
            + "\n"                              // admin user: admin@internal
            + "\n\n"                            // data center, cluster: Default, listed from the engine
            + lab.hostEntries + "\nnode2 node3\n\n"   // hosts, their names, the engine's SSH key
            + "\n"                              // the proposed cluster CPU
            + "\n\nnode1.lab:/vol0\n"           // data: glusterfs, data, its volume
            + "none\n"                          // no ISO domain
            + "\nnfs1.lab:/exports/export\n"    // the export domain made by export-domain create
            + "yes\n"
        let r = try Self.run(lab.arguments(version) + ["--engine-answers", lab.engineAnswers], stdin: input,
                             in: lab.directory, home: lab.cluster.root)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)\n\(lab.engine.log)")
        let ca = try String(contentsOfFile: lab.engine.caPath, encoding: .utf8)
        #expect(r.stdout.contains("Pinned the CA of engine.test from \(lab.engineHost.address):/etc/pki/ovirt-engine/ca.pem (over SSH)"), "\(r.stdout)")
        #expect(try String(contentsOfFile: lab.directory + "/ca-store/engine.test.pem", encoding: .utf8) == ca)
        #expect(r.stdout.contains("[ INFO  ] From \(lab.engineAnswers): the engine FQDN engine.test, the admin password"), "\(r.stdout)")
        #expect(r.stdout.contains("has the data centers: Default ("), "\(r.stdout)")
        #expect(r.stdout.contains("API \(api.rawValue))"))
        let proposed = try #require(ClusterCPUPlanner.recommend(level: api == .v3 ? "3.4" : "4.7", hosts: Self.reports()).cpu)
        #expect(r.stdout.contains("Proposed cluster CPU: \(proposed.name)"), "\(r.stdout)")
        #expect(r.stdout.contains("\(lab.nodes[0].address): "), "the CPU check names each host")
        #expect(!r.stdout.contains("Password of the engine admin user"), "the password was asked again")
        #expect(!r.stdout.contains(lab.engine.password) && !r.stderr.contains(lab.engine.password))

        // The file is the contract: PlatformAnswers reads it, the password from the engine's own answer file.
        let file = try AnswerFile.load(path: lab.directory + "/platform.conf")
        let text = try String(contentsOfFile: lab.directory + "/platform.conf", encoding: .utf8)
        #expect(text.contains("PLATFORM/adminPassword=none:None\n"))
        #expect(text.contains("PLATFORM/clusterCPU=str:\(proposed.name)\n"))
        let answers = try PlatformAnswers.loadingEngineAnswers(OtopiEnvironment(files: [file]))
        #expect(answers.flowVersion == version)
        #expect(answers.engineFQDN == "engine.test")
        #expect(answers.enginePort == lab.engine.port)
        #expect(answers.adminPassword.value == lab.engine.password)
        #expect(answers.dataCenter == "Default" && answers.cluster == "Default")
        #expect(answers.clusterCPU == proposed.name)
        #expect(answers.hosts.map(\.name) == ["node2", "node3"])
        #expect(answers.hosts.map(\.address) == lab.nodes.map(\.address))
        #expect(answers.hosts.map(\.login.port) == lab.nodes.map(\.port))
        #expect(answers.hostAuth == .sshKey)
        #expect(answers.domains.map(\.role) == [.data, .export])
        #expect(answers.domains.last?.connection == "nfs1.lab:/exports/export")
    }

    @Test func aWrongAdminPasswordIsAskedAgainAndTheEnginesListsFollow() throws {
        let lab = try Self.lab(.v3, password: "Not-It-42")
        defer { lab.stop() }
        let input = lab.login + "\n"
            + lab.engine.password + "\n"         // asked once the engine refused the file's password
            + "\n\n" + lab.hostEntries + "\n\n\n\n" + "\nstore1\nnode1.lab:/vol0\nnone\nnone\nyes\n"
        let r = try Self.run(lab.arguments("3.4") + ["--engine-answers", lab.engineAnswers], stdin: input, in: lab.directory,
                             home: lab.cluster.root)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("[ ERROR ] engine engine.test:\(lab.engine.port) (at \(lab.engine.address)) refused the login of admin@internal"), "\(r.stdout)")
        #expect(r.stdout.contains("Password of the engine admin user: "))
        #expect(r.stdout.contains("has the data centers: Default"))
        #expect(!r.stdout.contains("Not-It-42") && !r.stdout.contains(lab.engine.password))
        // The CA is pinned only once the engine was reached through it: after the right password.
        #expect(FileManager.default.fileExists(atPath: lab.directory + "/ca-store/engine.test.pem"))
        let text = try String(contentsOfFile: lab.directory + "/platform.conf", encoding: .utf8)
        #expect(text.contains("PLATFORM/adminPassword=str:\(lab.engine.password)\n"))
        #expect(text.contains("PLATFORM/hostNames=str:\(lab.nodes.map(\.address).joined(separator: " "))\n"))
    }

    @Test func anEngineThatCannotBeReachedIsSaidAndTheNamesAreTyped() throws {
        let lab = try Self.lab(.v4)
        defer { lab.stop() }
        lab.engine.stop()
        // No engine answer file: the FQDN and the password are typed.
        let r = try Self.run(lab.arguments("4.5"), stdin: "\(lab.login)\nengine.test\n\n\(lab.engine.password)\nDefault\nDefault\n",
                             in: lab.directory, home: lab.cluster.root)
        #expect(r.stdout.contains("[WARNING] The engine could not be asked: engine engine.test:\(lab.engine.port) (at \(lab.engine.address)) cannot be reached"), "\(r.stdout)")
        #expect(r.stdout.contains("[WARNING] The data centers and clusters are not listed from the engine: type their names"))
        #expect(r.stdout.contains("Data center: "), "no list and no default: \(r.stdout)")
        #expect(!FileManager.default.fileExists(atPath: lab.directory + "/ca-store/engine.test.pem"), "nothing pinned")
        #expect(r.status == 1, "input ends at the hosts")
        let text = try String(contentsOfFile: lab.directory + "/platform.conf", encoding: .utf8)
        #expect(text.contains("PLATFORM/dataCenter=str:Default\n"))
    }
}
