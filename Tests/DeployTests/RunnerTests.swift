import Foundation
import LabHosts
import OtopiKit
import SSHKit
import Testing
@testable import Deploy

@Suite("Runner against real sshd hosts with fixture tools", .serialized, .timeLimit(.minutes(3)))
struct RunnerTests {
    @Test func fourHostsRunEndToEnd() throws {
        let lab = try LabDeployment(hosts: 4)
        try lab.writeEngineSetupAnswers(0)
        try lab.writeEngineSetupAnswers(1)
        try lab.writeHostedEngineAnswers(2)
        try lab.writeHostedEngineAnswers(3)
        let plan = try lab.plan()
        let helper = ScriptedOperator(answers: ["1", "1", "1", "1"])
        let (outcomes, events) = try lab.run(plan, runOperator: helper)
        for host in plan.hosts { #expect(outcomes[host.name] == .succeeded, "\(host.name): \(String(describing: outcomes[host.name]))") }

        // Every step of every host ran once, in plan order, and the journal says so.
        let records = Journal.read(path: lab.files.journal)
        #expect(records.warnings.isEmpty)
        for host in plan.hosts {
            let ended = records.records.filter { $0.kind == .stepEnded && $0.host == host.name }
            #expect(ended.map(\.step) == host.steps.map(\.id))
            #expect(ended.allSatisfy { $0.status == .done })
            #expect(ended.allSatisfy { $0.digest != nil })
        }
        // The tools ran once each, with the uploaded answer file.
        #expect(lab.runCount(0, "engine-setup") == 1)
        #expect(lab.runCount(2, "hosted-engine") == 1)
        #expect(lab.runCount(0, "yum") == 2)

        // engine-setup's 16 stages came through, by position.
        let stages = events.compactMap { e -> Int? in
            if case let .stage(host, ordinal, _) = e, host == plan.hosts[0].name { return ordinal }
            return nil
        }
        #expect(stages == Array(1...16))

        // The uploaded answer file: mode 0600, only the tool's keys, the password in clear (only there).
        let engine = plan.hosts[0]
        let uploaded = engine.remoteDirectory + "/engine-setup-answers.conf"
        let attributes = try FileManager.default.attributesOfItem(atPath: uploaded)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let content = try String(contentsOfFile: uploaded, encoding: .utf8)
        #expect(!content.contains("OVIRT_WIZARD/"))
        #expect(content.contains("OVESETUP_CONFIG/adminPassword=str:\(LabDeployment.adminPassword)"))
        let hosted = try String(contentsOfFile: plan.hosts[2].remoteDirectory + "/hosted-engine-answers.conf", encoding: .utf8)
        #expect(hosted.contains("OVEHOSTED_CORE/screenProceed=bool:True"))

        // The ISO went up and matches.
        let iso = lab.root(2) + "/tmp/centos.iso"
        #expect(try SSHConnection.localSHA256(iso) == SSHConnection.localSHA256(lab.directory + "/centos-2.iso"))

        // The generated answer files were fetched back.
        let fetched = lab.files.results(host: engine.name) + "/20140508054842-setup.conf"
        #expect(FileManager.default.fileExists(atPath: fetched))
        let fetchedHE = lab.files.results(host: plan.hosts[3].name) + "/answers.conf"
        #expect(FileManager.default.fileExists(atPath: fetchedHE))

        // No secret in the journal, the logs or the events; the console password only went to the operator.
        var everything = try String(contentsOfFile: lab.files.journal, encoding: .utf8)
        for host in plan.hosts { everything += try String(contentsOfFile: lab.files.log(host: host.name), encoding: .utf8) }
        for e in events { for printed in e.printedLines { everything += printed.line + "\n" } }
        for secret in [LabDeployment.adminPassword, LabDeployment.hostedPassword, "2067OGHU"] {
            #expect(!everything.contains(secret), "\(secret) leaked")
        }
        #expect(everything.contains("Use temporary password \"********\" to connect to vnc console."))
        #expect(helper.passwords.contains("2067OGHU"))

        // The hosted-engine loops reached the operator with their choices.
        let prompts = helper.prompts
        #expect(prompts.count == 4)
        #expect(prompts.first?.choices.map(\.label) == ["Continue setup - VM installation is complete",
                                                        "Reboot the VM and restart installation", "Abort setup"])
        #expect(prompts.first?.validValues == ["1", "2", "3"])
        #expect(prompts.first?.defaultAnswer == "1")
        #expect(prompts.last?.choices.first?.label == "Continue setup - engine installation is complete")
    }

    @Test func oneHostFailsHalfWayOthersFinish() throws {
        let lab = try LabDeployment(hosts: 3)
        for i in 0..<3 { try lab.writeEngineSetupAnswers(i) }
        try lab.setFixture(1, "YUM_FAIL=ovirt-engine\n")
        let plan = try lab.plan()
        let helper = ScriptedOperator(decisions: [.abort])
        let (outcomes, _) = try lab.run(plan, runOperator: helper)
        #expect(outcomes[plan.hosts[0].name] == .succeeded)
        #expect(outcomes[plan.hosts[2].name] == .succeeded)
        guard case .failed(let step, _)? = outcomes[plan.hosts[1].name] else {
            Issue.record("host 1 should have failed: \(String(describing: outcomes[plan.hosts[1].name]))")
            return
        }
        #expect(step == "install-packages")
        let failure = try #require(helper.failures.first)
        #expect(failure.host == plan.hosts[1].name)
        #expect(failure.exitCode == 1)
        #expect(failure.index == plan.hosts[1].steps.firstIndex { $0.id == "install-packages" }! + 1)
        #expect(failure.lastLines.contains("           Requires: java-1.7.0-openjdk"))
        #expect(failure.reason.contains("exit status 1"))
        #expect(failure.logPath == lab.files.log(host: plan.hosts[1].name))
        #expect(!failure.skipIsSafe)
        #expect(lab.runCount(1, "engine-setup") == 0)
        let log = try String(contentsOfFile: failure.logPath, encoding: .utf8)
        #expect(log.contains("Error: Package: ovirt-engine-3.4.0-1.el6.noarch (ovirt-3.4-stable)"))
    }

    @Test func retrySkipAndAFailingToolRun() throws {
        let lab = try LabDeployment(hosts: 2)
        try lab.writeEngineSetupAnswers(0)
        try lab.writeEngineSetupAnswers(1)
        // Host 0: the repository step fails; skipping it is safe (repositories added by hand).
        try lab.setFixture(0, "YUM_FAIL=ovirt-release\n")
        // Host 1: engine-setup fails in Misc configuration; the operator fixes it and retries.
        try lab.setFixture(1, "ENGINE_SETUP_MODE=fail\n")
        let plan = try lab.plan()
        let fixHost1: @Sendable (StepFailure) -> Void = { failure in
            if failure.step == "run-engine-setup" { try? lab.setFixture(1, "") }
        }
        let helper = ScriptedOperator(decisions: [.skip, .retry], onFailure: fixHost1)
        // The decisions are consumed in the order failures happen; make both hosts' failures deterministic by
        // answering per step instead.
        let perStep = PerStepOperator(["add-repository": .skip, "run-engine-setup": .retry], inner: helper)
        let (outcomes, events) = try lab.run(plan, runOperator: perStep)
        #expect(outcomes[plan.hosts[0].name] == .succeeded)
        #expect(outcomes[plan.hosts[1].name] == .succeeded)
        let skipped = events.contains { if case let .stepFinished(h, _, _, s, status, _, _, _) = $0 { return h == plan.hosts[0].name && s == "add-repository" && status == .skipped }; return false }
        #expect(skipped)
        #expect(lab.runCount(1, "engine-setup") == 2)
        let failure = try #require(helper.failures.first { $0.step == "run-engine-setup" })
        #expect(failure.reason == "stage 'Misc configuration' failed: Command '/sbin/service' failed to execute")
        #expect(failure.exitCode == 1)
        let records = Journal.read(path: lab.files.journal).records
        let statuses = records.filter { $0.host == plan.hosts[1].name && $0.step == "run-engine-setup" && $0.kind == .stepEnded }.map(\.status)
        #expect(statuses == [.failed, .done])
    }

    @Test func unsafeSkipIsRefused() throws {
        let lab = try LabDeployment(hosts: 1)
        try lab.writeEngineSetupAnswers(0)
        try lab.setFixture(0, "YUM_FAIL=ovirt-engine\n")
        let plan = try lab.plan()
        let (outcomes, _) = try lab.run(plan, runOperator: ScriptedOperator(decisions: [.skip]))
        guard case .failed(let step, _)? = outcomes[plan.hosts[0].name] else {
            Issue.record("a step that cannot be skipped must stop the host")
            return
        }
        #expect(step == "install-packages")
        #expect(lab.runCount(0, "engine-setup") == 0)
    }

    @Test func interactiveLoopRelaysChoicesAndAbort() throws {
        let lab = try LabDeployment(hosts: 1)
        try lab.writeHostedEngineAnswers(0)
        let plan = try lab.plan()
        // "2" reboots the VM (the loop comes back), "x" is refused by the tool, "3" aborts the setup.
        let helper = ScriptedOperator(answers: ["2", "x", "3"])
        let (outcomes, events) = try lab.run(plan, runOperator: helper)
        guard case .failed(let step, let reason)? = outcomes[plan.hosts[0].name] else {
            Issue.record("abort must fail the host")
            return
        }
        #expect(step == "run-hosted-engine")
        #expect(reason == "stage 'Closing up' failed: OS installation aborted by user")
        #expect(helper.prompts.count == 3)
        let creates = events.flatMap(\.printedLines).filter { $0.line == "[ INFO  ] Creating VM" }
        #expect(creates.count == 2)
        let log = try String(contentsOfFile: lab.files.log(host: plan.hosts[0].name), encoding: .utf8)
        #expect(log.contains("[ ERROR ] Invalid value"))
    }

    @Test func unansweredQuestionStopsTheStep() throws {
        let lab = try LabDeployment(hosts: 1)
        // Without the confirmation key engine-setup stops at the preview and asks.
        let path = try lab.writeEngineSetupAnswers(0)
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "OVESETUP_DIALOG/confirmSettings=bool:True\n", with: "")
        try AtomicFile.write(text, to: path)
        let plan = try lab.plan()
        let helper = ScriptedOperator()
        let (outcomes, _) = try lab.run(plan, runOperator: helper)
        #expect(helper.prompts.map(\.text) == ["Please confirm installation settings (OK, Cancel) [OK]:"])
        #expect(helper.prompts.first?.validValues == ["OK", "Cancel"])
        guard case .failed(_, let reason)? = outcomes[plan.hosts[0].name] else {
            Issue.record("an unanswered question must stop the step")
            return
        }
        #expect(reason.contains("not answered"))
    }

    @Test func hundredThousandLines() throws {
        let lab = try LabDeployment(hosts: 1)
        try lab.writeEngineSetupAnswers(0)
        try lab.setFixture(0, "YUM_LINES=100000\n")
        let plan = try lab.plan()
        let started = Date()
        let (outcomes, events) = try lab.run(plan)
        let seconds = Date().timeIntervalSince(started)
        #expect(outcomes[plan.hosts[0].name] == .succeeded)
        let log = try String(contentsOfFile: lab.files.log(host: plan.hosts[0].name), encoding: .utf8)
        let installLines = log.split(separator: "\n").filter { $0.hasPrefix("  Installing : dependency-") }
        #expect(installLines.count == 200_000)   // the repository step and the package step both print them
        #expect(installLines.last == "  Installing : dependency-100000-1.0-1.el6.x86_64    100000/100000")
        let outputs = events.reduce(0) { $0 + $1.printedLines.count }
        #expect(outputs >= 200_000)
        print("100,000-line steps: whole plan in \(String(format: "%.2f", seconds)) s, \(outputs) output lines in events")
    }
}

