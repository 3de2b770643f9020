import CLibssh2
import Foundation
import HostOps
import Synchronization

package enum ExecStream: Sendable, Equatable {
    case stdout
    case stderr
}

/// A pseudo-terminal for commands that insist on one. With a PTY, stderr arrives merged into stdout.
package struct PTYRequest: Sendable, Equatable {
    package var term: String
    package var columns: Int
    package var rows: Int
    package init(term: String = "xterm", columns: Int = 120, rows: Int = 40) {
        self.term = term
        self.columns = columns
        self.rows = rows
    }
}

package struct ExecOptions: Sendable {
    package var pty: PTYRequest?
    /// Seconds from start after which the remote process group is terminated and `.timedOut` thrown.
    package var timeout: Double?
    /// Bytes written to the command's stdin first.
    package var stdin: [UInt8] = []
    /// Keep stdin open after `stdin` until `control.closeInput()`; otherwise EOF follows `stdin` at once.
    package var keepStdinOpen = false
    /// Lets another thread write to stdin, close it, or cancel the command.
    package var control: ExecControl?
    /// Run on an exec channel of its own even when the connection uses a runner (long tools such as otopi's).
    package var ownChannel = false
    /// Run as root: through sudo when the connection `becomes` root that way (see `SSHConnection.become`);
    /// without it, as the login user (who is root then, or the command needs no root).
    package var asRoot = false

    package init(pty: PTYRequest? = nil, timeout: Double? = nil, stdin: [UInt8] = [], keepStdinOpen: Bool = false,
                control: ExecControl? = nil, ownChannel: Bool = false, asRoot: Bool = false) {
        self.pty = pty
        self.timeout = timeout
        self.stdin = stdin
        self.keepStdinOpen = keepStdinOpen
        self.control = control
        self.ownChannel = ownChannel
        self.asRoot = asRoot
    }
}

/// Input and cancellation for a running command, usable from any thread.
package final class ExecControl: Sendable {
    struct State {
        var pending: [UInt8] = []
        var inputClosed = false
        var cancelled = false
    }
    let state = Mutex(State())

    package init() {}

    /// Queues bytes for the command's stdin (e.g. an answer to a remote prompt).
    package func send(_ bytes: [UInt8]) { state.withLock { $0.pending += bytes } }
    package func send(_ text: String) { send(Array(text.utf8)) }
    /// Sends EOF after the queued bytes.
    package func closeInput() { state.withLock { $0.inputClosed = true } }
    /// Ends the remote process (TERM to its process group, KILL if it lingers) and makes `run` throw `.cancelled`.
    package func cancel() { state.withLock { $0.cancelled = true } }
    package var isCancelled: Bool { state.withLock { $0.cancelled } }

    func take() -> (bytes: [UInt8], closed: Bool, cancelled: Bool) {
        state.withLock { s in
            defer { s.pending.removeAll() }
            return (s.pending, s.inputClosed, s.cancelled)
        }
    }
}

/// How a remote command ended.
package struct ExecResult: Sendable, Equatable, CustomStringConvertible {
    package var exitStatus: Int32
    /// Signal name without `SIG` (e.g. `TERM`) when the command was killed by a signal.
    package var exitSignal: String?

    package init(exitStatus: Int32, exitSignal: String? = nil) {
        self.exitStatus = exitStatus
        self.exitSignal = exitSignal
    }

    package var succeeded: Bool { exitStatus == 0 && exitSignal == nil }

    /// A shell-style code: the status, or 128 + the signal number when killed by a signal.
    package var shellStatus: Int32 {
        guard let exitSignal else { return exitStatus }
        return 128 + (Self.signalNumbers[exitSignal] ?? 0)
    }

    package var description: String {
        exitSignal.map { "killed by signal \($0)" } ?? "exit status \(exitStatus)"
    }

    static let signalNumbers: [String: Int32] = [
        "HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "TRAP": 5, "ABRT": 6, "BUS": 7, "FPE": 8, "KILL": 9, "USR1": 10,
        "SEGV": 11, "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15,
    ]
}

