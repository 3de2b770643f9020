import Foundation
import HostOps
import SSHKit
import LabHosts
import Testing
import Yams
@testable import AnsibleExport
@testable import Deploy

/// `ovirt-wizard export ansible`: the plan as an Ansible project, checked step by step against the plan, then run
/// with the venv's ansible-playbook on lab hosts and compared with `apply` on a fresh host of the same lab.
@Suite("export ansible", .serialized, .timeLimit(.minutes(20)))
struct AnsibleExportTests {
    /// The steps of site.yml for `host`, in file order: (id, commands, tool command).
    static func exportedSteps(_ directory: String, host: String) throws -> [(id: String, kind: String, commands: [String])] {
        let site = try String(contentsOfFile: directory + "/site.yml", encoding: .utf8)
        let root = try #require(try Yams.compose(yaml: site))
        var out: [(String, String, [String])] = []
        for play in root.sequence ?? [] {
            for task in play["tasks"]?.sequence ?? [] {
                guard let step = task["vars"]?["ovw_step"], step["host"]?.string == host else { continue }
                let file = task["ansible.builtin.include_tasks"]?.string ?? ""
                var commands = (step["commands"]?.sequence ?? []).compactMap(\.string)
                if let tool = step["command"]?.string { commands = [tool] }
                out.append((step["id"]?.string ?? "", file, commands))
            }
        }
        return out
    }

    /// The command lines of a plan step, from its own `RemoteCommand`s (never from the export's text).
    static func planCommands(_ step: PlanStep) -> [String] {
        switch step.action {
        case .run(let command, _, _): return [command.commandLine]
        case .operation(let operation): return operation.commands.map(\.commandLine)
        case .upload, .fetchResults, .engine: return []
        }
    }

    static func expectSameSteps(_ plan: DeploymentPlan, exportedIn directory: String) throws {
        for host in plan.hosts {
            let exported = try exportedSteps(directory, host: host.name)
            #expect(exported.map(\.id) == host.steps.map(\.id), "host \(host.name): one task per step, in the plan's order")
            for (step, task) in zip(host.steps, exported) {
                #expect(task.commands == planCommands(step), "\(host.name) \(step.id)")
                let kind: String
                switch step.action {
                case .run(_, let otopi, _): kind = step.detached != nil ? "detached-run" : otopi ? "otopi-tool" : "command"
                case .operation: kind = "command"
                case .upload(let upload):
                    if case .composed = upload.source { kind = "composed-upload" } else { kind = "upload" }
                case .fetchResults: kind = "fetch-results"
                case .engine: kind = "engine (never exported)"
                }
                #expect(task.kind == "tasks/\(kind).yml", "\(host.name) \(step.id)")
            }
        }
        // Every wait of the plan holds: the step waited for is in an earlier part (play) than the step that waits.
        let parts = try exportedParts(directory)
        for host in plan.hosts {
            for step in host.steps {
                for wait in step.waitsFor {
                    let waited = wait.step ?? plan.host(named: wait.host)?.steps.last?.id ?? ""
                    let before = parts["\(wait.host)/\(waited)"], after = parts["\(host.name)/\(step.id)"]
                    #expect(before != nil && after != nil && before! < after!, "\(host.name)/\(step.id) waits for \(wait)")
                }
            }
        }
    }

    /// The part (play) of every exported step, by `host/step`.
    static func exportedParts(_ directory: String) throws -> [String: Int] {
        let site = try String(contentsOfFile: directory + "/site.yml", encoding: .utf8)
        let root = try #require(try Yams.compose(yaml: site))
        var out: [String: Int] = [:]
        for (index, play) in (root.sequence ?? []).enumerated() {
            for task in play["tasks"]?.sequence ?? [] {
                guard let step = task["vars"]?["ovw_step"], let host = step["host"]?.string, let id = step["id"]?.string else { continue }
                out["\(host)/\(id)"] = index
            }
        }
        return out
    }

    // MARK: - engine-setup