/// Decides by step id, recording through another operator.
struct PerStepOperator: RunOperator {
    let decisions: [String: FailureDecision]
    let inner: ScriptedOperator
    init(_ decisions: [String: FailureDecision], inner: ScriptedOperator) {
        self.decisions = decisions
        self.inner = inner
    }
    func decide(_ failure: StepFailure) -> FailureDecision {
        _ = inner.decide(failure)
        return decisions[failure.step] ?? .abort
    }
    func answer(_ prompt: OtopiPrompt, host: String, consolePassword: String?) -> String? {
        inner.answer(prompt, host: host, consolePassword: consolePassword)
    }
}

@Suite("Resume", .serialized, .timeLimit(.minutes(3)))
struct ResumeTests {
    @Test func resumeVerifiesDoneStepsAndContinuesAtTheFirstThatIsNot() throws {
        let lab = try LabDeployment(hosts: 2)
        try lab.writeEngineSetupAnswers(0)
        try lab.writeHostedEngineAnswers(1)
        let plan = try lab.plan()
        // First run: host 0 finishes; host 1 stops at its first question (nobody answers).
        let (first, _) = try lab.run(plan, runOperator: ScriptedOperator())
        #expect(first[plan.hosts[0].name] == .succeeded)
        guard case .failed(let step, _)? = first[plan.hosts[1].name] else { Issue.record("host 1 should stop"); return }
        #expect(step == "run-hosted-engine")

        // On host 0 the package disappears (someone removed it): its probe fails, so from that step on
        // everything runs again; the steps before it are verified, not run.
        try FileManager.default.removeItem(atPath: lab.root(0) + "/var/lib/rpm-fixture/ovirt-engine")
        let (second, events) = try lab.run(plan, resume: true, runOperator: ScriptedOperator(answers: ["1", "1"]))
        #expect(second.values.allSatisfy { $0.succeeded }, "\(second)")
        func verified(_ host: String) -> [String] {
            events.compactMap { if case let .stepVerified(h, _, _, s, _, _, _) = $0, h == host { return s }; return nil }
        }
        func started(_ host: String) -> [String] {
            events.compactMap { if case let .stepStarted(h, _, _, s, _, _, _) = $0, h == host { return s }; return nil }
        }
        #expect(verified(plan.hosts[0].name) == ["check-os", "check-root", "check-fqdn", "add-repository"])
        #expect(started(plan.hosts[0].name) == ["install-packages", "prepare-directory", "upload-answers", "run-engine-setup", "fetch-results"])
        #expect(verified(plan.hosts[1].name) == ["check-os", "check-root", "check-fqdn", "add-repository", "install-packages",
                                                 "prepare-directory", "upload-iso", "upload-answers"])
        #expect(started(plan.hosts[1].name) == ["run-hosted-engine", "fetch-results"])
        #expect(lab.runCount(0, "engine-setup") == 2)
        #expect(lab.runCount(1, "hosted-engine") == 2)

        // A third resume finds everything done and verified: nothing runs.
        let (third, again) = try lab.run(plan, resume: true)
        #expect(third.values.allSatisfy { $0.succeeded })
        #expect(!again.contains { if case .stepStarted = $0 { return true }; return false })
        #expect(lab.runCount(0, "engine-setup") == 2)
        let journal = Journal.read(path: lab.files.journal)
        #expect(journal.warnings.isEmpty)
        #expect(journal.records.filter { $0.kind == .stepEnded && $0.status == .verified }.count == 4 + 8 + 9 + 10)
    }
}

