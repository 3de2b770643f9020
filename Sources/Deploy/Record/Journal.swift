import Foundation
import Synchronization

/// How a step ended, as the journal records it.
package enum StepStatus: String, Codable, Sendable {
    /// It ran and succeeded.
    case done
    /// Recorded done earlier; its postcondition probe passed on resume, so it was not run again.
    case verified
    /// The operator skipped it (only where skipping is safe).
    case skipped
    case failed
    /// Stopped by Ctrl-C or an abort.
    case cancelled

    /// Counts as finished for the steps after it.
    package var isFinished: Bool { self == .done || self == .verified || self == .skipped }
}

/// One journal line (JSON). Never holds a secret: details are masked before they get here.
package struct JournalRecord: Codable, Sendable, Equatable {
    package enum Kind: String, Codable, Sendable {
        case runStarted = "run-started"
        case stepStarted = "step-started"
        case stepEnded = "step-ended"
        case runEnded = "run-ended"
    }

    package var kind: Kind
    package var time: String
    package var pid: Int32?
    package var host: String?
    package var step: String?
    /// 1-based position of the step in its host's plan.
    package var index: Int?
    package var digest: String?
    package var status: StepStatus?
    package var exitCode: Int32?
    package var seconds: Double?
    package var detail: String?
    /// Paths learned while running (`logFile`, `answerFile`, `fetchedAnswerFile`, `noAnswerFile`): `StepOutputs`
    /// in the journal's form.
    package var outputs: [String: String]?

    package init(kind: Kind, host: String? = nil, step: String? = nil, index: Int? = nil, digest: String? = nil,
                status: StepStatus? = nil, exitCode: Int32? = nil, seconds: Double? = nil, detail: String? = nil,
                outputs: [String: String]? = nil, time: Date = Date(), pid: Int32? = nil) {
        self.kind = kind
        self.time = Self.format(time)
        self.pid = pid
        self.host = host
        self.step = step
        self.index = index
        self.digest = digest
        self.status = status
        self.exitCode = exitCode
        self.seconds = seconds
        self.detail = detail
        self.outputs = outputs
    }

    /// `2026-12-04T15:27:43.123Z`, as ISO8601DateFormatter writes it with fractional seconds (to the nearest
    /// millisecond). Made by hand: a formatter per record opened an ICU formatter each time, a tenth of the
    /// wizard's CPU with many hosts (two records per step and host).
    static func format(_ date: Date) -> String {
        let total = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = time_t(total >= 0 ? total / 1000 : (total - 999) / 1000)
        let millis = Int(total - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(digits(parts.tm_year + 1900, 4))-\(digits(parts.tm_mon + 1, 2))-\(digits(parts.tm_mday, 2))T"
            + "\(digits(parts.tm_hour, 2)):\(digits(parts.tm_min, 2)):\(digits(parts.tm_sec, 2)).\(digits(Int32(millis), 3))Z"
    }
}

/// The append-only journal of a deployment: one JSON line per event, each written with one `write` and
/// fsync'd before the step goes on, so a SIGKILL or power loss leaves every line written so far.
/// Hosts append from their own threads; one fsync covers every line written before it (group commit), so
/// parallel hosts do not queue behind each other's syncs.
package final class Journal: Sendable {
    package let path: String
    private let fd: Int32
    /// Orders writes (and truncations) of lines.
    private let writes = Mutex(WriteState())
    /// One fsync at a time; the file size known to be on disk.
    private let synced: Mutex<off_t>

    private struct WriteState {
        /// Bumped when unsynced lines were cut off after a failed fsync: lines written before that are gone and
        /// their appends fail.
        var truncations = 0
        var lastSyncFailure = ""
    }

    package struct Failure: Error, Sendable, CustomStringConvertible {
        package var path: String
        package var reason: String
        package var description: String { "\(path): \(reason)" }
    }

    package init(path: String) throws {
        self.path = path
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(path: path, reason: "cannot open the journal: \(String(cString: strerror(errno)))") }
        self.fd = fd
        // A line torn by a crash mid-write must not glue onto the next record.
        var info = stat()
        if fstat(fd, &info) == 0, info.st_size > 0, let last = Self.lastByte(path), last != UInt8(ascii: "\n") {
            _ = "\n".withCString { write(fd, $0, 1) }
        }
        synced = Mutex(fstat(fd, &info) == 0 ? info.st_size : 0)
    }

    deinit { close(fd) }

    package func append(_ record: JournalRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(record)
        data.append(UInt8(ascii: "\n"))
        let (end, generation) = try writes.withLock { state throws(Failure) -> (off_t, Int) in
            var info = stat()
            let before = fstat(fd, &info) == 0 ? info.st_size : -1
            let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == data.count else {
                // A short write (ENOSPC after part of the line) would leave a torn line: cut it off again.
                let reason = written < 0 ? String(cString: strerror(errno)) : "\(String(cString: strerror(ENOSPC))) (\(written) of \(data.count) bytes written)"
                if before >= 0 { _ = ftruncate(fd, before) }
                throw Failure(path: path, reason: "cannot append to the journal: \(reason)")
            }
            return (before + off_t(data.count), state.truncations)
        }
        try synced.withLock { syncedEnd throws(Failure) in
            let (truncations, lastFailure) = writes.withLock { ($0.truncations, $0.lastSyncFailure) }
            if truncations != generation {
                throw Failure(path: path, reason: "cannot sync the journal to disk: \(lastFailure)")
            }
            if end <= syncedEnd { return }   // another append's fsync already covered this line
            var info = stat()
            let target = writes.withLock { _ in fstat(fd, &info) == 0 ? info.st_size : end }
            guard fsync(fd) == 0 else {
                let reason = String(cString: strerror(errno))
                // Not on disk for sure, so not recorded: take back every line since the last good sync (their
                // appends fail too) rather than leave lines that may vanish.
                writes.withLock { state in
                    _ = ftruncate(fd, syncedEnd)
                    state.truncations += 1
                    state.lastSyncFailure = reason
                }
                throw Failure(path: path, reason: "cannot sync the journal to disk: \(reason)")
            }
            syncedEnd = max(syncedEnd, target)
        }
    }

    /// Every complete record, and a warning per line that could not be read (a line cut short by a crash).
    package static func read(path: String) -> (records: [JournalRecord], warnings: [String]) {
        guard let data = FileManager.default.contents(atPath: path) else { return ([], []) }
        var records: [JournalRecord] = []
        var warnings: [String] = []
        let decoder = JSONDecoder()
        for (number, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            if let record = try? decoder.decode(JournalRecord.self, from: Data(line)) {
                records.append(record)
            } else {
                warnings.append("\(path):\(number + 1): unreadable journal line ignored (cut short by a crash?)")
            }
        }
        return (records, warnings)
    }

    static func lastByte(_ path: String) -> UInt8? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let end = try? handle.seekToEnd(), end > 0 else { return nil }
        try? handle.seek(toOffset: end - 1)
        return (try? handle.read(upToCount: 1))?.first
    }
}