/// Everything a finished command printed, for short outputs.
package struct CapturedOutput: Sendable, Equatable {
    package var stdout: String
    package var stderr: String
    package var result: ExecResult

    package init(stdout: String, stderr: String, result: ExecResult) {
        self.stdout = stdout
        self.stderr = stderr
        self.result = result
    }
}

extension SSHConnection {
    /// Runs `command`, handing each chunk of output to `onData` as it arrives. Both streams are always drained.
    @discardableResult
    package func execute(_ command: RemoteCommand, options: ExecOptions = ExecOptions(),
                        onData: (ExecStream, [UInt8]) -> Void) throws -> ExecResult {
        try execute(commandLine: command.commandLine, options: options, onData: onData)
    }

    /// Runs a finished command line (built by `RemoteCommand`, or typed by the operator: `TypedCommandLine`).
    func execute(commandLine: String, options: ExecOptions, onData: (ExecStream, [UInt8]) -> Void) throws -> ExecResult {
        lock.lock()
        defer { lock.unlock() }
        try ensureUsable()
        return try commandLocked(commandLine: commandLine, options: options, onData: onData)
    }

    /// Starts the command runner (the root one when `asRoot` and the connection becomes root through sudo) now
    /// instead of with the first command, so that its login shell runs while the host still holds its turn to
    /// connect: at 64 hosts those shells, not the handshakes, were what made a runner start wait 10-20 s for the
    /// CPU. A failure is kept for the first command that wants this runner, which reports it as without this
    /// call, without trying again.
    package func startRunner(asRoot: Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard (try? ensureUsable()) != nil else { return }
        let root = asRoot && becomeRoot != nil
        do {
            _ = try currentRunner(root: root, deadline: Deadline(seconds: 30))
        } catch let error as SSHError {
            earlyRunnerFailure = (root, error)
        } catch {}   // currentRunner throws only SSHError; it keeps any other failure as runnerUnavailable
    }

    /// Runs a command, caller holding `lock`: through the runner when the connection uses one and the command
    /// needs no PTY, open stdin or channel of its own; otherwise on an exec channel of its own.
    func commandLocked(commandLine: String, options: ExecOptions, onData: (ExecStream, [UInt8]) -> Void) throws -> ExecResult {
        let root = options.asRoot && becomeRoot != nil
        if options.pty == nil && !options.keepStdinOpen && !options.ownChannel,
           let runner = try currentRunner(root: root, deadline: Deadline(seconds: max(options.timeout ?? 30, 30))) {
            return try runner.run(self, commandLine: commandLine, input: .bytes(options.stdin), timeout: options.timeout,
                                  control: options.control, onData: onData)
        }
        return try runLocked(commandLine: commandLine, options: options, trackProcess: true, asRoot: root, onData: onData)
    }

    /// The live runner (the root one, started through sudo, for `root`), started when there is none or the last
    /// one ended; nil when the connection does not use one or the host cannot run it. Caller holds `lock`.
    func currentRunner(root: Bool = false, deadline: Deadline) throws -> RemoteRunner? {
        guard runnerEnabled else { return nil }
        if let runner = root ? rootRunner : runner {
            if try runner.isAlive(self) { return runner }
            runner.release(self)
            if root { rootRunner = nil } else { self.runner = nil }
        }
        guard runnerUnavailable == nil else { return nil }
        if let early = earlyRunnerFailure, early.root == root {
            earlyRunnerFailure = nil
            throw early.error
        }
        do {
            let fresh = try RemoteRunner.start(on: self, asRoot: root ? becomeRoot : nil, deadline: deadline)
            if root { rootRunner = fresh } else { runner = fresh }
            runnerStartCount += 1
            return fresh
        } catch let error as SSHError {
            throw error
        } catch {
            runnerUnavailable = "\(error)"
            return nil
        }
    }

    /// Runs `command`, handing each complete line (without its newline) to `onLine` as it arrives.
    @discardableResult
    package func run(_ command: RemoteCommand, options: ExecOptions = ExecOptions(),
                    onLine: (ExecStream, String) -> Void) throws -> ExecResult {
        var out = LineSplitter()
        var err = LineSplitter()
        let result = try execute(command, options: options) { stream, bytes in
            if stream == .stdout { out.feed(bytes) { onLine(.stdout, $0) } } else { err.feed(bytes) { onLine(.stderr, $0) } }
        }
        out.finish { onLine(.stdout, $0) }
        err.finish { onLine(.stderr, $0) }
        return result
    }