    @Test func engineSetupExportRunsLikeApplyIsIdempotentAndKeepsSecrets() async throws {
        let lab = try LabDeployment(hosts: 2)
        let x = try AnsibleExportLab(lab)
        let byApply = try lab.writeEngineSetupAnswers(0)
        let byAnsible = try lab.writeEngineSetupAnswers(1)
        let dir = lab.cluster.root + "/engine-export"

        let exported = try await offThePool { try x.export(["--answers", byAnsible], to: dir) }
        #expect(exported.status == 0, "\(exported.stdout)\n\(exported.stderr)")
        let plan = try lab.plan([byAnsible])
        try Self.expectSameSteps(plan, exportedIn: dir)
        // The project's own files hold no password; the answer file is a vault file.
        #expect(AnsibleExportLab.filesHolding(LabDeployment.adminPassword, under: dir).isEmpty)
        let vaults = try FileManager.default.subpathsOfDirectory(atPath: dir).filter { $0.hasSuffix(".vault") }
        #expect(vaults.count == 1)
        for vault in vaults {
            #expect(try String(contentsOfFile: dir + "/" + vault, encoding: .utf8).hasPrefix("$ANSIBLE_VAULT;1.1;AES256"))
        }
        #expect(!exported.stdout.contains(LabDeployment.adminPassword) && !exported.stderr.contains(LabDeployment.adminPassword))

        let applied = try await offThePool { try lab.wizard(["apply", "--plain", "--answers", byApply] + lab.sshArguments) }
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        let first = try await offThePool { try x.playbook(dir) }
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
        for output in [first.stdout, first.stderr, (try? String(contentsOfFile: dir + "-ansible.log", encoding: .utf8)) ?? ""] {
            #expect(!output.contains(LabDeployment.adminPassword))
        }

        // The same end state: the fixture calls that change a host, the files on it (modes, contents).
        let hosts = lab.cluster.hosts
        func normal(_ i: Int) -> [(String, String)] {
            [(hosts[i].directory, "HOSTDIR"), (lab.remoteBase + "/" + hosts[i].address, "REMOTE/HOST"), (hosts[i].address, "HOST"), ("/jump/engine-\(i).conf", "/jump/engine-N.conf")]
        }
        func normalized(_ i: Int, _ text: String) -> String { normal(i).reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) } }
        let programs: Set<String> = ["engine-setup", "yum", "dnf"]
        #expect(x.calls(1, of: programs).map { normalized(1, $0) } == x.calls(0, of: programs).map { normalized(0, $0) })
        #expect(x.calls(1, of: ["engine-setup"]).count == 1)
        let skip: (String) -> Bool = { $0 == "runs.log" || $0.hasSuffix(".console.log") || $0.hasSuffix(".input") }
        let viaApply = AnsibleExportLab.snapshot(lab.root(0), replacing: normal(0), skipping: skip)
            .merging(AnsibleExportLab.snapshot(lab.remoteBase + "/" + hosts[0].address, replacing: normal(0), skipping: skip).map { ("remote/" + $0, $1) }) { a, _ in a }
        let viaAnsible = AnsibleExportLab.snapshot(lab.root(1), replacing: normal(1), skipping: skip)
            .merging(AnsibleExportLab.snapshot(lab.remoteBase + "/" + hosts[1].address, replacing: normal(1), skipping: skip).map { ("remote/" + $0, $1) }) { a, _ in a }
        #expect(!viaApply.isEmpty)
        #expect(viaAnsible == viaApply)
        #expect(viaAnsible["remote/engine-setup-answers.conf"]?.hasPrefix("mode 600: ") == true)
        // The tool's console output is kept on the host, and the generated answer file fetched back (0600).
        let console = try String(contentsOfFile: lab.remoteBase + "/" + hosts[1].address + "/run-engine-setup.console.log", encoding: .utf8)
        #expect(console.contains("Execution of setup completed successfully"))
        #expect(!console.contains(LabDeployment.adminPassword))
        let results = dir + "-results/" + hosts[1].address
        let fetched = try FileManager.default.contentsOfDirectory(atPath: results)
        #expect(fetched == ["20140508054842-setup.conf"])
        #expect(try FileManager.default.attributesOfItem(atPath: results + "/" + fetched[0])[.posixPermissions] as? Int == 0o600)
        // The markers Ansible left are the ones apply --resume trusts.
        let marker = try String(contentsOfFile: lab.remoteBase + "/" + hosts[1].address + "/done/run-engine-setup", encoding: .utf8)
        #expect(marker.trimmingCharacters(in: .whitespacesAndNewlines) == plan.hosts[0].steps.first { $0.id == "run-engine-setup" }?.digest)

        // A second run changes nothing and runs no tool again.
        let callsAfterFirst = x.calls(1, of: programs)
        let second = try await offThePool { try x.playbook(dir) }
        #expect(second.status == 0, "\(second.stdout)\n\(second.stderr)")
        #expect(AnsibleExportLab.changed(second.stdout) == [hosts[1].address: 0], "\(second.stdout)")
        #expect(x.calls(1, of: programs) == callsAfterFirst)
        #expect(!second.stdout.contains(LabDeployment.adminPassword))
    }

    // MARK: - hosted-engine

    /// hosted-engine with its ISO upload and the two "(1) Continue setup" questions, answered as `apply --plain`
    /// reads them from standard input (here: ovw_tool_input).
    @Test func hostedEngineExportRunsLikeApply() async throws {
        let lab = try LabDeployment(hosts: 2)
        let x = try AnsibleExportLab(lab)
        let byApply = try lab.writeHostedEngineAnswers(0, isoBytes: 256 << 10)
        let byAnsible = try lab.writeHostedEngineAnswers(1, isoBytes: 256 << 10)
        let dir = lab.cluster.root + "/hosted-export"
        let exported = try await offThePool { try x.export(["--answers", byAnsible], to: dir) }
        #expect(exported.status == 0, "\(exported.stdout)\n\(exported.stderr)")
        try Self.expectSameSteps(try lab.plan([byAnsible]), exportedIn: dir)
        #expect(AnsibleExportLab.filesHolding(LabDeployment.hostedPassword, under: dir).isEmpty)

        let applied = try await offThePool { try lab.wizard(["apply", "--plain", "--answers", byApply] + lab.sshArguments, stdin: "1\n1\n") }
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        let run = try await offThePool { try x.playbook(dir, extra: ["-e", #"{"ovw_tool_input": "1\n1\n"}"#]) }
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        for secret in [LabDeployment.hostedPassword, "2067OGHU"] {
            #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret), "\(secret) in Ansible's output")
            #expect(!((try? String(contentsOfFile: dir + "-ansible.log", encoding: .utf8)) ?? "").contains(secret))
        }
        let hosts = lab.cluster.hosts
        func normal(_ i: Int) -> [(String, String)] {
            [(hosts[i].directory, "HOSTDIR"), (lab.remoteBase + "/" + hosts[i].address, "REMOTE/HOST"), (hosts[i].address, "HOST"),
             ("/jump/hosted-\(i).conf", "/jump/hosted-N.conf")]
        }
        func normalized(_ i: Int, _ text: String) -> String { normal(i).reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) } }
        let programs: Set<String> = ["hosted-engine", "yum", "dnf"]
        #expect(x.calls(1, of: programs).map { normalized(1, $0) } == x.calls(0, of: programs).map { normalized(0, $0) })
        #expect(x.calls(1, of: ["hosted-engine"]).count == 1)
        // The ISOs differ by design (one per host); each is compared with its own source below.
        let skip: (String) -> Bool = { $0 == "runs.log" || $0.hasSuffix(".console.log") || $0.hasSuffix(".input") || $0 == "tmp/centos.iso" }
        // The fixture hosted-engine draws new storage and VM UUIDs on every deploy, as the real tool does.
        let uuid = try NSRegularExpression(pattern: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
        func withoutUUIDs(_ text: String) -> String {
            uuid.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "UUID")
        }
        func state(_ i: Int) -> [String: String] {
            AnsibleExportLab.snapshot(lab.root(i), replacing: normal(i), skipping: skip)
                .merging(AnsibleExportLab.snapshot(lab.remoteBase + "/" + hosts[i].address, replacing: normal(i), skipping: skip)
                    .map { ("remote/" + $0, $1) }) { a, _ in a }
                .mapValues(withoutUUIDs)
        }
        #expect(state(1) == state(0))
        #expect(try SSHConnection.localSHA256(lab.root(1) + "/tmp/centos.iso") == SSHConnection.localSHA256(lab.directory + "/centos-1.iso"))
        for i in 0..<2 {
            #expect(try FileManager.default.attributesOfItem(atPath: lab.root(i) + "/tmp/centos.iso")[.posixPermissions] as? Int == 0o644)
        }
        #expect(FileManager.default.fileExists(atPath: dir + "-results/" + hosts[1].address + "/answers.conf"))
        // The console log holds the VNC console password: only its owner may read it.
        let console = lab.remoteBase + "/" + hosts[1].address + "/run-hosted-engine.console.log"
        #expect(try FileManager.default.attributesOfItem(atPath: console)[.posixPermissions] as? Int == 0o600)

        let second = try await offThePool { try x.playbook(dir) }
        #expect(second.status == 0, "\(second.stdout)\n\(second.stderr)")
        #expect(AnsibleExportLab.changed(second.stdout) == [hosts[1].address: 0], "\(second.stdout)")
        #expect(x.calls(1, of: ["hosted-engine"]).count == 1)
    }

    @Test func engineSetupFailureHalfWayThenRerunContinues() async throws {
        let lab = try LabDeployment(hosts: 1)
        let x = try AnsibleExportLab(lab)
        let answers = try lab.writeEngineSetupAnswers(0)
        let dir = lab.cluster.root + "/engine-export"
        let exported = try await offThePool { try x.export(["--answers", answers], to: dir) }
        #expect(exported.status == 0, "\(exported.stdout)\n\(exported.stderr)")

        try lab.setFixture(0, "ENGINE_SETUP_MODE=fail\n")
        let failed = try await offThePool { try x.playbook(dir) }
        #expect(failed.status != 0, "\(failed.stdout)")
        #expect(failed.stdout.contains("run-engine-setup"))
        #expect(x.calls(0, of: ["engine-setup"]).count == 1)
        let installs = x.calls(0, of: ["yum", "dnf"])
        #expect(!installs.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: lab.remoteBase + "/" + lab.cluster.hosts[0].address + "/done/run-engine-setup"))

        try lab.setFixture(0, "")
        let again = try await offThePool { try x.playbook(dir) }
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        // The packages were verified by their probes, not installed again; the tool ran once more.
        #expect(x.calls(0, of: ["yum", "dnf"]) == installs)
        #expect(x.calls(0, of: ["engine-setup"]).count == 2)
        let console = try String(contentsOfFile: lab.remoteBase + "/" + lab.cluster.hosts[0].address + "/run-engine-setup.console.log", encoding: .utf8)
        #expect(console.contains("Execution of setup completed successfully") && !console.contains("Execution of setup failed"),
                "the console log holds the last run")
        for output in [failed.stdout, failed.stderr, again.stdout, again.stderr] {
            #expect(!output.contains(LabDeployment.adminPassword))
        }
    }

    @Test func refusesWithoutAVaultPasswordFileAndIntoAForeignFolder() async throws {
        let lab = try LabDeployment(hosts: 1)
        let x = try AnsibleExportLab(lab)
        let answers = try lab.writeEngineSetupAnswers(0)
        let noVault = try lab.wizard(["export", "ansible", "--answers", answers, "--output", lab.cluster.root + "/out", "--no-probe"])
        #expect(noVault.status == 2)
        #expect(noVault.stderr.contains("--vault-password-file"), "\(noVault.stderr)")
        let foreign = lab.cluster.root + "/foreign"
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        try "x".write(toFile: foreign + "/notes.txt", atomically: true, encoding: .utf8)
        let refused = try await offThePool { try x.export(["--answers", answers], to: foreign) }
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("is not empty"), "\(refused.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: foreign) == ["notes.txt"])
    }
}

