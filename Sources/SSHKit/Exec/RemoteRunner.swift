import CLibssh2
import Foundation
import HostOps

/// What a runner command reads on its stdin: bytes in memory, or a range of a local file (a small upload).
enum RunnerInput {
    case bytes([UInt8])
    case file(fd: Int32, path: String, range: Range<Int64>)

    var count: Int64 {
        switch self {
        case .bytes(let bytes): return Int64(bytes.count)
        case .file(_, _, let range): return Int64(range.count)
        }
    }
}

/// One long-lived POSIX shell per connection that runs commands sent to it as framed requests on its stdin, so
/// that the host starts the user's login shell (and its bashrc/profile) once per connection instead of once per
/// command. Each command runs as its own session and process group (`setsid`, so cd/exports do not leak and a
/// timeout can end exactly its processes), with stdin bounded to the bytes sent for it (`/dev/null` when none).
/// The ends of its stdout and stderr are marked with a random per-runner token, never seen by the commands.
/// Used under the connection's lock only.
final class RemoteRunner {
    /// `$t`: the token (read from stdin, never in an argv or the environment, so `ps` or `env` cannot print
    /// it); `$n $k $s`: request id, lines of the command text, length of its stdin. The text is read with the
    /// `read` builtin (no process per command; on a pipe it reads byte by byte, never past the line). Its last
    /// line is `sentinel`, so a request cut short (link lost) is refused instead of running a truncated command. After
    /// a command, the rest of its stdin is drained so the stream stays in frame. Commands run in the foreground
    /// (a background job of a non-interactive shell would ignore SIGINT/SIGQUIT). The runner writes the start of
    /// the `P` record and the command's shell, the session leader, ends it with its own PID (`$$`) before the
    /// command's text: no process or file read for it (reading /proc/self/stat with `read`, a byte per syscall,
    /// was a quarter of a command's CPU on the host). A shell that never starts leaves the record without a PID
    /// (`RunnerFrameParser`).
    static let script = """
        IFS= read -r t || exit 96
        for p in setsid head cat; do command -v "$p" >/dev/null 2>&1 || { echo "$p is missing on the host" >&2; exit 97; }; done
        printf '%sR 0 %s\\n' "$t" "$$"
        while IFS=' ' read -r n k s; do
          case "$n,$k,$s" in *[!0-9,]*|,*|*,,*|*,) printf '%sX 0 98\\n' "$t"; exit 98;; esac
          c=
          while [ "$k" -gt 1 ]; do IFS= read -r x || exit 99; c="$c$x
        "; k=$((k - 1)); done
          IFS= read -r x || exit 99
          [ "$x" = "\(sentinel)" ] || { printf '%sX %s 99\\n' "$t" "$n"; exit 99; }
          if [ "$s" = 0 ]; then
            printf '%sP %s ' "$t" "$n" >&2
            setsid /bin/sh -c "echo \\$\\$ >&2
        $c" </dev/null
            r=$?
          else
            head -c "$s" | { printf '%sP %s ' "$t" "$n" >&2; setsid /bin/sh -c "echo \\$\\$ >&2
        $c"
              r=$?; cat >/dev/null; exit "$r"; }
            r=$?
          fi
          printf '%sE %s %s\\n' "$t" "$n" "$r" >&2
          printf '%sE %s %s\\n' "$t" "$n" "$r"
        done
        """
    static let sentinel = "#ovirt-wizard-end"
    /// The runner's name in the host's process list.
    static let processName = "ovirt-wizard-runner"

    let channel: OpaquePointer
    let token: [UInt8]
    /// Started through sudo: its commands run as root, and so must the signals that stop them.
    let asRoot: Bool
    /// The runner shell's PID on the host.
    private(set) var pid: Int32 = 0
    private var nextID: UInt64 = 1
    private var out: RunnerFrameParser
    private var err: RunnerFrameParser
    private var released = false
    /// Where `read` puts what the channel brings: one buffer for the runner's life (allocating and zeroing 64 KiB
    /// on every read was a memset per packet while a command floods its output).
    private var readBuffer = [CChar](repeating: 0, count: 64 * 1024)

    private init(channel: OpaquePointer, token: [UInt8], asRoot: Bool) {
        self.channel = channel
        self.token = token
        self.asRoot = asRoot
        out = RunnerFrameParser(token: token)
        err = RunnerFrameParser(token: token)
    }

    /// The token's first byte: ASCII's record separator, which text output does not contain, so the search for
    /// the token (`RunnerFrameParser.find`) skips through a command's output with memchr.
    static let tokenLead: UInt8 = 0x1E

