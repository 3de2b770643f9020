import Foundation

/// One connection per host, reused for every command to that host, and a bound on how many hosts are worked
/// on at the same time. A connection found dead is replaced on the next request.
public final class SSHHostPool: @unchecked Sendable {
    public let options: ConnectOptions
    public let maxConcurrentHosts: Int
    private let lock = NSLock()
    private var connections: [SSHTarget: SSHConnection] = [:]

    public init(options: ConnectOptions, maxConcurrentHosts: Int = 8) {
        self.options = options
        self.maxConcurrentHosts = max(1, maxConcurrentHosts)
    }

    /// The open connection to `target`, connecting first if there is none or the old one is dead.
    public func connection(to target: SSHTarget) throws -> SSHConnection {
        if let existing = lock.withLock({ connections[target] }), existing.isUsable { return existing }
        let fresh = try SSHConnection.connect(target, options: options)
        lock.withLock { connections[target] = fresh }
        return fresh
    }

    /// Runs `body` once per target, at most `maxConcurrentHosts` at a time, each on its own thread (the libssh2
    /// loops block in poll, so they stay off the Swift concurrency pool). Results come back in target order.
    public func forEachHost<T: Sendable>(_ targets: [SSHTarget],
                                         _ body: @escaping @Sendable (SSHTarget, SSHConnection) throws -> T)
        -> [Result<T, Error>] {
        let slots = DispatchSemaphore(value: maxConcurrentHosts)
        let group = DispatchGroup()
        let results = ResultBox<T>(count: targets.count)
        for (index, target) in targets.enumerated() {
            group.enter()
            let thread = Thread { [self] in
                slots.wait()
                defer {
                    slots.signal()
                    group.leave()
                }
                results.set(index, Result { try body(target, try self.connection(to: target)) })
            }
            thread.start()
        }
        group.wait()
        return results.values()
    }

    /// Closes every connection.
    public func closeAll() {
        let all = lock.withLock { () -> [SSHConnection] in
            defer { connections.removeAll() }
            return Array(connections.values)
        }
        for connection in all { connection.close() }
    }
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<T, Error>?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Result<T, Error>) { lock.withLock { storage[index] = value } }
    func values() -> [Result<T, Error>] { lock.withLock { storage.map { $0! } } }
}