@Suite("Hosts depending on each other and failing", .serialized, .timeLimit(.minutes(3)))
struct DependencyAndFaultTests {
    @Test func deployWaitsForTheStorageHost() throws {
        let lab = try LabDeployment(hosts: 2)
        try lab.writeEngineSetupAnswers(0)
        try lab.setFixture(0, "ENGINE_SETUP_SLEEP=3\n")
        // The hosted engine's storage is served by host 0, part of the same deployment.
        let storage = "\(lab.cluster.hosts[0].address):/gluster-vol1/ovirt_data/hosted_data/"
        try lab.writeHostedEngineAnswers(1, extra: "")
        let path = lab.answerFiles[1]
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "192.168.10.101:/gluster-vol1/ovirt_data/hosted_data/", with: storage)
        try AtomicFile.write(text, to: path)
        let plan = try lab.plan()
        let deploy = try #require(plan.hosts[1].steps.first { $0.id == "run-hosted-engine" })
        #expect(deploy.waitsFor == [StepReference(host: plan.hosts[0].name, step: nil)])
        let (outcomes, events) = try lab.run(plan, runOperator: ScriptedOperator(answers: ["1", "1"]))
        #expect(outcomes.values.allSatisfy { $0.succeeded })
        let order = events.compactMap { e -> String? in
            switch e {
            case let .hostFinished(host, _) where host == plan.hosts[0].name: return "host0 finished"
            case let .stepStarted(host, _, _, step, _, _, _) where host == plan.hosts[1].name && step == "run-hosted-engine": return "deploy started"
            case let .waiting(host, _, _, _, _) where host == plan.hosts[1].name: return "waiting"
            default: return nil
            }
        }
        // The deploy starts only after host 0 finished. (Whether host 1 had to say "waiting" depends on which host
        // got there first, and the two hosts' events reach the sink from two threads: only the order is checked.)
        let finished = try #require(order.firstIndex(of: "host0 finished"))
        let started = try #require(order.firstIndex(of: "deploy started"))
        #expect(finished < started, "\(order)")
    }

    @Test func aWaitedForHostThatFailsStopsTheWaiter() throws {
        let lab = try LabDeployment(hosts: 2)
        try lab.writeEngineSetupAnswers(0)
        try lab.setFixture(0, "YUM_FAIL=ovirt-engine\n")
        let storage = "\(lab.cluster.hosts[0].address):/export/he"
        try lab.writeHostedEngineAnswers(1)
        let path = lab.answerFiles[1]
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "192.168.10.101:/gluster-vol1/ovirt_data/hosted_data/", with: storage)
        try AtomicFile.write(text, to: path)
        let (outcomes, _) = try lab.run(try lab.plan())
        guard case .notRun(let why)? = outcomes[lab.cluster.hosts[1].address] else {
            Issue.record("the waiting host must not run: \(outcomes)")
            return
        }
        #expect(why.contains("waits for \(lab.cluster.hosts[0].address) (all steps), which did not finish"))
        #expect(lab.runCount(1, "hosted-engine") == 0)
    }

    @Test func aHostThatDiesMidStepIsReportedOthersFinish() throws {
        let lab = try LabDeployment(hosts: 2)
        try lab.writeEngineSetupAnswers(0)
        try lab.writeEngineSetupAnswers(1)
        try lab.setFixture(1, "ENGINE_SETUP_SLEEP=30\n")
        let plan = try lab.plan()
        let killer = Thread {
            let deadline = Date().addingTimeInterval(30)
            while !lab.runs(1).contains(where: { $0.contains(" engine-setup ") }) && Date() < deadline { usleep(50_000) }
            usleep(200_000)
            lab.cluster.hosts[1].kill9()
        }
        killer.start()
        let helper = ScriptedOperator(decisions: [.retry, .abort])
        let (outcomes, _) = try lab.run(plan, runOperator: helper)
        #expect(outcomes[plan.hosts[0].name] == .succeeded)
        guard case .failed(let step, _)? = outcomes[plan.hosts[1].name] else {
            Issue.record("host 1 must fail: \(outcomes)")
            return
        }
        #expect(step == "run-engine-setup")
        let failures = helper.failures
        #expect(failures.count == 2)
        // The first failure is the lost connection; the retry cannot connect and says so.
        #expect(failures.first.map { $0.exitCode == nil && $0.reason.contains(plan.hosts[1].name) } == true, "\(failures.map(\.reason))")
        #expect(failures.last?.reason.hasPrefix("cannot connect:") == true, "\(failures.map(\.reason))")
    }
}