    /// Runs `command` and returns all of its output; for commands with short output.
    package func capture(_ command: RemoteCommand, options: ExecOptions = ExecOptions()) throws -> CapturedOutput {
        var out: [UInt8] = []
        var err: [UInt8] = []
        let result = try execute(command, options: options) { stream, bytes in
            if stream == .stdout { out += bytes } else { err += bytes }
        }
        return CapturedOutput(stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self),
                              result: result)
    }

    /// The exec loop. Caller holds `lock`. With `trackProcess`, the command is prefixed with a line that reports
    /// the remote shell's PID (sshd makes it a session and process-group leader), which is filtered out of the
    /// output and used to signal the whole group on timeout or cancellation.
    /// With `asRoot` (the connection becomes root through sudo), the command runs under sudo: sudo's prompt is
    /// answered with the password on stdin and its talk kept out of the output, and the command's own stdin
    /// flows only once the root shell reported that it started.
    func runLocked(commandLine: String, options: ExecOptions, trackProcess: Bool, asRoot: Bool = false,
                   onData: (ExecStream, [UInt8]) -> Void) throws -> ExecResult {
        let sudo = asRoot ? becomeRoot : nil
        // The command's timeout also bounds opening the channel and starting it.
        let setupDeadline = Deadline(seconds: options.timeout ?? 30)
        let deadline = Deadline(seconds: options.timeout)
        let channel = try retrying("opening a channel", deadline: setupDeadline) { shim_channel_open_session(session) }
        var channelOpen = true
        defer { if channelOpen { _ = libssh2_channel_free(channel) } }

        if let pty = options.pty {
            let rc = try retrying("requesting a PTY", deadline: setupDeadline) {
                shim_channel_request_pty(channel, pty.term, Int32(pty.columns), Int32(pty.rows))
            }
            if rc != 0 { throw failure(rc, doing: "requesting a PTY") }
        }
        let line: String
        if let sudo {
            line = sudo.commandLine(commandLine)
        } else {
            line = trackProcess ? "printf '\\037\(PIDMarker.tag)%s\\n' \"$$\" >&2; " + commandLine : commandLine
        }
        let rc = try retrying("starting the command", deadline: setupDeadline) { shim_channel_exec(channel, line) }
        if rc != 0 { throw failure(rc, doing: "starting the command") }

        let watched: ExecStream = options.pty == nil ? .stderr : .stdout
        var marker = PIDMarker(stream: watched, active: trackProcess && sudo == nil)
        var gate = SudoGate()
        var gateOpen = sudo == nil
        var sudoInput: [UInt8] = []
        var passwordSent = false
        var gateFailed = false
        var input = options.stdin
        var inputOffset = 0
        var inputClosed = false
        var wantEOF = !options.keepStdinOpen
        var buffer = [CChar](repeating: 0, count: 64 * 1024)
        var stopReason: SSHError?
        var killStage = 0            // 0: running, 1: TERM sent, 2: KILL sent
        var killDeadline = Deadline.never

        while true {
            var progressed = false
            // Drain both streams: an unread stderr still consumes the channel window and can stall the command.
            for stream in [ExecStream.stdout, .stderr] {
                if try drain(channel, stream, into: &buffer, doing: "reading command output", { bytes in
                    guard !gateOpen, stream == watched else { return marker.filter(stream, bytes, emit: onData) }
                    switch gate.feed(bytes) {
                    case .waiting: break
                    case .sendPassword:
                        if let password = sudo?.password, !passwordSent, gate.prompts == 1 {
                            sudoInput = password.bytes + [UInt8(ascii: "\n")]
                            passwordSent = true
                        } else {
                            gateFailed = true
                        }
                    case let .started(pgid, rest):
                        gateOpen = true
                        if trackProcess { marker.pid = pgid }
                        if !rest.isEmpty { onData(stream, rest) }
                    }
                }) {
                    progressed = true
                }
            }
            if gateFailed || (!gateOpen && libssh2_channel_eof(channel) != 0) {
                throw Become.failure(host: name, user: target.user, output: gate.output, passwordSent: passwordSent, prompts: gate.prompts)
            }
            if !sudoInput.isEmpty {
                let n = sudoInput.withUnsafeBufferPointer { p in
                    p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { shim_channel_write(channel, $0, p.count) }
                }
                if n > 0 { sudoInput.removeFirst(n); progressed = true }
                else if n < 0 && n != Int(LIBSSH2_ERROR_EAGAIN) { throw failure(Int32(n), doing: "answering sudo") }
            }
            if let control = options.control {
                let (more, closeRequested, cancelled) = control.take()
                input += more
                if closeRequested { wantEOF = true }
                if cancelled && stopReason == nil { stopReason = .cancelled(host: name) }
            }
            if gateOpen && !inputClosed && inputOffset < input.count {
                let n = input.withUnsafeBufferPointer { p in
                    p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) {
                        shim_channel_write(channel, $0 + inputOffset, p.count - inputOffset)
                    }
                }
                if n > 0 {
                    inputOffset += n
                    progressed = true
                    if inputOffset == input.count { input.removeAll(); inputOffset = 0 }
                } else if n < 0 && n != Int(LIBSSH2_ERROR_EAGAIN) {
                    // The command may have exited without reading its input: stop feeding it, keep reading.
                    inputClosed = true
                }
            }
            if gateOpen && !inputClosed && wantEOF && inputOffset >= input.count {
                let e = libssh2_channel_send_eof(channel)
                if e != LIBSSH2_ERROR_EAGAIN { inputClosed = true }
            }
            if libssh2_channel_eof(channel) != 0 { break }

            if stopReason == nil && deadline.expired {
                stopReason = .timedOut(host: name, what: "command", seconds: deadline.seconds)
            }
            if stopReason != nil {
                if killStage == 0 {
                    guard let pid = marker.pid, signalProcessGroup(pid, signal: "TERM", asRoot: sudo != nil) else { break }
                    killStage = 1
                    killDeadline = Deadline(seconds: 3)
                } else if killStage == 1 && killDeadline.expired {
                    if let pid = marker.pid, !signalProcessGroup(pid, signal: "KILL", asRoot: sudo != nil) { break }
                    killStage = 2
                    killDeadline = Deadline(seconds: 3)
                } else if killStage == 2 && killDeadline.expired {
                    break
                }
            }
            if !progressed {
                try sendKeepalive()
                _ = shim_waitsocket(socket, session, options.control == nil && stopReason == nil ? 1000 : 50)
            }
        }
        marker.flush(emit: onData)

        if broken != nil, let stopReason { throw stopReason }   // the host stopped answering; do not wait for it
        // Wait for the server's close so that exit-status/exit-signal have arrived; bounded, as close can hang.
        let closeDeadline = Deadline(seconds: 10)
        do {
            let closeRC = try retrying("closing the channel", deadline: closeDeadline) { libssh2_channel_close(channel) }
            if closeRC == 0 {
                _ = try retrying("closing the channel", deadline: closeDeadline) { libssh2_channel_wait_closed(channel) }
            }
        } catch {
            // A host that stops answering here cannot be trusted with the next command either.
            if broken == nil { broken = .connectionLost(host: name, detail: "host stopped answering (\(error))") }
            throw stopReason ?? error
        }
        let status = libssh2_channel_get_exit_status(channel)
        var signalPointer: UnsafeMutablePointer<CChar>?
        var signalLength = 0
        _ = libssh2_channel_get_exit_signal(channel, &signalPointer, &signalLength, nil, nil, nil, nil)
        var signal: String?
        if let signalPointer {
            signal = String(cString: signalPointer)
            libssh2_free(session, signalPointer)
        }
        _ = libssh2_channel_free(channel)
        channelOpen = false
        if let stopReason { throw stopReason }
        return ExecResult(exitStatus: status, exitSignal: signal)
    }

    /// Sends `signal` to the remote process group over a second channel of the same session. False when the
    /// host did not answer in time; the connection is then marked unusable.
    /// `asRoot`: the group runs as root (started through sudo), so sudo sends the signal.
    func signalProcessGroup(_ pid: Int32, signal: String, asRoot: Bool = false) -> Bool {
        // `-s NAME --`: the form both bash and dash (a root shell under sudo is /bin/sh) take.
        let command = RemoteCommand(["kill", "-s", signal, "--", "-\(pid)"]).commandLine
        do {
            _ = try runLocked(commandLine: command + " 2>/dev/null", options: ExecOptions(timeout: 5), trackProcess: false,
                              asRoot: asRoot && becomeRoot != nil) { _, _ in }
            return true
        } catch {
            if broken == nil { broken = .connectionLost(host: name, detail: "host stopped answering (\(error))") }
            return false
        }
    }
}