/// What the journal says about each host's steps: the last end record of each step.
package struct JournalState: Sendable {
    package struct Entry: Sendable, Equatable {
        package var status: StepStatus
        package var digest: String?
        package var outputs: StepOutputs
    }

    package private(set) var steps: [String: [String: Entry]] = [:]
    /// Steps that started and never ended (the wizard was killed during them).
    package private(set) var interrupted: [String: Set<String>] = [:]

    package init(records: [JournalRecord]) {
        for record in records {
            guard let host = record.host, let step = record.step else { continue }
            switch record.kind {
            case .stepStarted:
                interrupted[host, default: []].insert(step)
            case .stepEnded:
                interrupted[host]?.remove(step)
                guard let status = record.status else { continue }
                var outputs = steps[host]?[step]?.outputs ?? StepOutputs()
                outputs.merge(StepOutputs(journal: record.outputs ?? [:]))
                steps[host, default: [:]][step] = Entry(status: status, digest: record.digest, outputs: outputs)
            default: break
            }
        }
    }

    package func entry(host: String, step: String) -> Entry? { steps[host]?[step] }
}

/// Stops two wizards from acting on the same deployment: an exclusive `flock` on a file holding the PID.
/// The kernel drops the lock when the process dies, even by SIGKILL, so a stale lock never blocks a resume.
package final class DeploymentLock: Sendable {
    package let path: String
    private let fd: Int32

    package struct Busy: Error, Sendable, CustomStringConvertible {
        package var path: String
        package var holder: String
        package var description: String {
            "another ovirt-wizard (\(holder)) is applying this deployment; lock \(path). Wait for it to finish or stop it first."
        }
    }

    package init(path: String) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Journal.Failure(path: path, reason: "cannot open the lock file: \(String(cString: strerror(errno)))") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw Busy(path: path, holder: holder.map { $0.isEmpty ? "PID unknown" : $0 } ?? "PID unknown")
        }
        let text = "PID \(getpid()) on \(ProcessInfo.processInfo.hostName)\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        _ = fsync(fd)
    }

    /// Releases the lock (also released when the process ends).
    package func release() {
        _ = flock(fd, LOCK_UN)
        close(fd)
    }
}

/// Where a deployment keeps its files: a folder beside the (first) answer file.
package struct DeploymentFiles: Sendable {
    package let directory: String
    package init(answerFile: String) {
        directory = URL(fileURLWithPath: answerFile).standardizedFileURL.path + ".deploy"
    }
    package var journal: String { directory + "/journal.jsonl" }
    package var lock: String { directory + "/lock" }
    package func log(host: String) -> String { directory + "/logs/\(Self.safe(host)).log" }
    package func results(host: String) -> String { directory + "/results/\(Self.safe(host))" }

    package func create() throws {
        for dir in [directory, directory + "/logs", directory + "/results"] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }

    static func safe(_ host: String) -> String {
        String(host.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" ? $0 : "_" })
    }
}