    /// `tokenLead`, then 128 bits from the system CSPRNG as 32 hex digits.
    static func makeToken() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        return [tokenLead] + (0..<32).map { _ in digits[Int(generator.next() % 16)] }
    }

    /// Opens the channel, starts the runner through the login shell and waits until it is ready. Throws
    /// `RunnerUnavailable` when the host cannot run it (the connection itself is fine), an `SSHError` otherwise.
    /// With `sudo`, the runner itself is started as root through sudo (the password, when sudo asks, goes to
    /// sudo's stdin before the token), so that every command sent to it runs as root; sudo's refusal is an
    /// `SSHError.sudoFailed`.
    static func start(on connection: SSHConnection, asRoot sudo: Become? = nil, deadline: Deadline) throws -> RemoteRunner {
        let session = connection.session
        let channel = try connection.retrying("opening the runner's channel", deadline: deadline) { shim_channel_open_session(session) }
        let runner = RemoteRunner(channel: channel, token: makeToken(), asRoot: sudo != nil)
        do {
            let line = sudo.map { "exec " + $0.commandLine(script, name: processName) }
                ?? "exec /bin/sh -c \(ShellQuote.quote(script)) \(processName)"
            let rc = try connection.retrying("starting the runner", deadline: deadline) { shim_channel_exec(channel, line) }
            if rc != 0 { throw connection.failure(rc, doing: "starting the runner") }
            // Under sudo the token waits until the root shell said it started: sudo may read stdin first.
            var hello = sudo == nil ? runner.token + [UInt8(ascii: "\n")] : []
            var gate = SudoGate()
            var passwordSent = false
            var errorText: [UInt8] = []
            var ready = false
            while !ready {
                var progressed = false
                if sudo != nil && !gate.isOpen {
                    var buffer = [CChar](repeating: 0, count: 4096)
                    var failed = false
                    if try connection.drain(channel, .stderr, into: &buffer, doing: "starting the runner through sudo", { bytes in
                        guard !gate.isOpen else { return try runner.err.feed(bytes) { if case .output(let b) = $0 { errorText += b.prefix(max(0, 2048 - errorText.count)) } } }
                        switch gate.feed(bytes) {
                        case .waiting: break
                        case .sendPassword:
                            if let password = sudo?.password, !passwordSent, gate.prompts == 1 {
                                hello = password.bytes + [UInt8(ascii: "\n")]
                                passwordSent = true
                            } else {
                                failed = true
                            }
                        case .started(_, let rest):
                            hello += runner.token + [UInt8(ascii: "\n")]
                            try runner.err.feed(rest) { _ in }
                        }
                    }) { progressed = true }
                    if failed || (!gate.isOpen && libssh2_channel_eof(channel) != 0) {
                        throw Become.failure(host: connection.name, user: connection.target.user, output: gate.output,
                                             passwordSent: passwordSent, prompts: gate.prompts)
                    }
                }
                if !hello.isEmpty {
                    let n = hello.withUnsafeBufferPointer { p in
                        p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { shim_channel_write(channel, $0, p.count) }
                    }
                    if n > 0 { hello.removeFirst(n); progressed = true }
                    else if n < 0 && n != Int(LIBSSH2_ERROR_EAGAIN) { throw connection.failure(Int32(n), doing: "starting the runner") }
                }
                // Whatever the login shell printed before the runner took over is not a command's output.
                if try runner.read(connection, .stdout, onRead: { _ in }, onEvent: { event in
                    if case .record(let record) = event, record.kind == .ready { ready = true; runner.pid = Int32(clamping: record.value) }
                }) { progressed = true }
                if (sudo == nil || gate.isOpen), try runner.read(connection, .stderr, onRead: { _ in }, onEvent: { event in
                    if case .output(let bytes) = event { errorText += bytes.prefix(max(0, 2048 - errorText.count)) }
                }) { progressed = true }
                if ready { break }
                if libssh2_channel_eof(channel) != 0 {
                    let text = String(decoding: errorText, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                    throw RunnerUnavailable(detail: text.isEmpty ? "the runner shell exited at once" : text)
                }
                if !progressed { try connection.waitSocket(deadline: deadline, what: "starting the command runner") }
            }
        } catch {
            runner.release(connection)
            throw error
        }
        return runner
    }

    /// Reads what is waiting on one stream and hands the parsed events on. True when bytes arrived.
    private func read(_ connection: SSHConnection, _ stream: ExecStream, onRead: (Int) -> Void,
                      onEvent: (RunnerFrameParser.Event) throws -> Void) throws -> Bool {
        return try connection.drain(channel, stream, into: &readBuffer, doing: "reading from the command runner") { bytes in
            onRead(bytes.count)
            var events: [RunnerFrameParser.Event] = []
            do {
                if stream == .stdout { try out.feed(bytes) { events.append($0) } } else { try err.feed(bytes) { events.append($0) } }
            } catch let error as RunnerFrameError {
                throw RunnerBroken(detail: "its output lost the framing: \(error.detail)")
            }
            for event in events { try onEvent(event) }
        }
    }

    /// False once the runner is known to have ended (its channel saw EOF, or sshd reported its exit signal).
    /// Pumps the transport first, so that packets that came in while the runner was idle are seen.
    func isAlive(_ connection: SSHConnection) throws -> Bool {
        guard !released else { return false }
        var stray = false
        for stream in [ExecStream.stdout, .stderr] {
            do {
                _ = try read(connection, stream, onRead: { _ in }, onEvent: { _ in stray = true })
            } catch is RunnerBroken {
                return false
            }
        }
        // Output between commands (a background process left by an earlier one) cannot be put in any frame.
        if stray { return false }
        return libssh2_channel_eof(channel) == 0 && exitSignal(connection) == nil
    }

    /// The signal that ended the runner shell, once sshd has reported it.
    private func exitSignal(_ connection: SSHConnection) -> String? {
        var pointer: UnsafeMutablePointer<CChar>?
        var length = 0
        _ = libssh2_channel_get_exit_signal(channel, &pointer, &length, nil, nil, nil, nil)
        guard let pointer else { return nil }
        defer { libssh2_free(connection.session, pointer) }
        return String(cString: pointer)
    }

    /// Closes the channel (the runner reads EOF and exits). Bounded; failures are ignored.
    func release(_ connection: SSHConnection) {
        guard !released else { return }
        released = true
        guard connection.broken == nil, connection.session != nil else { return }
        _ = try? connection.retrying("closing the runner's channel", deadline: Deadline(seconds: 5)) { libssh2_channel_free(channel) }
    }

    /// Runs one command. Output is handed to `onData` as it arrives; `onInputSent` gets the stdin bytes sent so
    /// far. A timeout or cancellation ends the command's process group (TERM, then KILL) and the runner goes on.
    /// Throws `RunnerBroken` when the runner itself failed; the caller discards it.
    func run(_ connection: SSHConnection, commandLine: String, input: RunnerInput, timeout: Double?, control: ExecControl?,
             onData: (ExecStream, [UInt8]) -> Void, onInputSent: (Int64) -> Void = { _ in }) throws -> ExecResult {
        let id = nextID
        nextID += 1
        let text = Array((commandLine + "\n" + Self.sentinel + "\n").utf8)
        let lines = text.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        var request = Array("\(id) \(lines) \(input.count)\n".utf8) + text
        if case .bytes(let bytes) = input { request += bytes }
        var requestOffset = 0
        var inputSent: Int64 = 0
        let chunk = 1 << 20
        var fileBuffer: [UInt8] = []
        var fileOffset = 0
        /// Writes what the channel takes of `bytes[offset...]`: the count, or nil when it takes nothing now.
        func writeSome(_ bytes: [UInt8], from offset: Int, doing what: String) throws -> Int? {
            let n = bytes.withUnsafeBufferPointer { p in
                p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) {
                    shim_channel_write(channel, $0 + offset, p.count - offset)
                }
            }
            if n == Int(LIBSSH2_ERROR_EAGAIN) { return nil }
            if n < 0 { throw connection.failure(Int32(n), doing: what) }
            return n
        }
        let deadline = Deadline(seconds: timeout)
        var commandPID: Int32?
        var status: Int64?
        var stderrEnded = false
        var stopReason: SSHError?
        var killStage = 0            // 0: running, 1: TERM sent, 2: KILL sent
        var killDeadline = Deadline.never
        var pidDeadline = Deadline.never

        func handle(_ stream: ExecStream, _ event: RunnerFrameParser.Event) throws {
            switch event {
            case .output(let bytes):
                onData(stream, bytes)
            case .record(let record):
                switch (record.kind, stream) {
                case (.started, .stderr) where record.id == id:
                    commandPID = record.value > 0 ? Int32(clamping: record.value) : nil
                case (.ended, .stdout) where record.id == id:
                    status = record.value
                case (.ended, .stderr) where record.id == id:
                    stderrEnded = true
                case (.refused, _):
                    throw RunnerBroken(detail: "it refused the request (code \(record.value)) and stopped")
                default:
                    throw RunnerBroken(detail: "it answered out of order (a record for request \(record.id) while \(id) ran)")
                }
            }
        }

        do {
            while status == nil || !stderrEnded {
                var progressed = false
                if try read(connection, .stdout, onRead: { _ in }, onEvent: { try handle(.stdout, $0) }) { progressed = true }
                if try read(connection, .stderr, onRead: { _ in }, onEvent: { try handle(.stderr, $0) }) { progressed = true }
                if status != nil && stderrEnded { break }

                // The request line and command text, then stdin: always sent whole, even after a timeout, so the
                // runner's `head` gets every byte it waits for and the stream stays in frame.
                while requestOffset < request.count {
                    guard let n = try writeSome(request, from: requestOffset, doing: "sending a command to the runner") else { break }
                    requestOffset += n
                    progressed = true
                }
                if requestOffset >= request.count, case .file(let fd, let path, let range) = input, inputSent < range.count {
                    while inputSent < Int64(range.count) {
                        if fileOffset == fileBuffer.count {
                            let want = Int(min(Int64(chunk), Int64(range.count) - inputSent))
                            // One buffer for the whole input: resized, not allocated afresh for every chunk.
                            if fileBuffer.count != want { fileBuffer = [UInt8](repeating: 0, count: want) }
                            let got = fileBuffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(range.lowerBound + inputSent)) }
                            if got < 0 { throw SSHError.localFile(path: path, detail: "read failed: \(String(cString: strerror(errno)))") }
                            if got == 0 { throw SSHError.localFile(path: path, detail: "became shorter during the upload (at byte \(range.lowerBound + inputSent))") }
                            if got < want { fileBuffer.removeLast(want - got) }
                            fileOffset = 0
                        }
                        guard let n = try writeSome(fileBuffer, from: fileOffset, doing: "sending a command's input to the runner") else { break }
                        fileOffset += n
                        inputSent += Int64(n)
                        progressed = true
                        onInputSent(inputSent)
                    }
                }

                if libssh2_channel_eof(channel) != 0 {
                    throw RunnerBroken(detail: "the runner shell ended (its channel closed)")
                }
                if let control, control.take().cancelled, stopReason == nil { stopReason = .cancelled(host: connection.name) }
                if stopReason == nil && deadline.expired {
                    stopReason = .timedOut(host: connection.name, what: "command", seconds: deadline.seconds)
                }
                if stopReason != nil {
                    if killStage == 0 {
                        if let pid = commandPID {
                            guard connection.signalProcessGroup(pid, signal: "TERM", asRoot: asRoot) else { break }
                            killStage = 1
                            killDeadline = Deadline(seconds: 3)
                        } else if pidDeadline.end == nil {
                            pidDeadline = Deadline(seconds: 3)
                        } else if pidDeadline.expired {
                            throw RunnerBroken(detail: "the command's process was never reported, so it could not be stopped")
                        }
                    } else if killStage == 1 && killDeadline.expired {
                        guard connection.signalProcessGroup(commandPID!, signal: "KILL", asRoot: asRoot) else { break }
                        killStage = 2
                        killDeadline = Deadline(seconds: 3)
                    } else if killStage == 2 && killDeadline.expired {
                        throw RunnerBroken(detail: "the command did not end after KILL")
                    }
                }
                if !progressed {
                    if let signal = exitSignal(connection) { throw RunnerBroken(detail: "the runner shell was killed by signal \(signal)") }
                    try connection.sendKeepalive()
                    _ = shim_waitsocket(connection.socket, connection.session, control == nil && stopReason == nil ? 1000 : 50)
                }
            }
        } catch let broken as RunnerBroken {
            // Stop what may still run, so that nothing goes on unseen; the step is not run again.
            if let commandPID, connection.broken == nil { _ = connection.signalProcessGroup(commandPID, signal: "KILL", asRoot: asRoot) }
            release(connection)
            if let stopReason { throw stopReason }
            let what = commandPID == nil ? "before the command was seen to start" : "while the command ran (it was stopped if it still ran)"
            throw SSHError.channelFailed(host: connection.name, detail: "the command runner failed \(what): \(broken.detail); it is not run again")
        } catch {
            release(connection)
            throw error
        }
        if let stopReason {
            if connection.broken != nil { release(connection) }
            throw stopReason
        }
        return Self.result(status: status ?? 0)
    }

    /// The shell reports a command killed by signal N as 128 + N; that is shown as the signal (as sshd would),
    /// knowing that `exit 143` looks the same from here.
    static func result(status: Int64) -> ExecResult {
        if status > 128, let name = ExecResult.signalNumbers.first(where: { Int64($0.value) == status - 128 })?.key {
            return ExecResult(exitStatus: Int32(clamping: status), exitSignal: name)
        }
        return ExecResult(exitStatus: Int32(clamping: status), exitSignal: nil)
    }
}

/// The host cannot run the runner (no `setsid`/`head`, a login shell that is not POSIX, …): commands go over
/// their own exec channels on this connection instead.
struct RunnerUnavailable: Error, CustomStringConvertible {
    var detail: String
    var description: String { "the command runner cannot run on this host: \(detail)" }
}

/// The runner failed while a command was in flight.
struct RunnerBroken: Error {
    var detail: String
}
