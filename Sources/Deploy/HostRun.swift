import Foundation
import HostOps
import OtopiKit
import SSHKit
import Synchronization

/// One host's part of a run: connect, then each step in order (verify on resume, run, journal, ask on failure).
final class HostRun {
    let runner: DeploymentRunner
    let plan: HostPlan
    var connection: SSHConnection?
    var log: HostLog?
    /// Paths each step learned (`logFile`, `answerFile`, …), from this run or the journal.
    var outputs: [String: [String: String]] = [:]
    var verifying: Bool
    /// Runners the current connection had started when last looked at (a new one is noted in the host log).
    var runnerStarts = 0
    var runnerProblemLogged = false

    init(runner: DeploymentRunner, plan: HostPlan) {
        self.runner = runner
        self.plan = plan
        verifying = runner.options.resume
    }

    var host: String { plan.name }
    var total: Int { plan.steps.count }
    func emit(_ event: RunEvent) { runner.sink(event) }

    /// Records in the journal; a failed write stops the whole run (see `DeploymentRunner.record`).
    @discardableResult
    func journal(_ record: JournalRecord) -> Bool {
        if runner.record(record) { return true }
        log?.line("ovirt-wizard: cannot write the journal \(runner.journal.path); stopping")
        return false
    }

    func run() -> HostOutcome {
        emit(.hostStarted(host: host, tool: plan.tool, steps: total))
        do {
            log = try HostLog(path: runner.files.log(host: host))
        } catch {
            return .notRun("\(error)")
        }
        log?.line("=== ovirt-wizard apply \(runner.options.resume ? "--resume " : "")\(JournalRecord.format(Date())) PID \(getpid()): \(plan.tool.rawValue) on \(host) (\(plan.platform)) ===")
        defer {
            log?.flush(sync: true)
            connection?.close()
        }
        for (offset, step) in plan.steps.enumerated() {
            let index = offset + 1
            if runner.isCancelled { return .cancelled }
            if !step.waitsFor.isEmpty {
                emit(.waiting(host: host, index: index, for: step.waitsFor))
                log?.line("=== step \(index)/\(total) \(step.id): waiting for \(step.waitsFor.map(\.description).joined(separator: ", ")) ===")
                guard runner.barrier.wait(for: step.waitsFor, cancelled: { runner.isCancelled }) else {
                    if runner.isCancelled { return .cancelled }
                    return .notRun("step \(index) \(step.title) waits for \(step.waitsFor.map(\.description).joined(separator: ", ")), which did not finish")
                }
            }
            if verifying, let entry = runner.previous.entry(host: host, step: step.id), entry.status.isFinished,
               entry.digest == step.digest {
                outputs[step.id] = entry.outputs
                if entry.status == .skipped {
                    journal(JournalRecord(kind: .stepEnded, host: host, step: step.id, index: index, digest: step.digest,
                                          status: .skipped, detail: "skipped in an earlier run"))
                    emit(.stepFinished(host: host, index: index, total: total, step: step.id, status: .skipped, seconds: 0, detail: "skipped in an earlier run"))
                    runner.barrier.finishStep(host: host, step: step.id)
                    continue
                }
                if verify(step) {
                    journal(JournalRecord(kind: .stepEnded, host: host, step: step.id, index: index, digest: step.digest,
                                          status: .verified, outputs: entry.outputs))
                    log?.line("=== step \(index)/\(total) \(step.id): done in an earlier run, probe passed: not run again ===")
                    emit(.stepVerified(host: host, index: index, total: total, step: step.id, title: step.title))
                    runner.barrier.finishStep(host: host, step: step.id)
                    continue
                }
                if case .rerun = step.probe {
                    log?.line("=== step \(index)/\(total) \(step.id): done in an earlier run, but it has no probe: running it again ===")
                } else {
                    log?.line("=== step \(index)/\(total) \(step.id): done in an earlier run, but its probe did not pass: running it again ===")
                }
            }
            verifying = false
            if runner.options.resume, runner.previous.interrupted[host]?.contains(step.id) == true {
                let text = "step \(index)/\(total) \(step.title) was running when the wizard stopped (no end in the journal): it runs again"
                log?.line("=== \(text) ===")
                emit(.note(host: host, text: text))
            }
            if let stop = runStep(step, index: index) { return stop }
        }
        return .succeeded
    }

