import Foundation
import HostOps
import SSHKit
import Testing
@testable import Deploy

/// The runner's decisions (resume, digests, retry, skip, waits, cancel, a journal that cannot be written) on
/// scripted hosts: the real `DeploymentRunner`, `HostRun`, journal and host logs, no sshd. The lab tests in
/// RunnerTests and FaultTests run the same code against real hosts.
@Suite("Runner logic on scripted hosts", .timeLimit(.minutes(5)))
struct RunnerLogicTests {
    /// A temporary deployment folder and a plan over scripted hosts.
    struct Setup {
        let directory: String
        let lab: ScriptedLab
        var plan: DeploymentPlan
        var files: DeploymentFiles { DeploymentFiles(answerFile: directory + "/answers.conf") }

        init(hosts: [String: [PlanStep]]) throws {
            directory = NSTemporaryDirectory() + "runner-logic-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            lab = ScriptedLab(hosts: Array(hosts.keys))
            plan = DeploymentPlan(hosts: hosts.keys.sorted().map { name in
                HostPlan(name: name, tool: .generic, access: HostAccess(target: SSHTarget(host: name), options: ConnectOptions()),
                         answerFile: "", remoteDirectory: "/var/lib/ovirt-wizard", platform: .assumed("scripted"),
                         steps: hosts[name]!, secretValues: ["S3cret-pw"])
            })
        }

        func run(resume: Bool = false, decisions: [FailureDecision] = [], limit: Int = 4,
                 during: (@Sendable (DeploymentRunner) -> Void)? = nil) throws -> (outcomes: [String: HostOutcome], events: [RunEvent], runner: DeploymentRunner) {
            let events = EventLog()
            var options = DeploymentRunner.Options()
            options.resume = resume
            options.maxConcurrentHosts = limit
            let runner = try DeploymentRunner(plan: plan, files: files, options: options, runOperator: ScriptedOperator(decisions: decisions),
                                              connector: lab.connector) { events.append($0) }
            if let during { Thread { during(runner) }.start() }
            let outcomes = runner.run()
            return (outcomes, events.all, runner)
        }

        var journal: [JournalRecord] { Journal.read(path: files.journal).records }
        func log(_ host: String) -> String { (try? String(contentsOfFile: files.log(host: host), encoding: .utf8)) ?? "" }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    static func step(_ id: String, _ argv: String..., probe: Probe? = nil, skipIsSafe: Bool = false,
                     waitsFor: [StepReference] = []) -> PlanStep {
        let command = RemoteCommand(argv)
        return PlanStep(id: id, title: "Step \(id)", action: .run(command, otopi: false, interactive: false), changesHost: true,
                        probe: probe ?? .command(RemoteCommand(["test", "-e", "/done/\(id)"])), skipIsSafe: skipIsSafe,
                        skipNote: skipIsSafe ? "safe" : "not safe", waitsFor: waitsFor, timeout: nil)
    }

    static func started(_ events: [RunEvent], _ host: String) -> [String] {
        events.compactMap { if case let .stepStarted(h, _, _, s, _, _, _) = $0, h == host { return s }; return nil }
    }

    static func verified(_ events: [RunEvent], _ host: String) -> [String] {
        events.compactMap { if case let .stepVerified(h, _, _, s, _, _, _) = $0, h == host { return s }; return nil }
    }

    @Test func aResumeVerifiesFinishedStepsAndRunsNoneAgain() throws {
        let setup = try Setup(hosts: ["h1": [Self.step("a", "install", "a"), Self.step("b", "install", "b")]])
        defer { setup.remove() }
        let script = setup.lab["h1"]
        script.reply(RemoteCommand("install", "a"), .init(stdout: "installing a with S3cret-pw\n"))
        let first = try setup.run()
        #expect(first.outcomes["h1"] == .succeeded)
        #expect(Self.started(first.events, "h1") == ["a", "b"])
        #expect(!setup.log("h1").contains("S3cret-pw") && setup.log("h1").contains("installing a with ********"))

        let again = try setup.run(resume: true)
        #expect(again.outcomes["h1"] == .succeeded)
        #expect(Self.started(again.events, "h1").isEmpty)
        #expect(Self.verified(again.events, "h1") == ["a", "b"])
        #expect(script.runs(of: RemoteCommand("install", "a")) == 1)
        #expect(script.runs(of: RemoteCommand("test", "-e", "/done/a")) == 1)
        let verifiedRecords = setup.journal.filter { $0.kind == .stepEnded && $0.status == .verified }.map { $0.step ?? "" }
        #expect(verifiedRecords == ["a", "b"])
        #expect(setup.log("h1").contains("=== step 1/2 a: done in an earlier run, probe passed: not run again ==="))
    }