/// A lab for the Gluster plan: 2 hosts, a distributed-replicate volume of 2 × 2 directory bricks.
final class GlusterExportLab: Sendable {
    let lab: LabDeployment
    let sshConfig: String
    let answers: String
    var hosts: [String] { lab.cluster.hosts.indices.map { "gs\($0 + 1).example.com" } }

    /// `sudo`: the hosts refuse root logins; the answers log in as the lab's account, which becomes root through sudo.
    init(sudo: LabSudo? = nil) throws {
        lab = try LabDeployment(hosts: 2, sudo: sudo)
        for host in lab.cluster.hosts {
            let fixtures = ["gluster": "gluster", "systemctl": "systemctl", "parted": "disktool", "udevadm": "disktool",
                            "mkfs.xfs": "disktool", "mount": "disktool", "mountpoint": "disktool"]
            for (name, source) in fixtures {
                let target = host.binDirectory + "/" + name
                try FileManager.default.copyItem(atPath: LabDeployment.fixtures + "/" + source, toPath: target)
                chmod(target, 0o755)
            }
        }
        sshConfig = lab.cluster.root + "/gluster-ssh-config"
        try lab.cluster.hosts.enumerated().map { "Host gs\($0 + 1).example.com\n  HostName \($1.address)\n  Port \($1.port)\n" }.joined()
            .write(toFile: sshConfig, atomically: true, encoding: .utf8)
        answers = lab.directory + "/gluster-answers.conf"
        lab.answerFiles = [answers]
        let root = lab.cluster.root
        let text = """
            # ovirt-wizard answers for the gluster flow
            [environment:default]
            OVIRT_WIZARD/flow=str:gluster
            OVIRT_WIZARD/flowVersion=str:3.4
            OVIRT_WIZARD/sshUser=str:\(lab.account?.name ?? "root")
            OVIRT_WIZARD/sshIdentity=str:\(lab.cluster.clientKey)
            \(lab.account == nil ? "" : "OVIRT_WIZARD/become=str:\(lab.become)\n")GLUSTER/hosts=str:\(hosts.joined(separator: " "))
            GLUSTER/brickKind=str:directory
            GLUSTER/brickSources=str:\(root)/gluster_brick0 \(root)/gluster_brick1
            GLUSTER/volumeName=str:gluster-vol1
            GLUSTER/volumeType=str:distributed-replicate
            GLUSTER/replicaCount=int:2
            GLUSTER/transport=str:tcp
            GLUSTER/force=bool:True
            GLUSTER/serviceManager=str:systemd
            GLUSTER/addresses=str:\(zip(hosts, lab.cluster.hosts).map { "\($0)=\($1.address)" }.joined(separator: " "))
            GLUSTER/hostsFile=str:\(root)/etc-hosts
            GLUSTER/fstabFile=str:\(root)/etc-fstab

            """
        try text.write(toFile: answers, atomically: true, encoding: .utf8)
    }

