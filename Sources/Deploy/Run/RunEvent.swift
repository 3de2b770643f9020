import Foundation
import OtopiKit
import SSHKit

/// What the runner reports while it works; every text is already masked. The host run only emits these: the
/// journal, the host log and the panes (`RunSink`s) each take what they need from them.
package enum RunEvent: Sendable {
    case hostStarted(host: String, tool: DeployTool, steps: Int)
    case connected(host: String, detail: String)
    case stepStarted(host: String, index: Int, total: Int, step: String, title: String, action: String, digest: String)
    /// Recorded done in the journal and its probe passed: not run again.
    case stepVerified(host: String, index: Int, total: Int, step: String, title: String, digest: String, outputs: StepOutputs)
    case waiting(host: String, index: Int, total: Int, step: String, for: [StepReference])
    case output(host: String, line: String, stream: ExecStream = .stdout)
    /// Lines of a command's output as one read brought them (plain `run` steps, which may print gigabytes);
    /// the same as one `.output` per line.
    case outputLines(host: String, lines: OutputLines, stream: ExecStream = .stdout)
    case stage(host: String, ordinal: Int, name: String)
    case otopiLog(host: String, level: OtopiLogLevel, message: String)
    /// A tool's progress beyond otopi stages (hosted-engine 4.5's milestones, `HostedEngine45Console`).
    case milestone(host: String, ordinal: Int, total: Int, name: String)
    /// hosted-engine 4.5 waits at its lock file; the operator is asked to continue or abort (`RunOperator`).
    case lockFilePause(host: String, pause: LockFilePause)
    case transfer(host: String, done: Int64, total: Int64)
    case heartbeat(host: String, elapsed: Double, quiet: Double)
    case prompt(host: String, prompt: OtopiPrompt)
    case promptAnswered(host: String, answer: String)
    case stepFinished(host: String, index: Int, total: Int, step: String, status: StepStatus, seconds: Double, detail: String?, end: StepEnd)
    case stepFailed(StepFailure)
    case hostFinished(host: String, outcome: HostOutcome)
    /// Something the operator should know (a step interrupted by a crash runs again, say).
    case note(host: String, text: String)
    /// A line for the host's log only (what was uploaded or fetched, a retry, why a step runs again).
    case logNote(host: String, text: String)
}

/// What the journal keeps of a step's end beyond what the panes show.
package struct StepEnd: Sendable, Equatable {
    package var digest: String
    /// The remote exit code, when a command ran to an end.
    package var exitCode: Int32?
    package var outputs: StepOutputs
    /// What the status followed (the failure an operator skipped), for the journal's detail.
    package var after: String?

    package init(digest: String, exitCode: Int32? = nil, outputs: StepOutputs = StepOutputs(), after: String? = nil) {
        self.digest = digest
        self.exitCode = exitCode
        self.outputs = outputs
        self.after = after
    }
}

/// A step that did not succeed, with what the operator needs to decide.
package struct StepFailure: Sendable, Equatable {
    package var host: String
    package var index: Int
    package var total: Int
    package var step: String
    package var title: String
    /// The remote exit code, when the command ran to an end.
    package var exitCode: Int32?
    package var reason: String
    package var lastLines: [String]
    package var logPath: String
    package var skipIsSafe: Bool
    package var skipNote: String
    /// For the journal: what the step was and how long it ran.
    package var digest = ""
    package var seconds: Double = 0

    package var summary: String {
        "\(host): step \(index)/\(total) \(title) failed" + (exitCode.map { " (exit code \($0))" } ?? "") + ": \(reason)"
    }
}

package enum FailureDecision: Sendable, Equatable {
    case retry, skip, abort
}

package enum HostOutcome: Sendable, Equatable {
    case succeeded
    case failed(step: String, reason: String)
    case cancelled
    /// It could not start (no connection), or a step it waits for on another host failed.
    case notRun(String)

    package var succeeded: Bool { self == .succeeded }
}

/// Who decides what the runner cannot: failures (retry, skip, abort) and the tools' questions. Called on the
/// hosts' threads; may block until the operator answers.
package protocol RunOperator: Sendable {
    func decide(_ failure: StepFailure) -> FailureDecision
    /// The answer to send (without newline), or nil to stop the step.
    func answer(_ prompt: OtopiPrompt, host: String, consolePassword: String?) -> String?
    /// hosted-engine 4.5 paused at its lock file (the host added but not up): fix the host and go on (the wizard
    /// removes the file), or end the deploy.
    func decideLockPause(_ pause: LockFilePause, host: String) -> LockPauseDecision
}

extension RunOperator {
    /// Operators that cannot ask anybody end the deploy: nobody would fix the host.
    package func decideLockPause(_ pause: LockFilePause, host: String) -> LockPauseDecision { .abort }
}