    /// Runs one step until it succeeds, is skipped, or the operator aborts. Nil to go on; an outcome to stop.
    func runStep(_ step: PlanStep, index: Int) -> HostOutcome? {
        while true {
            if runner.isCancelled { return .cancelled }
            // A step whose start the journal cannot hold is not run: a resume could not know it ran.
            guard journal(JournalRecord(kind: .stepStarted, host: host, step: step.id, index: index, digest: step.digest, pid: getpid())) else {
                return .cancelled
            }
            emit(.stepStarted(host: host, index: index, total: total, step: step.id, title: step.title, action: step.shownAction))
            log?.line("=== step \(index)/\(total) \(step.id): \(step.shownAction) ===")
            runner.noteActivity(host, started: true)
            let started = Date()
            let result = execute(step)
            runner.stepEnded(host)
            let seconds = Date().timeIntervalSince(started)
            log?.flush(sync: true)
            switch result {
            case .success(let learned, let detail):
                outputs[step.id] = learned
                journal(JournalRecord(kind: .stepEnded, host: host, step: step.id, index: index, digest: step.digest, status: .done,
                                      exitCode: 0, seconds: seconds, detail: detail, outputs: learned.isEmpty ? nil : learned))
                log?.line("=== step \(index)/\(total) \(step.id): done in \(String(format: "%.1f", seconds))s ===")
                emit(.stepFinished(host: host, index: index, total: total, step: step.id, status: .done, seconds: seconds, detail: detail))
                runner.barrier.finishStep(host: host, step: step.id)
                return nil
            case .failure(let exitCode, let reason, let lastLines):
                let wasCancelled = runner.isCancelled
                let status: StepStatus = wasCancelled ? .cancelled : .failed
                journal(JournalRecord(kind: .stepEnded, host: host, step: step.id, index: index, digest: step.digest, status: status,
                                      exitCode: exitCode, seconds: seconds, detail: reason))
                log?.line("=== step \(index)/\(total) \(step.id): \(status.rawValue): \(reason) ===")
                log?.flush(sync: true)
                if wasCancelled {
                    emit(.stepFinished(host: host, index: index, total: total, step: step.id, status: .cancelled, seconds: seconds, detail: reason))
                    return .cancelled
                }
                let failure = StepFailure(host: host, index: index, total: total, step: step.id, title: step.title, exitCode: exitCode,
                                          reason: reason, lastLines: lastLines, logPath: runner.files.log(host: host),
                                          skipIsSafe: step.skipIsSafe, skipNote: step.skipNote)
                emit(.stepFailed(failure))
                switch runner.runOperator.decide(failure) {
                case .retry where !runner.isCancelled:
                    log?.line("=== step \(index)/\(total) \(step.id): retry ===")
                    continue
                case .skip where step.skipIsSafe && !runner.isCancelled:
                    journal(JournalRecord(kind: .stepEnded, host: host, step: step.id, index: index, digest: step.digest, status: .skipped,
                                          detail: "skipped by the operator after: \(reason)"))
                    log?.line("=== step \(index)/\(total) \(step.id): skipped by the operator ===")
                    emit(.stepFinished(host: host, index: index, total: total, step: step.id, status: .skipped, seconds: 0, detail: "skipped by the operator"))
                    runner.barrier.finishStep(host: host, step: step.id)
                    return nil
                default:
                    return runner.isCancelled ? .cancelled : .failed(step: step.id, reason: reason)
                }
            }
        }
    }

    enum StepResult {
        case success([String: String], detail: String?)
        case failure(exitCode: Int32?, reason: String, lastLines: [String])
    }

    func connect() throws -> SSHConnection {
        if let connection, connection.isUsable { return connection }
        connection?.close()
        let fresh = try plan.access.connect()
        // Commands without a PTY or prompts share one shell on the host: its login shell starts once, not per step.
        fresh.usesRunner = true
        runnerStarts = 0
        connection = fresh
        let detail = "\(fresh.target.user)@\(fresh.target.hostName):\(fresh.target.port), \(fresh.authenticatedWith)"
        log?.line("connected: \(detail)")
        emit(.connected(host: host, detail: detail))
        return fresh
    }

