import Foundation
import HostOps
import OtopiKit
import SSHKit
import Synchronization

/// One host's part of a run: connect, then each step in order (verify on resume, run, ask on failure). It decides
/// and emits `RunEvent`s; the journal, the host log and the caller's handler take them (`RunSink`), in that
/// order, so a step's start is on disk before anything else hears of it.
final class HostRun {
    let runner: DeploymentRunner
    let plan: HostPlan
    var remote: (any RemoteHost)?
    /// The host's log, once open. Events go to the journal, this log and the caller's handler, in that order.
    var hostLog: HostLogSink?
    /// What each step learned (`logFile`, `answerFile`, …), from this run or the journal.
    var outputs: [String: StepOutputs] = [:]
    var verifying: Bool
    /// Shells the current connection had started when last looked at (a new one is noted in the host log).
    var shellStarts = 0
    var shellProblemLogged = false
    /// The `Correlation-Id` of the engine step running now (its requests, the engine's job and events).
    var correlation: String?
    /// Steps skipped in this run or an earlier one (the engine VM's loop asks whether engine-setup was).
    var skippedSteps: Set<String> = []

    init(runner: DeploymentRunner, plan: HostPlan) {
        self.runner = runner
        self.plan = plan
        verifying = runner.options.resume
    }

    var host: String { plan.name }
    var total: Int { plan.steps.count }

    /// Hands `event` to every sink in order. False when one could not take it (the journal could not be written):
    /// the whole run stops, and the event goes no further.
    @discardableResult
    func emit(_ event: RunEvent) -> Bool {
        // Three known sinks, called directly: every output line passes here (Benchmarks/pane.sh, fanout.sh).
        do {
            try runner.journal.take(event)
        } catch {
            runner.stop(because: error, host: host)
            hostLog?.take(.logNote(host: host, text: "ovirt-wizard: cannot write the journal \(runner.journal.path); stopping"))
            return false
        }
        hostLog?.take(event)
        runner.handler.take(event)
        return true
    }

    func note(_ text: String) { emit(.logNote(host: host, text: text)) }