    func wizard(_ command: [String]) throws -> LabDeployment.Result {
        try lab.wizard(command + ["--answers", answers, "--known-hosts", lab.cluster.knownHostsPath,
                                  "--ssh-config", sshConfig, "--remote-dir", lab.remoteBase])
    }

    /// What the plan's steps left: the fixture calls per host, the lab's files (hosts file, bricks, state).
    func endState() -> [String] {
        let x = try! AnsibleExportLab(lab)
        var replacing = [(lab.cluster.root, "LAB")]
        for host in lab.cluster.hosts { replacing.append((host.address, "ADDR")) }
        func normal(_ text: String) -> String { replacing.reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) } }
        var out: [String] = []
        for index in lab.cluster.hosts.indices {
            out += x.calls(index, of: ["gluster", "systemctl", "yum", "mkdir"]).map { "host \(index): " + normal($0) }
            let files = AnsibleExportLab.snapshot(lab.cluster.hosts[index].directory + "/root", replacing: replacing) { $0 == "runs.log" }
            out += files.sorted { $0.key < $1.key }.map { "host \(index) file \($0.key): \($0.value)" }
        }
        for file in ["etc-hosts", "etc-fstab"] {
            // The lab's hosts share these files (one machine), where real hosts have one each: two hosts adding the
            // same line at once may both add it, so the lines are compared once each.
            let text = (try? String(contentsOfFile: lab.cluster.root + "/" + file, encoding: .utf8)).map { text in
                var seen = Set<String>()
                return text.split(separator: "\n").map(String.init).filter { seen.insert($0).inserted }.map { $0 + "\n" }.joined()
            }
            out.append("\(file): " + normal(text ?? "(none)"))
        }
        for brick in ["gluster_brick0", "gluster_brick1"] {
            out.append("\(brick): \(FileManager.default.fileExists(atPath: lab.cluster.root + "/" + brick))")
        }
        return out
    }
}

