import Foundation
import HostOps
import LabHosts
import Testing
@testable import AnsibleExport
@testable import Deploy

/// `export ansible` of an oVirt 4.5 hosted-engine plan, run with the venv's ansible-playbook on EL9 lab hosts with
/// the fixture hosted-engine 4.5 (`hosted-engine-4.5.sh`): the read-only pre-checks as command tasks that change
/// nothing, the deploy as a detached run through the files `apply` uses (so either picks up the other's run), the
/// lock-file pause ending the play with what the operator must do, and a dropped SSH connection survived.
@Suite("export ansible: hosted-engine 4.5", .serialized, .timeLimit(.minutes(20)))
struct AnsibleExportHE45Tests {
    static let secrets = [HostedEngine45Tests.adminPassword, HostedEngine45Tests.rootPassword]

    /// No password of the answers in the outputs, in the project outside its vault file, or in Ansible's log.
    static func expectNoSecrets(_ outputs: [String], dir: String, _ context: String = "") {
        let log = (try? String(contentsOfFile: dir + "-ansible.log", encoding: .utf8)) ?? ""
        for secret in secrets {
            for output in outputs + [log] { #expect(!output.contains(secret), "\(context): a password in Ansible's output or log") }
            #expect(AnsibleExportLab.filesHolding(secret, under: dir).isEmpty, "\(context): a password in the project")
        }
    }

    static func exportOK(_ x: AnsibleExportLab, _ answers: String, to dir: String) async throws {
        let exported = try await offThePool { try x.export(["--answers", answers], to: dir) }
        #expect(exported.status == 0, "\(exported.stdout)\n\(exported.stderr)")
        for secret in secrets { #expect(!exported.stdout.contains(secret) && !exported.stderr.contains(secret)) }
    }

    static func hostRemote(_ lab: LabDeployment, _ i: Int) -> String { lab.remoteBase + "/" + lab.cluster.hosts[i].address }

    // MARK: - Like apply

    @Test func hostedEngine45ExportRunsLikeApplyIsIdempotentAndReadsAFinishedRun() async throws {
        let lab = try LabDeployment(hosts: 2)
        let x = try AnsibleExportLab(lab)
        try HostedEngine45Tests.prepare(lab, 0)
        try HostedEngine45Tests.prepare(lab, 1)
        let byApply = try HostedEngine45Tests.writeAnswers(lab, 0)
        let byAnsible = try HostedEngine45Tests.writeAnswers(lab, 1)
        let dir = lab.cluster.root + "/he45-export"
        try await Self.exportOK(x, byAnsible, to: dir)

        // Every plan step is one task group, in order, with the plan's command lines; the checks run as commands
        // that change nothing (whatever their ids), the deploy as a detached run.
        let plan = try lab.plan([byAnsible])
        try AnsibleExportTests.expectSameSteps(plan, exportedIn: dir)
        let host = plan.hosts[0]
        let exported = try AnsibleExportTests.exportedSteps(dir, host: host.name)
        let checks = host.steps.filter { step in
            if case .run = step.action { return !step.changesHost } else { return false }
        }
        #expect(checks.count >= 8, "\(checks.map(\.id))")
        for check in checks {
            #expect(exported.first { $0.id == check.id }?.kind == "tasks/command.yml", "\(check.id)")
        }
        #expect(exported.first { $0.id == "run-hosted-engine" }?.kind == "tasks/detached-run.yml")
        let vaults = try FileManager.default.subpathsOfDirectory(atPath: dir).filter { $0.hasSuffix(".vault") }
        #expect(vaults.count == 1, "\(vaults)")

        let applied = try await offThePool { try lab.wizard(["apply", "--plain", "--answers", byApply] + lab.sshArguments) }
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        let first = try await offThePool { try x.playbook(dir) }
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
        Self.expectNoSecrets([first.stdout, first.stderr], dir: dir, "first run")

        // The same end state: the fixture calls that change a host, the files on it (modes, contents), the
        // detached run's files (log, status, step digest) where apply keeps them.
        let hosts = lab.cluster.hosts
        let digests = try [lab.plan([byApply]), plan].map { p in try #require(p.hosts[0].steps.first { $0.id == "run-hosted-engine" }?.digest) }
        func normal(_ i: Int) -> [(String, String)] {
            [(hosts[i].directory, "HOSTDIR"), (Self.hostRemote(lab, i), "REMOTE/HOST"), (hosts[i].address, "HOST"),
             ([byApply, byAnsible][i], "ANSWERS"), (digests[i], "DIGEST")]
        }
        func normalized(_ i: Int, _ text: String) -> String { normal(i).reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) } }
        let programs: Set<String> = ["hosted-engine", "dnf", "yum"]
        #expect(x.calls(1, of: programs).map { normalized(1, $0) } == x.calls(0, of: programs).map { normalized(0, $0) })
        #expect(x.calls(1, of: ["hosted-engine"]).count == 1)
        let skip: (String) -> Bool = { $0 == "runs.log" || $0.hasSuffix(".pid") }
        func state(_ i: Int) -> [String: String] {
            AnsibleExportLab.snapshot(lab.root(i), replacing: normal(i), skipping: skip)
                .merging(AnsibleExportLab.snapshot(Self.hostRemote(lab, i), replacing: normal(i), skipping: skip)
                    .map { ("remote/" + $0, $1) }) { a, _ in a }
        }
        let viaApply = state(0), viaAnsible = state(1)
        #expect(viaApply["remote/run-hosted-engine.status"] == "mode 644: 0\n", "\(viaApply.keys.sorted())")
        #expect(viaApply["remote/run-hosted-engine.log"]?.contains("Hosted Engine successfully deployed") == true)
        #expect(viaAnsible == viaApply)
        for key in Set(viaAnsible.keys).union(viaApply.keys) where viaAnsible[key] != viaApply[key] {
            Issue.record("\(key): ansible \(viaAnsible[key] ?? "missing") / apply \(viaApply[key] ?? "missing")")
        }
        // The answer file hosted-engine generated came back, as apply fetched it.
        let fetched = dir + "-results/" + hosts[1].address + "/answers.conf"
        let viaApplyResults = lab.files.results(host: hosts[0].address) + "/answers.conf"
        #expect(normalized(1, (try? String(contentsOfFile: fetched, encoding: .utf8)) ?? "missing")
                == normalized(0, (try? String(contentsOfFile: viaApplyResults, encoding: .utf8)) ?? "missing apply's"))
        #expect(try FileManager.default.attributesOfItem(atPath: fetched)[.posixPermissions] as? Int == 0o600)
        // The marker Ansible left is the one apply --resume trusts.
        let marker = try String(contentsOfFile: Self.hostRemote(lab, 1) + "/done/run-hosted-engine", encoding: .utf8)
        #expect(marker.trimmingCharacters(in: .whitespacesAndNewlines) == digests[1])

        // A second run changes nothing and starts nothing.
        let callsAfterFirst = x.calls(1, of: programs)
        let second = try await offThePool { try x.playbook(dir) }
        #expect(second.status == 0, "\(second.stdout)\n\(second.stderr)")
        #expect(AnsibleExportLab.changed(second.stdout) == [hosts[1].address: 0], "\(second.stdout)")
        #expect(x.calls(1, of: programs) == callsAfterFirst)

        // The run ended well but its marker is missing (the control connection dropped before it was written):
        // the ended run is read from its files, not started again, and the marker written.
        try FileManager.default.removeItem(atPath: Self.hostRemote(lab, 1) + "/done/run-hosted-engine")
        let third = try await offThePool { try x.playbook(dir) }
        #expect(third.status == 0, "\(third.stdout)\n\(third.stderr)")
        #expect(x.calls(1, of: ["hosted-engine"]).count == 1, "a finished run is not started again")
        #expect(AnsibleExportLab.changed(third.stdout) == [hosts[1].address: 1], "only the marker: \(third.stdout)")
        #expect(FileManager.default.fileExists(atPath: Self.hostRemote(lab, 1) + "/done/run-hosted-engine"))
        Self.expectNoSecrets([second.stdout, second.stderr, third.stdout, third.stderr], dir: dir, "later runs")
    }

