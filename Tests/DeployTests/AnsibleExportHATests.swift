import Foundation
import LabHosts
import Testing
@testable import AnsibleExport
@testable import Deploy

/// hosted-engine's HA set (the first host, then two additional hosts whose answer files are put together from the
/// first host's generated answers.conf) exported and run by ansible-playbook, compared with `apply` on a fresh lab.
@Suite("export ansible: hosted-engine HA set", .serialized, .timeLimit(.minutes(20)))
struct AnsibleExportHATests {
    static let conroe = "conroe-core2-quad-launchpad-1757323.txt"

    /// Three lab hosts: the first host's answers name the other two as its additional hosts (Host IDs 2 and 3).
    static func threeHosts(fixture: [Int: String] = [:]) throws -> LabDeployment {
        let lab = try LabDeployment(hosts: 3)
        try lab.writeHostedEngineHA(first: 0, additional: [1, 2], isoUpload: false, fixture: fixture)
        for i in 0..<3 { try lab.setCPU(i, conroe) }
        return lab
    }

    static func file(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// Names that differ between two labs (their folder, addresses, ports) replaced by the host's index.
    static func replacements(_ lab: LabDeployment) -> [(String, String)] {
        var out: [(String, String)] = [(lab.cluster.root, "LAB")]
        let hosts = lab.cluster.hosts.enumerated().sorted { $0.element.address.count > $1.element.address.count }
        for (i, host) in hosts { out.append((":\(host.port)", ":PORT\(i)")) }
        for (i, host) in hosts { out.append((host.address, "HOST\(i)")) }
        return out
    }

    /// What the deployment left on every host and on the shared storage, comparable between labs: the fixture
    /// calls that change a host, every file under the host's root and the wizard's folder (modes, contents), with
    /// the UUIDs the fixture draws on every deploy replaced.
    static func endState(_ lab: LabDeployment) throws -> [String] {
        let x = try AnsibleExportLab(lab)
        let replacing = replacements(lab)
        let uuid = try NSRegularExpression(pattern: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
        func normal(_ text: String) -> String {
            let replaced = replacing.reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
            return uuid.stringByReplacingMatches(in: replaced, range: NSRange(replaced.startIndex..., in: replaced), withTemplate: "UUID")
        }
        // The ISO on the first host is the lab's own (isoUpload off); the additional hosts' deploys run side by side,
        // so the order in which they add their Host IDs to the storage's metadata is not theirs to choose.
        let skip: (String) -> Bool = { $0 == "runs.log" || $0.hasSuffix(".console.log") || $0.hasSuffix(".input") || $0 == "tmp/centos.iso" }
        var out: [String] = []
        for (i, host) in lab.cluster.hosts.enumerated() {
            out += x.calls(i, of: ["hosted-engine", "yum", "dnf"]).map { "host \(i): " + normal($0) }
            let files = AnsibleExportLab.snapshot(lab.root(i), replacing: [], skipping: skip)
                .merging(AnsibleExportLab.snapshot(lab.remoteBase + "/" + host.address, replacing: [], skipping: skip).map { ("remote/" + $0, $1) }) { a, _ in a }
            out += files.sorted { $0.key < $1.key }.map { "host \(i) file \(normal($0.key)): \(normal($0.value))" }
        }
        let storage = AnsibleExportLab.snapshot(lab.sharedStorage, replacing: [])
        out += storage.sorted { $0.key < $1.key }.map { entry in
            let parts = normal(entry.value).split(separator: ": ", maxSplits: 1).map(String.init)
            return "storage \(entry.key): \(parts[0]): " + (parts.count > 1 ? parts[1].split(separator: "\n").sorted().joined(separator: ",") : "")
        }
        return out
    }

    /// The tools' console logs on every host (for a failure's message).
    static func consoles(_ lab: LabDeployment) -> String {
        lab.cluster.hosts.map { host in
            "--- \(host.address) input \(String(reflecting: file(lab.remoteBase + "/\(host.address)/run-hosted-engine.input"))), console:\n" + file(lab.remoteBase + "/\(host.address)/run-hosted-engine.console.log").split(separator: "\n").suffix(15).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    func export(_ lab: LabDeployment, to dir: String) async throws -> AnsibleExportLab {
        let x = try AnsibleExportLab(lab)
        let exported = try await offThePool { try x.export(["--answers", lab.answerFiles[0]], to: dir) }
        #expect(exported.status == 0, "\(exported.stdout)\n\(exported.stderr)")
        #expect(!exported.stdout.contains(LabDeployment.hostedPassword) && !exported.stderr.contains(LabDeployment.hostedPassword))
        return x
    }

    /// Everything the operator could read of a run: ansible-playbook's output and its log.
    static func expectNoSecret(_ runs: [LabDeployment.Result], log: String) {
        let logged = file(log)
        #expect(!logged.isEmpty)
        for secret in [LabDeployment.hostedPassword] {
            for run in runs { #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret), "\(secret) in Ansible's output") }
            #expect(!logged.contains(secret), "\(secret) in Ansible's log")
        }
    }

    @Test func haSetExportRunsLikeApplyIsIdempotentAndKeepsSecrets() async throws {
        let viaApply = try Self.threeHosts()
        let applied = try await offThePool {
            try viaApply.wizard(["apply", "--plain", "--answers", viaApply.answerFiles[0]] + viaApply.sshArguments, stdin: "1\n1\n")
        }
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")

        let lab = try Self.threeHosts()
        let dir = lab.cluster.root + "/ha-export"
        let x = try await export(lab, to: dir)
        let plan = try lab.plan()
        try AnsibleExportTests.expectSameSteps(plan, exportedIn: dir)
        // The additional hosts' answers (with the admin password) are in Ansible Vault, like the first host's file.
        #expect(AnsibleExportLab.filesHolding(LabDeployment.hostedPassword, under: dir).isEmpty)
        let vaults = try FileManager.default.subpathsOfDirectory(atPath: dir).filter { $0.hasSuffix(".vault") }.sorted()
        #expect(vaults.count == 3, "\(vaults)")
        for vault in vaults { #expect(Self.file(dir + "/" + vault).hasPrefix("$ANSIBLE_VAULT;1.1;AES256")) }

        let first = try await offThePool { try x.playbook(dir, extra: ["-e", #"{"ovw_tool_input": "1\n1\n"}"#]) }
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)\n\(Self.consoles(lab))")
        let mine = try Self.endState(lab), theirs = try Self.endState(viaApply)
        #expect(mine.contains { $0.contains("remote/hosted-engine-answers.conf") && $0.contains("OVEHOSTED_STORAGE/hostID=int:3") })
        #expect(mine.contains { $0 == "storage ha_agent/hosted-engine.metadata: mode 644: 1,2,3" })
        #expect(mine == theirs, "\(zip(mine, theirs).filter { $0 != $1 }.prefix(4))")
        // The first host's generated UUIDs reached the additional hosts.
        let sd = Self.file(lab.root(0) + "/etc/ovirt-hosted-engine/answers.conf").split(separator: "\n").first { $0.hasPrefix("OVEHOSTED_STORAGE/sdUUID=") }
        for i in 1...2 {
            let uploaded = lab.remoteBase + "/\(lab.cluster.hosts[i].address)/hosted-engine-answers.conf"
            #expect(sd != nil && Self.file(uploaded).contains(String(sd!)))
            #expect(try FileManager.default.attributesOfItem(atPath: uploaded)[.posixPermissions] as? Int == 0o600)
        }
        #expect(Set(Self.file(lab.sharedStorage + "/ha_agent/hosted-engine.metadata").split(separator: "\n")) == ["1", "2", "3"])
        // Each additional host's deploy started after the first host's had finished.
        let hostedRuns = (0..<3).map { i in lab.runs(i).filter { $0.split(separator: " ").dropFirst().first == "hosted-engine" } }
        func time(_ line: String) -> Double { Double(line.split(separator: " ").first ?? "") ?? .infinity }
        let firstConsole = Self.file(lab.remoteBase + "/\(lab.cluster.hosts[0].address)/run-hosted-engine.console.log")
        #expect(firstConsole.contains("Generating answer file"))
        #expect(hostedRuns.map(\.count) == [1, 1, 1])
        if hostedRuns.allSatisfy({ $0.count == 1 }) {
            #expect(time(hostedRuns[0][0]) <= time(hostedRuns[1][0]) && time(hostedRuns[0][0]) <= time(hostedRuns[2][0]))
        }

        let second = try await offThePool { try x.playbook(dir, extra: ["-e", #"{"ovw_tool_input": "1\n1\n"}"#]) }
        #expect(second.status == 0, "\(second.stdout)\n\(second.stderr)")
        #expect(AnsibleExportLab.changed(second.stdout) == Dictionary(uniqueKeysWithValues: lab.cluster.hosts.map { ($0.address, 0) }), "\(second.stdout)")
        #expect((0..<3).map { lab.runCount($0, "hosted-engine") } == [1, 1, 1])
        #expect(try Self.endState(lab) == mine)
        Self.expectNoSecret([first, second], log: dir + "-ansible.log")
    }

    /// The second additional host fails half-way (its deploy), then a run after the fix completes: nothing that
    /// was done runs again, and the failed host's answers say it is a re-deployment, as apply's resume does.
    @Test func aFailingAdditionalHostThenARerunCompletesWithoutRedoingDoneSteps() async throws {
        let failing = "The VDSM Host was found in a failed state. Please check engine and bootstrap installation logs."
        let lab = try Self.threeHosts(fixture: [2: "HE_ADDITIONAL_FAIL=\"\(failing)\"\n"])
        let dir = lab.cluster.root + "/ha-export"
        let x = try await export(lab, to: dir)
        let failed = try await offThePool { try x.playbook(dir, extra: ["-e", #"{"ovw_tool_input": "1\n1\n"}"#]) }
        #expect(failed.status != 0, "\(failed.stdout)")
        #expect(failed.stdout.contains("run-hosted-engine"))
        #expect((0..<3).map { lab.runCount($0, "hosted-engine") } == [1, 1, 1])
        #expect(Self.file(lab.root(0) + "/etc/ovirt-hosted-engine/hosted-engine.conf").contains("host_id=1\n"))
        #expect(Self.file(lab.root(1) + "/etc/ovirt-hosted-engine/hosted-engine.conf").contains("host_id=2\n"))
        let installs = (0..<3).map { x.calls($0, of: ["yum", "dnf"]) }
        #expect(installs.allSatisfy { !$0.isEmpty })

        try lab.setFixture(2, "HE_STORAGE=\(lab.sharedStorage)\n")
        let again = try await offThePool { try x.playbook(dir, extra: ["-e", #"{"ovw_tool_input": "1\n1\n"}"#]) }
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        #expect((0..<3).map { lab.runCount($0, "hosted-engine") } == [1, 1, 2])
        #expect((0..<3).map { x.calls($0, of: ["yum", "dnf"]) } == installs)
        #expect(Self.file(lab.root(2) + "/etc/ovirt-hosted-engine/hosted-engine.conf").contains("host_id=3\n"))
        let c = lab.cluster.hosts[2].address, b = lab.cluster.hosts[1].address
        #expect(Self.file(lab.remoteBase + "/\(c)/hosted-engine-answers.conf").contains("OVEHOSTED_CORE/additionalHostReDeployment=bool:True"))
        #expect(!Self.file(lab.remoteBase + "/\(b)/hosted-engine-answers.conf").contains("additionalHostReDeployment"))
        #expect(Set(Self.file(lab.sharedStorage + "/ha_agent/hosted-engine.metadata").split(separator: "\n")) == ["1", "2", "3"])

        // Done: one more run changes nothing and deploys nothing again.
        let third = try await offThePool { try x.playbook(dir, extra: ["-e", #"{"ovw_tool_input": "1\n1\n"}"#]) }
        #expect(third.status == 0, "\(third.stdout)\n\(third.stderr)")
        #expect(AnsibleExportLab.changed(third.stdout) == Dictionary(uniqueKeysWithValues: lab.cluster.hosts.map { ($0.address, 0) }), "\(third.stdout)")
        #expect((0..<3).map { lab.runCount($0, "hosted-engine") } == [1, 1, 2])
        Self.expectNoSecret([failed, again, third], log: dir + "-ansible.log")
    }

    /// When the first host fails (no answers for its "(1) Continue setup" questions: its input ends), the additional
    /// hosts' part does not start (the part gate), and nothing of theirs that waits for it runs.
    @Test func aFailingFirstHostStopsTheAdditionalHostsAtTheGate() async throws {
        let lab = try Self.threeHosts()
        let dir = lab.cluster.root + "/ha-export"
        let x = try await export(lab, to: dir)
        let failed = try await offThePool { try x.playbook(dir) }
        #expect(failed.status != 0, "\(failed.stdout)")
        #expect(failed.stdout.contains("did not finish part 1"), "\(failed.stdout)")
        #expect(lab.runCount(0, "hosted-engine") == 1)
        #expect(lab.runCount(1, "hosted-engine") == 0 && lab.runCount(2, "hosted-engine") == 0)
        for i in 1...2 {
            #expect(!FileManager.default.fileExists(atPath: lab.remoteBase + "/\(lab.cluster.hosts[i].address)/hosted-engine-answers.conf"))
        }
        Self.expectNoSecret([failed], log: dir + "-ansible.log")
    }
}
