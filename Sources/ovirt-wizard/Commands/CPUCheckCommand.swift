import ArgumentParser
import Deploy
import Foundation
import OtopiKit
import TUI
import WizardCore

/// `ovirt-wizard cpu-check`: which oVirt cluster CPU each host can run.
struct CPUCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cpu-check",
        abstract: "Check host CPUs against oVirt's cluster CPU models.",
        discussion: """
            Reads each host's /proc/cpuinfo, lists the CPU models vdsm would report for it (model_*), \
            the flags it lacks for the others, the best cluster CPU all hosts share at the chosen \
            compatibility level, and what hosted-engine 3.4 would offer on the first host.
            HOST arguments are probed over SSH (host keys checked against known_hosts); a saved \
            /proc/cpuinfo works as well: ssh root@HOST cat /proc/cpuinfo > HOST.cpuinfo
            Exit status: 0 fine, 1 a host cannot run a cluster CPU of the level, lacks vmx/svm or cannot run the answer file's CPU type, \
            2 an input could not be read.
            """)

    @Option(name: .customLong("cpuinfo"), help: ArgumentHelp(
        "A file holding one host's /proc/cpuinfo ('-' reads standard input). Repeat for more hosts.",
        valueName: "file"))
    var cpuinfoFiles: [String] = []

    @Argument(help: ArgumentHelp("Hosts to probe over SSH ([user@]host[:port]).", valueName: "host"))
    var hosts: [String] = []

    @OptionGroup var connection: SSHConnectionArguments

    @Option(name: .customLong("cluster-level"), help: ArgumentHelp(
        "Cluster compatibility level: \(ClusterCPULevels.levels.joined(separator: ", ")).", valueName: "level"))
    var clusterLevel = "3.4"

    @Option(name: .customLong("answer-file"), help: ArgumentHelp(
        "A hosted-engine answer file whose OVEHOSTED_VDSM/cpu (and engineCpu) every host must run.", valueName: "file"))
    var answerFile: String?

    @Flag(help: "Print JSON (model names as vdsm reports them, e.g. model_Westmere).")
    var json = false

    @Flag(help: "Show the result on the full-screen CPU check screen (scrolls; ←/→ change the cluster level).")
    var tui = false

    func validate() throws {
        guard ClusterCPULevels.cpus(level: clusterLevel) != nil else {
            throw ValidationError(
                "unknown cluster level '\(clusterLevel)'; use one of \(ClusterCPULevels.levels.joined(separator: ", "))")
        }
        guard !cpuinfoFiles.isEmpty || !hosts.isEmpty else {
            throw ValidationError("give at least one HOST or --cpuinfo FILE")
        }
        if tui && json { throw ValidationError("--tui and --json exclude each other") }
        if tui && cpuinfoFiles.contains("-") {
            throw ValidationError("--tui reads keys from the terminal; give --cpuinfo a file instead of '-'")
        }
        if cpuinfoFiles.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("'--cpuinfo -' (standard input) can be given only once")
        }
    }

    func run() throws {
        var reports: [HostCPUReport] = []
        var failures: [String] = []
        for path in cpuinfoFiles {
            let text: String
            do {
                text = try readInput(path)
            } catch {
                failures.append("\(path): cannot read: \((error as? InputError)?.message ?? error.localizedDescription)")
                continue
            }
            do {
                let cpu = try CPUInfo(parsing: text)
                reports.append(HostCPUClassifier.classify(cpu, source: path == "-" ? "stdin" : path))
            } catch {
                let place = error.line.map { "\(path):\($0)" } ?? path
                failures.append("\(place): \(error.message)")
            }
        }
        if !hosts.isEmpty {
            let source = SSHCPUInfoSource(options: connection.connectOptions())
            let results = forEachHost(hosts, limit: DeploymentArguments.probeConcurrency) { CPUProbe.probe(host: $0, using: source) }
            for result in results {
                switch result {
                case .success(let report): reports.append(report)
                case .failure(let error): failures.append(error.description)
                }
            }
        }
        if !failures.isEmpty {
            for line in failures { printError("cpu-check: " + line) }
            throw ExitCode.badInput
        }

        var summary = CPUCheckSummary(hosts: reports, level: clusterLevel)
        if let answerFile {
            do {
                let file = try AnswerFile.load(path: answerFile)
                summary.answerFile = CPUAnswerFileCheck(answerFile: file, hosts: reports)
            } catch {
                printError(error.problems.map { "cpu-check: \($0)" }.joined(separator: "\n"))
                throw ExitCode.badInput
            }
        }
        if tui {
            let environment = ProcessInfo.processInfo.environment
            if let problem = TerminalCheck.currentProblem(environment: environment) {
                printError("cpu-check: \(problem); run it without --tui for the text report")
                throw ExitCode(TerminalSession.unusableTerminalExitCode)
            }
            let origin = hosts.isEmpty ? "read from /proc/cpuinfo files" : "probed over SSH or read from files"
            let screen = CPUCheckScreen(hosts: reports, level: clusterLevel, origin: origin)
            let code = TerminalSession.run(CPUCheckApp(), state: CPUCheckApp.State(screen: screen), environment: environment)
            if code != 0 { throw ExitCode(code) }
        } else if json {
            let data = try CPUCheckJSON.encode(summary)
            FileHandle.standardOutput.write(data)
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(CPUCheckText.render(summary).utf8))
        }
        if summary.hasBlockingProblem { throw ExitCode.problemFound }
    }

    private func readInput(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        if path != "-" {
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw InputError("no such file")
            }
            guard !isDirectory.boolValue else { throw InputError("is a directory") }
        }
        // /proc/cpuinfo of a 512-CPU host is about 1.5 MiB; a cap keeps /dev/zero or a disk image out.
        let limit = 16 * 1024 * 1024
        let handle = path == "-" ? FileHandle.standardInput : try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        let data = try handle.read(upToCount: limit + 1) ?? Data()
        guard data.count <= limit else { throw InputError("larger than 16 MiB; this is not a /proc/cpuinfo") }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError("not UTF-8 text")
        }
        return text
    }

    private func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

private struct InputError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