    // MARK: - Failure, pause, drop

    @Test func hostedEngine45FatalRunThenAFixedRerunContinues() async throws {
        let lab = try LabDeployment(hosts: 1)
        let x = try AnsibleExportLab(lab)
        try HostedEngine45Tests.prepare(lab, mode: "fatal")
        let answers = try HostedEngine45Tests.writeAnswers(lab)
        let dir = lab.cluster.root + "/he45-export"
        try await Self.exportOK(x, answers, to: dir)

        let failed = try await offThePool { try x.playbook(dir) }
        #expect(failed.status != 0, "\(failed.stdout)")
        #expect(failed.stdout.contains("hosted-engine exited with status 1"), "\(failed.stdout)")
        #expect(failed.stdout.contains("Failed to download metadata for repo"), "the failed task's message")
        #expect(failed.stdout.contains("ovirt-hosted-engine-cleanup -q"))
        #expect(!failed.stdout.contains("Encryption using the Python crypt module"), "Ansible's relayed stderr is not the failure")
        #expect(!FileManager.default.fileExists(atPath: Self.hostRemote(lab, 0) + "/done/run-hosted-engine"))
        let installs = x.calls(0, of: ["dnf", "yum"])
        #expect(installs.count == 2, "\(installs)")
        #expect(x.calls(0, of: ["hosted-engine"]).count == 1)

        // The operator fixes the cause; the re-run leaves the done steps alone and starts the deploy anew.
        try lab.setFixture(0, "FIXTURE_RHEL=9\nHE45_MODE=success\n")
        let again = try await offThePool { try x.playbook(dir) }
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        #expect(x.calls(0, of: ["dnf", "yum"]) == installs, "the packages were verified by their probes, not installed again")
        #expect(x.calls(0, of: ["hosted-engine"]).count == 2)
        let log = try String(contentsOfFile: Self.hostRemote(lab, 0) + "/run-hosted-engine.log", encoding: .utf8)
        #expect(log.contains("Hosted Engine successfully deployed") && !log.contains("deployment failed"), "the log holds the last run")
        Self.expectNoSecrets([failed.stdout, failed.stderr, again.stdout, again.stderr], dir: dir)
    }