    @Test func aChangedStepRunsAgainAndSoDoesEveryStepAfterIt() throws {
        var setup = try Setup(hosts: ["h1": [Self.step("a", "install", "a"), Self.step("b", "install", "b"), Self.step("c", "install", "c")]])
        defer { setup.remove() }
        #expect(try setup.run().outcomes["h1"] == .succeeded)
        setup.plan.hosts[0].steps[1] = Self.step("b", "install", "b", "--changed")
        let again = try setup.run(resume: true)
        #expect(again.outcomes["h1"] == .succeeded)
        #expect(Self.verified(again.events, "h1") == ["a"])
        #expect(Self.started(again.events, "h1") == ["b", "c"])
        let script = setup.lab["h1"]
        #expect(script.runs(of: RemoteCommand("install", "b", "--changed")) == 1)
        #expect(script.runs(of: RemoteCommand("test", "-e", "/done/b")) == 0)   // a changed step is not probed
        let lastB = setup.journal.last { $0.step == "b" && $0.kind == .stepEnded }
        #expect(lastB?.digest == setup.plan.hosts[0].steps[1].digest && lastB?.status == .done)
    }

    @Test func aFailedProbeRunsTheStepAgain() throws {
        let setup = try Setup(hosts: ["h1": [Self.step("a", "install", "a")]])
        defer { setup.remove() }
        #expect(try setup.run().outcomes["h1"] == .succeeded)
        setup.lab["h1"].reply(RemoteCommand("test", "-e", "/done/a"), .init(status: 1))
        let again = try setup.run(resume: true)
        #expect(Self.started(again.events, "h1") == ["a"])
        #expect(setup.log("h1").contains("=== step 1/1 a: done in an earlier run, but its probe did not pass: running it again ==="))
    }

    @Test func retryThenSkipThroughTheOperator() throws {
        let setup = try Setup(hosts: ["h1": [Self.step("repo", "add-repo", skipIsSafe: true), Self.step("pkg", "install", "pkg")]])
        defer { setup.remove() }
        let repo = RemoteCommand("add-repo")
        setup.lab["h1"].reply(repo, .init(stderr: "mirror down\n", status: 1))
        let run = try setup.run(decisions: [.retry, .skip])
        #expect(run.outcomes["h1"] == .succeeded)
        #expect(setup.lab["h1"].runs(of: repo) == 2)
        #expect(Self.started(run.events, "h1") == ["repo", "repo", "pkg"])
        let failures = run.events.compactMap { if case .stepFailed(let f) = $0 { return f }; return nil }
        #expect(failures.count == 2 && failures[0].exitCode == 1 && failures[0].reason.contains("mirror down"))
        let ends = setup.journal.filter { $0.kind == .stepEnded && $0.step == "repo" }
        #expect(ends.map(\.status) == [.failed, .failed, .skipped])
        #expect(ends.last?.detail == "skipped by the operator after: exit status 1: mirror down")
        #expect(ends.last?.seconds == nil && ends[0].exitCode == 1)
        let log = setup.log("h1")
        #expect(log.contains("stderr: mirror down"))
        #expect(log.contains("=== step 1/2 repo: retry ==="))
        #expect(log.contains("=== step 1/2 repo: skipped by the operator ==="))
        // A step skipped by the operator stays skipped on resume, without a probe.
        let again = try setup.run(resume: true)
        #expect(Self.started(again.events, "h1").isEmpty)
        #expect(setup.lab["h1"].runs(of: repo) == 2)
    }

    @Test func anUnsafeSkipIsAnAbort() throws {
        let setup = try Setup(hosts: ["h1": [Self.step("a", "false"), Self.step("b", "true")]])
        defer { setup.remove() }
        setup.lab["h1"].reply(RemoteCommand("false"), .init(status: 1))
        let run = try setup.run(decisions: [.skip])
        #expect(run.outcomes["h1"] == .failed(step: "a", reason: "exit status 1"))
        #expect(Self.started(run.events, "h1") == ["a"])
    }

    @Test func aStepWaitsForAnotherHostsStep() throws {
        let setup = try Setup(hosts: [
            "engine": [Self.step("setup", "engine-setup")],
            "node": [Self.step("prepare", "prepare"), Self.step("join", "join", waitsFor: [StepReference(host: "engine", step: "setup")])],
        ])
        defer { setup.remove() }
        setup.lab["engine"].reply(RemoteCommand("engine-setup"), .init(stdout: "slow\n"))
        let run = try setup.run()
        #expect(run.outcomes["engine"] == .succeeded && run.outcomes["node"] == .succeeded)
        let order = setup.lab.timeline.all
        let setupAt = try #require(order.firstIndex(of: "engine: engine-setup"))
        let joinAt = try #require(order.firstIndex(of: "node: join"))
        #expect(setupAt < joinAt)
        #expect(run.events.contains { if case let .waiting(h, 2, 2, "join", _) = $0 { return h == "node" }; return false })
    }

