import OtopiKit
import Synchronization

/// One host check a submission needs: which check, on which value.
package struct HostCheckRequest: Sendable, Hashable {
    package var check: String
    package var value: String
    package init(check: String, value: String) {
        self.check = check
        self.value = value
    }
}

/// Lets a screen run an answer's host checks off its own thread: a dry run of the submission (on a copy of the
/// exchange) with a `HostCheckRecorder` lists the checks it needs; they run elsewhere; the real submission then
/// reads their outcomes from a `PrecomputedChecker`, so it never waits on the host.
package final class HostCheckRecorder: HostChecker {
    private let recorded = Mutex<[HostCheckRequest]>([])

    package init() {}

    /// Records the request; the dry run treats it as not checked (its result is thrown away).
    package func run(check: String, value: String, answers: Answers) -> CheckOutcome {
        recorded.withLock { list in
            let request = HostCheckRequest(check: check, value: value)
            if !list.contains(request) { list.append(request) }
        }
        return .notChecked("recorded")
    }

    /// The checks asked for so far, in order.
    package var requests: [HostCheckRequest] { recorded.withLock { $0 } }
}

/// Outcomes computed ahead of time. A check that was not computed is reported as not checked, never run here.
package struct PrecomputedChecker: HostChecker {
    package var outcomes: [HostCheckRequest: CheckOutcome]

    package init(outcomes: [HostCheckRequest: CheckOutcome]) { self.outcomes = outcomes }

    /// Runs `requests` with `checker` (blocking: call it off the UI thread).
    package init(running requests: [HostCheckRequest], with checker: any HostChecker, answers: Answers) {
        var outcomes: [HostCheckRequest: CheckOutcome] = [:]
        for request in requests {
            outcomes[request] = checker.run(check: request.check, value: request.value, answers: answers)
        }
        self.init(outcomes: outcomes)
    }

    package func run(check: String, value: String, answers: Answers) -> CheckOutcome {
        outcomes[HostCheckRequest(check: check, value: value)] ?? .notChecked("the check was not run")
    }
}