extension AnsibleExportTests {
    /// The Gluster plan exported and run by ansible-playbook on one lab, and by `apply` on another.
    @Test func glusterExportRunsLikeApplyIsIdempotentAndResumes() async throws {
        let viaApply = try GlusterExportLab()
        let applied = try await offThePool { try viaApply.wizard(["apply", "--plain"]) }
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")

        let g = try GlusterExportLab()
        let x = try AnsibleExportLab(g.lab)
        let dir = g.lab.cluster.root + "/gluster-export"
        let exported = try await offThePool { try x.export(["--answers", g.answers], to: dir, sshConfig: g.sshConfig) }
        #expect(exported.status == 0, "\(exported.stdout)\n\(exported.stderr)")
        let plan = try AnsibleExportTests.planOf(g)
        try AnsibleExportTests.expectSameSteps(plan, exportedIn: dir)
        let site = try String(contentsOfFile: dir + "/site.yml", encoding: .utf8)
        #expect(site.contains("Read back on gs1.example.com"))

        // A failure half-way (the volume's start), then a run that continues where it stopped.
        try g.lab.setFixture(0, "GLUSTER_FAIL='volume start*'\n")
        let failed = try await offThePool { try x.playbook(dir) }
        #expect(failed.status != 0, "\(failed.stdout)")
        let yumBefore = x.calls(0, of: ["yum"]) + x.calls(1, of: ["yum"])
        #expect(x.calls(0, of: ["gluster"]).filter { $0.contains("volume create") }.count == 1)
        try g.lab.setFixture(0, "")
        let resumed = try await offThePool { try x.playbook(dir) }
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        #expect(x.calls(0, of: ["yum"]) + x.calls(1, of: ["yum"]) == yumBefore)
        let gluster0 = x.calls(0, of: ["gluster"])
        #expect(gluster0.filter { $0.hasPrefix("gluster --mode=script volume create") }.count == 1)
        #expect(gluster0.filter { $0.hasPrefix("gluster --mode=script peer probe") }.count == 1)
        #expect(x.calls(0, of: ["systemctl"]).filter { $0.hasPrefix("systemctl enable") }.count == 1)

        // The same end state as apply's (the extra failed `volume start` call aside), and a second run changes nothing.
        // Left out: reads (the read-back, `peer status`, the probes `systemctl is-enabled/is-active` that Ansible runs
        // before every step and apply only on --resume).
        let reads = ["volume start", "volume info", "volume status", "peer status", "systemctl is-"]
        let mine = g.endState().filter { line in !reads.contains { line.contains($0) } }
        let theirs = viaApply.endState().filter { line in !reads.contains { line.contains($0) } }
        #expect(mine.contains { $0.contains("volume create") } && mine.contains { $0.hasPrefix("etc-hosts: ") })
        #expect(mine == theirs)
        let second = try await offThePool { try x.playbook(dir) }
        #expect(second.status == 0, "\(second.stdout)\n\(second.stderr)")
        #expect(AnsibleExportLab.changed(second.stdout) == Dictionary(uniqueKeysWithValues: g.hosts.map { ($0, 0) }), "\(second.stdout)")
    }
}

