import Foundation
import SSHKit

/// Hands a plain command's output from the thread that reads the SSH channel to a thread of its own, which splits,
/// masks and logs it, so that libssh2's decryption (the wizard's bound for a step that floods output, pane.sh) does
/// not wait for that work. Reads are handed on in order; `finish` returns once every one was handled. At most
/// `limit` bytes wait at a time: a reader faster than the handling waits for it, memory stays bounded.
/// The thread starts with the first read: most steps print little or nothing (a fan-out plan runs 20 per host).
final class OutputPump: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [(ExecStream, [UInt8])] = []
    private var queued = 0
    private var started = false
    private var closed = false
    private var done = false
    /// Who sleeps on the condition: a wake-up (a futex call) is sent only then, not for every read of a flood.
    private var pumpWaiting = false
    private var readerWaiting = false
    private let limit: Int
    /// Called on the pump's thread only, one read at a time.
    private let handle: (ExecStream, [UInt8]) -> Void

    init(limit: Int = 8 << 20, handle: @escaping (ExecStream, [UInt8]) -> Void) {
        self.limit = limit
        self.handle = handle
    }

    /// Queues one read (waits while `limit` bytes are queued already).
    func push(_ stream: ExecStream, _ bytes: [UInt8]) {
        condition.lock()
        if !started {
            started = true
            let thread = Thread { [self] in run() }
            thread.name = "output pump"
            thread.start()
        }
        while queued >= limit && !done {
            readerWaiting = true
            condition.wait()
            readerWaiting = false
        }
        queue.append((stream, bytes))
        queued += bytes.count
        let wake = pumpWaiting
        condition.unlock()
        // Signalled after unlocking: a pump woken while the reader still held the lock would block on it at once
        // and have to be woken a second time.
        if wake { condition.broadcast() }
    }

    /// Waits until every queued read was handled; the pump's thread then ends. What `handle` changed is visible to
    /// the caller afterwards (the lock orders it).
    func finish() {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        guard started else { return }
        condition.broadcast()
        while !done {
            readerWaiting = true
            condition.wait()
            readerWaiting = false
        }
    }

    private func run() {
        Self.yieldToTheReader()
        while true {
            condition.lock()
            while queue.isEmpty && !closed {
                pumpWaiting = true
                condition.wait()
                pumpWaiting = false
            }
            if queue.isEmpty {
                done = true
                if readerWaiting { condition.broadcast() }
                condition.unlock()
                return
            }
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            queued = 0
            if readerWaiting { condition.broadcast() }
            condition.unlock()
            for (stream, bytes) in batch { handle(stream, bytes) }
        }
    }

    /// Puts the pump's thread in Linux's SCHED_BATCH class, `pumpNice` nice levels below the reader. A batch
    /// thread, when woken, never preempts the thread that runs. Woken by the reader, the pump used to take the core
    /// from it on the spot (perf sched: about 8,000 times per GB of a flood); the channel then went unread while
    /// sshd waited for the window, and a quarter of both cores stayed idle in a loopback run. The pump needs a fifth
    /// of the reader's CPU; 12 levels down (a fifteenth of the reader's weight) it takes that mostly while the
    /// reader waits for the network, instead of an equal share of the reader's core: x0.79-0.82 of ssh against
    /// x0.72-0.77 at equal nice in an A/B (Benchmarks/pane.sh, session 11). A full queue makes the reader wait for
    /// it, so it is never starved for long; SCHED_IDLE was as fast but cannot be left again without privilege, and
    /// under other load could hold a step's end (`finish`) behind every other process. Best effort: where a call
    /// is refused, the thread keeps what it had. Both act on the calling thread only (Linux keeps them per thread).
    private static func yieldToTheReader() {
        let schedBatch: Int32 = 3   // SCHED_BATCH (linux/sched.h; Glibc's header shows it only under _GNU_SOURCE)
        var parameters = sched_param()
        parameters.sched_priority = 0
        _ = sched_setscheduler(0, schedBatch, &parameters)   // 0: the calling thread
        errno = 0
        let nice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)   // the reader's: a new thread inherits it
        if errno == 0 { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(19, nice + pumpNice)) }
    }

    /// How many nice levels below the reading thread the pump runs.
    static let pumpNice: Int32 = 12
}