    func run() -> HostOutcome {
        emit(.hostStarted(host: host, tool: plan.tool, steps: total))
        do {
            let log = try HostLogSink(path: runner.files.log(host: host), plan: plan, resume: runner.options.resume)
            hostLog = log
        } catch {
            return .notRun("\(error)")
        }
        defer {
            hostLog?.close()
            remote?.close()
        }
        for (offset, step) in plan.steps.enumerated() {
            let index = offset + 1
            if runner.isCancelled { return .cancelled }
            if !step.waitsFor.isEmpty {
                emit(.waiting(host: host, index: index, total: total, step: step.id, for: step.waitsFor))
                guard runner.barrier.wait(for: step.waitsFor) else {
                    if runner.isCancelled { return .cancelled }
                    return .notRun("step \(index) \(step.title) waits for \(step.waitsFor.map(\.description).joined(separator: ", ")), which did not finish")
                }
            }
            if verifying, let entry = runner.previous.entry(host: host, step: step.id), entry.status.isFinished,
               entry.digest == step.digest {
                outputs[step.id] = entry.outputs
                if entry.status == .skipped {
                    skippedSteps.insert(step.id)
                    emit(.stepFinished(host: host, index: index, total: total, step: step.id, status: .skipped, seconds: 0,
                                       detail: "skipped in an earlier run", end: StepEnd(digest: step.digest)))
                    runner.barrier.finishStep(host: host, step: step.id)
                    continue
                }
                if verify(step) {
                    runner.noteFetched(host: host, step: step.id, outputs: entry.outputs)
                    emit(.stepVerified(host: host, index: index, total: total, step: step.id, title: step.title,
                                       digest: step.digest, outputs: entry.outputs))
                    runner.barrier.finishStep(host: host, step: step.id)
                    continue
                }
                if case .rerun = step.probe {
                    note("=== step \(index)/\(total) \(step.id): done in an earlier run, but it has no probe: running it again ===")
                } else {
                    note("=== step \(index)/\(total) \(step.id): done in an earlier run, but its probe did not pass: running it again ===")
                }
            }
            verifying = false
            if runner.options.resume, runner.previous.interrupted[host]?.contains(step.id) == true {
                emit(.note(host: host, text: "step \(index)/\(total) \(step.title) was running when the wizard stopped (no end in the journal): it runs again"))
                if let role = step.engineVM {
                    // hosted-engine read its answers from the wizard's end of the connection: killed with it, otopi
                    // met end of input at its loop and stopped. There is nothing to reattach to.
                    emit(.note(host: host, text: "hosted-engine cannot be reattached (it read end of input when the wizard stopped, and ended): it runs again; at its engine-installation loop the engine VM \(role.vm)'s steps are checked against the journal and the VM, and engine-setup is not started a second time there"))
                }
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
            guard emit(.stepStarted(host: host, index: index, total: total, step: step.id, title: step.title,
                                    action: step.shownAction, digest: step.digest)) else {
                return .cancelled
            }
            runner.noteActivity(host, started: true)
            let started = Date()
            let result = execute(step)
            runner.stepEnded(host)
            let seconds = Date().timeIntervalSince(started)
            switch result {
            case .success(let learned, let detail):
                outputs[step.id] = learned
                runner.noteFetched(host: host, step: step.id, outputs: learned)
                emit(.stepFinished(host: host, index: index, total: total, step: step.id, status: .done, seconds: seconds,
                                   detail: detail, end: StepEnd(digest: step.digest, exitCode: 0, outputs: learned)))
                runner.barrier.finishStep(host: host, step: step.id)
                return nil
            case .failure(let exitCode, let reason, let lastLines):
                if runner.isCancelled {
                    emit(.stepFinished(host: host, index: index, total: total, step: step.id, status: .cancelled, seconds: seconds,
                                       detail: reason, end: StepEnd(digest: step.digest, exitCode: exitCode)))
                    return .cancelled
                }
                let failure = StepFailure(host: host, index: index, total: total, step: step.id, title: step.title, exitCode: exitCode,
                                          reason: reason, lastLines: lastLines, logPath: runner.files.log(host: host),
                                          skipIsSafe: step.skipIsSafe, skipNote: step.skipNote, digest: step.digest, seconds: seconds)
                emit(.stepFailed(failure))
                switch runner.runOperator.decide(failure) {
                case .retry where !runner.isCancelled:
                    note("=== step \(index)/\(total) \(step.id): retry ===")
                    continue
                case .skip where step.skipIsSafe && !runner.isCancelled:
                    skippedSteps.insert(step.id)
                    emit(.stepFinished(host: host, index: index, total: total, step: step.id, status: .skipped, seconds: 0,
                                       detail: "skipped by the operator", end: StepEnd(digest: step.digest, after: reason)))
                    runner.barrier.finishStep(host: host, step: step.id)
                    return nil
                default:
                    return runner.isCancelled ? .cancelled : .failed(step: step.id, reason: reason)
                }
            }
        }
    }

    enum StepResult {
        case success(StepOutputs, detail: String?)
        case failure(exitCode: Int32?, reason: String, lastLines: [String])
    }

    /// The host's connection, opened when there is none (or it broke). `step`: what it is opened for; when that
    /// runs in the host's command shell, the shell is started before the host gives up its turn at the gate.
    func connect(for step: PlanStep? = nil) throws -> any RemoteHost {
        if let remote, remote.isUsable { return remote }
        remote?.close()
        let order = runner.plan.hosts.firstIndex { $0.name == plan.name } ?? runner.plan.hosts.count
        let gate = runner.connectGate
        let shellAsRoot = step?.firstCommandShell
        let fresh = try gate.pass(order: order, willWait: {
            emit(.note(host: host, text: "waiting for its turn to connect (\(gate.limit) hosts connect at a time)"))
        }) {
            let fresh = try runner.connector.open(plan)
            if let shellAsRoot { fresh.startShell(asRoot: shellAsRoot) }
            return fresh
        }
        shellStarts = 0
        remote = fresh
        emit(.connected(host: host, detail: fresh.connectionSummary))
        return fresh
    }

    func execute(_ step: PlanStep) -> StepResult {
        // Engine steps talk to the engine; only the one that installs its key needs this host's SSH.
        if case let .engine(engineStep, _) = step.action { return runEngine(engineStep, planStep: step) }
        let remote: any RemoteHost
        do {
            remote = try connect(for: step)
        } catch {
            return .failure(exitCode: nil, reason: "cannot connect: \(error)", lastLines: [])
        }
        defer { noteShell(remote) }
        switch step.action {
        case let .run(command, otopi, interactive):
            if let detached = step.detached { return runDetached(command, detached, step: step, on: remote) }
            return runCommand(command, step: step, on: remote, otopi: otopi, interactive: interactive)
        case .upload(let upload):
            return runUpload(upload, step: step, on: remote)
        case .fetchResults(let fromStep):
            return fetch(fromStep: fromStep, asRoot: step.runsAsRoot, on: remote)
        case .engine:
            return .failure(exitCode: nil, reason: "an engine step reached the SSH runner", lastLines: [])
        case .operation(let operation):
            var last = StepResult.success(StepOutputs(), detail: nil)
            let commands = operation.commands
            for (index, command) in commands.enumerated() {
                var part = step
                part.stdin = index == 0 && !operation.input.isEmpty ? operation.input : nil
                // The wizard's marker (if the step has one) is written after the last command only.
                if index < commands.count - 1 { part.probe = .rerun }
                last = runCommand(command, step: part, on: remote, otopi: false, interactive: false)
                if case .failure = last { return last }
            }
            return last
        }
    }

    /// Notes in the host log when a command shell was started (again) or cannot be used on the host.
    func noteShell(_ remote: any RemoteHost) {
        let starts = remote.shellStarts
        if starts > shellStarts {
            note(starts == 1 ? "command runner started on the host (one shell for the commands of this connection)"
                             : "command runner started again on the host (\(starts) so far on this connection)")
            shellStarts = starts
        }
        if !shellProblemLogged, let problem = remote.shellProblem {
            note("\(problem); each command gets a channel of its own")
            shellProblemLogged = true
        }
    }

    // MARK: - Commands

    func runCommand(_ command: RemoteCommand, step: PlanStep, on remote: any RemoteHost, otopi: Bool, interactive: Bool) -> StepResult {
        let control = ExecControl()
        let name = plan.name
        runner.controls.withLock { $0[name] = control }
        defer { _ = runner.controls.withLock { $0.removeValue(forKey: name) } }
        if runner.isCancelled { control.cancel() }
        var parser = OtopiConsoleParser()
        var tracker = OtopiPromptTracker()
        var tail = Tail(limit: 15)
        var stdoutLines = LineSplitter()
        var stderrLines = LineSplitter()
        // Plain commands (no otopi console to parse, no prompts) take their output a read at a time: a step may
        // print gigabytes, and a String and an event per line made the wizard ~3x slower than `ssh` (pane.sh).
        let inBlocks = !otopi && !interactive
        var stdoutBlocks = LineBlockSplitter()
        var stderrBlocks = LineBlockSplitter()
        var failureReason: String?
        var failedMessage = false
        let pending = PromptState()
        let masker = plan.masker
        let host = name
        let runOperator = runner.runOperator
        let engineLoop = step.engineVM.map { EngineVMLoop(runner: runner, role: $0) }
        var web = WebAddressReader()

        func take(_ raw: String, stream: ExecStream) {
            var line = masker.mask(raw)
            if otopi && stream == .stdout {
                line = tracker.take(line)
                switch parser.feed(line) {
                case let .stage(ordinal, name): emit(.stage(host: host, ordinal: ordinal, name: name))
                case let .stageFailed(stage, reason): failureReason = "stage '\(stage)' failed: \(reason)"
                case .failed: failedMessage = true
                case let .log(level, message) where level != .info: emit(.otopiLog(host: host, level: level, message: message))
                default: break
                }
                web.take(line)
            }
            tail.append(line)
            emit(.output(host: host, line: line, stream: stream))
        }

        func take(_ block: OutputLines?, stream: ExecStream) {
            guard let block else { return }
            let masked = masker.mask(block)
            tail.append(masked)
            emit(.outputLines(host: host, lines: masked, stream: stream))
        }

        // Plain output is split, masked and logged on a thread of its own while this one reads the channel.
        let pump = inBlocks ? OutputPump { stream, bytes in
            take(stream == .stdout ? stdoutBlocks.feed(bytes) : stderrBlocks.feed(bytes), stream: stream)
        } : nil

        func finishOutput() {
            pump?.finish()
            take(stdoutBlocks.finish(), stream: .stdout)
            take(stderrBlocks.finish(), stream: .stderr)
            stdoutLines.finish { take($0, stream: .stdout) }
            stderrLines.finish { take($0, stream: .stderr) }
        }

        let options = ExecOptions(timeout: step.timeout, stdin: step.stdin ?? [], keepStdinOpen: interactive,
                                  control: control, ownChannel: PlanStep.runHasOwnChannel(otopi: otopi, interactive: interactive),
                                  asRoot: step.runsAsRoot)
        let result: ExecResult
        do {
            result = try remote.execute(command, options: options) { stream, bytes in
                runner.noteActivity(host)
                if let pump {
                    pump.push(stream, bytes)
                } else if stream == .stdout {
                    stdoutLines.feed(bytes) { take($0, stream: .stdout) }
                    guard interactive, !stdoutLines.partial.isEmpty, !pending.isWaiting else { return }
                    let partial = stdoutLines.partialText
                    guard let prompt = tracker.prompt(partial: masker.mask(partial)) else { return }
                    // Show the prompt as its own line, so the output after the answer starts a new one.
                    stdoutLines.takePartial()
                    take(partial, stream: .stdout)
                    pending.set(true)
                    let password = tracker.consolePassword
                    let handler = runner.handler
                    handler.take(.prompt(host: host, prompt: prompt))
                    DispatchQueue.global().async {
                        let answer = engineLoop.map { $0.answer(prompt, consolePassword: password) }
                            ?? runOperator.answer(prompt, host: host, consolePassword: password)
                        if let answer {
                            control.send(answer + "\n")
                            handler.take(.promptAnswered(host: host, answer: prompt.isHidden ? Secrets.mask : answer))
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
            finishOutput()
            if case SSHError.cancelled = error {
                return .failure(exitCode: nil, reason: runner.isCancelled ? "cancelled (Ctrl-C)" : "stopped: the question was not answered", lastLines: tail.last)
            }
            return .failure(exitCode: nil, reason: "\(error)", lastLines: tail.last)
        }
        finishOutput()
        if !result.succeeded || failedMessage || failureReason != nil {
            let lastError = tail.last.last { $0.hasPrefix("stderr: ") == false && !$0.isEmpty }
            var reason = failureReason ?? (failedMessage ? "\(plan.tool.rawValue) reported: Execution of setup failed" : result.description)
            if failureReason == nil, !failedMessage, let lastError { reason += ": " + lastError.trimmingCharacters(in: .whitespaces) }
            return .failure(exitCode: result.shellStatus, reason: reason, lastLines: tail.last)
        }
        let learned = StepOutputs(logFile: parser.logFile, answerFile: parser.answerFile, webAddress: web.address)
        if case .marker(let path) = step.probe {
            do {
                let mark = StepMarker.write(path: path, digest: step.digest)
                let out = try remote.capture(mark, options: ExecOptions(timeout: 60, asRoot: step.runsAsRoot))
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

    func runUpload(_ upload: Upload, step: PlanStep, on remote: any RemoteHost) -> StepResult {
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
        case .composed(let composed):
            let path = runner.files.directory + "/.upload-\(DeploymentFiles.safe(host))-\(step.id)"
            do {
                try AtomicFileWriter.write(try composedText(composed), to: path)
            } catch {
                return .failure(exitCode: nil, reason: "\(error)", lastLines: [])
            }
            local = path
            temporary = path
        }
        defer { if let temporary { unlink(temporary) } }
        do {
            let expected = try upload.sha256 ?? runner.localHashes.sha256(local)
            if let onHost = try? remote.sha256(of: upload.remotePath, asRoot: step.runsAsRoot), onHost == expected {
                note("\(upload.remotePath) is already on the host (sha256 \(expected)): not uploaded again")
                return .success(StepOutputs(), detail: "already on the host (sha256 matches)")
            }
            var lastShown = -1
            let host = self.host
            var options = UploadOptions(mode: upload.mode, resume: true)
            options.knownSHA256 = expected
            options.asRoot = step.runsAsRoot
            let result = try remote.upload(file: local, to: upload.remotePath, options: options) { progress in
                runner.noteActivity(host)
                let percent = progress.totalBytes > 0 ? Int(progress.bytesDone * 100 / progress.totalBytes) : 100
                if percent != lastShown {
                    lastShown = percent
                    emit(.transfer(host: host, done: progress.bytesDone, total: progress.totalBytes))
                }
            }
            note("uploaded \(result.bytes) bytes to \(upload.remotePath) (mode \(String(upload.mode, radix: 8)), sha256 \(result.sha256 ?? "not checked"))")
            return .success(StepOutputs(), detail: "\(result.bytes) bytes, sha256 verified")
        } catch {
            return .failure(exitCode: nil, reason: "\(error)", lastLines: [])
        }
    }

    func fetch(fromStep: String, asRoot: Bool, on remote: any RemoteHost) -> StepResult {
        let reported = outputs[fromStep] ?? StepOutputs()
        var learned = StepOutputs(logFile: reported.logFile)
        if let logFile = reported.logFile { note("\(plan.tool.rawValue) log on the host: \(logFile)") }
        guard let answerFile = reported.answerFile else {
            learned.noAnswerFile = true
            note("\(plan.tool.rawValue) reported no generated answer file")
            return .success(learned, detail: "no answer file was reported")
        }
        let directory = runner.files.results(host: host)
        let local = directory + "/" + URL(fileURLWithPath: answerFile).lastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try remote.download(file: answerFile, to: local, asRoot: asRoot)
            chmod(local, 0o600)
        } catch {
            return .failure(exitCode: nil, reason: "cannot fetch \(answerFile): \(error)", lastLines: [])
        }
        learned.answerFile = answerFile
        learned.fetchedAnswerFile = local
        note("fetched \(answerFile) to \(local)")
        return .success(learned, detail: local)
    }

    /// The SHA-256 an upload must have on the host.
    func expectedHash(_ upload: Upload) throws -> String {
        if let known = upload.sha256 { return known }
        switch upload.source {
        case .localFile(let path): return try runner.localHashes.sha256(path)
        case .generated(let text, _): return sha256Hex(Array(text.utf8))
        case .composed(let composed): return sha256Hex(Array(try composedText(composed).utf8))
        }
    }

    /// Whether this host's `step` was started in an earlier run (nil: never) and whether it finished there.
    func ranBefore(_ step: String) -> (started: Bool, finished: Bool)? {
        let entry = runner.previous.entry(host: host, step: step)
        let interrupted = runner.previous.interrupted[host]?.contains(step) == true
        guard entry != nil || interrupted else { return nil }
        return (true, !interrupted && entry?.status.isFinished == true)
    }

    /// An answer file made of another host's fetched answer file and this host's lines. `reDeploying` (nil: from
    /// the journal): the run it is for was started before and did not finish, so the tool may find this host's
    /// Host ID already on the storage.
    func composedText(_ composed: ComposedAnswerFile, reDeploying: Bool? = nil) throws -> String {
        guard let path = runner.fetchedFile(host: composed.baseHost, step: composed.baseStep) else {
            throw ComposedAnswerFile.Problem(description: "\(composed.baseHost) has no fetched answer file (its step \(composed.baseStep) did not fetch one), which this host's answers are made from")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ComposedAnswerFile.Problem(description: "cannot read \(path), the answer file fetched from \(composed.baseHost)")
        }
        let earlier = reDeploying ?? (ranBefore(composed.runStep).map { !$0.finished } ?? false)
        return try composed.text(base: data, basePath: path, reDeploying: earlier)
    }

    // MARK: - Resume

    /// The step's postcondition probe: true when its effect is in place.
    func verify(_ step: PlanStep) -> Bool {
        if case .rerun = step.probe { return false }
        if case .localFiles = step.probe {
            let learned = outputs[step.id] ?? StepOutputs()
            if let local = learned.fetchedAnswerFile { return FileManager.default.fileExists(atPath: local) }
            return learned.noAnswerFile
        }
        if case .engine(let probe) = step.probe { return verifyEngine(probe, step: step) }
        guard let remote = try? connect() else { return false }
        switch step.probe {
        case .command(let command):
            guard let out = try? remote.capture(command, options: ExecOptions(timeout: 60, asRoot: step.runsAsRoot)) else { return false }
            return out.result.succeeded
        case .remoteHashMatches:
            guard case .upload(let upload) = step.action, let expected = try? expectedHash(upload),
                  let onHost = try? remote.sha256(of: upload.remotePath, asRoot: step.runsAsRoot) else { return false }
            if case .composed(let composed) = upload.source, ranBefore(composed.runStep)?.finished == true {
                // The run it was for is done: the file is right with or without the re-deployment lines.
                let variants = [true, false].compactMap { try? composedText(composed, reDeploying: $0) }.map { sha256Hex(Array($0.utf8)) }
                return variants.contains(onHost)
            }
            return onHost == expected
        case let .hostedEngineHostID(id, configDirectory):
            // The folder of the answer file the tool reported is its configuration folder.
            let directory = outputs[step.id]?.answerFile.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path } ?? configDirectory
            let check = RemoteCommand.script(#"grep -qx "host_id=$1" "$2/hosted-engine.conf""#, arguments: [String(id), directory])
            guard let out = try? remote.capture(check, options: ExecOptions(timeout: 60, asRoot: step.runsAsRoot)) else { return false }
            return out.result.succeeded
        case .marker(let path):
            guard let out = try? remote.capture(RemoteCommand(["cat", path]), options: ExecOptions(timeout: 60, asRoot: step.runsAsRoot)) else { return false }
            return out.result.succeeded && out.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == step.digest
        case .localFiles, .rerun, .engine:
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

/// Writes a file atomically with mode 0600 (the answer file to upload, which holds secrets).
enum AtomicFileWriter {
    static func write(_ text: String, to path: String) throws {
        try AtomicFile.write(text, to: path, mode: 0o600)
    }
}

/// Reads engine-setup's SUMMARY for the engine's web address: the lines after "Web access is enabled at:",
/// the https one preferred.
struct WebAddressReader {
    private(set) var address: String?
    private var inList = false

    mutating func take(_ line: String) {
        let text = String(OtopiConsoleParser.stripColor(line)).trimmingCharacters(in: .whitespaces)
        if text == "Web access is enabled at:" {
            inList = true
        } else if inList, text.hasPrefix("http://") || text.hasPrefix("https://") {
            if address == nil || (text.hasPrefix("https://") && address?.hasPrefix("https://") == false) { address = text }
        } else {
            inList = false
        }
    }
}