    /// Ansible cannot answer the lock-file pause: the play fails naming the lock file and the engine's reason while
    /// the deploy waits on the host; the operator removes the lock file and runs site.yml again, which follows the
    /// same run to its end.
    @Test func hostedEngine45LockPauseFailsNamingTheLockAndARerunFollowsTheSameRun() async throws {
        let lab = try LabDeployment(hosts: 1)
        let x = try AnsibleExportLab(lab)
        try HostedEngine45Tests.prepare(lab, mode: "lockpause")
        let answers = try HostedEngine45Tests.writeAnswers(lab)
        let dir = lab.cluster.root + "/he45-export"
        try await Self.exportOK(x, answers, to: dir)
        let lock = lab.root(0) + "/tmp/ansible.k8v2qz_he_setup_lock"

        let paused = try await offThePool { try x.playbook(dir) }
        #expect(paused.status != 0, "\(paused.stdout)")
        #expect(paused.stdout.contains("PAUSED: hosted-engine added the host to the bootstrap engine, but the host is not up; the deploy waits until \(lock) is removed"), "\(paused.stdout)")
        #expect(paused.stdout.contains("the engine says: The host has been set in non_operational status, deployment errors:   code 519: Host host0.lab.test does not comply"))
        #expect(paused.stdout.contains("fix the host in the bootstrap engine: https://host0.lab.test:6900/ovirt-engine/"))
        #expect(paused.stdout.contains("then remove \(lock) on "))
        // The deploy still waits on the host.
        #expect(FileManager.default.fileExists(atPath: lock))
        #expect(!FileManager.default.fileExists(atPath: Self.hostRemote(lab, 0) + "/run-hosted-engine.status"))

        try FileManager.default.removeItem(atPath: lock)
        let again = try await offThePool { try x.playbook(dir) }
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        #expect(x.calls(0, of: ["hosted-engine"]).count == 1, "the same run went on")
        let log = try String(contentsOfFile: Self.hostRemote(lab, 0) + "/run-hosted-engine.log", encoding: .utf8)
        #expect(log.contains("Hosted Engine successfully deployed"))
        #expect(FileManager.default.fileExists(atPath: Self.hostRemote(lab, 0) + "/done/run-hosted-engine"))
        Self.expectNoSecrets([paused.stdout, paused.stderr, again.stdout, again.stderr], dir: dir)
    }

