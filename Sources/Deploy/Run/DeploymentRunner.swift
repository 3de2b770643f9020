import Foundation
import OtopiKit
import SSHKit
import Synchronization

/// Runs a plan: one thread per host (at most `maxConcurrentHosts` at once), each host's steps in order, every
/// step's start and end in the journal, each host's output in its own log file.
package final class DeploymentRunner: Sendable {
    package struct Options: Sendable {
        package var resume = false
        package var maxConcurrentHosts = 4
        /// Hosts that set up their connection at the same time (the rest wait their turn, in plan order).
        package var maxConcurrentConnects = ConnectGate.defaultLimit
        /// Seconds of silence after which a running step reports a heartbeat.
        package var heartbeatInterval: Double = 15
        /// Where the engine's SSH key goes on the hosts it adds (a lab host's own file in tests).
        package var rootAuthorizedKeys = "/root/.ssh/authorized_keys"
        /// Where `pinCAFromHost` reads the engine's CA instead of the plan's path (the lab's hosts keep /etc elsewhere).
        package var engineCAOnHost: String?
        package init() {}
    }

    package let plan: DeploymentPlan
    package let files: DeploymentFiles
    package let options: Options
    let journal: JournalSink
    let previous: JournalState
    /// The caller's event handler.
    let handler: EventHandlerSink
    let runOperator: any RunOperator
    let connector: HostConnector
    let barrier = StepBarrier()
    let connectGate: ConnectGate
    let activity = Mutex<[String: HostActivity]>([:])
    let cancelled = Atomic<Bool>(false)
    let controls = Mutex<[String: ExecControl]>([:])
    let journalError = Mutex<Journal.Failure?>(nil)
    /// Hashes of uploaded local files, shared by the hosts.
    let localHashes = LocalFileHashes()
    /// Answer files fetched to this machine, by `host\0step`: another host's upload may be made from one
    /// (hosted-engine's additional hosts take the first host's). Filled when the step ran or was verified.
    let fetchedFiles = Mutex<[String: String]>([:])
    /// The engine of a platform plan, opened by its first engine step.
    let engine: EngineLink?
    /// How each engine VM's steps ended (they run from their host's loop, not with the hosts).
    let engineVMOutcomes = Mutex<[String: HostOutcome]>([:])

    struct HostActivity {
        var stepStarted: Date
        var lastOutput: Date
        var lastHeartbeat: Date
    }

    /// Opens the journal (`--resume` reads it first) and the logs. The caller holds the deployment lock.
    package convenience init(plan: DeploymentPlan, files: DeploymentFiles, options: Options, runOperator: any RunOperator,
                            sink: @escaping @Sendable (RunEvent) -> Void) throws {
        try self.init(plan: plan, files: files, options: options, runOperator: runOperator, connector: .ssh, sink: sink)
    }

    /// The same, reaching the hosts through `connector` (tests script them).
    init(plan: DeploymentPlan, files: DeploymentFiles, options: Options, runOperator: any RunOperator,
         connector: HostConnector, sink: @escaping @Sendable (RunEvent) -> Void) throws {
        self.plan = plan
        self.files = files
        self.options = options
        self.runOperator = runOperator
        self.connector = connector
        connectGate = ConnectGate(limit: options.maxConcurrentConnects)
        handler = EventHandlerSink(handle: sink)
        engine = plan.engine.map { EngineLink(target: $0) }
        try files.create()
        previous = JournalState(records: options.resume ? Journal.read(path: files.journal).records : [])
        journal = JournalSink(journal: try Journal(path: files.journal))
    }

    /// Stops every remote command (TERM to its process group, then KILL) and starts no further step.
    package func cancel() {
        cancelled.store(true, ordering: .sequentiallyConsistent)
        barrier.cancel()
        for control in controls.withLock({ Array($0.values) }) { control.cancel() }
    }

    package var isCancelled: Bool { cancelled.load(ordering: .sequentiallyConsistent) }

    /// The first journal write that failed (disk full, I/O error). The run stopped there: no step runs that
    /// the journal could not record.
    package var journalFailure: Journal.Failure? { journalError.withLock { $0 } }

    /// A sink could not take an event (the journal could not be written): remembers the first failure, tells the
    /// operator and stops the run.
    func stop(because error: any Error, host: String?) {
        let failure = error as? Journal.Failure ?? Journal.Failure(path: journal.path, reason: "\(error)")
        let first = journalError.withLock { stored -> Bool in
            if stored != nil { return false }
            stored = failure
            return true
        }
        if first {
            handler.take(.note(host: host ?? plan.hosts.first?.name ?? "", text: "cannot write the journal \(failure.path): \(failure.reason); stopping"))
            cancel()
        }
    }

    /// Runs every host; returns each host's outcome in plan order.
    @discardableResult
    package func run() -> [String: HostOutcome] {
        do { try journal.recordRun(started: options.resume) } catch { stop(because: error, host: nil) }
        let heartbeat = startHeartbeat()
        // A host that waits for another's steps holds its slot while it waits: when hosts wait for each other
        // (Gluster phases, hosted-engine's additional hosts) every host gets one, or the waited-for host might not.
        let waits = plan.hosts.contains { $0.steps.contains { !$0.waitsFor.isEmpty } }
        let limit = waits ? max(options.maxConcurrentHosts, plan.hosts.count) : options.maxConcurrentHosts
        // An engine VM runs from its host's engine-installation loop, on that host's thread.
        let hosts = plan.hosts.filter { $0.engineVM == nil }
        let outcomes = forEachHost(hosts, limit: limit) { [self] host in
            let outcome = HostRun(runner: self, plan: host).run()
            barrier.finishHost(host.name, succeeded: outcome.succeeded)
            handler.take(.hostFinished(host: host.name, outcome: outcome))
            return outcome
        }
        var result = Dictionary(uniqueKeysWithValues: zip(hosts.map(\.name), outcomes))
        for vm in plan.hosts where vm.engineVM != nil {
            let role = vm.engineVM!
            if let outcome = engineVMOutcomes.withLock({ $0[vm.name] }) {
                result[vm.name] = outcome
            } else if result[role.host] == .succeeded, !isCancelled {
                // The host's deploy was verified from an earlier run, so its loop was not shown again: the VM's
                // steps are verified the same way (a step whose probe fails runs again, engine-setup only if the
                // VM holds no successful run with its answer file).
                let outcome = HostRun(runner: self, plan: vm).run()
                finishEngineVM(vm.name, outcome: outcome)
                result[vm.name] = outcome
            } else {
                let outcome = HostOutcome.notRun("its steps run at \(role.host)'s engine-installation loop, which was not reached")
                result[vm.name] = outcome
                handler.take(.hostFinished(host: vm.name, outcome: outcome))
            }
        }
        heartbeat.cancel()
        engine?.close()
        let failed = result.values.filter { !$0.succeeded }.count
        do { try journal.recordRun(endedWithFailures: failed) } catch { stop(because: error, host: nil) }
        return result
    }

    func startHeartbeat() -> DispatchSourceTimer {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        let interval = options.heartbeatInterval
        timer.schedule(deadline: .now() + min(1, interval), repeating: min(1, interval))
        timer.setEventHandler { [self] in
            let now = Date()
            var beats: [(String, Double, Double)] = []
            activity.withLock { all in
                for (host, var a) in all {
                    let quiet = now.timeIntervalSince(a.lastOutput)
                    if quiet >= interval && now.timeIntervalSince(a.lastHeartbeat) >= interval {
                        a.lastHeartbeat = now
                        all[host] = a
                        beats.append((host, now.timeIntervalSince(a.stepStarted), quiet))
                    }
                }
            }
            for (host, elapsed, quiet) in beats { handler.take(.heartbeat(host: host, elapsed: elapsed, quiet: quiet)) }
        }
        timer.resume()
        return timer
    }

    /// Records how an engine VM's steps ended (called by its host's loop), for the run's outcomes and the panes.
    func finishEngineVM(_ vm: String, outcome: HostOutcome) {
        engineVMOutcomes.withLock { $0[vm] = outcome }
        barrier.finishHost(vm, succeeded: outcome.succeeded)
        handler.take(.hostFinished(host: vm, outcome: outcome))
    }

    func noteFetched(host: String, step: String, outputs: StepOutputs) {
        guard let local = outputs.fetchedAnswerFile else { return }
        fetchedFiles.withLock { $0["\(host)\u{0}\(step)"] = local }
    }

    func fetchedFile(host: String, step: String) -> String? {
        fetchedFiles.withLock { $0["\(host)\u{0}\(step)"] }
    }

    func noteActivity(_ host: String, started: Bool = false) {
        let now = Date()
        activity.withLock { all in
            if started || all[host] == nil {
                all[host] = HostActivity(stepStarted: now, lastOutput: now, lastHeartbeat: now)
            } else {
                all[host]!.lastOutput = now
            }
        }
    }

    func stepEnded(_ host: String) {
        _ = activity.withLock { $0.removeValue(forKey: host) }
    }
}
