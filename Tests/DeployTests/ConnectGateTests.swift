import Foundation
import HostOps
import SSHKit
import Synchronization
import Testing
@testable import Deploy

/// The bound on connection set-ups: at most `limit` at a time, waiting hosts let in by their place in the plan.
@Suite("Connection set-up gate", .timeLimit(.minutes(2)))
struct ConnectGateTests {
    /// Spins until `condition` holds (threads reaching the gate); no timing is measured or asserted.
    static func waitUntil(_ condition: () -> Bool) {
        while !condition() { usleep(1_000) }
    }

    @Test func waitingHostsAreLetInByPlanOrderNotByArrival() {
        let gate = ConnectGate(limit: 1)
        gate.enter(order: 0)
        let admitted = Mutex<[Int]>([])
        let done = DispatchGroup()
        // They arrive in this order; each waits, since host 0 holds the only slot.
        for (arrived, order) in [5, 3, 4, 1, 2].enumerated() {
            done.enter()
            Thread {
                gate.enter(order: order)
                admitted.withLock { $0.append(order) }
                gate.leave()
                done.leave()
            }.start()
            Self.waitUntil { gate.waitingCount == arrived + 1 }
        }
        gate.leave()
        done.wait()
        #expect(admitted.withLock { $0 } == [1, 2, 3, 4, 5])
        #expect(gate.peak == 1)
    }

    @Test func aHostThatNeedNotWaitIsNotToldToWait() {
        let gate = ConnectGate(limit: 2)
        var told = 0
        gate.pass(order: 7, willWait: { told += 1 }) {
            gate.pass(order: 8, willWait: { told += 1 }) {}
        }
        #expect(told == 0)
        #expect(gate.peak == 2)
    }

    /// Twelve hosts, all allowed to run at once, at most three connecting at a time. The first three to connect
    /// hold on until the other nine wait at the gate; every connect returns only once its group of three is
    /// inside. Without the gate all twelve would be inside together.
    @Test func aRunConnectsAtMostTheBoundAtATimeInPlanOrderAndTellsTheWaitingHosts() throws {
        let directory = NSTemporaryDirectory() + "connect-gate-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let names = (1...12).map { String(format: "h%02d", $0) }
        let lab = ScriptedLab(hosts: names)
        let step = RunnerLogicTests.step("a", "true", probe: .rerun)
        let plan = DeploymentPlan(hosts: names.map { name in
            HostPlan(name: name, tool: .generic, access: HostAccess(target: SSHTarget(host: name), options: ConnectOptions()),
                     answerFile: "", remoteDirectory: "/var/lib/ovirt-wizard", platform: .assumed("scripted"), steps: [step], secretValues: [])
        })
        let bound = 3
        struct Counts { var hosts: [String] = []; var inside = 0; var peak = 0 }
        let counts = Mutex(Counts())
        let gate = Mutex<ConnectGate?>(nil)
        let scripted = lab.connector
        let connector = HostConnector { plan in
            let ticket = counts.withLock { c -> Int in
                c.hosts.append(plan.name)
                c.inside += 1
                c.peak = max(c.peak, c.inside)
                return c.hosts.count - 1
            }
            if ticket < bound {
                Self.waitUntil { gate.withLock { $0!.waitingCount } == names.count - bound || counts.withLock { $0.hosts.count } > bound }
            }
            let groupEnd = min(names.count, (ticket / bound + 1) * bound)
            Self.waitUntil { counts.withLock { $0.hosts.count } >= groupEnd }
            defer { counts.withLock { $0.inside -= 1 } }
            return try scripted.open(plan)
        }
        var options = DeploymentRunner.Options()
        options.maxConcurrentHosts = names.count
        options.maxConcurrentConnects = bound
        let events = EventLog()
        let runner = try DeploymentRunner(plan: plan, files: DeploymentFiles(answerFile: directory + "/answers.conf"), options: options,
                                          runOperator: ScriptedOperator(decisions: []), connector: connector) { events.append($0) }
        gate.withLock { $0 = runner.connectGate }
        let outcomes = runner.run()
        #expect(outcomes.count == names.count && outcomes.values.allSatisfy { $0.succeeded })
        #expect(counts.withLock { $0.peak } == bound)
        #expect(runner.connectGate.peak == bound)
        let waited = events.all.compactMap { event -> String? in
            if case let .note(host, text) = event, text == "waiting for its turn to connect (3 hosts connect at a time)" { return host }
            return nil
        }
        let order = counts.withLock { $0.hosts }
        #expect(Set(waited) == Set(order.dropFirst(bound)) && waited.count == names.count - bound)
        // The waiting hosts went in by their place in the plan, a group of three at a time.
        let waitingInPlanOrder = waited.sorted()
        for start in stride(from: bound, to: names.count, by: bound) {
            #expect(Set(order[start..<(start + bound)]) == Set(waitingInPlanOrder[(start - bound)..<start]), "group from \(start)")
        }
    }

