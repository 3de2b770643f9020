import Deploy
import Foundation
import OtopiKit
import SSHKit
import Synchronization
import WizardCore

/// What `bundle` (and the `b` key of apply's panes) needs to know of a deployment to make its support bundle.
struct DeploymentBundle {
    struct Host {
        var name: String
        var access: HostAccess
        var gluster: Bool
        var volume: String?
    }

    var hosts: [Host]
    var answerFiles: [String]
    var files: DeploymentFiles
    var planText: [String]?
    var secrets: [String] = []
    var secretKeys: Set<String> = []
    var since: Date?
    var sinceSource = ""
    var limits = BundleLimits()
    /// Stands in for `/` on the hosts (chroots, the tests' lab hosts); empty normally.
    var hostRoot = ""

    /// From the answer files: hosts, secrets (every secret value and key their flows name), the plan as text.
    init(source: DeploymentSource, answerFiles: [String], files: DeploymentFiles, remoteBase: String, flows: FlowCatalog) {
        switch source {
        case .tools(let inputs):
            hosts = inputs.map { input in
                let domain = input.string("OVEHOSTED_STORAGE/domainType")?.lowercased() ?? ""
                return Host(name: input.hostName, access: input.access, gluster: domain.contains("gluster"), volume: nil)
            }
        case .gluster(let input):
            hosts = input.hosts.map { Host(name: $0, access: input.access[$0]!, gluster: true, volume: input.plan.request.volumeName) }
        case .platform:
            hosts = source.hosts.map { Host(name: $0.name, access: $0.access, gluster: false, volume: nil) }
        }
        self.answerFiles = answerFiles
        self.files = files
        let platforms = Dictionary(uniqueKeysWithValues: source.hosts.map { ($0.name, HostPlatform.assumed("not probed by bundle")) })
        planText = (try? source.plan(remoteBase: remoteBase, platforms: platforms)).map { PlanPrinter.text($0, files: files) }
        for path in answerFiles { addSecrets(of: path, flows: flows) }
    }

    /// From a plan being applied (`apply --plan` has no answer files: only the patterns find its secrets).
    init(plan: DeploymentPlan, files: DeploymentFiles, answerFiles: [String], flows: FlowCatalog?) {
        hosts = plan.hosts.map { Host(name: $0.name, access: $0.access, gluster: $0.tool == .gluster, volume: nil) }
        self.answerFiles = answerFiles
        self.files = files
        planText = PlanPrinter.text(plan, files: files)
        for path in answerFiles { addSecrets(of: path, flows: flows) }
    }

    /// The secret keys and values of an answer file: as its flow names them; a file whose flow is not in Screens/
    /// (or no catalog) still gives every key that looks secret (the platform file's PLATFORM/*Password).
    mutating func addSecrets(of path: String, flows: FlowCatalog?) {
        let items: [(String, OtopiValue)]
        var isSecret: (String) -> Bool = { Secrets.looksSecret($0) || PlatformAnswers.secretKeys.contains($0) }
        if let flows, let file = try? DeploymentAnswerFile.load(path: path, flows: flows) {
            items = file.environment.items.map { ($0.key, $0.value.value) }
            isSecret = { file.kind.isSecret($0) || Secrets.looksSecret($0) }
        } else if let file = try? AnswerFile.load(path: path) {
            items = OtopiEnvironment(files: [file]).items.map { ($0.key, $0.value.value) }
        } else {
            return
        }
        for (key, value) in items where isSecret(key) {
            secretKeys.insert(key)
            if let text = value.stringValue, !text.isEmpty { secrets.append(text) }
        }
    }

    func request(output: String, now: Date = Date()) -> SupportBundleRequest {
        let start: Date
        let sinceText: String
        if let since {
            start = since
            sinceText = "\(format(since)) (\(sinceSource))"
        } else if let began = SupportBundle.deploymentStart(journal: files.journal) {
            start = began
            sinceText = "\(format(began)) (the journal's first run)"
        } else {
            start = now.addingTimeInterval(-86_400)
            sinceText = "\(format(start)) (no journal at \(files.journal): the last 24 hours)"
        }
        let recorded = SupportBundle.recordedLogs(files: files, hosts: hosts.map(\.name))
        let specs = hosts.map { host in
            BundleHostSpec(name: host.name, access: host.access, recordedLogs: recorded[host.name] ?? [],
                           logPaths: BundleSources.logPaths(gluster: host.gluster, rootPrefix: hostRoot), since: start,
                           messagesPath: hostRoot + "/var/log/messages",
                           commands: BundleSources.factCommands(rootPrefix: hostRoot)
                               + (host.gluster ? BundleSources.glusterCommands(volume: host.volume) : []))
        }
        let redactor = BundleRedactor(secrets: secrets, secretKeys: secretKeys)
        var header = [
            "Created: \(format(now)) by ovirt-wizard \(BuildVersion.text)",
            "Deployment: \(files.directory)",
            "Answer files: \(answerFiles.joined(separator: ", "))",
            "Hosts: \(hosts.map(\.name).joined(separator: ", "))",
            "System log since: \(sinceText)",
            "Secrets: every secret value of the answer files (\(Set(secrets).count)) in its plain, Base64, URL, JSON, shell, " +
                "Python, XML and hex forms; values of secret keys; password=/passwd:/\"password\": forms; authorization " +
                "headers, tokens, passwords in URLs; PEM private keys. Each is replaced by \(Secrets.mask).",
        ]
        if planText == nil { header.append("Plan: not included (it could not be made from the answer files)") }
        if !hostRoot.isEmpty { header.append("Host root: \(hostRoot) stands in for / on every host") }
        return SupportBundleRequest(hosts: specs, localFiles: SupportBundle.localFiles(files, answerFiles: answerFiles),
                                    texts: planText.map { [("local/plan.txt", "the plan (as `plan` prints it)", $0.joined(separator: "\n") + "\n")] } ?? [],
                                    output: output, limits: limits, redactor: redactor, header: header)
    }

