import ArgumentParser
import Foundation
import HostOps
import SSHKit
import TUI
import WizardCore

/// `ovirt-wizard gluster status VOLUME`: `volume info` and `volume status` of one volume, read over SSH from a
/// Gluster host (or from saved outputs), shown as text, JSON or the Gluster volume screen.
struct GlusterStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a volume's bricks (online, ports, PIDs), NFS servers and self-heal daemons, and what is wrong.",
        discussion: """
            With --host, runs `gluster --mode=script volume info VOLUME` and `gluster --mode=script volume status VOLUME` \
            on that host over one SSH connection (host keys checked against known_hosts). With --info-file and \
            --status-file, reads outputs saved earlier (e.g. ssh root@gs1 gluster volume status > status.txt).
            Exit status: 0 healthy, 1 with findings (a brick offline or missing, a host of a replicated volume \
            without an online self-heal daemon, a process listed twice), 2 the outputs could not be read or parsed, \
            or the host could not be reached.
            """)

    @Argument(help: "The volume name.")
    var volume: String

    @Option(help: ArgumentHelp("A Gluster host to run the commands on.", valueName: "[user@]host[:port]"))
    var host: String?

    @OptionGroup var connection: SSHConnectionArguments

    @Option(name: .customLong("info-file"), help: ArgumentHelp("Saved output of gluster volume info (offline).", valueName: "FILE"))
    var infoFile: String?

    @Option(name: .customLong("status-file"), help: ArgumentHelp("Saved output of gluster volume status (offline).", valueName: "FILE"))
    var statusFile: String?

    @Option(name: .customLong("gluster-name"), help: ArgumentHelp(
        "The host's name in gluster's peer list, which volume status calls 'localhost' (default: HOST when it holds bricks, else inferred).",
        valueName: "NAME"))
    var glusterName: String?

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Show the result on the full-screen Gluster volume screen.")
    var tui = false

    func validate() throws {
        if tui && json { throw ValidationError("--tui and --json exclude each other") }
        let files = infoFile != nil || statusFile != nil
        if host != nil && files { throw ValidationError("give either --host or --info-file/--status-file, not both") }
        if host == nil && !files { throw ValidationError("give --host HOST, or --info-file FILE and --status-file FILE") }
        if files && (infoFile == nil || statusFile == nil) { throw ValidationError("give both --info-file and --status-file") }
        if volume.isEmpty || volume.hasPrefix("-") { throw ValidationError("'\(volume)' is not a volume name") }
    }

    /// A failure that ends the command with exit 2, its message naming the host or file.
    struct Failure: Error { var message: String }

    func run() throws {
        let report: GlusterVolumeReport
        let origin: String
        do {
            if let host {
                let (infoText, statusText) = try fetchOverSSH(host)
                let localName = glusterName ?? (try? SSHTarget(parsing: host).host)
                report = try Self.report(volume: volume, info: (infoText, "\(host): gluster volume info \(volume)"),
                                         status: (statusText, "\(host): gluster volume status \(volume)"), localName: localName)
                origin = "gluster on \(host) over SSH"
            } else {
                let infoText = try Self.readFile(infoFile!)
                let statusText = try Self.readFile(statusFile!)
                report = try Self.report(volume: volume, info: (infoText, infoFile!), status: (statusText, statusFile!),
                                         localName: glusterName)
                origin = "read from \(infoFile!) and \(statusFile!)"
            }
        } catch let failure as Failure {
            FileHandle.standardError.write(Data("gluster status: \(failure.message)\n".utf8))
            throw ExitCode.badInput
        }

        if tui {
            let environment = ProcessInfo.processInfo.environment
            if let problem = TerminalCheck.currentProblem(environment: environment) {
                FileHandle.standardError.write(Data("gluster status: \(problem); run it without --tui for the text report\n".utf8))
                throw ExitCode(TerminalSession.unusableTerminalExitCode)
            }
            let screen = GlusterVolumeScreen(report: report, origin: origin)
            let code = TerminalSession.run(GlusterVolumeApp(), state: GlusterVolumeApp.State(screen: screen), environment: environment)
            if code != 0 { throw ExitCode(code) }
            return
        } else if json {
            FileHandle.standardOutput.write(try GlusterStatusJSON.encode(report, origin: origin))
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(GlusterVolumeText.render(report, origin: origin).utf8))
        }
        if !report.health.isHealthy { throw ExitCode.problemFound }
    }

    /// Both outputs over one connection. `--mode=script` keeps gluster from asking questions.
    func fetchOverSSH(_ host: String) throws -> (String, String) {
        let ssh: SSHConnection
        do {
            ssh = try SSHConnection.connect(SSHTarget(parsing: host), options: connection.connectOptions())
        } catch {
            throw Failure(message: (error as? SSHError)?.description ?? "\(host): \(error)")
        }
        defer { ssh.close() }
        func run(_ what: String) throws -> String {
            let command = RemoteCommand(["gluster", "--mode=script", "volume", what, volume])
            let output: CapturedOutput
            do {
                output = try ssh.capture(command, options: ExecOptions(timeout: 120))
            } catch {
                throw Failure(message: (error as? SSHError)?.description ?? "\(host): \(command): \(error)")
            }
            guard output.result.succeeded else {
                // gluster prints its reason ("Volume X does not exist") on stdout or stderr.
                let reason = (output.stderr + "\n" + output.stdout).split(separator: "\n")
                    .map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty } ?? "no output"
                throw Failure(message: "\(host): gluster volume \(what) \(volume) failed (\(output.result)): \(reason)")
            }
            return output.stdout
        }
        return (try run("info"), try run("status"))
    }

    static func readFile(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(message: "\(path): cannot be read (missing, a directory, or no permission)")
        }
        guard data.count <= 16 << 20 else { throw Failure(message: "\(path): larger than 16 MiB; not a gluster output") }
        guard let text = String(data: data, encoding: .utf8) else { throw Failure(message: "\(path): not UTF-8 text") }
        return text
    }

    /// Parses both outputs and picks VOLUME out of them (saved files may hold `volume info all`).
    static func report(volume: String, info: (text: String, source: String), status: (text: String, source: String),
                       localName: String?) throws -> GlusterVolumeReport {
        let infos: [GlusterVolumeInfo]
        let statuses: [GlusterVolumeStatus]
        do { infos = try GlusterVolumeInfoParser.parse(info.text) } catch {
            throw Failure(message: "\(info.source): \(error.description)")
        }
        do { statuses = try GlusterVolumeStatusParser.parse(status.text) } catch {
            throw Failure(message: "\(status.source): \(error.description)")
        }
        guard let volumeInfo = infos.first(where: { $0.name == volume }) else {
            let names = infos.map(\.name)
            throw Failure(message: "\(info.source): no volume \(volume) (\(names.isEmpty ? "no volumes" : "volumes: " + names.joined(separator: ", ")))")
        }
        guard let volumeStatus = statuses.first(where: { $0.volumeName == volume }) else {
            let names = statuses.map(\.volumeName)
            throw Failure(message: "\(status.source): no status of volume \(volume) (\(names.isEmpty ? "none listed; is it started?" : "volumes: " + names.joined(separator: ", ")))")
        }
        // The SSH host name only stands for "localhost" when gluster knows it by that name.
        let local = localName.flatMap { name in
            volumeInfo.bricks.contains { $0.host.lowercased() == name.lowercased() } ? name : nil
        }
        return GlusterVolumeReport(info: volumeInfo, status: volumeStatus, localName: local)
    }
}

