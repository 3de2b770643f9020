import OtopiKit
import Synchronization

/// One host check a submission needs: which check, on which value.
public struct HostCheckRequest: Sendable, Hashable {
    public var check: String
    public var value: String
    public init(check: String, value: String) {
        self.check = check
        self.value = value
    }
}

/// Lets a screen run an answer's host checks off its own thread: a dry run of the submission (on a copy of the
/// exchange) with a `HostCheckRecorder` lists the checks it needs; they run elsewhere; the real submission then
/// reads their outcomes from a `PrecomputedChecker`, so it never waits on the host.
public final class HostCheckRecorder: HostChecker {
    private let recorded = Mutex<[HostCheckRequest]>([])

    public init() {}

    /// Records the request; the dry run treats it as not checked (its result is thrown away).
    public func run(check: String, value: String, answers: Answers) -> CheckOutcome {
        recorded.withLock { list in
            let request = HostCheckRequest(check: check, value: value)
            if !list.contains(request) { list.append(request) }
        }
        return .notChecked("recorded")
    }

    /// The checks asked for so far, in order.
    public var requests: [HostCheckRequest] { recorded.withLock { $0 } }
}

/// Outcomes computed ahead of time. A check that was not computed is reported as not checked, never run here.
public struct PrecomputedChecker: HostChecker {
    public var outcomes: [HostCheckRequest: CheckOutcome]

    public init(outcomes: [HostCheckRequest: CheckOutcome]) { self.outcomes = outcomes }

    /// Runs `requests` with `checker` (blocking: call it off the UI thread).
    public init(running requests: [HostCheckRequest], with checker: any HostChecker, answers: Answers) {
        var outcomes: [HostCheckRequest: CheckOutcome] = [:]
        for request in requests {
            outcomes[request] = checker.run(check: request.check, value: request.value, answers: answers)
        }
        self.init(outcomes: outcomes)
    }

    public func run(check: String, value: String, answers: Answers) -> CheckOutcome {
        outcomes[HostCheckRequest(check: check, value: value)] ?? .notChecked("the check was not run")
    }
}