    @Test func aWaitOnAFailedHostEndsAsNotRun() throws {
        let setup = try Setup(hosts: [
            "engine": [Self.step("setup", "engine-setup")],
            "node": [Self.step("join", "join", waitsFor: [StepReference(host: "engine", step: "setup")])],
        ])
        defer { setup.remove() }
        setup.lab["engine"].reply(RemoteCommand("engine-setup"), .init(status: 2))
        let run = try setup.run()
        #expect(run.outcomes["engine"] == .failed(step: "setup", reason: "exit status 2"))
        guard case .notRun(let why)? = run.outcomes["node"] else {
            Issue.record("node: \(String(describing: run.outcomes["node"]))")
            return
        }
        #expect(why.contains("engine/setup"))
        #expect(setup.lab["node"].runs(of: RemoteCommand("join")) == 0)
    }

    @Test func cancelStopsTheRunningStepAndWakesAWaitingHost() throws {
        let setup = try Setup(hosts: [
            "engine": [Self.step("setup", "engine-setup"), Self.step("after", "after")],
            "node": [Self.step("join", "join", waitsFor: [StepReference(host: "engine", step: "setup")])],
        ])
        defer { setup.remove() }
        let engine = setup.lab["engine"]
        engine.reply(RemoteCommand("engine-setup"), .init(stdout: "working\n", blocksUntilCancelled: true))
        let started = Date()
        let run = try setup.run { runner in
            engine.started.wait()
            usleep(50_000)   // let the node reach its wait
            runner.cancel()
        }
        #expect(run.outcomes["engine"] == .cancelled && run.outcomes["node"] == .cancelled)
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(engine.runs(of: RemoteCommand("after")) == 0)
        let end = setup.journal.last { $0.kind == .stepEnded && $0.step == "setup" }
        #expect(end?.status == .cancelled && end?.detail == "cancelled (Ctrl-C)")
        #expect(setup.log("engine").contains("=== step 1/2 setup: cancelled: cancelled (Ctrl-C) ==="))
        // The cancelled step has no finished end: a resume runs it again.
        let state = JournalState(records: setup.journal)
        #expect(state.entry(host: "engine", step: "setup")?.status.isFinished == false)
    }

    @Test func aJournalThatCannotBeWrittenStopsTheRunBeforeAnyStep() throws {
        let setup = try Setup(hosts: ["h1": [Self.step("a", "install", "a")]])
        defer { setup.remove() }
        try setup.files.create()
        // Every write to /dev/full fails with ENOSPC: the real "disk full" without a tmpfs.
        try FileManager.default.createSymbolicLink(atPath: setup.files.journal, withDestinationPath: "/dev/full")
        let run = try setup.run()
        #expect(run.outcomes["h1"] == .cancelled)
        #expect(setup.lab["h1"].commands.isEmpty)
        #expect(Self.started(run.events, "h1").isEmpty)
        let failure = try #require(run.runner.journalFailure)
        #expect(failure.reason.contains(String(cString: strerror(ENOSPC))))
        #expect(run.events.contains { if case .note(_, let text) = $0 { return text.hasPrefix("cannot write the journal") }; return false })
    }

    @Test func uploadsAreSkippedWhenTheHostHasTheFileAndVerifiedByHashOnResume() throws {
        var setup = try Setup(hosts: ["h1": []])
        defer { setup.remove() }
        let text = "KEY=S3cret-pw\n"
        try text.write(toFile: setup.directory + "/expected", atomically: true, encoding: .utf8)
        let payload = PlanStep(id: "payload", title: "Upload the answers",
                               action: .upload(Upload(source: .generated(text: text, shown: "KEY=********\n"), remotePath: "/root/answers.conf",
                                                      mode: 0o600, sha256: try SSHConnection.localSHA256(setup.directory + "/expected"))),
                               changesHost: true, probe: .remoteHashMatches, skipIsSafe: false, skipNote: "", waitsFor: [], timeout: nil)
        setup.plan.hosts[0].steps = [payload]
        let run = try setup.run()
        #expect(run.outcomes["h1"] == .succeeded)
        #expect(setup.lab.timeline.all == ["h1: upload /root/answers.conf"])
        #expect(run.events.contains { if case .transfer = $0 { return true }; return false })
        let again = try setup.run(resume: true)
        #expect(Self.verified(again.events, "h1") == ["payload"])
        #expect(setup.lab.timeline.all == ["h1: upload /root/answers.conf"])
        #expect(!setup.log("h1").contains("S3cret-pw"))
    }
}
