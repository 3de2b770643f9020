import Crypto
import Deploy
import Foundation
import HostOps

/// One plan step as the export runs it: the task file of its kind and the values that file reads (`ovw_step`).
/// Every command line comes from the step's own `RemoteCommand`s (`HostOperation.commands`), never from text.
package struct AnsibleStep: Sendable {
    package enum Kind: String, Sendable {
        /// Commands (a `run` step or a typed host operation): probe, then the commands unless it passes, then the marker.
        case command
        /// A file copied to the host (copy module, mode, checksum) unless its SHA-256 there already matches.
        case upload
        /// An otopi tool's run (engine-setup, hosted-engine): async, its console output in a log file on the host.
        case tool = "otopi-tool"
        /// The answer file the tool reported, fetched back to this machine.
        case fetchResults = "fetch-results"

        package var taskFile: String { "tasks/\(rawValue).yml" }
    }

    package var host: String
    /// 1-based position in the host's plan.
    package var index: Int
    package var step: PlanStep
    package var kind: Kind
    /// The commands the step runs, in order (for `tool` the one tool command).
    package var commands: [RemoteCommand]
    /// The play (group of steps between waits) it belongs to, from 0.
    package var phase = 0
    /// A generated upload's content, which the exporter writes through Ansible Vault (never into a plain file).
    var vaultContent: String?
    /// Where that content goes in the project (`files/HOST/NAME.vault`).
    var vaultPath: String?
    var values: [(String, YAMLValue)]
}

/// Why a plan cannot be exported (a step Ansible's builtin modules cannot carry as the runner does).
package struct AnsibleExportProblem: Error, Sendable, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

extension AnsibleStep {
    /// Seconds an otopi tool may run when the plan gives no timeout (the runner waits without limit).
    static let toolSeconds = 6 * 3600

    /// Where a tool step's console output is kept on the host.
    static func consoleLog(_ host: HostPlan, step: String) -> String {
        (host.remoteDirectory.isEmpty ? "/tmp" : host.remoteDirectory) + "/\(step).console.log"
    }

    /// The file a tool step reads its standard input from: the answers to its questions (`ovw_tool_input`).
    static func toolInput(_ host: HostPlan, step: String) -> String {
        (host.remoteDirectory.isEmpty ? "/tmp" : host.remoteDirectory) + "/\(step).input"
    }

    init(_ step: PlanStep, index: Int, of host: HostPlan) throws {
        self.host = host.name
        self.index = index
        self.step = step
        let at = "\(host.name) step \(index) (\(step.id))"
        var values: [(String, YAMLValue)] = [("host", .unsafe(host.name)), ("index", .int(index)), ("total", .int(host.steps.count)),
                                             ("id", .unsafe(step.id)), ("title", .unsafe(step.title))]
        switch step.action {
        case let .run(command, otopi, _) where otopi:
            kind = .tool
            commands = [command]
            let log = Self.consoleLog(host, step: step.id)
            let input = Self.toolInput(host, step: step.id)
            guard case .marker(let path) = step.probe else {
                throw AnsibleExportProblem("\(at): a tool run is verified by the wizard's marker, not by \(step.shownProbe)")
            }
            values += [("command", .unsafe(command.commandLine)),
                       ("detached", .unsafe(command.commandLine(readingInputFrom: input, writingOutputTo: log))),
                       ("log", .unsafe(log)), ("input", .unsafe(input)),
                       ("probe", .unsafe(StepMarker.holds(path: path, digest: step.digest).commandLine)),
                       ("mark", .unsafe(StepMarker.write(path: path, digest: step.digest).commandLine)),
                       ("failure_check", .unsafe(Self.otopiFailureCheck(log).commandLine)),
                       ("async_seconds", .int(step.timeout.map { Int($0) } ?? Self.toolSeconds))]
        case .run(let command, _, _):
            kind = .command
            commands = [command]
            values += try Self.commandValues(step, commands: commands, input: step.stdin ?? [], at: at)
        case .operation(let operation):
            kind = .command
            commands = operation.commands
            values += try Self.commandValues(step, commands: commands, input: operation.input, at: at)
        case .upload(let upload):
            kind = .upload
            commands = []
            let sha256: String, sha1: String, source: String
            var generated = false
            switch upload.source {
            case .generated(let text, _):
                let bytes = Data(text.utf8)
                sha256 = SHA256.hash(data: bytes).hex
                sha1 = Insecure.SHA1.hash(data: bytes).hex
                let name = URL(fileURLWithPath: upload.remotePath).lastPathComponent
                source = "files/\(Self.safe(host.name))/\(Self.safe(name)).vault"
                vaultContent = text
                vaultPath = source
                generated = true
            case .localFile(let path):
                (sha256, sha1) = try Self.hashes(of: path, at: at)
                source = path
            case .composed:
                // The file is put together while the plan runs, from the first host's answers.conf.
                throw AnsibleExportProblem("\(at): an additional hosted-engine host's answer file is composed from the first host's answers.conf while apply runs; exporting that step to Ansible is not built yet")
            }
            values += [("src", .unsafe(source)), ("dest", .unsafe(upload.remotePath)),
                       ("mode", .string("0" + String(upload.mode, radix: 8))), ("sha256", .string(sha256)), ("sha1", .string(sha1)),
                       ("secret", .bool(generated))]
        case .engine:
            throw AnsibleExportProblem("\(at): a call to the engine's REST API has no Ansible form yet")
        case .fetchResults(let fromStep):
            kind = .fetchResults
            commands = []
            let log = Self.consoleLog(host, step: fromStep)
            values += [("log", .unsafe(log)), ("find_answer_file", .unsafe(Self.reportedAnswerFile(log).commandLine))]
        }
        self.values = values
    }

