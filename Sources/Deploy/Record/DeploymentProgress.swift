import Foundation
import OtopiKit
import SSHKit

/// What is known about each host's run, built from the runner's events; the panes and the recap show it.
/// A value type updated by `apply`, so views stay functions of it.
package struct DeploymentProgress: Sendable, Equatable {
    package enum Phase: String, Sendable, Equatable {
        case pending, connecting, running, waiting, prompt, succeeded, failed, cancelled, notRun
    }

    package struct Host: Sendable, Equatable {
        package var name: String
        package var tool: DeployTool?
        package var phase: Phase = .pending
        package var stepIndex = 0
        package var totalSteps = 0
        package var stepTitle = ""
        package var stepStarted: Date?
        package var hostStarted: Date?
        package var finishedAt: Date?
        package var stagesSeen = 0
        package var stageName: String?
        /// The tool's milestones (hosted-engine 4.5): reached, of how many, the last one's name.
        package var milestone: (ordinal: Int, total: Int)? {
            get { milestoneOrdinal.map { ($0, milestoneTotal) } }
            set { milestoneOrdinal = newValue?.ordinal; milestoneTotal = newValue?.total ?? 0 }
        }
        var milestoneOrdinal: Int?
        var milestoneTotal = 0
        /// hosted-engine 4.5 waits at its lock file.
        package var lockPause: LockFilePause?
        package var lastOutput: Date?
        package var quietSeconds: Double = 0
        package var transfer: (done: Int64, total: Int64)? {
            get { transferDone.map { ($0, transferTotal) } }
            set { transferDone = newValue?.done; transferTotal = newValue?.total ?? 0 }
        }
        var transferDone: Int64?
        var transferTotal: Int64 = 0
        /// The last output lines: the newest `tailLimit` (fewer when there were fewer).
        package var tail: [String] { recent.last(DeploymentProgress.tailLimit) }
        /// The newest `n` lines of `tail`; what a pane shows.
        package func lastLines(_ n: Int) -> [String] { recent.last(min(n, DeploymentProgress.tailLimit)) }
        var recent = OutputTail(limit: DeploymentProgress.tailLimit)
        package var lineCount = 0
        package var warnings = 0
        package var prompt: OtopiPrompt?
        package var failure: StepFailure?
        package var outcome: HostOutcome?
        /// The engine's web address, once engine-setup's SUMMARY gave it (run now or in an earlier run).
        package var webAddress: String?
        /// Steps done, verified, skipped in this run.
        package var done = 0, verified = 0, skipped = 0

        package init(name: String) { self.name = name }

        /// Progress of the whole host from 0 to 1: finished steps, plus the running otopi step's Stage lines.
        package var fraction: Double {
            guard totalSteps > 0 else { return 0 }
            if phase == .succeeded { return 1 }
            let finished = Double(max(0, stepIndex - 1))
            var current = 0.0
            if tool != nil, stagesSeen > 0 { current = min(1, Double(stagesSeen) / Double(OtopiConsoleParser.stagesOnSuccess)) }
            if let milestone, milestone.total > 0 { current = min(1, Double(milestone.ordinal) / Double(milestone.total)) }
            if let transfer, transfer.total > 0 { current = Double(transfer.done) / Double(transfer.total) }
            return min(1, (finished + current) / Double(totalSteps))
        }
    }

    package static let tailLimit = 200
    package private(set) var hosts: [Host]

    package init(hostNames: [String]) {
        hosts = hostNames.map(Host.init)
    }

    package func host(_ name: String) -> Host? { hosts.first { $0.name == name } }

    package mutating func apply(_ event: RunEvent, at now: Date = Date()) {
        func update(_ name: String, _ body: (inout Host) -> Void) {
            guard let i = hosts.firstIndex(where: { $0.name == name }) else { return }
            body(&hosts[i])
        }
        switch event {
        case let .hostStarted(host, tool, steps):
            update(host) { h in
                h.tool = tool
                h.totalSteps = steps
                h.phase = .connecting
                h.hostStarted = now
            }
        case .connected:
            break
        case .logNote:
            break
        case let .note(host, text):
            update(host) { h in
                h.recent.append("ovirt-wizard: " + text)
            }
        case let .stepStarted(host, index, total, _, title, _, _):
            update(host) { h in
                h.phase = .running
                h.stepIndex = index
                h.totalSteps = total
                h.stepTitle = title
                h.stepStarted = now
                h.lastOutput = now
                h.quietSeconds = 0
                h.stagesSeen = 0
                h.stageName = nil
                h.milestone = nil
                h.lockPause = nil
                h.transfer = nil
                h.prompt = nil
                h.failure = nil
            }
        case let .stepVerified(host, index, total, _, title, _, outputs):
            update(host) { h in
                if let web = outputs.webAddress { h.webAddress = web }
                h.stepIndex = index
                h.totalSteps = total
                h.stepTitle = title
                h.verified += 1
            }
        case let .waiting(host, index, _, _, _):
            update(host) { h in
                h.phase = .waiting
                h.stepIndex = index
            }
        case let .output(host, line, _):
            update(host) { h in
                h.recent.append(line)
                h.lineCount += 1
                h.lastOutput = now
                h.quietSeconds = 0
            }
        case let .outputLines(host, lines, _):
            update(host) { h in
                h.recent.append(lines)
                h.lineCount += lines.count
                h.lastOutput = now
                h.quietSeconds = 0
            }
        case let .stage(host, ordinal, name):
            update(host) { h in
                h.stagesSeen = ordinal
                h.stageName = name
            }
        case let .milestone(host, ordinal, total, name):
            update(host) { h in
                h.milestone = (ordinal, total)
                h.stageName = name
                h.lockPause = nil
            }
        case let .lockFilePause(host, pause):
            update(host) { h in h.lockPause = pause }
        case let .otopiLog(host, level, _):
            update(host) { h in if level != .info { h.warnings += 1 } }
        case let .transfer(host, done, total):
            update(host) { h in
                h.transfer = (done, total)
                h.lastOutput = now
            }
        case let .heartbeat(host, _, quiet):
            update(host) { h in h.quietSeconds = quiet }
        case let .prompt(host, prompt):
            update(host) { h in
                h.phase = .prompt
                h.prompt = prompt
            }
        case let .promptAnswered(host, _):
            update(host) { h in
                h.phase = .running
                h.prompt = nil
            }
        case let .stepFinished(host, _, _, _, status, _, _, end):
            update(host) { h in
                if let web = end.outputs.webAddress { h.webAddress = web }
                switch status {
                case .done: h.done += 1
                case .verified: h.verified += 1
                case .skipped: h.skipped += 1
                default: break
                }
                h.transfer = nil
                if h.phase != .failed { h.phase = .running }
            }
        case .stepFailed(let failure):
            update(failure.host) { h in
                h.phase = .failed
                h.failure = failure
            }
        case let .hostFinished(host, outcome):
            update(host) { h in
                h.outcome = outcome
                h.finishedAt = now
                h.prompt = nil
                switch outcome {
                case .succeeded: h.phase = .succeeded
                case .failed: h.phase = .failed
                case .cancelled: h.phase = .cancelled
                case .notRun: h.phase = .notRun
                }
            }
        }
    }

    package var allFinished: Bool { hosts.allSatisfy { $0.outcome != nil } }
}

