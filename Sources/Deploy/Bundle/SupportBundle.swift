import Foundation
import SSHKit

/// A local file a bundle takes (journal, host logs, answer files, results).
package struct BundleLocalFile: Sendable {
    package var path: String
    package var archivePath: String
    package var what: String
    package init(path: String, archivePath: String, what: String) {
        self.path = path
        self.archivePath = archivePath
        self.what = what
    }
}

/// Everything `ovirt-wizard bundle` makes one archive of.
package struct SupportBundleRequest: Sendable {
    package var hosts: [BundleHostSpec]
    package var localFiles: [BundleLocalFile]
    /// Texts made here (the plan), by archive path.
    package var texts: [(path: String, what: String, text: String)]
    package var output: String
    package var limits: BundleLimits
    package var redactor: BundleRedactor
    /// Lines at the top of the manifest (when, which deployment, since when).
    package var header: [String]

    package init(hosts: [BundleHostSpec], localFiles: [BundleLocalFile], texts: [(path: String, what: String, text: String)],
                 output: String, limits: BundleLimits, redactor: BundleRedactor, header: [String]) {
        self.hosts = hosts
        self.localFiles = localFiles
        self.texts = texts
        self.output = output
        self.limits = limits
        self.redactor = redactor
        self.header = header
    }
}

package struct SupportBundleResult: Sendable {
    package var output: String
    package var hosts: [BundleHostResult]
    package var manifest: String
    package var unreachable: [String] { hosts.filter { $0.unreachable != nil }.map(\.host) }
}

package enum SupportBundle {
    /// Hosts collected at the same time: each may hold a few copies of a file of up to the per-file cap while its
    /// secrets are removed, so fewer than the probes' 16.
    package static let concurrency = 8

    /// Collects every host in parallel (one connection each, from `connect`), then the local files, writes the
    /// manifest and the archive. Nothing reaches the staging folder or the archive before the redactor saw it.
    package static func make(_ request: SupportBundleRequest, at now: Date = Date(),
                             connect: @escaping @Sendable (BundleHostSpec) throws -> any RemoteHost,
                             progress: @escaping @Sendable (BundleHostProgress) -> Void) throws -> SupportBundleResult {
        let output = URL(fileURLWithPath: request.output).standardizedFileURL.path
        let folder = (output as NSString).deletingLastPathComponent
        var template = Array((folder + "/.ovirt-wizard-bundle-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw BundleError("cannot create a staging folder in \(folder): \(String(cString: strerror(errno)))")
        }
        let staging = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let stage = try BundleStage(directory: staging, top: topName(now), redactor: request.redactor)

        let limits = request.limits
        let hosts = forEachHost(request.hosts, limit: concurrency) { spec -> BundleHostResult in
            var collector = BundleHostCollector(spec: spec, stage: stage, limits: limits, report: progress)
            return collector.run { try connect(spec) }
        }
        var local: [BundleEntry] = []
        for (path, what, text) in request.texts {
            local.append(try stage.store(Array(text.utf8), as: BundleEntry(path: path, what: what, source: "made by ovirt-wizard")))
        }
        for file in request.localFiles { local.append(try takeLocal(file, stage: stage, limit: limits.perFile)) }
        let manifest = BundleManifest(header: request.header, hosts: hosts, local: local, limits: limits).text
        let written = try stage.store(Array(manifest.utf8), as: BundleEntry(path: "MANIFEST", what: "manifest", source: "made by ovirt-wizard"),
                                      patterns: false)
        try BundleArchive.write(stage: stage, to: output)
        let final = (try? String(contentsOfFile: staging + "/" + stage.top + "/" + written.path!, encoding: .utf8)) ?? manifest
        return SupportBundleResult(output: output, hosts: hosts, manifest: final)
    }

    static func topName(_ now: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "ovirt-wizard-bundle-\(formatter.string(from: now))"
    }

    static func takeLocal(_ file: BundleLocalFile, stage: BundleStage, limit: Int) throws -> BundleEntry {
        var entry = BundleEntry(path: file.archivePath, what: file.what, source: "local:\(file.path)")
        guard let handle = FileHandle(forReadingAtPath: file.path) else {
            entry.path = nil
            entry.note = "not readable here"
            return entry
        }
        defer { try? handle.close() }
        let size = Int64((try? handle.seekToEnd()) ?? 0)
        entry.size = size
        var start = max(0, size - Int64(limit))
        try? handle.seek(toOffset: UInt64(start))
        var data = Array((try? handle.readToEnd()) ?? Data())
        if start > 0 {
            if let newline = data.firstIndex(of: UInt8(ascii: "\n")) { data.removeFirst(newline + 1); start += Int64(newline + 1) }
            entry.truncated = true
            entry.note = "the last \(data.count) of \(size) bytes kept"
        }
        return try stage.store(data, as: entry)
    }

    /// The wizard's files of a deployment: journal, host logs, fetched results; and the answer files.
    package static func localFiles(_ files: DeploymentFiles, answerFiles: [String]) -> [BundleLocalFile] {
        var out: [BundleLocalFile] = []
        for path in answerFiles {
            out.append(BundleLocalFile(path: path, archivePath: "local/answers/" + BundleStage.safeName((path as NSString).lastPathComponent),
                                       what: "answer file (secrets removed)"))
        }
        if FileManager.default.fileExists(atPath: files.journal) {
            out.append(BundleLocalFile(path: files.journal, archivePath: "local/journal.jsonl", what: "the wizard's journal"))
        }
        let fm = FileManager.default
        for (folder, what) in [("logs", "the wizard's host log"), ("results", "a result fetched from a host")] {
            let base = files.directory + "/" + folder
            guard let walker = fm.enumerator(atPath: base) else { continue }
            for case let relative as String in walker {
                var isDir: ObjCBool = false
                guard fm.fileExists(atPath: base + "/" + relative, isDirectory: &isDir), !isDir.boolValue else { continue }
                out.append(BundleLocalFile(path: base + "/" + relative, archivePath: "local/\(folder)/" + BundleStage.safePath(relative), what: what))
            }
        }
        return out
    }

    /// When the deployment started: the journal's first run. Nil without a journal.
    package static func deploymentStart(journal: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return Journal.read(path: journal).records.first { $0.kind == .runStarted }.flatMap { formatter.date(from: $0.time) }
    }

    /// The tools' log paths of each host: those the journal records (`logFile` of its steps that succeeded) and
    /// those the tools named in the wizard's host log (otopi's `Log file: …` and `Log file is located at …`, which
    /// a failed run prints too).
    package static func recordedLogs(files: DeploymentFiles, hosts: [String]) -> [String: [String]] {
        let state = JournalState(records: Journal.read(path: files.journal).records)
        var out: [String: [String]] = [:]
        for host in hosts {
            var paths = Set(state.steps[host]?.values.compactMap(\.outputs.logFile) ?? [])
            if let text = try? String(contentsOfFile: files.log(host: host), encoding: .utf8) {
                for line in text.split(separator: "\n") {
                    for marker in ["Log file is located at ", "Log file: "] {
                        guard let range = line.range(of: marker) else { continue }
                        let path = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
                        if path.hasPrefix("/"), !path.contains(" ") { paths.insert(path) }
                    }
                }
            }
            out[host] = paths.sorted()
        }
        return out
    }
}
