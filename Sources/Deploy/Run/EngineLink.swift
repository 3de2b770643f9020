import EngineAPI
import Foundation
import Synchronization

/// The runner's one session with the engine of a platform plan, opened when the first engine step runs (health,
/// API version, login, all through the pinned CA) and shared by every host's thread. The hosts' threads are not
/// the Swift concurrency pool, so they may wait here for the async client.
package final class EngineLink: Sendable {
    package let target: EngineTarget
    private let session = Mutex<EngineSession?>(nil)
    /// A CA pinned while the run goes (`pinCAFromHost`), used instead of the target's.
    private let pinnedCA = Mutex<EngineCA?>(nil)
    /// Serialises the opening (several hosts' first steps start at once).
    private let opening = NSLock()
    /// Per host name: the newest event id before the host was added, so its pane shows only its own install.
    private let markers = Mutex<[String: Int]>([:])

    package init(target: EngineTarget) { self.target = target }

    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// Runs `body` with the open session and waits for it; its requests carry `correlation` (the step's).
    package func run<T: Sendable>(correlation: String? = nil, _ body: @escaping @Sendable (EngineSession) async throws -> T) throws -> T {
        let session = try open()
        return try Self.wait { try await EngineSession.$correlationID.withValue(correlation) { try await body(session) } }
    }

    /// Whether a CA was pinned during this run.
    package var hasPinnedCA: Bool { pinnedCA.withLock { $0 != nil } }

    /// The CA the engine calls trust: one pinned during the run, else the target's.
    package var ca: EngineCA? { pinnedCA.withLock { $0 } ?? target.ca }

    /// Trusts `ca` from now on, once a session opened with it (the engine's certificate and name verified against
    /// it, the login and the API version checked); on failure the earlier trust stays.
    func pin(_ ca: EngineCA) throws {
        let previous = pinnedCA.withLock { p -> EngineCA? in defer { p = ca }; return p }
        close()
        do {
            _ = try open()
        } catch {
            pinnedCA.withLock { $0 = previous }
            throw error
        }
    }

    func open() throws -> EngineSession {
        opening.lock()
        defer { opening.unlock() }
        if let open = session.withLock({ $0 }) { return open }
        guard let ca = self.ca else {
            throw Failure(description: "no CA is pinned for the engine \(target.endpoint.described): nothing is sent to it")
        }
        let target = self.target
        let opened = try Self.wait { try await EngineSession.open(target.endpoint, ca: ca, credentials: target.credentials) }
        guard opened.version == target.expectedVersion else {
            Self.detach { await opened.close() }
            throw Failure(description: "the engine \(target.endpoint.described) is \(opened.productName) \(opened.productVersion), "
                + "which speaks API \(opened.version.rawValue), but the answer file is for oVirt \(target.expectedVersion == .v3 ? "3.4 (API v3)" : "4.5 (API v4)"): nothing was sent")
        }
        session.withLock { $0 = opened }
        return opened
    }

    /// Logs out (v3) or revokes the token (v4); safe when never opened.
    package func close() {
        guard let open = session.withLock({ s -> EngineSession? in defer { s = nil }; return s }) else { return }
        try? Self.wait { await open.close() }
    }

    func setMarker(_ id: Int, host: String) { markers.withLock { $0[host] = id } }
    func marker(host: String) -> Int? { markers.withLock { $0[host] } }

    /// Waits on this (non-pool) thread for async work (the command line's synchronous commands use it too).
    package static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let result = Mutex<Result<T, Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let outcome: Result<T, Error>
            do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }

    static func detach(_ body: @escaping @Sendable () async -> Void) {
        Task { await body() }
    }
}
