import Foundation
import LabHosts
import Testing
@testable import Deploy

/// The real `ovirt-wizard` binary: `plan` and `apply --plain` against lab hosts, killed and resumed.
@Suite("plan and apply commands", .serialized, .timeLimit(.minutes(5)))
struct ApplyCommandTests {
    func arguments(_ lab: LabDeployment, _ command: String, _ extra: [String] = []) -> [String] {
        [command] + lab.answerFiles.flatMap { ["--answers", $0] } + lab.sshArguments + extra
    }

    @Test func dryRunListsExactlyWhatApplyRuns() throws {
        let lab = try LabDeployment(hosts: 2)
        try lab.writeEngineSetupAnswers(0)
        try lab.writeHostedEngineAnswers(1)
        let dry = try lab.wizard(arguments(lab, "plan", ["--json"]))
        #expect(dry.status == 0, "\(dry.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])
        let hosts = try #require(json["hosts"] as? [[String: Any]])
        #expect(hosts.count == 2)
        #expect(!dry.stdout.contains(LabDeployment.adminPassword))
        #expect(!dry.stdout.contains(LabDeployment.hostedPassword))
        #expect(dry.stdout.contains("OVESETUP_CONFIG/adminPassword=str:********"))

        let text = try lab.wizard(arguments(lab, "plan"))
        #expect(text.status == 0)
        #expect(text.stdout.contains("engine-setup --offline --config-append=\(lab.remoteBase)/"))
        #expect(text.stdout.contains("hosted-engine --deploy --config-append="))
        #expect(text.stdout.contains("yum install -y ovirt-engine"))
        #expect(!text.stdout.contains(LabDeployment.adminPassword))

        let applied = try lab.wizard(arguments(lab, "apply", ["--plain"]), stdin: "1\n1\n")
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        // The journal holds the same steps, in the same order, with the same digests as the dry run.
        let records = Journal.read(path: lab.files.journal).records
        for host in hosts {
            let name = try #require(host["name"] as? String)
            let steps = try #require(host["steps"] as? [[String: Any]])
            let ran = records.filter { $0.kind == .stepEnded && $0.host == name }
            #expect(ran.map(\.step) == steps.map { $0["id"] as? String })
            #expect(ran.map(\.digest) == steps.map { $0["digest"] as? String })
        }
        // Commands the dry run printed are the commands that reached the hosts.
        let engineSteps = try #require(hosts[0]["steps"] as? [[String: Any]])
        let run = try #require(engineSteps.first { $0["id"] as? String == "run-engine-setup" }?["argv"] as? [String])
        #expect(lab.runs(0).contains { $0.hasSuffix("engine-setup " + run.dropFirst().joined(separator: " ")) })
    }

