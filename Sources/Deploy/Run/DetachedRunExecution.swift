import Foundation
import HostOps
import OtopiKit
import SSHKit
import Synchronization

/// A step whose command runs detached on the host (`PlanStep.detached`): started in a session of its own, then
/// followed through its log from a byte offset. When the SSH connection drops (hosted-engine 4.5 moves the host's
/// address onto the ovirtmgmt bridge) the command goes on; the wizard reconnects and follows on from the byte it
/// had reached, then reads the exit status the run wrote. Ctrl-C stops the following, not the run.
extension HostRun {
    /// How often the wizard tries to reach the host again after losing it, and the longest wait between tries.
    static let reconnectAttempts = 60
    static let reconnectPause: Double = 10

    func runDetached(_ command: RemoteCommand, _ detached: DetachedRun, step: PlanStep, on first: any RemoteHost) -> StepResult {
        let tool = command.argv.first ?? "the command"
        let asRoot = step.runsAsRoot
        // A wizard that stopped while the run went on finds it again instead of starting a second one.
        let attach = runner.options.resume && runner.previous.interrupted[host]?.contains(step.id) == true
        let started: CapturedOutput
        do {
            started = try first.capture(detached.start(command, digest: step.digest, attach: attach), options: ExecOptions(timeout: 120, asRoot: asRoot))
        } catch {
            return .failure(exitCode: nil, reason: "cannot start \(tool) detached on the host: \(error)", lastLines: [])
        }
        guard started.result.succeeded else {
            return .failure(exitCode: started.result.shellStatus,
                            reason: "cannot start \(tool) detached on the host: \(started.stderr.trimmingCharacters(in: .whitespacesAndNewlines))", lastLines: [])
        }
        let words = started.stdout.split(whereSeparator: \.isWhitespace).map(String.init)
        let pid = words.count > 1 ? words[1] : "?"
        switch words.first.flatMap(DetachedRun.Start.init(rawValue:)) {
        case .running?: emit(.note(host: host, text: "\(tool) started by an earlier run is still running on the host (PID \(pid)): following it from the start of \(detached.logPath)"))
        case .ended?: emit(.note(host: host, text: "\(tool) started by an earlier run ended while the wizard was away: reading \(detached.logPath) and its exit status"))
        default: note("\(tool) started detached on the host (PID \(pid)): output to \(detached.logPath), exit status to \(detached.statusPath); a lost connection does not stop it")
        }

        let control = ExecControl()
        runner.controls.withLock { $0[host] = control }
        defer { _ = runner.controls.withLock { $0.removeValue(forKey: host) } }
        if runner.isCancelled { control.cancel() }

        let follower = DetachedFollower(run: self, detached: detached, asRoot: asRoot)
        var offset: Int64 = 0
        var stdoutLines = LineSplitter()
        var stderrText = ""
        var attempts = 0
        var lostAt: Int64?
        let stopped = "stopped following \(tool) (Ctrl-C); it goes on on the host: its log is \(detached.logPath), and apply --resume follows it again"
        following: while true {
            if runner.isCancelled { return .failure(exitCode: nil, reason: stopped, lastLines: follower.tail.last) }
            let current: any RemoteHost
            do {
                current = try connect()
            } catch {
                attempts += 1
                guard attempts <= Self.reconnectAttempts else {
                    return .failure(exitCode: nil, reason: "lost the connection while \(tool) runs detached, and \(attempts - 1) attempts to reconnect failed (\(error)): it may still run on the host (log \(detached.logPath)); apply --resume follows it again", lastLines: follower.tail.last)
                }
                Thread.sleep(forTimeInterval: min(Self.reconnectPause, Double(attempts)))
                continue
            }
            if let at = lostAt {
                emit(.note(host: host, text: "reconnected: following \(tool)'s output again from byte \(at) (it went on while the connection was down)"))
                lostAt = nil
            }
            stderrText = ""
            do {
                let result = try current.execute(detached.follow(from: offset), options: ExecOptions(timeout: nil, control: control, ownChannel: true, asRoot: asRoot)) { stream, bytes in
                    runner.noteActivity(host)
                    if stream == .stdout {
                        offset += Int64(bytes.count)
                        stdoutLines.feed(bytes) { follower.take($0) }
                    } else {
                        stderrText += String(decoding: bytes, as: UTF8.self)
                    }
                }
                if result.succeeded { break following }
                stdoutLines.finish { follower.take($0) }
                let why = stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
                if follower.abortedAtPause {
                    return .failure(exitCode: nil, reason: "ended by the operator at hosted-engine's lock-file pause" + (follower.pauseReason.map { " (\($0))" } ?? "") + follower.cleanupAdvice, lastLines: follower.tail.last)
                }
                return .failure(exitCode: result.shellStatus, reason: why.isEmpty ? "following \(detached.logPath) failed: \(result)" : why, lastLines: follower.tail.last)
            } catch {
                if case SSHError.cancelled = error, runner.isCancelled {
                    return .failure(exitCode: nil, reason: stopped, lastLines: follower.tail.last)
                }
                // The link went down (or the follow channel broke): the run goes on; reach the host again.
                current.close()
                remote = nil
                attempts += 1
                guard attempts <= Self.reconnectAttempts else {
                    return .failure(exitCode: nil, reason: "lost the connection \(attempts) times while \(tool) runs detached (\(error)): it may still run on the host (log \(detached.logPath)); apply --resume follows it again", lastLines: follower.tail.last)
                }
                lostAt = offset
                emit(.note(host: host, text: "the connection was lost while \(tool) runs detached on the host (\(error)); reconnecting to follow it from byte \(offset)"))
            }
        }
        stdoutLines.finish { follower.take($0) }

        // The run ended and wrote its status.
        let status: Int32
        do {
            let out = try connect().capture(detached.readStatus, options: ExecOptions(timeout: 60, asRoot: asRoot))
            guard out.result.succeeded, let value = Int32(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                return .failure(exitCode: nil, reason: "cannot read \(tool)'s exit status from \(detached.statusPath): \(out.stderr)", lastLines: follower.tail.last)
            }
            status = value
        } catch {
            return .failure(exitCode: nil, reason: "cannot read \(tool)'s exit status from \(detached.statusPath): \(error)", lastLines: follower.tail.last)
        }
        let learned = StepOutputs(logFile: follower.parser.logFile, answerFile: follower.parser.answerFile)
        guard status == 0 else {
            var reason = "\(tool) exited with status \(status)"
            if follower.abortedAtPause {
                reason = "ended by the operator at hosted-engine's lock-file pause" + (follower.pauseReason.map { " (\($0))" } ?? "")
            } else if let cause = follower.console.failureSummary {
                reason += ": " + cause
            }
            if let stage = follower.stageFailure { reason += "; " + stage }
            if let log = follower.parser.logFile { reason += "; its log on the host: \(log)" }
            return .failure(exitCode: status, reason: reason + follower.cleanupAdvice, lastLines: follower.tail.last)
        }
        if case .marker(let path) = step.probe {
            do {
                let out = try connect().capture(StepMarker.write(path: path, digest: step.digest), options: ExecOptions(timeout: 60, asRoot: asRoot))
                guard out.result.succeeded else {
                    return .failure(exitCode: out.result.shellStatus, reason: "\(tool) succeeded, but the wizard's marker \(path) could not be written: \(out.stderr)", lastLines: follower.tail.last)
                }
            } catch {
                return .failure(exitCode: nil, reason: "\(tool) succeeded, but the wizard's marker \(path) could not be written: \(error)", lastLines: follower.tail.last)
            }
        }
        return .success(learned, detail: "\(follower.console.milestone)/\(HostedEngine45Console.milestoneCount) milestones")
    }
}

