import Foundation
import LabHosts
import OtopiKit
import SSHKit
import Synchronization
import Testing
@testable import Deploy

/// Counts the questions the runner's credential cache put to the "operator", who answers with `answer`.
final class SudoAnswers: Sendable {
    let asked = Mutex<[CredentialRequest]>([])
    let answer: String
    init(_ answer: String) { self.answer = answer }
    var cache: CredentialCache {
        CredentialCache { request in
            self.asked.withLock { $0.append(request) }
            return Secret(self.answer)
        }
    }
}

/// The seed's engine-setup deployment on a lab host that refuses root logins, run by a user who becomes root
/// through sudo (without and with a password): the real runner over SSH, the fixture engine-setup.
@Suite("engine-setup deployed through sudo", .serialized, .timeLimit(.minutes(5)),
       .enabled(if: LabAccount.isAvailable && LabSudo.unavailableReason == nil,
                Comment(rawValue: LabAccount.unavailableReason ?? LabSudo.unavailableReason ?? "")))
struct SudoDeploymentTests {
    /// Every file under the deployment folder (journal, host logs, fetched results), as text.
    func deploymentFiles(_ lab: LabDeployment) -> String {
        let dir = lab.files.directory
        let names = (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String]) ?? []
        return names.compactMap { try? String(contentsOfFile: dir + "/" + $0, encoding: .utf8) }.joined(separator: "\n")
    }

    func uploadedAnswers(_ lab: LabDeployment) -> (uid: uid_t, mode: mode_t)? {
        var info = stat()
        let path = "\(lab.remoteBase)/\(lab.cluster.hosts[0].address)/engine-setup-answers.conf"
        return stat(path, &info) == 0 ? (info.st_uid, info.st_mode & 0o777) : nil
    }

    @Test func passwordlessSudoRunsTheSeedDeploymentAndResumeProbesThroughSudo() throws {
        let lab = try LabDeployment(hosts: 1, sudo: .withoutPassword)
        try lab.writeEngineSetupAnswers(0)
        let plan = try lab.plan()
        let host = try #require(plan.hosts.first)
        #expect(host.access.become == .sudo)
        #expect(host.steps.filter { !$0.runsAsRoot }.map(\.id) == ["check-os", "check-fqdn"])
        let (outcomes, events) = try lab.run(plan)
        let name = lab.cluster.hosts[0].address
        #expect(outcomes[name] == .succeeded, "\(events.suffix(8))")
        #expect(lab.runCount(0, "engine-setup") == 1)
        #expect(uploadedAnswers(lab).map { $0.uid == 0 && $0.mode == 0o600 } == true)
        #expect("\(events)".contains("root steps through sudo (no password)"))

        // --resume: every step's probe (rpm -q, the root-only answer file's hash, the marker) runs through sudo.
        let (again, resumed) = try lab.run(plan, resume: true)
        #expect(again[name] == .succeeded)
        let verified = resumed.filter { if case .stepVerified = $0 { return true }; return false }.count
        #expect(verified == host.steps.count)
        #expect(lab.runCount(0, "engine-setup") == 1)
    }

    @Test func passwordSudoRunsTheSeedDeploymentAndThePasswordIsNowhere() throws {
        let lab = try LabDeployment(hosts: 1, sudo: .withPassword)
        let account = try #require(lab.account)
        let answers = SudoAnswers(account.password)
        lab.credentials = answers.cache
        try lab.writeEngineSetupAnswers(0)
        let sampler = ProcessListSampler(secrets: [account.password])
        let plan = try lab.plan()
        let (outcomes, events) = try lab.run(plan)
        let report = sampler.stop()
        let name = lab.cluster.hosts[0].address
        #expect(outcomes[name] == .succeeded, "\(events.suffix(8))")
        #expect(lab.runCount(0, "engine-setup") == 1)
        #expect(uploadedAnswers(lab).map { $0.uid == 0 && $0.mode == 0o600 } == true)
        // Asked once for the host, although the run connected more than once (probe, then the run).
        #expect(answers.asked.withLock { $0 } == [.sudoPassword(user: account.name, host: name)])
        #expect(!"\(events)".contains(account.password))
        #expect(!deploymentFiles(lab).contains(account.password))
        #expect(!deploymentFiles(lab).isEmpty)
        #expect(report.samples > 0 && report.sawSudo)
        #expect(report.hits.isEmpty, "\(report.hits)")
    }

    /// hosted-engine: the ISO upload is staged by the user and installed by root, and the tool's own exec channel
    /// (its questions answered through it) runs as root through sudo.
    @Test func hostedEngineWithItsQuestionsAndTheISOThroughPasswordSudo() throws {
        let lab = try LabDeployment(hosts: 1, sudo: .withPassword)
        let account = try #require(lab.account)
        lab.credentials = SudoAnswers(account.password).cache
        try lab.writeHostedEngineAnswers(0)
        let sampler = ProcessListSampler(secrets: [account.password])
        let helper = ScriptedOperator(answers: ["1", "1"])
        let (outcomes, events) = try lab.run(try lab.plan(), runOperator: helper)
        let report = sampler.stop()
        #expect(outcomes[lab.cluster.hosts[0].address] == .succeeded, "\(events.suffix(8))")
        #expect(!helper.prompts.isEmpty)
        #expect(lab.runCount(0, "hosted-engine") == 1)
        var info = stat()
        #expect(stat(lab.root(0) + "/tmp/centos.iso", &info) == 0 && info.st_uid == 0 && info.st_mode & 0o777 == 0o644)
        #expect(!"\(events)".contains(account.password) && !deploymentFiles(lab).contains(account.password))
        #expect(report.hits.isEmpty, "\(report.hits)")
    }

    @Test func aWrongSudoPasswordStopsTheHostWithOneLine() throws {
        let lab = try LabDeployment(hosts: 1, sudo: .withPassword)
        let account = try #require(lab.account)
        let wrong = "not-the-\(UUID().uuidString.prefix(6))"
        let answers = SudoAnswers(wrong)
        lab.credentials = answers.cache
        try lab.writeEngineSetupAnswers(0)
        let (outcomes, events) = try lab.run(try lab.plan())
        let name = lab.cluster.hosts[0].address
        guard case .failed(_, let reason)? = outcomes[name] else {
            Issue.record("expected a failure, got \(String(describing: outcomes[name]))")
            return
        }
        #expect(reason.contains("wrong sudo password") && reason.contains(account.name) && reason.contains(name), "\(reason)")
        #expect(!reason.contains("\n"))
        // Asked again after each refusal, as sudo allows three tries.
        #expect(answers.asked.withLock { $0.count } == 3)
        #expect(lab.runCount(0, "engine-setup") == 0)
        #expect(!"\(events)".contains(wrong) && !deploymentFiles(lab).contains(wrong))
    }

    @Test func aUserNotInSudoersIsToldSo() throws {
        let lab = try LabDeployment(hosts: 1, sudo: LabSudo.none)
        let account = try #require(lab.account)
        lab.credentials = SudoAnswers(account.password).cache
        lab.become = "sudo-password"
        try lab.writeEngineSetupAnswers(0)
        let (outcomes, _) = try lab.run(try lab.plan())
        guard case .failed(_, let reason)? = outcomes[lab.cluster.hosts[0].address] else {
            Issue.record("expected a failure")
            return
        }
        #expect(reason.contains("not in sudoers") && reason.contains(account.name), "\(reason)")
        #expect(!reason.contains(account.password))
    }

    // MARK: - The binary

    func arguments(_ lab: LabDeployment, _ command: String, _ extra: [String] = []) -> [String] {
        [command] + lab.answerFiles.flatMap { ["--answers", $0] } + lab.sshArguments + extra
    }

    @Test func planShowsWhichStepsRunAsRootAndApplyRunsThemThroughSudo() throws {
        let lab = try LabDeployment(hosts: 1, sudo: .withoutPassword)
        let account = try #require(lab.account)
        try lab.writeEngineSetupAnswers(0)
        let plan = try lab.wizard(arguments(lab, "plan"))
        #expect(plan.status == 0, "\(plan.stderr)")
        let lines = plan.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("  root:    \(account.name) logs in; steps marked \"as root\" run through sudo") })
        #expect(lines.contains { $0.hasPrefix("  1. Check the operating system [check-os; read-only; as \(account.name);") })
        #expect(lines.contains { $0.contains("[install-packages; changes the host; as root;") })
        let json = try lab.wizard(arguments(lab, "plan", ["--json"]))
        #expect(json.stdout.contains("\"become\" : \"sudo\""))
        #expect(json.stdout.contains("\"runsAsRoot\" : false"))

        let applied = try lab.wizard(arguments(lab, "apply", ["--plain"]))
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        #expect(lab.runCount(0, "engine-setup") == 1)
        let resumed = try lab.wizard(arguments(lab, "apply", ["--plain", "--resume"]))
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        #expect(resumed.stdout.contains("Run engine-setup: done before, probe passed, not run again"))
        #expect(lab.runCount(0, "engine-setup") == 1)
    }

    @Test func withoutATerminalTheSudoPasswordCannotBeAskedAndNothingRuns() throws {
        let lab = try LabDeployment(hosts: 1, sudo: .withPassword)
        try lab.writeEngineSetupAnswers(0)
        let applied = try lab.wizard(arguments(lab, "apply", ["--plain"]))
        #expect(applied.status == 255, "\(applied.stdout)\n\(applied.stderr)")
        #expect(applied.stderr.contains("cannot become root: sudo needs \(lab.account!.name)'s password, but it could not be asked for here"))
        #expect(lab.runCount(0, "yum") == 0)
    }
}