/// Finds and removes the PID line the command prefix prints, passing everything else through untouched.
struct PIDMarker {
    static let tag = "ovirt-wizard-pid="
    let stream: ExecStream
    var active: Bool
    var pending: [UInt8] = []
    var pid: Int32?

    init(stream: ExecStream, active: Bool) {
        self.stream = stream
        self.active = active
    }

    mutating func filter(_ from: ExecStream, _ bytes: [UInt8], emit: (ExecStream, [UInt8]) -> Void) {
        guard active && from == stream else { return emit(from, bytes) }
        pending += bytes
        let prefix = [UInt8(0x1F)] + Array(Self.tag.utf8)
        if !pending.starts(with: prefix.prefix(pending.count)) {
            active = false
            let rest = pending
            pending = []
            return emit(from, rest)
        }
        guard let newline = pending.firstIndex(of: UInt8(ascii: "\n")) else { return }
        let digits = pending[prefix.count..<newline].filter { $0 >= 48 && $0 <= 57 }
        pid = Int32(String(decoding: digits, as: UTF8.self))
        let rest = Array(pending[(newline + 1)...])
        pending = []
        active = false
        if !rest.isEmpty { emit(from, rest) }
    }

    mutating func flush(emit: (ExecStream, [UInt8]) -> Void) {
        if !pending.isEmpty { emit(stream, pending) }
        pending = []
    }
}

