import Foundation
import OtopiKit
import SSHKit
import Synchronization

/// Runs a plan: one thread per host (at most `maxConcurrentHosts` at once), each host's steps in order, every
/// step's start and end in the journal, each host's output in its own log file.
public final class DeploymentRunner: @unchecked Sendable {
    public struct Options: Sendable {
        public var resume = false
        public var maxConcurrentHosts = 4
        /// Seconds of silence after which a running step reports a heartbeat.
        public var heartbeatInterval: Double = 15
        public init() {}
    }

    public let plan: DeploymentPlan
    public let files: DeploymentFiles
    public let options: Options
    let journal: Journal
    let previous: JournalState
    let sink: @Sendable (RunEvent) -> Void
    let runOperator: any RunOperator
    let barrier = StepBarrier()
    let activity = Mutex<[String: HostActivity]>([:])
    let cancelled = Atomic<Bool>(false)
    let controls = Mutex<[String: ExecControl]>([:])
    let journalError = Mutex<Journal.Failure?>(nil)
    /// Hashes of uploaded local files, shared by the hosts.
    let localHashes = LocalFileHashes()

    struct HostActivity {
        var stepStarted: Date
        var lastOutput: Date
        var lastHeartbeat: Date
    }

    /// Opens the journal (`--resume` reads it first) and the logs. The caller holds the deployment lock.
    public init(plan: DeploymentPlan, files: DeploymentFiles, options: Options, runOperator: any RunOperator,
                sink: @escaping @Sendable (RunEvent) -> Void) throws {
        self.plan = plan
        self.files = files
        self.options = options
        self.runOperator = runOperator
        self.sink = sink
        try files.create()
        let (records, _) = Journal.read(path: files.journal)
        previous = options.resume ? JournalState(records: records) : JournalState(records: [])
        journal = try Journal(path: files.journal)
    }

    /// Stops every remote command (TERM to its process group, then KILL) and starts no further step.
    public func cancel() {
        cancelled.store(true, ordering: .sequentiallyConsistent)
        for control in controls.withLock({ Array($0.values) }) { control.cancel() }
    }

    public var isCancelled: Bool { cancelled.load(ordering: .sequentiallyConsistent) }

    /// The first journal write that failed (disk full, I/O error). The run stopped there: no step runs that
    /// the journal could not record.
    public var journalFailure: Journal.Failure? { journalError.withLock { $0 } }

    /// Appends to the journal; on failure remembers it and stops the run. False when the record is not written.
    @discardableResult
    func record(_ record: JournalRecord) -> Bool {
        do {
            try journal.append(record)
            return true
        } catch {
            let failure = error as? Journal.Failure ?? Journal.Failure(path: journal.path, reason: "\(error)")
            let first = journalError.withLock { stored -> Bool in
                if stored != nil { return false }
                stored = failure
                return true
            }
            if first {
                sink(.note(host: record.host ?? plan.hosts.first?.name ?? "", text: "cannot write the journal \(failure.path): \(failure.reason); stopping"))
                cancel()
            }
            return false
        }
    }

    /// Runs every host; returns each host's outcome in plan order.
    @discardableResult
    public func run() -> [String: HostOutcome] {
        record(JournalRecord(kind: .runStarted, detail: options.resume ? "resume" : "start", pid: getpid()))
        let slots = DispatchSemaphore(value: max(1, options.maxConcurrentHosts))
        let group = DispatchGroup()
        let outcomes = Mutex<[String: HostOutcome]>([:])
        let heartbeat = startHeartbeat()
        for host in plan.hosts {
            group.enter()
            let thread = Thread { [self] in
                slots.wait()
                let outcome = HostRun(runner: self, plan: host).run()
                slots.signal()
                outcomes.withLock { $0[host.name] = outcome }
                barrier.finishHost(host.name, succeeded: outcome.succeeded)
                sink(.hostFinished(host: host.name, outcome: outcome))
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        heartbeat.cancel()
        let result = outcomes.withLock { $0 }
        let failed = result.values.filter { !$0.succeeded }.count
        record(JournalRecord(kind: .runEnded, detail: failed == 0 ? "all hosts succeeded" : "\(failed) host(s) did not finish", pid: getpid()))
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
            for (host, elapsed, quiet) in beats { sink(.heartbeat(host: host, elapsed: elapsed, quiet: quiet)) }
        }
        timer.resume()
        return timer
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

/// Lets a step wait for steps on other hosts.
final class StepBarrier: @unchecked Sendable {
    private let condition = NSCondition()
    private var finishedSteps: Set<String> = []
    private var finishedHosts: [String: Bool] = [:]

    func finishStep(host: String, step: String) {
        condition.lock()
        finishedSteps.insert("\(host)\u{0}\(step)")
        condition.broadcast()
        condition.unlock()
    }

    func finishHost(_ host: String, succeeded: Bool) {
        condition.lock()
        finishedHosts[host] = succeeded
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every reference is done; false when one can no longer happen (its host stopped) or on cancel.
    func wait(for references: [StepReference], cancelled: () -> Bool) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while true {
            var pending = false
            for ref in references {
                if let step = ref.step {
                    if finishedSteps.contains("\(ref.host)\u{0}\(step)") { continue }
                    if finishedHosts[ref.host] != nil { return false }
                    pending = true
                } else {
                    switch finishedHosts[ref.host] {
                    case true?: continue
                    case false?: return false
                    case nil: pending = true
                    }
                }
            }
            if !pending { return true }
            if cancelled() { return false }
            _ = condition.wait(until: Date().addingTimeInterval(0.5))
        }
    }
}