    @Test func plainProgressLinesAndRecap() throws {
        let lab = try LabDeployment(hosts: 2)
        try lab.writeEngineSetupAnswers(0)
        try lab.writeEngineSetupAnswers(1)
        try lab.setFixture(1, "ENGINE_SETUP_MODE=fail\n")
        let r = try lab.wizard(arguments(lab, "apply", ["--plain"]))
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let a = lab.cluster.hosts[0].address, b = lab.cluster.hosts[1].address
        #expect(lines.contains { $0.hasPrefix("[\(a)] step 1/9 Check the operating system: sh -c ") })
        #expect(lines.contains("[\(a)] engine-setup stage 16/16: Termination"))
        #expect(lines.contains("[\(a)] finished"))
        #expect(lines.contains { $0.hasPrefix("[\(b)] FAILED step 8/9 Run engine-setup (exit code 1): stage 'Misc configuration' failed") })
        #expect(lines.contains("[\(b)]   | [ ERROR ] Execution of setup failed"))
        #expect(lines.contains("[\(b)]   log: \(lab.files.log(host: b))"))
        // Host names are padded to the longest (127.0.0.9 next to 127.0.0.10).
        #expect(lines.contains { $0.hasPrefix("  \(a) ") && $0.contains(" ok; 9 run, 0 verified, 0 skipped of 9;") }, "\(r.stdout)")
        #expect(lines.contains { $0.hasPrefix("  \(b) ") && $0.contains(" FAILED at run-engine-setup; 7 run, 0 verified, 0 skipped of 9;") }, "\(r.stdout)")
        // Lines of different hosts never mix: every progress line starts with one host's prefix.
        for line in lines where line.hasPrefix("[") { #expect(line.hasPrefix("[\(a)] ") || line.hasPrefix("[\(b)] "), "\(line)") }

        // Another apply refuses to start over a journal; --resume re-checks and reruns only what is missing.
        let again = try lab.wizard(arguments(lab, "apply", ["--plain"]))
        #expect(again.status == 2)
        #expect(again.stderr.contains("records an earlier run: continue it with --resume"))
        try lab.setFixture(1, "")
        let resumed = try lab.wizard(arguments(lab, "apply", ["--plain", "--resume"]))
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        #expect(resumed.stdout.contains("[\(a)] step 8/9 Run engine-setup: done before, probe passed, not run again"))
        #expect(resumed.stdout.contains("[\(b)] step 7/9 Upload the answer file: done before, probe passed, not run again"))
        #expect(resumed.stdout.contains("[\(b)] step 8/9 Run engine-setup: engine-setup --offline"))
        #expect(lab.runCount(0, "engine-setup") == 1)
        #expect(lab.runCount(1, "engine-setup") == 2)
        #expect(lab.runCount(0, "yum") == 2)
    }

    @Test func heartbeatWhileQuiet() throws {
        let lab = try LabDeployment(hosts: 1)
        try lab.writeEngineSetupAnswers(0)
        try lab.setFixture(0, "ENGINE_SETUP_SLEEP=2.5\n")
        let r = try lab.wizard(arguments(lab, "apply", ["--plain", "--heartbeat", "1"]))
        #expect(r.status == 0)
        let a = lab.cluster.hosts[0].address
        #expect(r.stdout.contains("[\(a)] still running ("))
    }

    @Test func secondWizardIsLockedOut() throws {
        let lab = try LabDeployment(hosts: 1)
        try lab.writeEngineSetupAnswers(0)
        try lab.setFixture(0, "ENGINE_SETUP_SLEEP=4\n")
        let first = try lab.start(arguments(lab, "apply", ["--plain"]))
        defer { first.process.waitUntilExit() }
        // Wait until the first one holds the lock (its journal has a line).
        let deadline = Date().addingTimeInterval(20)
        while Journal.read(path: lab.files.journal).records.isEmpty && Date() < deadline { usleep(50_000) }
        let second = try lab.wizard(arguments(lab, "apply", ["--plain", "--resume"]))
        #expect(second.status == 3)
        #expect(second.stderr.contains("another ovirt-wizard (PID \(first.process.processIdentifier)"))
        try first.input.fileHandleForWriting.close()
        _ = first.output.fileHandleForReading.readDataToEndOfFile()
    }

    // SIGKILL at random moments and resumed: FaultTests.killedAtFiftyRandomMomentsAndResumed.

    @Test func hangUpCancelsCleanlyAndResumeFinishes() throws {
        let lab = try LabDeployment(hosts: 1)
        try lab.writeEngineSetupAnswers(0)
        try lab.setFixture(0, "ENGINE_SETUP_SLEEP=88\n")
        let process = try lab.start(arguments(lab, "apply", ["--plain"]))
        let deadline = Date().addingTimeInterval(30)
        while !lab.runs(0).contains(where: { $0.contains("engine-setup") }) && Date() < deadline { usleep(50_000) }
        usleep(300_000)
        kill(process.process.processIdentifier, SIGHUP)
        process.process.waitUntilExit()
        let out = String(decoding: process.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.process.terminationStatus == 129, "\(out)")
        #expect(out.contains("step 8/9 cancelled"))
        #expect(!PanesEndToEndTests.processes().contains { $0.hasPrefix("sleep 88") })
        let records = Journal.read(path: lab.files.journal).records
        #expect(records.last?.kind == .runEnded)
        #expect(records.contains { $0.step == "run-engine-setup" && $0.status == .cancelled })
        try lab.setFixture(0, "")
        let resumed = try lab.wizard(arguments(lab, "apply", ["--plain", "--resume"]))
        #expect(resumed.status == 0, "\(resumed.stdout)")
        #expect(lab.runCount(0, "engine-setup") == 2)
    }
}