    /// The values of the `command` kind: the probe (none for read-only checks, which simply run), the marker.
    static func commandValues(_ step: PlanStep, commands: [RemoteCommand], input: [UInt8], at: String) throws -> [(String, YAMLValue)] {
        var probe: YAMLValue = .null
        var mark: YAMLValue = .null
        switch step.probe {
        case .command(let command): if step.changesHost { probe = .unsafe(command.commandLine) }
        case .marker(let path):
            probe = .unsafe(StepMarker.holds(path: path, digest: step.digest).commandLine)
            mark = .unsafe(StepMarker.write(path: path, digest: step.digest).commandLine)
        case .rerun: break
        case .hostedEngineHostID(let id, let directory):
            probe = .unsafe(RemoteCommand.script(#"grep -qx "host_id=$1" "$2/hosted-engine.conf""#, arguments: [String(id), directory]).commandLine)
        case .remoteHashMatches, .localFiles, .engine:
            throw AnsibleExportProblem("\(at): a command step verified by \(step.shownProbe) has no Ansible form")
        }
        var stdin: YAMLValue = .null
        if !input.isEmpty {
            guard let text = String(bytes: input, encoding: .utf8) else {
                throw AnsibleExportProblem("\(at): its \(input.count) bytes of standard input are not UTF-8 text, which Ansible's shell module cannot send")
            }
            stdin = .unsafe(text)
        }
        return [("commands", .list(commands.map { .unsafe($0.commandLine) })), ("stdin", stdin), ("probe", probe), ("mark", mark),
                ("changes", .bool(step.changesHost)), ("timeout", .int(step.timeout.map { Int($0.rounded(.up)) } ?? 0))]
    }

    /// Exits 1 (naming the line) when the tool's console log holds otopi's failure lines, which `apply` treats as
    /// a failure whatever the exit status.
    static func otopiFailureCheck(_ log: String) -> RemoteCommand {
        .script(#"if l=$(grep -e '\[ ERROR \] Execution of setup failed' -e "\[ ERROR \] Failed to execute stage '" -- "$1"); then printf '%s\n' "$l" >&2; exit 1; fi"#,
                arguments: [log])
    }

    /// Prints the path of the last answer file the tool reported generating (otopi's `Generating answer file '…'`).
    static func reportedAnswerFile(_ log: String) -> RemoteCommand {
        .script(#"sed -n "s/.*Generating answer file '\(.*\)'.*/\1/p" -- "$1" | tail -n 1"#, arguments: [log])
    }

    static func safe(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
    }

    /// SHA-256 (the runner's probe) and SHA-1 (the copy module's checksum) of a local file, read once.
    static func hashes(of path: String, at: String) throws -> (String, String) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw AnsibleExportProblem("\(at): cannot read \(path), the file to upload")
        }
        defer { try? handle.close() }
        var sha256 = SHA256()
        var sha1 = Insecure.SHA1()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            sha256.update(data: chunk)
            sha1.update(data: chunk)
        }
        return (sha256.finalize().hex, sha1.finalize().hex)
    }

    /// `ovw_step`: what the task file reads.
    var yaml: YAMLValue { .map(values) }
}

extension Sequence where Element == UInt8 {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
