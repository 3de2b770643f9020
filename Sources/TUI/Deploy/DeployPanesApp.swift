import Deploy
import Foundation
import OtopiKit

/// The screen of `apply` on a terminal: one pane per host; a pane opens full-screen as the host's log;
/// failures and the tools' questions come up as dialogs. The runner works on other threads and reaches the
/// app through messages.
package struct DeployPanesApp: TUIApp {
    /// Below it the view says "Terminal too small" and keys do not reach `update`.
    package var minimumSize: Size { .minimum }
    package struct State: Sendable {
        package var progress: DeploymentProgress
        package var now: Date
        package var started: Date
        package var focus = 0
        /// The host whose whole log is open full-screen.
        package var logHost: String?
        /// The newest lines of that log, at most `DeployPanesApp.logLineLimit`: a step may print gigabytes,
        /// and the whole output is in the host's log file anyway.
        package var logLines: [String] = []
        /// Whether the log has lines before `logLines` that are only in the file.
        package var logHasEarlierLines = false
        /// First shown line of the log; nil follows the end.
        package var logTop: Int?
        package var dialogs: [PendingDialog] = []
        package var answer = ""
        package var finished = false
        package var stopping = false
        package var size = Size.minimum
        /// Whether `b` makes a support bundle (the app was given a maker).
        package var canBundle = false
        /// The support bundle's last progress or result line; `bundleRunning` while it is being made.
        package var bundleStatus: String?
        package var bundleRunning = false

        package init(hosts: [String], now: Date) {
            progress = DeploymentProgress(hostNames: hosts)
            self.now = now
            started = now
        }

        var dialog: PendingDialog? { dialogs.first }
    }

    /// A question for the operator; the reply goes back to the waiting runner thread.
    package enum PendingDialog: Sendable {
        case failure(StepFailure, reply: @Sendable (FailureDecision) -> Void)
        case prompt(host: String, prompt: OtopiPrompt, consolePassword: String?, reply: @Sendable (String?) -> Void)
        /// hosted-engine 4.5 waits at its lock file: continue (the wizard removes it) or abort the deploy.
        case lockPause(host: String, pause: LockFilePause, reply: @Sendable (LockPauseDecision) -> Void)
    }

    package enum Message: Sendable {
        case events([RunEvent], now: Date)
        case dialog(PendingDialog)
        case finished
        /// The last lines of a host's log file; `earlier` when the file has more than were read.
        case logLoaded(host: String, lines: [String], earlier: Bool)
        /// Progress of the support bundle (`finished` with its result line).
        case bundle(String, finished: Bool)
    }

    package enum Effect {
        case cancelRun
        case loadLog(host: String)
        case makeBundle
    }

    /// Makes a support bundle of the deployment (`ovirt-wizard bundle`), reporting progress lines; returns the
    /// result line. Run on a thread of its own while the panes go on.
    package typealias BundleMaker = @Sendable (_ report: @escaping @Sendable (String) -> Void) -> String

    let logPath: @Sendable (String) -> String
    let cancel: @Sendable () -> Void
    let makeBundle: BundleMaker?
    /// How many lines of a host's log the full-screen view keeps in memory (the newest ones).
    package let logLineLimit: Int

    package init(logPath: @escaping @Sendable (String) -> String, logLineLimit: Int = 10_000, cancel: @escaping @Sendable () -> Void,
                 makeBundle: BundleMaker? = nil) {
        self.logPath = logPath
        self.logLineLimit = max(1, logLineLimit)
        self.cancel = cancel
        self.makeBundle = makeBundle
    }

    package func update(_ state: State, _ event: AppEvent<Message>) -> (State, [AppEffect<Effect>]) {
        var s = state
        switch event {
        case .resize(let size):
            s.size = size
            return (s, [])
        case .signal:
            s.stopping = true
            return (s, [.custom(.cancelRun)])
        case .message(let message):
            switch message {
            case let .events(events, now):
                s.now = now
                // Lines of the open log that the trim below would drop at once are never made into Strings.
                var skip = max(0, events.reduce(0) { $0 + logLineCount($1, s.logHost) } - logLineLimit)
                let skipped = skip
                for e in events {
                    s.progress.apply(e, at: now)
                    guard logLineCount(e, s.logHost) > 0 else { continue }
                    switch e {
                    case let .output(_, line, _):
                        if skip > 0 { skip -= 1 } else { s.logLines.append(line) }
                    case let .outputLines(_, lines, _):
                        if skip >= lines.count { skip -= lines.count } else { s.logLines += lines.suffix(lines.count - skip); skip = 0 }
                    default:
                        break
                    }
                }
                if skipped > 0 {
                    s.logHasEarlierLines = true
                    if let top = s.logTop { s.logTop = max(0, top - skipped) }
                }
                trimLog(&s)
            case .dialog(let dialog):
                s.dialogs.append(dialog)
            case .finished:
                s.finished = true
                s.dialogs.removeAll()
                // Stopped with Ctrl-C: leave once every host has ended its commands.
                if s.stopping { return (s, [.quit(exitCode: 130)]) }
            case let .logLoaded(host, lines, earlier) where host == s.logHost:
                s.logLines = lines
                s.logHasEarlierLines = earlier
                trimLog(&s)
            case .logLoaded:
                break
            case let .bundle(line, finished):
                s.bundleStatus = line
                if finished { s.bundleRunning = false }
            }
            return (s, [])
        case .key(let key):
            return handle(key, s)
        }
    }

    func handle(_ key: Key, _ state: State) -> (State, [AppEffect<Effect>]) {
        var s = state
        if key == .ctrlC {
            if s.finished { return (s, [.quit(exitCode: 0)]) }
            // Stop: the runner cancels the remote commands; open questions are answered "stop".
            for dialog in s.dialogs { Self.dismiss(dialog) }
            s.dialogs.removeAll()
            s.stopping = true
            return (s, [.custom(.cancelRun)])
        }
        if key == .ctrlL { return (s, [.redrawAll]) }
        if let dialog = s.dialog { return handleDialog(key, dialog, s) }
        if let host = s.logHost {
            let page = max(1, s.size.rows - 3)
            let maxTop = max(0, s.logLines.count - page)
            let top = s.logTop ?? maxTop
            switch key {
            case .escape, .character("q"), .enter: s.logHost = nil; s.logLines = []; s.logTop = nil; s.logHasEarlierLines = false
            case .up: s.logTop = max(0, top - 1)
            case .down: s.logTop = top + 1 >= maxTop ? nil : top + 1
            case .pageUp: s.logTop = max(0, top - page)
            case .pageDown: s.logTop = top + page >= maxTop ? nil : top + page
            case .home: s.logTop = 0
            case .end: s.logTop = nil
            case .character("r"): return (s, [.custom(.loadLog(host: host))])
            default: break
            }
            return (s, [])
        }
        let count = s.progress.hosts.count
        switch key {
        case .tab, .right, .down: s.focus = (s.focus + 1) % max(1, count)
        case .backTab, .left, .up: s.focus = (s.focus + count - 1) % max(1, count)
        case .enter, .character("l"):
            guard s.focus < count else { break }
            let host = s.progress.hosts[s.focus].name
            s.logHost = host
            s.logTop = nil
            s.logLines = []
            s.logHasEarlierLines = false
            return (s, [.custom(.loadLog(host: host))])
        case .character("q") where s.finished: return (s, [.quit(exitCode: 0)])
        case .character("b") where s.finished: return startBundle(s)
        default:
            if case .character(let c) = key, let digit = c.wholeNumberValue, digit >= 1, digit <= count { s.focus = digit - 1 }
        }
        return (s, [])
    }

    func handleDialog(_ key: Key, _ dialog: PendingDialog, _ state: State) -> (State, [AppEffect<Effect>]) {
        var s = state
        switch dialog {
        case let .failure(failure, reply):
            let decision: FailureDecision?
            switch key {
            case .character("r"), .character("R"): decision = .retry
            case .character("s"), .character("S"): decision = failure.skipIsSafe ? .skip : nil
            case .character("a"), .character("A"), .escape: decision = .abort
            case .character("l"):
                s.logHost = failure.host
                s.logTop = nil
                return (s, [.custom(.loadLog(host: failure.host))])
            case .character("b"):
                return startBundle(s)
            default: decision = nil
            }
            if let decision {
                reply(decision)
                s.dialogs.removeFirst()
            }
        case let .prompt(_, prompt, _, reply):
            switch key {
            case .enter:
                guard prompt.accepts(s.answer) else { break }
                reply(s.answer)
                s.answer = ""
                s.dialogs.removeFirst()
            case .escape:
                reply(nil)
                s.answer = ""
                s.dialogs.removeFirst()
            case .backspace:
                if !s.answer.isEmpty { s.answer.removeLast() }
            case .character(let c):
                s.answer.append(c)
            default: break
            }
        case let .lockPause(host, _, reply):
            switch key {
            case .character("c"), .character("C"):
                reply(.proceed)
                s.dialogs.removeFirst()
            case .character("a"), .character("A"):
                reply(.abort)
                s.dialogs.removeFirst()
            case .character("l"):
                s.logHost = host
                s.logTop = nil
                return (s, [.custom(.loadLog(host: host))])
            default: break
            }
        }
        return (s, [])
    }

    /// `b`: the support bundle, once at a time, while the hosts and the dialog wait or go on.
    func startBundle(_ state: State) -> (State, [AppEffect<Effect>]) {
        var s = state
        guard s.canBundle, makeBundle != nil, !s.bundleRunning else { return (s, []) }
        s.bundleRunning = true
        s.bundleStatus = "support bundle: starting…"
        return (s, [.custom(.makeBundle)])
    }

    static func dismiss(_ dialog: PendingDialog) {
        switch dialog {
        case .failure(_, let reply): reply(.abort)
        case .prompt(_, _, _, let reply): reply(nil)
        case .lockPause(_, _, let reply): reply(.leave)
        }
    }

    package func view(_ state: State, _ size: Size) -> Frame {
        DeployPanesView.render(state, size: size, logPath: logPath)
    }

    package func perform(_ effect: Effect, post: @escaping @Sendable (Message) -> Void) {
        switch effect {
        case .cancelRun:
            cancel()
        case .loadLog(let host):
            let path = logPath(host)
            let limit = logLineLimit
            DispatchQueue.global().async {
                let tail = LogFileTail.read(path: path, lines: limit)
                post(.logLoaded(host: host, lines: tail.lines, earlier: tail.earlier))
            }
        case .makeBundle:
            guard let makeBundle else { return }
            let thread = Thread {
                let result = makeBundle { post(.bundle($0, finished: false)) }
                post(.bundle(result, finished: true))
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// How many lines `event` adds to the open log of `host`.
    func logLineCount(_ event: RunEvent, _ host: String?) -> Int {
        guard let host else { return 0 }
        switch event {
        case let .output(h, _, _) where h == host: return 1
        case let .outputLines(h, lines, _) where h == host: return lines.count
        default: return 0
        }
    }

    /// Drops the oldest in-memory log lines beyond the limit, once per batch (not per line); a log scrolled
    /// back keeps showing the same lines while they are still in memory.
    func trimLog(_ s: inout State) {
        let excess = s.logLines.count - logLineLimit
        guard excess > 0 else { return }
        s.logLines.removeFirst(excess)
        s.logHasEarlierLines = true
        if let top = s.logTop { s.logTop = max(0, top - excess) }
    }
}

/// The operator behind the panes: each question becomes a dialog; the host's thread waits for the reply.
package final class PanesOperator: RunOperator, Sendable {
    let post: @Sendable (DeployPanesApp.Message) -> Void

    package init(post: @escaping @Sendable (DeployPanesApp.Message) -> Void) { self.post = post }

    package func decide(_ failure: StepFailure) -> FailureDecision {
        let box = ReplyBox<FailureDecision>()
        post(.dialog(.failure(failure, reply: { box.put($0) })))
        return box.take() ?? .abort
    }

    package func decideLockPause(_ pause: LockFilePause, host: String) -> LockPauseDecision {
        let box = ReplyBox<LockPauseDecision>()
        post(.dialog(.lockPause(host: host, pause: pause, reply: { box.put($0) })))
        return box.take() ?? .abort
    }

    package func answer(_ prompt: OtopiPrompt, host: String, consolePassword: String?) -> String? {
        let box = ReplyBox<String?>()
        post(.dialog(.prompt(host: host, prompt: prompt, consolePassword: consolePassword, reply: { box.put($0) })))
        return box.take() ?? nil
    }
}

/// One reply handed from the UI thread to a waiting runner thread.
final class ReplyBox<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: T?
    private var filled = false

    func put(_ v: T) {
        condition.lock()
        if !filled {
            value = v
            filled = true
        }
        condition.broadcast()
        condition.unlock()
    }

    func take() -> T? {
        condition.lock()
        defer { condition.unlock() }
        while !filled { condition.wait() }
        return value
    }
}

/// Gathers the runner's events from its threads and hands them to the UI in batches (a step can print
/// 100,000 lines; the screen is drawn once per batch, not once per line).
package final class EventBatcher: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [RunEvent] = []
    private var timer: DispatchSourceTimer?

    package init() {}

    package func add(_ event: RunEvent) { lock.withLock { pending.append(event) } }

    /// Posts the gathered events every `interval` seconds (and a tick, so elapsed times move).
    package func start(interval: Double = 0.1, post: @escaping @Sendable (DeployPanesApp.Message) -> Void) {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [self] in
            let batch = lock.withLock { () -> [RunEvent] in
                defer { pending.removeAll(keepingCapacity: true) }
                return pending
            }
            post(.events(batch, now: Date()))
        }
        timer.resume()
        lock.withLock { self.timer = timer }
    }

    /// Posts what is left and stops.
    package func stop(post: @Sendable (DeployPanesApp.Message) -> Void) {
        lock.withLock { timer?.cancel() }
        let batch = lock.withLock { () -> [RunEvent] in
            defer { pending.removeAll() }
            return pending
        }
        post(.events(batch, now: Date()))
    }
}