/// Splits a byte stream into lines; a last line without a newline comes out at `finish`. `\r\n` counts as one.
/// The trailing partial line stays visible meanwhile (a prompt waits there): the runner shows it and answers it.
package struct LineSplitter: Sendable {
    package private(set) var partial: [UInt8] = []
    package init() {}

    package var partialText: String { String(decoding: partial, as: UTF8.self) }

    /// Drops the partial line (a prompt that was answered).
    package mutating func takePartial() { partial.removeAll(keepingCapacity: true) }

    package mutating func feed(_ bytes: [UInt8], emit: (String) -> Void) {
        // memchr, and lines inside the chunk decoded in place: no per-byte loop, no copy through `partial`.
        bytes.withUnsafeBufferPointer { chunk in
            guard let base = chunk.baseAddress else { return }
            var start = 0
            while start < chunk.count, let hit = memchr(base + start, 0x0A, chunk.count - start) {
                let index = start + UnsafeRawPointer(base + start).distance(to: UnsafeRawPointer(hit))
                let line = UnsafeBufferPointer(rebasing: chunk[start..<index])
                if partial.isEmpty {
                    emit(Self.text(line))
                } else {
                    partial.append(contentsOf: line)
                    emit(Self.text(partial))
                    partial.removeAll(keepingCapacity: true)
                }
                start = index + 1
            }
            if start < chunk.count { partial.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start...])) }
        }
    }

    package mutating func finish(emit: (String) -> Void) {
        if !partial.isEmpty { emit(Self.text(partial)) }
        partial = []
    }

    static func text(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { text($0) }
    }

    static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var slice = bytes[...]
        if slice.last == UInt8(ascii: "\r") { slice = slice.dropLast() }
        return String(decoding: UnsafeBufferPointer(rebasing: slice), as: UTF8.self)
    }
}