/// Reads the followed lines on the host run's thread: otopi stages, hosted-engine 4.5's milestones, warnings,
/// the failed task, and the lock-file pause, whose question goes to the operator on a thread of its own (the
/// deploy waits meanwhile; so does nothing else of the wizard).
final class DetachedFollower: @unchecked Sendable {
    let run: HostRun
    let detached: DetachedRun
    let asRoot: Bool
    var parser = OtopiConsoleParser()
    var console = HostedEngine45Console()
    var tail = Tail(limit: 15)
    var stageFailure: String?
    private let state = Mutex<(aborted: Bool, reason: String?, asked: Set<String>)>((false, nil, []))

    init(run: HostRun, detached: DetachedRun, asRoot: Bool) {
        self.run = run
        self.detached = detached
        self.asRoot = asRoot
    }

    var abortedAtPause: Bool { state.withLock { $0.aborted } }
    var pauseReason: String? { state.withLock { $0.reason } }
    /// What to do before deploying again (reference §5.6).
    var cleanupAdvice: String {
        "; before deploying again run ovirt-hosted-engine-cleanup -q on \(run.host) and empty the hosted-engine storage"
    }

    func take(_ raw: String) {
        let host = run.host
        let line = run.plan.masker.mask(raw)
        switch parser.feed(line) {
        case let .stage(ordinal, name): run.emit(.stage(host: host, ordinal: ordinal, name: name))
        case let .stageFailed(stage, reason): stageFailure = "stage '\(stage)' failed: \(reason)"
        default: break
        }
        for event in console.feed(line) {
            switch event {
            case let .milestone(ordinal, name):
                run.emit(.milestone(host: host, ordinal: ordinal, total: HostedEngine45Console.milestoneCount, name: name))
            case .warning(let text): run.emit(.otopiLog(host: host, level: .warning, message: text))
            case .error(let text): run.emit(.otopiLog(host: host, level: .error, message: text))
            case let .taskFailed(task, message):
                run.emit(.otopiLog(host: host, level: .error, message: (task.map { "task '\($0)' failed: " } ?? "a task failed: ") + message))
            case .lockFilePause(let pause):
                let first = state.withLock { $0.asked.insert(pause.lockFile).inserted }
                guard first else { break }
                run.emit(.lockFilePause(host: host, pause: pause))
                ask(pause)
            }
        }
        tail.append(line)
        run.emit(.output(host: host, line: line, stream: .stdout))
    }

