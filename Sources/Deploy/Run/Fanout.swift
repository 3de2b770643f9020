import Foundation
import Synchronization

/// Runs `body` once per item, at most `limit` at the same time, each on a thread of its own, and waits for all.
/// Threads rather than tasks: libssh2's loops block in `poll`, so they stay off the Swift concurrency pool.
/// Results come back in the order of `items`. The one fan-out of the program: the runner's hosts, the probes
/// before a plan, the CPU check.
package func forEachHost<Item: Sendable, Result: Sendable>(_ items: [Item], limit: Int,
                                                          _ body: @escaping @Sendable (Item) -> Result) -> [Result] {
    let slots = DispatchSemaphore(value: max(1, limit))
    let group = DispatchGroup()
    let results = Mutex<[Result?]>(Array(repeating: nil, count: items.count))
    for (index, item) in items.enumerated() {
        group.enter()
        let thread = Thread {
            slots.wait()
            let result = body(item)
            slots.signal()
            results.withLock { $0[index] = result }
            group.leave()
        }
        // Enough for libssh2 and the output parsers; 16 hosts at the default 8 MiB would reserve 128 MiB.
        thread.stackSize = 1 << 20
        thread.start()
    }
    group.wait()
    return results.withLock { $0.map { $0! } }
}
