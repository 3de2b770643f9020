import Foundation

/// Lets at most `limit` hosts set up their connection (TCP, handshake, authentication, and the command shell the
/// first step runs in, whose login shell is often the costliest part) at the same time; when
/// more wait, the one that comes first in the plan goes next. With many hosts, handshakes started all at once
/// share the CPU (the wizard's and, in a lab, the hosts') until every one of them runs into its connect timeout;
/// a bounded number at a time each finish quickly. The timeout starts once a host is let in (SSHConnection
/// measures it inside `connect`), so waiting here never counts against it.
/// `@unchecked Sendable`: its state is used under `condition` only.
final class ConnectGate: @unchecked Sendable {
    /// A few per core: enough to hide network round trips, few enough that no handshake starves.
    static var defaultLimit: Int { max(8, 4 * ProcessInfo.processInfo.activeProcessorCount) }

    let limit: Int
    private let condition = NSCondition()
    private var inside = 0
    /// Plan positions of the hosts waiting, ascending.
    private var waiting: [Int] = []
    private var mostInside = 0

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Runs `body` once this host's turn came (`order`: its position in the plan). `willWait` is called, outside
    /// the gate's lock, when the host has to wait for a turn.
    func pass<T>(order: Int, willWait: () -> Void, _ body: () throws -> T) rethrows -> T {
        enter(order: order, willWait: willWait)
        defer { leave() }
        return try body()
    }

    func enter(order: Int, willWait: () -> Void = {}) {
        condition.lock()
        if inside < limit && waiting.isEmpty {
            admit()
            condition.unlock()
            return
        }
        waiting.insert(order, at: waiting.firstIndex { $0 > order } ?? waiting.count)
        condition.unlock()
        willWait()
        condition.lock()
        while !(inside < limit && waiting.first == order) { condition.wait() }
        waiting.removeFirst()
        admit()
        // Several slots may have come free at once: the next in line checks too.
        if inside < limit && !waiting.isEmpty { condition.broadcast() }
        condition.unlock()
    }

    func leave() {
        condition.lock()
        inside -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Hosts waiting for a turn now, and the most ever let in at once (for tests).
    var waitingCount: Int { condition.withLock { waiting.count } }
    var peak: Int { condition.withLock { mostInside } }

    /// Caller holds the lock.
    private func admit() {
        inside += 1
        mostInside = max(mostInside, inside)
    }
}
