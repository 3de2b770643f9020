import Foundation

/// Writes one host's events to its log file (`logs/HOST.log`): the output lines, and a `===` line for each
/// step's start and end. Flushed and fsync'd when a step ends.
final class HostLogSink: RunSink {
    let log: HostLog

    /// Opens the log and writes the run's header line.
    init(path: String, plan: HostPlan, resume: Bool) throws {
        log = try HostLog(path: path)
        log.line("=== ovirt-wizard apply \(resume ? "--resume " : "")\(JournalRecord.format(Date())) PID \(getpid()): \(plan.tool.rawValue) on \(plan.name) (\(plan.platform)) ===")
    }

    func take(_ event: RunEvent) {
        switch event {
        case let .output(_, line, stream):
            log.line(stream == .stderr ? "stderr: " + line : line)
        case let .outputLines(_, lines, stream):
            log.lines(lines, prefix: stream == .stderr ? "stderr: " : "")
        case let .connected(_, detail):
            log.line("connected: \(detail)")
        case let .waiting(_, index, total, step, refs):
            log.line("=== step \(index)/\(total) \(step): waiting for \(refs.map(\.description).joined(separator: ", ")) ===")
        case let .stepVerified(_, index, total, step, _, _, _):
            log.line("=== step \(index)/\(total) \(step): done in an earlier run, probe passed: not run again ===")
        case let .stepStarted(_, index, total, step, _, action, _):
            log.line("=== step \(index)/\(total) \(step): \(action) ===")
        case let .stepFinished(_, index, total, step, status, seconds, detail, end):
            switch status {
            case .done:
                log.line("=== step \(index)/\(total) \(step): done in \(String(format: "%.1f", seconds))s ===")
            case .skipped where end.after != nil:
                log.line("=== step \(index)/\(total) \(step): skipped by the operator ===")
            case .cancelled:
                log.line("=== step \(index)/\(total) \(step): cancelled: \(detail ?? "") ===")
            default:
                break
            }
            log.flush(sync: true)
        case .stepFailed(let failure):
            log.line("=== step \(failure.index)/\(failure.total) \(failure.step): failed: \(failure.reason) ===")
            log.flush(sync: true)
        case let .note(_, text):
            log.line("=== \(text) ===")
        case let .logNote(_, text):
            log.line(text)
        default:
            break
        }
    }

    func close() { log.flush(sync: true) }
}
