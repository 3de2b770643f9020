import Foundation
import SSHKit

/// Hands a plain command's output from the thread that reads the SSH channel to a thread of its own, which splits,
/// masks and logs it, so that libssh2's decryption (the wizard's bound for a step that floods output, pane.sh) does
/// not wait for that work. Reads are handed on in order; `finish` returns once every one was handled. At most
/// `limit` bytes wait at a time: a reader faster than the handling waits for it, memory stays bounded.
final class OutputPump: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [(ExecStream, [UInt8])] = []
    private var queued = 0
    private var closed = false
    private var done = false
    private let limit: Int
    /// Called on the pump's thread only, one read at a time.
    private let handle: (ExecStream, [UInt8]) -> Void

    init(limit: Int = 8 << 20, handle: @escaping (ExecStream, [UInt8]) -> Void) {
        self.limit = limit
        self.handle = handle
        let thread = Thread { [self] in run() }
        thread.name = "output pump"
        thread.start()
    }

    /// Queues one read (waits while `limit` bytes are queued already).
    func push(_ stream: ExecStream, _ bytes: [UInt8]) {
        condition.lock()
        while queued >= limit && !done { condition.wait() }
        queue.append((stream, bytes))
        queued += bytes.count
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every queued read was handled; the pump's thread then ends. What `handle` changed is visible to
    /// the caller afterwards (the lock orders it).
    func finish() {
        condition.lock()
        closed = true
        condition.broadcast()
        while !done { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !closed { condition.wait() }
            if queue.isEmpty {
                done = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            queued = 0
            condition.broadcast()
            condition.unlock()
            for (stream, bytes) in batch { handle(stream, bytes) }
        }
    }
}