    func execute(_ step: PlanStep) -> StepResult {
        let connection: SSHConnection
        do {
            connection = try connect()
        } catch {
            return .failure(exitCode: nil, reason: "cannot connect: \(error)", lastLines: [])
        }
        defer { noteRunner(connection) }
        switch step.action {
        case let .run(command, otopi, interactive):
            return runCommand(command, step: step, on: connection, otopi: otopi, interactive: interactive)
        case .upload(let upload):
            return runUpload(upload, step: step, on: connection)
        case .fetchResults(let fromStep):
            return fetch(fromStep: fromStep, on: connection)
        case .operation(let operation):
            var last = StepResult.success([:], detail: nil)
            let commands = operation.commands
            for (index, command) in commands.enumerated() {
                var part = step
                part.stdin = index == 0 && !operation.input.isEmpty ? operation.input : nil
                // The wizard's marker (if the step has one) is written after the last command only.
                if index < commands.count - 1 { part.probe = .rerun }
                last = runCommand(command, step: part, on: connection, otopi: false, interactive: false)
                if case .failure = last { return last }
            }
            return last
        }
    }

    /// Notes in the host log when a command runner was started (again) or cannot be used on the host.
    func noteRunner(_ connection: SSHConnection) {
        let starts = connection.runnerStarts
        if starts > runnerStarts {
            log?.line(starts == 1 ? "command runner started on the host (one shell for the commands of this connection)"
                                  : "command runner started again on the host (\(starts) so far on this connection)")
            runnerStarts = starts
        }
        if !runnerProblemLogged, let problem = connection.runnerProblem {
            log?.line("\(problem); each command gets a channel of its own")
            runnerProblemLogged = true
        }
    }

    // MARK: - Commands

