import Foundation
import TUI

/// CPU time of the calling thread in nanoseconds.
func threadCPU() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}

/// Wraps the backend the panes draw to: counts frames, times `draw` on the UI thread's CPU clock, waits out the
/// key timeout like a terminal with no key pressed, and presses `q` once the run has finished.
final class BenchBackend: TerminalBackend {
    let inner: any TerminalBackend
    /// The in-memory backend returns at once; a terminal waits `timeout` for a key. Pace like the terminal.
    let pace: Bool
    var finished: () -> Bool = { false }
    private(set) var frames = 0
    private(set) var drawNanos: UInt64 = 0

    init(_ inner: any TerminalBackend, pace: Bool) {
        self.inner = inner
        self.pace = pace
    }

    var size: Size { inner.size }

    func draw(_ frame: Frame) {
        let t0 = threadCPU()
        inner.draw(frame)
        drawNanos += threadCPU() - t0
        frames += 1
    }

    func redrawAll() { inner.redrawAll() }

    func readKey(timeoutMilliseconds: Int) -> Key? {
        // One `q` per read once finished: with the log open, the first closes it and the second quits.
        if finished() { return .character("q") }
        if let key = inner.readKey(timeoutMilliseconds: timeoutMilliseconds) { return key }
        if pace { usleep(useconds_t(timeoutMilliseconds * 1000)) }
        return nil
    }
}

/// The deploy screen with its `update` and `view` timed on the UI thread's CPU clock.
struct TimedApp: TUIApp {
    let inner: DeployPanesApp
    let clock: Stopwatch

    func update(_ state: DeployPanesApp.State, _ event: AppEvent<DeployPanesApp.Message>) -> (DeployPanesApp.State, [AppEffect<DeployPanesApp.Effect>]) {
        let t0 = threadCPU()
        defer { clock.update += threadCPU() - t0 }
        if case .message(.finished) = event { clock.finishedAt = Date() }
        return inner.update(state, event)
    }

    func view(_ state: DeployPanesApp.State, _ size: Size) -> Frame {
        let t0 = threadCPU()
        defer { clock.view += threadCPU() - t0 }
        return inner.view(state, size)
    }

    func perform(_ effect: DeployPanesApp.Effect, post: @escaping @Sendable (DeployPanesApp.Message) -> Void) {
        inner.perform(effect, post: post)
    }
}

/// Totals gathered on the UI thread only.
final class Stopwatch {
    var update: UInt64 = 0
    var view: UInt64 = 0
    var finishedAt: Date?
}
