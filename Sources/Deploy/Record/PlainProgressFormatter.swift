import Foundation
import OtopiKit

/// Turns runner events into host-prefixed lines for pipes and CI (`apply --plain`): steps, otopi stages,
/// warnings, heartbeats, transfers in 10% steps, failures with their last lines, and the recap.
package struct PlainProgressFormatter: Sendable {
    /// Also print every output line (`--verbose`).
    package var verbose: Bool
    var lastTransferDecile: [String: Int64] = [:]
    var tools: [String: DeployTool] = [:]

    package init(verbose: Bool = false) { self.verbose = verbose }

    package mutating func lines(for event: RunEvent) -> [String] {
        // A multi-line script in a step's command keeps the host prefix on each of its lines.
        unprefixedLines(for: event).flatMap { line -> [String] in
            guard line.contains("\n"), line.hasPrefix("["), let close = line.range(of: "] ") else { return [line] }
            let prefix = String(line[..<close.upperBound])
            let parts = line.split(separator: "\n", omittingEmptySubsequences: false)
            return [String(parts[0])] + parts.dropFirst().map { prefix + "    " + $0 }
        }
    }

    mutating func unprefixedLines(for event: RunEvent) -> [String] {
        switch event {
        case let .hostStarted(host, tool, steps):
            tools[host] = tool
            return ["[\(host)] \(tool.rawValue): \(steps) steps"]
        case let .connected(host, detail):
            return ["[\(host)] connected (\(detail))"]
        case let .stepStarted(host, index, total, _, title, action, _):
            lastTransferDecile[host] = nil
            return ["[\(host)] step \(index)/\(total) \(title): \(action)"]
        case let .stepVerified(host, index, total, _, title, _, _):
            return ["[\(host)] step \(index)/\(total) \(title): done before, probe passed, not run again"]
        case let .waiting(host, index, _, _, refs):
            return ["[\(host)] step \(index) waits for \(refs.map(\.description).joined(separator: ", "))"]
        case let .output(host, line, _):
            return verbose ? ["[\(host)] | \(line)"] : []
        case let .outputLines(host, lines, _):
            return verbose ? lines.lines.map { "[\(host)] | \($0)" } : []
        case let .stage(host, ordinal, name):
            return ["[\(host)] \(tools[host]?.rawValue ?? "otopi") stage \(ordinal)/\(OtopiConsoleParser.stagesOnSuccess): \(name)"]
        case let .otopiLog(host, level, message):
            return ["[\(host)] \(level.rawValue): \(message)"]
        case let .milestone(host, ordinal, total, name):
            return ["[\(host)] \(tools[host]?.rawValue ?? "the tool") \(ordinal)/\(total): \(name)"]
        case let .lockFilePause(host, pause):
            var out = ["[\(host)] PAUSED: hosted-engine added the host to the bootstrap engine, but the host is not up; the deploy waits until \(pause.lockFile) is removed"]
            if let reason = pause.reason { out.append("[\(host)]   the engine says: \(reason)") }
            if let url = pause.engineURL { out.append("[\(host)]   fix the host in the bootstrap engine: \(url)") }
            return out
        case let .transfer(host, done, total):
            let decile = total > 0 ? done * 10 / total : 10
            guard decile != lastTransferDecile[host] else { return [] }
            lastTransferDecile[host] = decile
            return ["[\(host)] upload \(decile * 10)% (\(formatBytes(done)) of \(formatBytes(total)))"]
        case let .heartbeat(host, elapsed, quiet):
            return ["[\(host)] still running (\(formatDuration(elapsed)) so far, no output for \(formatDuration(quiet)))"]
        case let .prompt(host, prompt):
            var out = ["[\(host)] \(tools[host]?.rawValue ?? "the tool") asks:"]
            out += prompt.context.suffix(12).map { "[\(host)]   \($0)" }
            out.append("[\(host)]   \(prompt.text)")
            return out
        case let .promptAnswered(host, answer):
            return ["[\(host)] answered: \(answer.isEmpty ? "(default)" : answer)"]
        case let .stepFinished(host, index, total, _, status, seconds, detail, _):
            let extra = detail.map { " (\($0))" } ?? ""
            switch status {
            case .done: return ["[\(host)] step \(index)/\(total) done in \(formatDuration(seconds))\(extra)"]
            case .skipped: return ["[\(host)] step \(index)/\(total) skipped\(extra)"]
            case .cancelled: return ["[\(host)] step \(index)/\(total) cancelled\(extra)"]
            default: return []
            }
        case .stepFailed(let f):
            var out = ["[\(f.host)] FAILED step \(f.index)/\(f.total) \(f.title)" + (f.exitCode.map { " (exit code \($0))" } ?? "") + ": \(f.reason)"]
            if !f.lastLines.isEmpty {
                out.append("[\(f.host)]   last output:")
                out += f.lastLines.suffix(10).map { "[\(f.host)]   | \($0)" }
            }
            out.append("[\(f.host)]   log: \(f.logPath)")
            if f.skipIsSafe {
                out.append("[\(f.host)]   may be skipped (\(f.skipNote)): apply --plain --resume --skip \(f.host):\(f.step)")
            }
            return out
        case let .note(host, text):
            return ["[\(host)] \(text)"]
        case .logNote:
            return []
        case let .hostFinished(host, outcome):
            switch outcome {
            case .succeeded: return ["[\(host)] finished"]
            case let .failed(step, _): return ["[\(host)] stopped at step \(step)"]
            case .cancelled: return ["[\(host)] cancelled"]
            case .notRun(let why): return ["[\(host)] not run: \(why)"]
            }
        }
    }

    /// One line per host: outcome, steps done/verified/skipped, time, log.
    /// `answerFiles`: each host's answer file (the engine's next step names it).
    package static func recap(_ progress: DeploymentProgress, logPath: (String) -> String, now: Date = Date(),
                              answerFiles: [String: String] = [:]) -> [String] {
        var out = ["Recap:"]
        let width = progress.hosts.map(\.name.count).max() ?? 0
        for h in progress.hosts {
            let outcome: String
            switch h.outcome {
            case .succeeded?: outcome = "ok"
            case .failed(let step, _)?: outcome = "FAILED at \(step)"
            case .cancelled?: outcome = "cancelled"
            case .notRun(let why)?: outcome = "not run (\(why))"
            case nil: outcome = "unfinished"
            }
            let elapsed = h.hostStarted.map { formatDuration((h.finishedAt ?? now).timeIntervalSince($0)) } ?? "-"
            let name = h.name + String(repeating: " ", count: max(0, width - h.name.count))
            out.append("  \(name)  \(outcome); \(h.done) run, \(h.verified) verified, \(h.skipped) skipped of \(h.totalSteps); \(elapsed); log \(logPath(h.name))")
        }
        return out + engineLines(progress, answerFiles: answerFiles)
    }

    /// The engine an engine-setup run set up (its SUMMARY's web address), and what comes next: the platform flow
    /// reads the answer file the engine came from. Empty when no engine-setup run succeeded.
    static func engineLines(_ progress: DeploymentProgress, answerFiles: [String: String]) -> [String] {
        var out: [String] = []
        for h in progress.hosts where h.outcome == .succeeded {
            guard let web = h.webAddress else { continue }
            let file = answerFiles[h.name] ?? "FILE"
            out += ["", "The engine on \(h.name): \(web) (from engine-setup's summary; log in as admin@internal)",
                    "Next, the hosts and storage domains (the seed's chapter 13): ovirt-wizard --flow platform --engine-answers \(file)"]
        }
        return out
    }
}