    func runCommand(_ command: RemoteCommand, step: PlanStep, on connection: SSHConnection, otopi: Bool, interactive: Bool) -> StepResult {
        let control = ExecControl()
        let name = plan.name
        runner.controls.withLock { $0[name] = control }
        defer { _ = runner.controls.withLock { $0.removeValue(forKey: name) } }
        if runner.isCancelled { control.cancel() }
        var parser = OtopiConsoleParser()
        var tracker = OtopiPromptTracker()
        var tail = Tail(limit: 15)
        var stdoutLines = PartialLineSplitter()
        var stderrLines = PartialLineSplitter()
        var failureReason: String?
        var failedMessage = false
        let pending = PromptState()
        let masker = plan.masker
        let host = name
        let sink = runner.sink
        let runOperator = runner.runOperator

        func take(_ raw: String, stream: ExecStream) {
            var line = masker.mask(raw)
            if otopi && stream == .stdout {
                line = tracker.take(line)
                switch parser.feed(line) {
                case let .stage(ordinal, name): sink(.stage(host: host, ordinal: ordinal, name: name))
                case let .stageFailed(stage, reason): failureReason = "stage '\(stage)' failed: \(reason)"
                case .failed: failedMessage = true
                case let .log(level, message) where level != .info: sink(.otopiLog(host: host, level: level, message: message))
                default: break
                }
            }
            log?.line(stream == .stderr ? "stderr: " + line : line)
            tail.append(line)
            sink(.output(host: host, line: line))
        }

        // otopi's tools run for long and relay prompts: they keep an exec channel of their own.
        let options = ExecOptions(timeout: step.timeout, stdin: step.stdin ?? [], keepStdinOpen: interactive,
                                  control: control, ownChannel: otopi || interactive)
        let result: ExecResult
        do {
            result = try connection.execute(command, options: options) { stream, bytes in
                runner.noteActivity(host)
                if stream == .stdout {
                    stdoutLines.feed(bytes) { take($0, stream: .stdout) }
                    guard interactive, !stdoutLines.partial.isEmpty, !pending.isWaiting else { return }
                    let partial = stdoutLines.partialText
                    guard let prompt = tracker.prompt(partial: masker.mask(partial)) else { return }
                    // Show the prompt as its own line, so the output after the answer starts a new one.
                    stdoutLines.takePartial()
                    take(partial, stream: .stdout)
                    pending.set(true)
                    let password = tracker.consolePassword
                    sink(.prompt(host: host, prompt: prompt))
                    DispatchQueue.global().async {
                        if let answer = runOperator.answer(prompt, host: host, consolePassword: password) {
                            control.send(answer + "\n")
                            sink(.promptAnswered(host: host, answer: prompt.isHidden ? "********" : answer))
                        } else {
                            control.cancel()
                        }
                        pending.set(false)
                    }
                } else {
                    stderrLines.feed(bytes) { take($0, stream: .stderr) }
                }
            }
        } catch {
            stdoutLines.finish { take($0, stream: .stdout) }
            stderrLines.finish { take($0, stream: .stderr) }
            if case SSHError.cancelled = error {
                return .failure(exitCode: nil, reason: runner.isCancelled ? "cancelled (Ctrl-C)" : "stopped: the question was not answered", lastLines: tail.last)
            }
            return .failure(exitCode: nil, reason: "\(error)", lastLines: tail.last)
        }
        stdoutLines.finish { take($0, stream: .stdout) }
        stderrLines.finish { take($0, stream: .stderr) }
        if !result.succeeded || failedMessage || failureReason != nil {
            let lastError = tail.last.last { $0.hasPrefix("stderr: ") == false && !$0.isEmpty }
            var reason = failureReason ?? (failedMessage ? "\(plan.tool.rawValue) reported: Execution of setup failed" : result.description)
            if failureReason == nil, !failedMessage, let lastError { reason += ": " + lastError.trimmingCharacters(in: .whitespaces) }
            return .failure(exitCode: result.shellStatus, reason: reason, lastLines: tail.last)
        }
        var learned: [String: String] = [:]
        if let path = parser.logFile { learned["logFile"] = path }
        if let path = parser.answerFile { learned["answerFile"] = path }
        if case .marker(let path) = step.probe {
            do {
                let mark = RemoteCommand.script(#"printf '%s\n' "$2" > "$1.tmp" && mv -f "$1.tmp" "$1""#, arguments: [path, step.digest])
                let out = try connection.capture(mark, options: ExecOptions(timeout: 60))
                guard out.result.succeeded else {
                    return .failure(exitCode: out.result.shellStatus, reason: "\(command.argv[0]) succeeded, but the wizard's marker \(path) could not be written: \(out.stderr)", lastLines: tail.last)
                }
            } catch {
                return .failure(exitCode: nil, reason: "\(command.argv[0]) succeeded, but the wizard's marker \(path) could not be written: \(error)", lastLines: tail.last)
            }
        }
        return .success(learned, detail: otopi ? "\(parser.stagesSeen)/\(OtopiConsoleParser.stagesOnSuccess) stages" : nil)
    }

    // MARK: - Files

    func runUpload(_ upload: Upload, step: PlanStep, on connection: SSHConnection) -> StepResult {
        let local: String
        var temporary: String?
        switch upload.source {
        case .generated(let text, _):
            let path = runner.files.directory + "/.upload-\(DeploymentFiles.safe(host))-\(step.id)"
            do {
                try AtomicFileWriter.write(text, to: path)
            } catch {
                return .failure(exitCode: nil, reason: "\(error)", lastLines: [])
            }
            local = path
            temporary = path
        case .localFile(let path):
            local = path
        }
        defer { if let temporary { unlink(temporary) } }
        do {
            let expected = try upload.sha256 ?? runner.localHashes.sha256(local)
            if let remote = try? connection.remoteSHA256(upload.remotePath), remote == expected {
                log?.line("\(upload.remotePath) is already on the host (sha256 \(expected)): not uploaded again")
                return .success([:], detail: "already on the host (sha256 matches)")
            }
            var lastShown = -1
            let sink = runner.sink
            let host = self.host
            var options = UploadOptions(mode: upload.mode, resume: true)
            options.knownSHA256 = expected
            let result = try connection.upload(local, to: upload.remotePath, options: options) { progress in
                runner.noteActivity(host)
                let percent = progress.totalBytes > 0 ? Int(progress.bytesDone * 100 / progress.totalBytes) : 100
                if percent != lastShown {
                    lastShown = percent
                    sink(.transfer(host: host, done: progress.bytesDone, total: progress.totalBytes))
                }
            }
            log?.line("uploaded \(result.bytes) bytes to \(upload.remotePath) (mode \(String(upload.mode, radix: 8)), sha256 \(result.sha256 ?? "not checked"))")
            return .success([:], detail: "\(result.bytes) bytes, sha256 verified")
        } catch {
            return .failure(exitCode: nil, reason: "\(error)", lastLines: [])
        }
    }

    func fetch(fromStep: String, on connection: SSHConnection) -> StepResult {
        let reported = outputs[fromStep] ?? [:]
        var learned: [String: String] = [:]
        if let logFile = reported["logFile"] {
            learned["logFile"] = logFile
            log?.line("\(plan.tool.rawValue) log on the host: \(logFile)")
        }
        guard let remote = reported["answerFile"] else {
            learned["noAnswerFile"] = "true"
            log?.line("\(plan.tool.rawValue) reported no generated answer file")
            return .success(learned, detail: "no answer file was reported")
        }
        let directory = runner.files.results(host: host)
        let local = directory + "/" + URL(fileURLWithPath: remote).lastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try connection.download(remote, to: local)
            chmod(local, 0o600)
        } catch {
            return .failure(exitCode: nil, reason: "cannot fetch \(remote): \(error)", lastLines: [])
        }
        learned["answerFile"] = remote
        learned["fetchedAnswerFile"] = local
        log?.line("fetched \(remote) to \(local)")
        return .success(learned, detail: local)
    }

