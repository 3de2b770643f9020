#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What reaches an app's `update`.
package enum AppEvent<Message: Sendable>: Sendable {
    case key(Key)
    /// The terminal changed size; the next `view` gets the new size.
    case resize(Size)
    /// A message posted to the inbox from another thread (SSH work, timers).
    case message(Message)
    /// SIGINT, SIGTERM or SIGHUP arrived; the loop stops after this event's effects ran.
    case signal(Int32)
}

/// What `update` asks the loop to do besides changing the state.
package enum AppEffect<Custom> {
    /// Stop the loop; `run` returns this exit code.
    case quit(exitCode: Int32)
    /// Repaint the whole terminal (Ctrl-L).
    case redrawAll
    /// An app-specific effect (save the answers, start SSH work, …) handed to `perform`.
    case custom(Custom)
}

/// An interactive program as a state machine: `update(state, event) -> (state, effects)` and
/// `view(state, size) -> Frame`, with side effects kept in `perform`.
package protocol TUIApp {
    associatedtype State
    associatedtype Message: Sendable
    associatedtype Effect

    func update(_ state: State, _ event: AppEvent<Message>) -> (State, [AppEffect<Effect>])
    func view(_ state: State, _ size: Size) -> Frame
    /// Carries out a custom effect; results come back as messages through `post`.
    func perform(_ effect: Effect, post: @escaping @Sendable (Message) -> Void)
    /// Below this size the view shows `TooSmallScreen` and the loop keeps keys away from `update`.
    var minimumSize: Size { get }
}

extension TUIApp {
    /// No minimum unless the app says so.
    package var minimumSize: Size { Size(columns: 0, rows: 0) }
}

/// Runs a `TUIApp` on a backend: reads keys with a timeout tick, drains the inbox every tick,
/// redraws after every change, and leaves on `.quit` or a termination signal.
package final class AppRunner<App: TUIApp> {
    package let app: App
    package private(set) var state: App.State
    package let inbox: Inbox<App.Message>
    private let backend: any TerminalBackend
    /// How long one wait for a key lasts; the inbox and the signal flag are checked in between.
    package var tickMilliseconds = 50
    /// The number of events handled so far (for benchmarks and tests).
    package private(set) var eventCount = 0
    private var exitCode: Int32?
    /// The size of the last `.resize` event: what the view is drawn at.
    private var size: Size?

    package init(app: App, state: App.State, backend: any TerminalBackend, inbox: Inbox<App.Message> = Inbox()) {
        self.app = app
        self.state = state
        self.backend = backend
        self.inbox = inbox
    }

    /// Handles one event: update, effects, redraw. Returns false once the app asked to quit.
    @discardableResult
    package func handle(_ event: AppEvent<App.Message>) -> Bool {
        if case .resize(let newSize) = event { size = newSize }
        if case .key(let key) = event, let size, !size.fits(app.minimumSize) {
            return handleWhileTooSmall(key)
        }
        eventCount += 1
        let (next, effects) = app.update(state, event)
        state = next
        var repaint = false
        for effect in effects {
            switch effect {
            case .quit(let code): exitCode = code
            case .redrawAll: repaint = true
            case .custom(let custom):
                let inbox = self.inbox
                app.perform(custom, post: { inbox.post($0) })
            }
        }
        if exitCode == nil {
            draw()
            if repaint { backend.redrawAll() }
        }
        return exitCode == nil
    }

    /// The operator cannot see the screen the keys would act on, so none reaches it: Ctrl-L repaints, and
    /// Ctrl-C quits as the "Terminal too small" text says, as SIGINT does (the app saves first).
    private func handleWhileTooSmall(_ key: Key) -> Bool {
        eventCount += 1
        switch key {
        case .ctrlL:
            backend.redrawAll()
        case .ctrlC:
            handle(.signal(SIGINT))
            if exitCode == nil { exitCode = 128 + SIGINT }
        default:
            break
        }
        return exitCode == nil
    }

    /// Paints the current state at the backend's size.
    package func draw() {
        backend.draw(app.view(state, backend.size))
    }

    /// Runs until the app quits or a signal arrives; returns the exit code (128 + signal for signals).
    /// `signals` is polled every tick; pass nil in tests.
    /// The first event is always `.resize` with the terminal's size, so the state knows it from the start.
    package func run(signals: SignalWatcher? = nil, stopWhenIdle: Bool = false) -> Int32 {
        handle(.resize(backend.size))
        while exitCode == nil {
            if let sig = signals?.pendingSignal {
                handle(.signal(sig))
                return 128 + sig
            }
            for message in inbox.drain() where exitCode == nil { handle(.message(message)) }
            if exitCode != nil { break }
            guard let key = backend.readKey(timeoutMilliseconds: tickMilliseconds) else {
                if stopWhenIdle { break }
                continue
            }
            handle(key == .resize ? .resize(backend.size) : .key(key))
        }
        return exitCode ?? 0
    }
}
