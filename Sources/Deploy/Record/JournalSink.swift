import Foundation

/// Turns step events into journal records. The append returns once the record is on disk, so a step's start
/// is recorded before any other sink hears of it (the journal sink comes first).
final class JournalSink: RunSink, Sendable {
    let journal: Journal

    init(journal: Journal) { self.journal = journal }

    var path: String { journal.path }

    func take(_ event: RunEvent) throws {
        switch event {   // the common cases, first
        case .output, .outputLines: return
        default: break
        }
        guard let record = Self.record(for: event) else { return }
        try journal.append(record)
    }

    func recordRun(started resume: Bool) throws {
        try journal.append(JournalRecord(kind: .runStarted, detail: resume ? "resume" : "start", pid: getpid()))
    }

    func recordRun(endedWithFailures failed: Int) throws {
        try journal.append(JournalRecord(kind: .runEnded, detail: failed == 0 ? "all hosts succeeded" : "\(failed) host(s) did not finish",
                                         pid: getpid()))
    }

    /// The journal line for an event; nil for events the journal does not keep (output, stages, transfers…).
    static func record(for event: RunEvent) -> JournalRecord? {
        switch event {
        case let .stepStarted(host, index, _, step, _, _, digest):
            return JournalRecord(kind: .stepStarted, host: host, step: step, index: index, digest: digest, pid: getpid())
        case let .stepVerified(host, index, _, step, _, digest, outputs):
            return JournalRecord(kind: .stepEnded, host: host, step: step, index: index, digest: digest, status: .verified,
                                 outputs: outputs.journal)
        case let .stepFinished(host, index, _, step, status, seconds, detail, end):
            let ran = status != .skipped
            let outputs = end.outputs.isEmpty ? nil : end.outputs.journal
            return JournalRecord(kind: .stepEnded, host: host, step: step, index: index, digest: end.digest, status: status,
                                 exitCode: ran ? end.exitCode : nil, seconds: ran ? seconds : nil,
                                 detail: end.after.map { "\(detail ?? "") after: \($0)" } ?? detail, outputs: outputs)
        case .stepFailed(let failure):
            return JournalRecord(kind: .stepEnded, host: failure.host, step: failure.step, index: failure.index, digest: failure.digest,
                                 status: .failed, exitCode: failure.exitCode, seconds: failure.seconds, detail: failure.reason)
        default:
            return nil
        }
    }
}