    private func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Makes the bundle without writing to the terminal (the panes own it): progress and the result as lines.
    func makeReporting(output: String, report: @escaping @Sendable (String) -> Void) -> String {
        let rows = Mutex<[String: BundleHostProgress]>([:])
        let names = hosts.map(\.name)
        do {
            let result = try SupportBundle.make(request(output: output), connect: Self.connect) { progress in
                let line = rows.withLock { rows -> String in
                    rows[progress.host] = progress
                    let done = rows.values.filter { $0.state == .finished || { if case .unreachable = $0.state { return true }; return false }($0) }.count
                    return "support bundle: \(done)/\(names.count) hosts; " + BundleProgressPrinter.line(progress)
                }
                report(line)
            }
            let removed = result.manifest.split(separator: "\n").first { $0.hasPrefix("SECRETS REMOVED") }.map {
                $0.replacingOccurrences(of: "SECRETS REMOVED (file:line | kind); ", with: "") } ?? ""
            let missing = result.unreachable.isEmpty ? "" : "; NOT REACHED: \(result.unreachable.joined(separator: ", "))"
            return "support bundle written: \(result.output) (0600; secrets removed: \(removed))\(missing)"
        } catch {
            return "support bundle NOT written: \(error)"
        }
    }

    /// One connection per host, as the deployment's own (known_hosts checked; a typed password reused).
    static let connect: @Sendable (BundleHostSpec) throws -> any RemoteHost = { spec in
        try spec.access.connect()
    }

    static func defaultOutput(now: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "ovirt-wizard-bundle-\(formatter.string(from: now)).tar.gz"
    }
}

/// A progress bar per host on a terminal (redrawn in place), or one line per host as it starts and ends.
final class BundleProgressPrinter: Sendable {
    private let state: Mutex<(rows: [String: BundleHostProgress], drawn: Int)>
    private let order: [String]
    private let terminal: Bool

    init(hosts: [String], terminal: Bool = isatty(STDOUT_FILENO) == 1) {
        order = hosts
        self.terminal = terminal
        state = Mutex((Dictionary(uniqueKeysWithValues: hosts.map { ($0, BundleHostProgress(host: $0)) }), 0))
    }

    func update(_ progress: BundleHostProgress) {
        state.withLock { s in
            let before = s.rows[progress.host]
            s.rows[progress.host] = progress
            if terminal {
                // A line wider than the terminal would wrap and throw the redraw off by a row: cut to the width.
                var size = winsize()
                let width = ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 1 ? Int(size.ws_col) - 1 : 79
                var out = s.drawn > 0 ? "\u{1b}[\(s.drawn)A" : ""
                for host in order { out += "\r\u{1b}[2K" + String(Self.line(s.rows[host]!).prefix(width)) + "\n" }
                s.drawn = order.count
                FileHandle.standardOutput.write(Data(out.utf8))
            } else if before?.state != progress.state {
                FileHandle.standardOutput.write(Data((Self.line(progress) + "\n").utf8))
            }
        }
    }

    static func line(_ p: BundleHostProgress) -> String {
        let name = "[\(p.host)]"
        switch p.state {
        case .connecting: return "\(name) connecting"
        case .unreachable(let reason): return "\(name) NOT REACHED: \(reason)"
        case .collecting, .finished:
            let width = 20
            let filled = p.total > 0 ? min(width, p.done * width / p.total) : 0
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let tail = p.state == .finished ? "done" : String(p.current.suffix(40))
            return "\(name) [\(bar)] \(p.done)/\(p.total) \(ByteCount.text(p.bytes)) \(tail)"
        }
    }
}