    // MARK: - Resume

    /// The step's postcondition probe: true when its effect is in place.
    func verify(_ step: PlanStep) -> Bool {
        if case .rerun = step.probe { return false }
        if case .localFiles = step.probe {
            let learned = outputs[step.id] ?? [:]
            if let local = learned["fetchedAnswerFile"] { return FileManager.default.fileExists(atPath: local) }
            return learned["noAnswerFile"] == "true"
        }
        guard let connection = try? connect() else { return false }
        switch step.probe {
        case .command(let command):
            guard let out = try? connection.capture(command, options: ExecOptions(timeout: 60)) else { return false }
            return out.result.succeeded
        case .remoteHashMatches:
            guard case .upload(let upload) = step.action,
                  let expected = try? (upload.sha256 ?? runner.localHashes.sha256({ if case .localFile(let p) = upload.source { return p }; return "" }())),
                  let remote = try? connection.remoteSHA256(upload.remotePath) else { return false }
            return remote == expected
        case .marker(let path):
            guard let out = try? connection.capture(RemoteCommand(["cat", path]), options: ExecOptions(timeout: 60)) else { return false }
            return out.result.succeeded && out.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == step.digest
        case .localFiles, .rerun:
            return false
        }
    }
}

/// Whether a tool's question is with the operator.
final class PromptState: Sendable {
    private let waiting = Mutex(false)
    var isWaiting: Bool { waiting.withLock { $0 } }
    func set(_ value: Bool) { waiting.withLock { $0 = value } }
}

/// Splits a byte stream into lines and keeps the trailing partial line visible (a prompt waits there).
/// Public so that `pane-bench` feeds the panes through the same splitting as a host's output.
public struct PartialLineSplitter {
    public private(set) var partial: [UInt8] = []

    public init() {}

    public mutating func feed(_ bytes: [UInt8], emit: (String) -> Void) {
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            partial += bytes[start..<index]
            emit(Self.text(partial))
            partial.removeAll(keepingCapacity: true)
            start = index + 1
        }
        partial += bytes[start...]
    }

    var partialText: String { String(decoding: partial, as: UTF8.self) }

    mutating func takePartial() { partial.removeAll(keepingCapacity: true) }

    public mutating func finish(emit: (String) -> Void) {
        if !partial.isEmpty { emit(Self.text(partial)) }
        partial = []
    }

    static func text(_ bytes: [UInt8]) -> String {
        var slice = bytes[...]
        if slice.last == UInt8(ascii: "\r") { slice = slice.dropLast() }
        return String(decoding: slice, as: UTF8.self)
    }
}

/// Writes a file atomically with mode 0600 (the answer file to upload, which holds secrets).
enum AtomicFileWriter {
    static func write(_ text: String, to path: String) throws {
        try AtomicFile.write(text, to: path, mode: 0o600)
    }
}
