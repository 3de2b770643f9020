import Foundation
import HostOps
import SSHKit

/// Where one host's collection stands, for a progress bar.
package struct BundleHostProgress: Sendable, Equatable {
    package enum State: Sendable, Equatable {
        case connecting
        case collecting
        case finished
        case unreachable(String)
    }

    package var host: String
    package var state: State = .connecting
    package var done = 0
    package var total = 0
    package var bytes: Int64 = 0
    package var current = ""

    package init(host: String) { self.host = host }
}

/// What one host gave: its files, or why it could not be reached.
package struct BundleHostResult: Sendable {
    package var host: String
    package var connection: String?
    package var unreachable: String?
    package var entries: [BundleEntry] = []
}

/// Collects one host over one connection: the commands first (small and telling), then the system log, then
/// the log files newest first until the host's cap. Every command goes through `RemoteHost` and HostOps' quoting.
package struct BundleHostCollector {
    let spec: BundleHostSpec
    let stage: BundleStage
    let limits: BundleLimits
    let report: (BundleHostProgress) -> Void
    private var progress: BundleHostProgress
    private var budget: Int
    private var entries: [BundleEntry] = []

    package init(spec: BundleHostSpec, stage: BundleStage, limits: BundleLimits, report: @escaping (BundleHostProgress) -> Void) {
        self.spec = spec
        self.stage = stage
        self.limits = limits
        self.report = report
        progress = BundleHostProgress(host: spec.name)
        budget = limits.perHost
    }

    var folder: String { "hosts/" + BundleStage.safeName(spec.name) }

    /// Connects with `connect` and collects; a host that cannot be reached is recorded as such.
    package mutating func run(connect: () throws -> any RemoteHost) -> BundleHostResult {
        report(progress)
        let host: any RemoteHost
        do {
            host = try connect()
        } catch {
            let reason = stage.redactor.redact((error as? SSHError)?.description ?? "\(error)").text
            progress.state = .unreachable(reason)
            report(progress)
            let note = "\(spec.name) could not be reached: \(reason)\nNothing was collected from this host.\n"
            var entry = BundleEntry(path: folder + "/UNREACHABLE.txt", what: "why this host is missing", source: "\(spec.name): connect")
            entry = (try? stage.store(Array(note.utf8), as: entry)) ?? entry
            return BundleHostResult(host: spec.name, unreachable: reason, entries: [entry])
        }
        defer { host.close() }
        var result = BundleHostResult(host: spec.name, connection: host.connectionSummary)
        let files = listFiles(host)
        progress.state = .collecting
        progress.total = spec.commands.count + 1 + files.count
        report(progress)
        for command in spec.commands { runCommand(command, on: host) }
        systemLog(host)
        for file in files { take(file, from: host) }
        progress.state = .finished
        report(progress)
        result.entries = entries
        return result
    }

    // MARK: - Commands

    private mutating func runCommand(_ command: BundleCommandSpec, on host: any RemoteHost) {
        step(command.what)
        let source = "\(spec.name): \(command.command.commandLine)"
        var entry = BundleEntry(path: folder + "/commands/" + command.file, what: command.what, source: source)
        do {
            var out = TailBuffer(limit: min(limits.perFile, max(budget, 1)))
            let result = try host.execute(command.command, options: ExecOptions(timeout: 300)) { _, bytes in out.append(bytes) }
            var data = out.kept
            if !result.succeeded {
                data += Array("\n[ovirt-wizard bundle: the command ended with \(result)]\n".utf8)
            }
            entry.truncated = out.truncated
            if out.truncated { entry.note = "the last \(out.kept.count) of \(out.total) bytes of output kept" }
            entry = try stage.store(data, as: entry)
            budget -= entry.written
            progress.bytes += Int64(entry.written)
        } catch {
            entry.path = nil
            entry.note = "could not be run: \((error as? SSHError)?.description ?? "\(error)")"
        }
        entries.append(entry)
    }

    /// journalctl since the deployment started; without a journal (CentOS 6) or with an empty one, /var/log/messages.
    private mutating func systemLog(_ host: any RemoteHost) {
        step("system log")
        let since = "@\(Int(spec.since.timeIntervalSince1970))"
        let journal = RemoteCommand(["journalctl", "--since", since, "--no-pager", "--quiet", "-o", "short-iso"])
        let probe = RemoteCommand.script("command -v journalctl >/dev/null 2>&1")
        if let has = try? host.capture(probe, options: ExecOptions(timeout: 30)), has.result.succeeded {
            var entry = BundleEntry(path: folder + "/system-log/journalctl.txt", what: "system journal since the deployment started",
                                    source: "\(spec.name): \(journal.commandLine)")
            var out = TailBuffer(limit: min(limits.perFile, max(budget, 1)))
            if let result = try? host.execute(journal, options: ExecOptions(timeout: 300), onData: { stream, bytes in
                if stream == .stdout { out.append(bytes) }
            }), result.succeeded, out.total > 0 {
                entry.truncated = out.truncated
                if out.truncated { entry.note = "the last \(out.kept.count) of \(out.total) bytes kept" }
                if let stored = try? stage.store(out.kept, as: entry) {
                    entry = stored
                    budget -= entry.written
                    progress.bytes += Int64(entry.written)
                    entries.append(entry)
                    return
                }
            }
        }
        // No usable journal: the syslog file (not filtered by time: its lines carry no year).
        let size = fileSize(spec.messagesPath, on: host)
        guard let size else {
            entries.append(BundleEntry(path: nil, what: "system log", source: "\(spec.name):\(spec.messagesPath)",
                                       note: "no journalctl entries and no \(spec.messagesPath) on the host"))
            return
        }
        read(RemoteFile(path: spec.messagesPath, size: size, modified: 0), from: host,
             what: "system log (no journal; not filtered by time)")
    }

    // MARK: - Log files

    struct RemoteFile {
        var path: String
        var size: Int64
        var modified: Double
    }

    /// Every file under the log paths (newest first, the paths the journal recorded before the known ones);
    /// paths not on the host are recorded as such.
    private mutating func listFiles(_ host: any RemoteHost) -> [RemoteFile] {
        progress.current = "listing logs"
        report(progress)
        let command = RemoteCommand.script("""
            for p in "$@"; do
              if [ -e "$p" ]; then find "$p" -type f -printf '%T@ %s %p\\0' 2>/dev/null
              else printf 'missing 0 %s\\0' "$p"; fi
            done
            """, arguments: spec.recordedLogs + spec.logPaths.filter { !spec.recordedLogs.contains($0) })
        var raw: [UInt8] = []
        do {
            _ = try host.execute(command, options: ExecOptions(timeout: 120)) { stream, bytes in
                if stream == .stdout { raw += bytes }
            }
        } catch {
            entries.append(BundleEntry(path: nil, what: "log files", source: "\(spec.name): \(command.commandLine)",
                                       note: "could not be listed: \((error as? SSHError)?.description ?? "\(error)")"))
            return []
        }
        var files: [RemoteFile] = []
        var seen = Set<String>()
        for record in raw.split(separator: 0) {
            let parts = String(decoding: record, as: UTF8.self).split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3 else { continue }
            if parts[0] == "missing" {
                entries.append(BundleEntry(path: nil, what: "log", source: "\(spec.name):\(parts[2])", note: "not on the host"))
            } else if seen.insert(parts[2]).inserted {
                files.append(RemoteFile(path: parts[2], size: Int64(parts[1]) ?? 0, modified: Double(parts[0]) ?? 0))
            }
        }
        // The logs the journal recorded first (the failed run's own), then the newest.
        let recorded = Set(spec.recordedLogs)
        return files.sorted { a, b in
            let (ra, rb) = (recorded.contains(a.path), recorded.contains(b.path))
            if ra != rb { return ra }
            return a.modified > b.modified
        }
    }

    static let smallestPart = 4096

    static let compressedSuffixes = [".gz", ".xz", ".bz2", ".zst", ".zip", ".lz4", ".tgz"]

    private mutating func take(_ file: RemoteFile, from host: any RemoteHost) {
        step(file.path)
        if Self.compressedSuffixes.contains(where: file.path.hasSuffix) {
            entries.append(BundleEntry(path: nil, what: "log", source: "\(spec.name):\(file.path)", size: file.size,
                                       note: "not taken: compressed, so its secrets could not be removed"))
            return
        }
        read(file, from: host, what: "log")
    }

    private mutating func read(_ file: RemoteFile, from host: any RemoteHost, what: String) {
        var entry = BundleEntry(path: folder + "/files/" + BundleStage.safePath(file.path), what: what,
                                source: "\(spec.name):\(file.path)", size: file.size)
        // Less than a few lines left is not worth a file that would start mid-way through its last line.
        guard budget >= Self.smallestPart else {
            entry.path = nil
            entry.note = "not taken: the host's cap of \(ByteCount.text(limits.perHost)) was reached"
            entries.append(entry)
            return
        }
        let want = min(limits.perFile, budget)
        var data: [UInt8] = []
        do {
            let command = RemoteCommand(["tail", "-c", String(want), "--", file.path])
            let result = try host.execute(command, options: ExecOptions(timeout: 600)) { stream, bytes in
                if stream == .stdout { data += bytes }
            }
            guard result.succeeded else {
                entry.path = nil
                entry.note = "could not be read (\(result))"
                entries.append(entry)
                return
            }
        } catch {
            entry.path = nil
            entry.note = "could not be read: \((error as? SSHError)?.description ?? "\(error)")"
            entries.append(entry)
            return
        }
        if data.prefix(8192).contains(0) {
            entry.path = nil
            entry.note = "not taken: binary, so its secrets could not be removed"
            entries.append(entry)
            return
        }
        if Int64(data.count) < file.size {
            // Cut at a line start, so that no half line (or half secret) opens the file.
            if let newline = data.firstIndex(of: UInt8(ascii: "\n")) { data.removeFirst(newline + 1) }
            entry.truncated = true
            entry.note = "the last \(data.count) of \(file.size) bytes kept (cap \(ByteCount.text(want)))"
        }
        do {
            entry = try stage.store(data, as: entry)
            budget -= entry.written
            progress.bytes += Int64(entry.written)
        } catch {
            entry.path = nil
            entry.note = "\(error)"
        }
        entries.append(entry)
    }

    private func fileSize(_ path: String, on host: any RemoteHost) -> Int64? {
        let command = RemoteCommand(["wc", "-c", path])
        guard let out = try? host.capture(command, options: ExecOptions(timeout: 30)), out.result.succeeded else { return nil }
        return out.stdout.split(separator: " ").first.flatMap { Int64($0) }
    }

    private mutating func step(_ current: String) {
        progress.current = current
        report(progress)
        progress.done += 1
    }
}

/// Byte counts as people read them.
package enum ByteCount {
    package static func text(_ bytes: some BinaryInteger) -> String {
        let value = Double(bytes)
        let (kib, mib, gib) = (1024.0, 1024.0 * 1024, 1024.0 * 1024 * 1024)
        if value >= gib { return String(format: "%.1f GiB", value / gib) }
        if value >= mib { return String(format: "%.1f MiB", value / mib) }
        if value >= kib { return String(format: "%.1f KiB", value / kib) }
        return "\(bytes) bytes"
    }

    /// `20M`, `512k`, `1G`, `1048576`; nil when not a size.
    package static func parse(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "ib", with: "")
            .replacingOccurrences(of: "b", with: "")
        guard let last = t.last else { return nil }
        let units: [Character: Int] = ["k": 1 << 10, "m": 1 << 20, "g": 1 << 30]
        if let unit = units[last] { return Int(t.dropLast()).flatMap { $0 > 0 ? $0 * unit : nil } }
        return Int(t).flatMap { $0 > 0 ? $0 : nil }
    }
}
