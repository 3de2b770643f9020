import ArgumentParser
import Deploy
import Foundation
import WizardCore

/// `ovirt-wizard bundle`: one archive of every host's logs and facts and the wizard's own files, secrets removed.
struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Collect a support bundle from every host of a deployment, secrets removed.",
        discussion: """
            Connects to every host of the answer files in parallel (one SSH connection each, known_hosts checked) \
            and takes: the logs the journal recorded for the tools, the known logs of oVirt 3.4 and 4.5 (engine-setup, \
            hosted-engine setup and its Ansible logs, vdsm, supervdsm, the HA agent and broker), the system log since \
            the deployment started (journalctl, else /var/log/messages), the installed oVirt/vdsm/Gluster/libvirt/qemu \
            packages, host facts (OS, CPU, memory, disks, addresses, routes, /etc/hosts) and gluster volume info and \
            status where Gluster is planned; and from here the journal, host logs, results, the plan and the answer \
            files. Every secret of the answer files (also Base64, URL, JSON, shell encoded), passwords in known log \
            patterns, private keys and tokens are removed before anything is written; MANIFEST lists every file \
            (source, size, sha256, truncated or not) and every removal (file, line, kind). A longer file keeps its \
            end. The archive is written atomically, mode 0600. Exit 0 when every host was collected, 1 when one \
            could not be reached (the others are in the archive), 2 for unusable input or when the archive cannot be \
            written.
            """)

    @OptionGroup var deployment: DeploymentArguments
    @Option(name: .long, help: ArgumentHelp("The archive to write (default ovirt-wizard-bundle-<time>.tar.gz here).", valueName: "FILE.tar.gz"))
    var output: String?
    @Option(name: .long, help: ArgumentHelp("System log from this time (2026-12-03T02:00:00Z, '2026-12-03 02:00', 6h, 2d; default: when the journal's first run started).", valueName: "TIME"))
    var since: String?
    @Option(name: .customLong("max-file-size"), help: ArgumentHelp("Largest part of one file kept (its end), e.g. 32M.", valueName: "SIZE"))
    var maxFileSize = "32M"
    @Option(name: .customLong("max-host-size"), help: ArgumentHelp("Most taken from one host, e.g. 256M.", valueName: "SIZE"))
    var maxHostSize = "256M"
    @Option(name: .customLong("host-root"), help: ArgumentHelp("A folder on the hosts that stands in for / (chroots, test hosts).", valueName: "DIR"))
    var hostRoot = ""

    func run() throws {
        try runReportingErrors {
            guard let perFile = ByteCount.parse(maxFileSize) else {
                throw CLIError(message: "--max-file-size \(maxFileSize): not a size (e.g. 32M, 512K, 1G)", code: .badInput)
            }
            guard let perHost = ByteCount.parse(maxHostSize) else {
                throw CLIError(message: "--max-host-size \(maxHostSize): not a size (e.g. 256M, 1G)", code: .badInput)
            }
            let now = Date()
            let sinceDate = try since.map { text -> Date in
                guard let date = SinceParser.parse(text, now: now) else {
                    throw CLIError(message: "--since \(text): not a time (2026-12-03T02:00:00Z, '2026-12-03 02:00' local time, 6h, 30m, 2d)", code: .badInput)
                }
                return date
            }
            let source = try deployment.source()
            let flows = try? deployment.screens.catalog()
            var bundle = DeploymentBundle(source: source, answerFiles: deployment.answers.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
                                          files: deployment.files, remoteBase: deployment.remoteDir,
                                          flows: flows ?? FlowCatalog(directory: "", flows: []))
            bundle.since = sinceDate
            bundle.sinceSource = "--since \(since ?? "")"
            bundle.limits = BundleLimits(perFile: perFile, perHost: perHost)
            bundle.hostRoot = hostRoot
            let path = output ?? DeploymentBundle.defaultOutput(now: now)
            guard path.hasSuffix(".tar.gz") || path.hasSuffix(".tgz") else {
                throw CLIError(message: "--output \(path): the bundle is a gzip'd tar; name it FILE.tar.gz", code: .badInput)
            }
            return try Self.make(bundle, output: path, now: now)
        }
    }

    /// Makes the bundle with progress on stdout; the exit code (0, or 1 when a host could not be reached).
    static func make(_ bundle: DeploymentBundle, output: String, now: Date = Date()) throws -> Int32 {
        let printer = BundleProgressPrinter(hosts: bundle.hosts.map(\.name))
        print("Collecting a support bundle from \(bundle.hosts.count) host(s) into \(output)")
        let result: SupportBundleResult
        do {
            result = try SupportBundle.make(bundle.request(output: output, now: now), at: now,
                                            connect: DeploymentBundle.connect, progress: printer.update)
        } catch {
            throw CLIError(message: "the bundle was not written: \(error)", code: .badInput)
        }
        let redactions = result.manifest.split(separator: "\n").first { $0.hasPrefix("SECRETS REMOVED") } ?? ""
        print("Wrote \(result.output) (mode 0600); \(redactions.replacingOccurrences(of: "SECRETS REMOVED (file:line | kind); ", with: "secrets removed: "))")
        if !result.unreachable.isEmpty {
            printError("ovirt-wizard: not reached (recorded in the MANIFEST): \(result.unreachable.joined(separator: ", "))")
            return 1
        }
        return 0
    }
}

/// `--since`: an ISO 8601 time, a local `YYYY-MM-DD HH:MM[:SS]`, or a span before now (`6h`, `30m`, `2d`).
enum SinceParser {
    static func parse(_ text: String, now: Date) -> Date? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let last = t.last, let amount = Double(t.dropLast()), amount >= 0 {
            let unit: Double? = ["s": 1, "m": 60, "h": 3600, "d": 86_400][last]
            if let unit { return now.addingTimeInterval(-amount * unit) }
        }
        let iso = ISO8601DateFormatter()
        if let date = iso.date(from: t) { return date }
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_US_POSIX")
        local.timeZone = .current
        for format in ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"] {
            local.dateFormat = format
            if let date = local.date(from: t) { return date }
        }
        return nil
    }
}
