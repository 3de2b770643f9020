import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The first termination signal received; shared with the dispatch handlers, hence atomic.
private final class SignalFlag: Sendable {
    let value = Atomic<Int32>(0)
}

/// Turns SIGINT, SIGTERM and SIGHUP into a flag the UI loop polls every tick, so the loop can leave
/// in order and restore the terminal (a signal handler must not call curses itself).
///
/// The default actions are replaced by `SIG_IGN` first, which also keeps ncurses from installing its own.
package final class SignalWatcher {
    private let flag = SignalFlag()
    private let sources: [any DispatchSourceSignal]

    package init(signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]) {
        var made: [any DispatchSourceSignal] = []
        for sig in signals {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            let flag = self.flag
            source.setEventHandler {
                _ = flag.value.compareExchange(expected: 0, desired: sig, ordering: .sequentiallyConsistent)
            }
            source.resume()
            made.append(source)
        }
        sources = made
    }

    deinit { for source in sources { source.cancel() } }

    /// The first signal received, or nil.
    package var pendingSignal: Int32? {
        let value = flag.value.load(ordering: .sequentiallyConsistent)
        return value == 0 ? nil : value
    }
}