    /// apply and ansible-playbook agree on the files: a run Ansible started and left at the pause is picked up by
    /// `apply`, which asks the operator; after it, the exported project finds everything done.
    @Test func hostedEngine45ApplyPicksUpTheRunAnsibleLeftAtThePause() async throws {
        let lab = try LabDeployment(hosts: 1)
        let x = try AnsibleExportLab(lab)
        try HostedEngine45Tests.prepare(lab, mode: "lockpause")
        let answers = try HostedEngine45Tests.writeAnswers(lab)
        let dir = lab.cluster.root + "/he45-export"
        try await Self.exportOK(x, answers, to: dir)
        let address = lab.cluster.hosts[0].address
        let lock = lab.root(0) + "/tmp/ansible.k8v2qz_he_setup_lock"

        let paused = try await offThePool { try x.playbook(dir) }
        #expect(paused.status != 0 && paused.stdout.contains("PAUSED"), "\(paused.stdout)")
        let applied = try await offThePool { try lab.wizard(["apply", "--plain", "--answers", answers] + lab.sshArguments, stdin: "continue\n") }
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        #expect(applied.stdout.contains("hosted-engine started by an earlier run is still running on the host"), "\(applied.stdout)")
        #expect(applied.stdout.contains("[\(address)] removed \(lock): hosted-engine goes on"))
        #expect(x.calls(0, of: ["hosted-engine"]).count == 1)

        // Everything is done; the project only fetches the generated answer file into its own results folder
        // (apply fetched it into its journal's), and a further run changes nothing.
        let after = try await offThePool { try x.playbook(dir) }
        #expect(after.status == 0, "\(after.stdout)\n\(after.stderr)")
        #expect(AnsibleExportLab.changed(after.stdout) == [address: 1], "\(after.stdout)")
        #expect(FileManager.default.fileExists(atPath: dir + "-results/" + address + "/answers.conf"))
        let again = try await offThePool { try x.playbook(dir) }
        #expect(AnsibleExportLab.changed(again.stdout) == [address: 0], "\(again.stdout)")
        #expect(x.calls(0, of: ["hosted-engine"]).count == 1)
        Self.expectNoSecrets([paused.stdout, paused.stderr, applied.stdout, applied.stderr, after.stdout, after.stderr], dir: dir)
    }

    /// The fixture kills every SSH session of the host when the host is added (the ovirtmgmt bridge): the run goes
    /// on, Ansible's ssh reconnects and the poll follows it to its end in the same ansible-playbook run.
    @Test func hostedEngine45SurvivesTheDroppedConnection() async throws {
        let lab = try LabDeployment(hosts: 1)
        let x = try AnsibleExportLab(lab)
        try HostedEngine45Tests.prepare(lab, mode: "drop")
        let answers = try HostedEngine45Tests.writeAnswers(lab)
        let dir = lab.cluster.root + "/he45-export"
        try await Self.exportOK(x, answers, to: dir)

        let run = try await offThePool { try x.playbook(dir) }
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: lab.root(0) + "/var/lib/rpm-fixture/he45-dropped"), "the fixture dropped the sessions")
        #expect(x.calls(0, of: ["hosted-engine"]).count == 1, "the deploy ran once, through the drop")
        #expect(FileManager.default.fileExists(atPath: Self.hostRemote(lab, 0) + "/done/run-hosted-engine"))
        Self.expectNoSecrets([run.stdout, run.stderr], dir: dir)
    }
}