    /// Asks the operator on another thread; removes the lock file or ends the run over a second connection.
    func ask(_ pause: LockFilePause) {
        let runner = run.runner
        let plan = run.plan
        let host = run.host
        let detached = self.detached
        let asRoot = self.asRoot
        let handler = runner.handler
        DispatchQueue.global().async { [self] in
            let decision = runner.runOperator.decideLockPause(pause, host: host)
            if decision == .leave || runner.isCancelled {
                handler.take(.note(host: host, text: "hosted-engine stays paused on the host: remove \(pause.lockFile) there to let it go on"))
                return
            }
            do {
                let second = try runner.connector.open(plan)
                defer { second.close() }
                switch decision {
                case .proceed:
                    let out = try second.capture(RemoteCommand(["rm", "-f", "--", pause.lockFile]), options: ExecOptions(timeout: 60, asRoot: asRoot))
                    guard out.result.succeeded else { throw DeploymentPlanner.Problem(description: out.stderr.trimmingCharacters(in: .whitespacesAndNewlines)) }
                    handler.take(.note(host: host, text: "removed \(pause.lockFile): hosted-engine goes on"))
                case .abort:
                    state.withLock { $0.aborted = true; $0.reason = pause.reason }
                    let out = try second.capture(detached.terminate, options: ExecOptions(timeout: 60, asRoot: asRoot))
                    guard out.result.succeeded else { throw DeploymentPlanner.Problem(description: out.stderr.trimmingCharacters(in: .whitespacesAndNewlines)) }
                    handler.take(.note(host: host, text: "ended hosted-engine at its lock-file pause, as asked"))
                case .leave: break
                }
            } catch {
                handler.take(.note(host: host, text: "could not \(decision == .proceed ? "remove \(pause.lockFile)" : "end hosted-engine") over a second connection (\(error)): do it on the host yourself"))
            }
        }
    }
}

