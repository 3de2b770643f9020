import Foundation
import Synchronization

/// Lets a step wait for steps on other hosts. Woken by every finished step or host and by `cancel`, so a
/// waiting host neither polls nor misses a cancellation.
final class StepBarrier: Sendable {
    private struct State {
        var finishedSteps: Set<String> = []
        var finishedHosts: [String: Bool] = [:]
        var cancelled = false
    }

    private let state = Mutex(State())
    /// Signalled after every change of `state`; waiters re-check under `state`'s lock.
    private let changed = ChangeSignal()

    func finishStep(host: String, step: String) {
        state.withLock { _ = $0.finishedSteps.insert("\(host)\u{0}\(step)") }
        changed.broadcast()
    }

    func finishHost(_ host: String, succeeded: Bool) {
        state.withLock { $0.finishedHosts[host] = succeeded }
        changed.broadcast()
    }

    /// Wakes every waiter; they return false.
    func cancel() {
        state.withLock { $0.cancelled = true }
        changed.broadcast()
    }

    /// Waits until every reference is done; false when one can no longer happen (its host stopped) or on cancel.
    func wait(for references: [StepReference]) -> Bool {
        while true {
            let generation = changed.generation
            switch state.withLock({ Self.check(references, in: $0) }) {
            case true?: return true
            case false?: return false
            case nil: changed.wait(past: generation)
            }
        }
    }

    /// True when every reference is done, false when one cannot be (or the run was cancelled), nil to wait.
    private static func check(_ references: [StepReference], in state: State) -> Bool? {
        if state.cancelled { return false }
        var pending = false
        for ref in references {
            if let step = ref.step {
                if state.finishedSteps.contains("\(ref.host)\u{0}\(step)") { continue }
                if state.finishedHosts[ref.host] != nil { return false }
                pending = true
            } else {
                switch state.finishedHosts[ref.host] {
                case true?: continue
                case false?: return false
                case nil: pending = true
                }
            }
        }
        return pending ? nil : true
    }
}

/// A change counter to sleep on: `wait(past:)` returns once `broadcast` moved it beyond the value read before
/// the waiter looked at the state, so a change between the look and the sleep is not lost.
private final class ChangeSignal: Sendable {
    private let condition = NSCondition()
    /// Changed only with `condition` locked; read without it to take a generation.
    private let count = Atomic<Int>(0)

    var generation: Int { count.load(ordering: .sequentiallyConsistent) }

    func broadcast() {
        condition.withLock {
            count.add(1, ordering: .sequentiallyConsistent)
            condition.broadcast()
        }
    }

    func wait(past generation: Int) {
        condition.withLock {
            while count.load(ordering: .sequentiallyConsistent) == generation { condition.wait() }
        }
    }
}