    /// The host's command shell (a login shell on a real host, the costly part of setting up at many hosts) starts
    /// while the host holds its turn: with one turn at a time, the next host connects only after it. The first
    /// host's shell start holds on until both others wait at the gate; had it been let go before, the second
    /// host would connect first and the order below would differ.
    @Test func theCommandShellStartsBeforeTheHostGivesUpItsTurn() throws {
        let directory = NSTemporaryDirectory() + "connect-gate-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let names = ["h1", "h2", "h3"]
        let lab = ScriptedLab(hosts: names)
        let plan = DeploymentPlan(hosts: names.map { name in
            HostPlan(name: name, tool: .generic, access: HostAccess(target: SSHTarget(host: name), options: ConnectOptions()),
                     answerFile: "", remoteDirectory: "/var/lib/ovirt-wizard", platform: .assumed("scripted"),
                     steps: [RunnerLogicTests.step("a", "true", probe: .rerun)], secretValues: [])
        })
        let order = Mutex<[String]>([])
        let gate = Mutex<ConnectGate?>(nil)
        for name in names {
            lab[name].onShellStart.withLock {
                $0 = { asRoot in
                    let first = order.withLock { $0.first } == "connect \(name)"
                    if first {
                        Self.waitUntil { gate.withLock { $0?.waitingCount } == 2 || order.withLock { $0.count } > 1 }
                    }
                    order.withLock { $0.append("shell \(name)\(asRoot ? " as root" : "")") }
                }
            }
        }
        let scripted = lab.connector
        let connector = HostConnector { plan in
            order.withLock { $0.append("connect \(plan.name)") }
            return try scripted.open(plan)
        }
        var options = DeploymentRunner.Options()
        options.maxConcurrentHosts = names.count
        options.maxConcurrentConnects = 1
        let runner = try DeploymentRunner(plan: plan, files: DeploymentFiles(answerFile: directory + "/answers.conf"), options: options,
                                          runOperator: ScriptedOperator(decisions: []), connector: connector) { _ in }
        gate.withLock { $0 = runner.connectGate }
        let outcomes = runner.run()
        #expect(outcomes.count == names.count && outcomes.values.allSatisfy { $0.succeeded })
        let seen = order.withLock { $0 }
        #expect(seen.count == 6)
        for pair in stride(from: 0, to: seen.count, by: 2) where pair + 1 < seen.count {
            let host = seen[pair].dropFirst("connect ".count)
            #expect(seen[pair + 1] == "shell \(host) as root", "\(seen)")
        }
    }

    /// The shell started at the gate is the one the step's first command goes through: none for otopi's tools
    /// and prompts (a channel of their own), the root one for a detached run (its start goes through the shell,
    /// only the following of its log has a channel of its own), the login user's for reads that need no root.
    @Test func theShellStartedAtTheGateIsTheOneTheFirstCommandUses() {
        func run(otopi: Bool = false, interactive: Bool = false, asRoot: Bool = true, detached: Bool = false) -> PlanStep {
            var step = RunnerLogicTests.step("s", "true")
            step.action = .run(RemoteCommand(["true"]), otopi: otopi, interactive: interactive)
            step.runsAsRoot = asRoot
            if detached { step.detached = DetachedRun(directory: "/var/lib/ovirt-wizard", step: "s") }
            return step
        }
        #expect(run().firstCommandShell == true)
        #expect(run(asRoot: false).firstCommandShell == false)
        #expect(run(otopi: true).firstCommandShell == nil)
        #expect(run(interactive: true).firstCommandShell == nil)
        #expect(run(otopi: true, detached: true).firstCommandShell == true)   // as HostedEngine45Planner plans it
        var fetch = run()
        fetch.action = .fetchResults(fromStep: "s")
        #expect(fetch.firstCommandShell == nil)
        // The rule runCommand uses for its channel.
        #expect(!PlanStep.runHasOwnChannel(otopi: false, interactive: false))
        #expect(PlanStep.runHasOwnChannel(otopi: true, interactive: false) && PlanStep.runHasOwnChannel(otopi: false, interactive: true))
    }

    @Test func journalTimesAreWrittenAsTheISOFormatterWroteThem() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let dates = [0, 1_764_862_063.123, 1_764_862_063.9999, 1_764_862_063.0005, 951_782_400.5, 4_102_444_799.999]
            .map { Date(timeIntervalSince1970: $0) } + [Date()]
        for date in dates {
            #expect(JournalRecord.format(date) == formatter.string(from: date), "\(date.timeIntervalSince1970)")
        }
    }
}