extension AnsibleExportTests {
    static func planOf(_ g: GlusterExportLab) throws -> DeploymentPlan {
        var options = g.lab.options
        options.configPath = g.sshConfig
        let file = try DeploymentAnswerFile.load(path: g.answers, flows: LabDeployment.flows)
        return GlusterDeploymentPlanner(remoteBase: g.lab.remoteBase).plan(try GlusterDeploymentInput(file, options: options))
    }
}

extension AnsibleExportTests {
    /// A generic plan (`--plan FILE.json`): standard input, an upload with its mode, and text Ansible must not template.
    @Test func genericPlanRunsWithStdinUploadAndUntemplatedText() async throws {
        let lab = try LabDeployment(hosts: 1)
        let x = try AnsibleExportLab(lab)
        let host = lab.cluster.hosts[0]
        let out = lab.cluster.root + "/generic-out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try "payload\n".write(toFile: lab.directory + "/payload.txt", atomically: true, encoding: .utf8)
        let plan = """
            {"hosts": [{"name": "h1", "target": "root@\(host.address):\(host.port)"}],
             "steps": [{"id": "text", "run": ["sh", "-c", "printf '%s' \\"$1\\" > \\"$2\\"", "sh", "{{ not a template }} $HOME", "\(out)/text"]},
                       {"id": "feed", "run": ["sh", "-c", "cat > \\"$1\\"", "sh", "\(out)/fed"], "stdin": "line one\\nline two\\n"},
                       {"id": "put", "upload": "payload.txt", "to": "\(out)/payload", "mode": "640"}]}
            """
        let planFile = lab.directory + "/plan.json"
        try plan.write(toFile: planFile, atomically: true, encoding: .utf8)
        let dir = lab.cluster.root + "/generic-export"
        let exported = try await offThePool { try x.export(["--plan", planFile], to: dir) }
        #expect(exported.status == 0, "\(exported.stdout)\n\(exported.stderr)")
        let run = try await offThePool { try x.playbook(dir) }
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(try String(contentsOfFile: out + "/text", encoding: .utf8) == "{{ not a template }} $HOME")
        #expect(try String(contentsOfFile: out + "/fed", encoding: .utf8) == "line one\nline two\n")
        #expect(try String(contentsOfFile: out + "/payload", encoding: .utf8) == "payload\n")
        #expect(try FileManager.default.attributesOfItem(atPath: out + "/payload")[.posixPermissions] as? Int == 0o640)
    }
}