/// A host's newest output lines, kept as they came (single lines, and blocks of a read's lines): a block's
/// lines become Strings only when shown, so a flooding step costs the panes one append per read, not per line.
/// Trimmed in chunks, so that a line costs the same however long the output runs (trimming on every line moved
/// 200 strings per line: 11% of the wizard's CPU while a step printed 1 GB).
struct OutputTail: Sendable, Equatable {
    enum Piece: Sendable, Equatable {
        case line(String)
        case block(OutputLines)
        var count: Int {
            switch self {
            case .line: return 1
            case .block(let block): return block.count
            }
        }
    }
    let limit: Int
    private var pieces: [Piece] = []
    private var lines = 0

    init(limit: Int) { self.limit = limit }

    mutating func append(_ line: String) { add(.line(line)) }
    mutating func append(_ block: OutputLines) { if block.count > 0 { add(.block(block)) } }

    private mutating func add(_ piece: Piece) {
        pieces.append(piece)
        lines += piece.count
        guard lines >= 2 * limit else { return }
        // Keep the fewest newest pieces that still hold `limit` lines.
        var drop = 0
        while drop < pieces.count - 1 && lines - pieces[drop].count >= limit {
            lines -= pieces[drop].count
            drop += 1
        }
        if drop > 0 { pieces.removeFirst(drop) }
    }

    /// The newest `n` lines, oldest first.
    func last(_ n: Int) -> [String] {
        var out: [[String]] = []
        var wanted = n
        for piece in pieces.reversed() where wanted > 0 {
            switch piece {
            case .line(let line): out.append([line])
            case .block(let block): out.append(block.suffix(wanted))
            }
            wanted -= piece.count
        }
        return out.reversed().flatMap { $0 }
    }
}

/// Durations as the panes and progress lines show them: `42s`, `3m05s`, `1h02m`.
package func formatDuration(_ seconds: Double) -> String {
    let s = max(0, Int(seconds))
    if s < 60 { return "\(s)s" }
    if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
    return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
}

/// Bytes as `12.0 MiB`.
package func formatBytes(_ bytes: Int64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f", value) + " " + units[unit]
}
