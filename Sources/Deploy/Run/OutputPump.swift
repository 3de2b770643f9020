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
        if pumpWaiting { condition.broadcast() }
        condition.unlock()
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
}