/// The JSON of `gluster status --json`.
enum GlusterStatusJSON {
    struct Document: Encodable {
        struct Brick: Encodable {
            var number: Int, host: String, path: String, arbiter: Bool
            var listed: Bool, port: Int?, rdmaPort: Int?, online: Bool, pid: Int?
        }
        struct Daemon: Encodable { var online: Bool, port: Int?, pid: Int?, statusLine: Int }
        struct Host: Encodable {
            var host: String, local: Bool
            var nfsServers: [Daemon], selfHealDaemons: [Daemon]
        }
        struct Finding: Encodable { var message: String, statusLine: Int? }
        var volume: String, type: String?, status: String?, volumeID: String?
        var numberOfBricks: String?, transport: String?, origin: String
        var localhost: String?
        var bricksOnline: Int, bricksTotal: Int
        var bricks: [Brick], hosts: [Host]
        var healthy: Bool, findings: [Finding]
    }

    static func encode(_ report: GlusterVolumeReport, origin: String) throws -> Data {
        func daemon(_ p: GlusterProcessStatus) -> Document.Daemon {
            .init(online: p.online, port: p.tcpPort, pid: p.pid, statusLine: p.line)
        }
        let info = report.info
        let document = Document(
            volume: info.name, type: info.type, status: info.status, volumeID: info.volumeID,
            numberOfBricks: info.numberOfBricks, transport: info.transport, origin: origin, localhost: report.localName,
            bricksOnline: report.health.bricksOnline, bricksTotal: report.health.bricksTotal,
            bricks: report.bricks.map {
                .init(number: $0.number, host: $0.host, path: $0.path, arbiter: $0.isArbiter, listed: $0.status != nil,
                      port: $0.status?.tcpPort, rdmaPort: $0.status?.rdmaPort, online: $0.isOnline, pid: $0.status?.pid)
            },
            hosts: report.daemonHosts.map {
                .init(host: $0.host, local: $0.isLocal, nfsServers: $0.nfsServers.map(daemon),
                      selfHealDaemons: $0.selfHealDaemons.map(daemon))
            },
            healthy: report.health.isHealthy,
            findings: report.health.findings.map { .init(message: $0.message, statusLine: $0.statusLine) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(document)
    }
}
