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
        /// A command run detached on the host (`PlanStep.detached`, hosted-engine 4.5's deploy): started and polled
        /// through the same files as `apply` (`DetachedRun`), so either picks up a run the other started.
        case detachedRun = "detached-run"
        /// The answer file the tool reported, fetched back to this machine.
        case fetchResults = "fetch-results"
        /// An answer file put together on this machine from the one another host's tool generated (fetched by that
        /// host's fetch-results step) and this host's lines (hosted-engine's additional hosts), then copied.
        case composedUpload = "composed-upload"

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
        case .run(let command, _, _) where step.detached != nil:
            kind = .detachedRun
            commands = [command]
            values += try Self.detachedValues(step, command: command, detached: step.detached!, host: host, at: at)
        case let .run(command, otopi, _) where otopi:
            kind = .tool
            commands = [command]
            let log = Self.consoleLog(host, step: step.id)
            let input = Self.toolInput(host, step: step.id)
            let probe = try Self.toolProbe(step, log: log, at: at)
            var stdin: YAMLValue = .null
            if let bytes = step.stdin {
                guard let text = String(bytes: bytes, encoding: .utf8) else {
                    throw AnsibleExportProblem("\(at): its \(bytes.count) bytes of standard input are not UTF-8 text, which Ansible's copy module cannot write")
                }
                stdin = .unsafe(text)
            }
            values += [("stdin_base64", step.stdin.map { .string(Data($0).base64EncodedString()) } ?? .null)]
            values += [("command", .unsafe(command.commandLine)),
                       ("detached", .unsafe(command.commandLine(readingInputFrom: input, writingOutputTo: log))),
                       ("log", .unsafe(log)), ("input", .unsafe(input)), ("stdin", stdin),
                       ("probe", .unsafe(probe.probe.commandLine)),
                       ("mark", probe.mark.map { .unsafe($0.commandLine) } ?? .null),
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
            case .composed(let composed):
                kind = .composedUpload
                let lines: ComposedAnswerFile.Lines
                do {
                    lines = try composed.lines()
                } catch {
                    throw AnsibleExportProblem("\(at): \(error)")
                }
                guard let run = host.steps.first(where: { $0.id == composed.runStep }) else {
                    throw AnsibleExportProblem("\(at): its answer file is for \(composed.runStep), a step that is not in \(host.name)'s plan")
                }
                let runLog = Self.consoleLog(host, step: run.id)
                let name = URL(fileURLWithPath: upload.remotePath).lastPathComponent
                // This host's lines hold the engine's admin password: only in Ansible Vault.
                let path = "files/\(Self.safe(host.name))/\(Self.safe(name)).lines.vault"
                vaultContent = YAMLValue.map([
                    ("additions", .map(lines.additions.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                    ("re_deployment", .map(lines.onReDeployment.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                ]).render()
                vaultPath = path
                values += [("lines", .unsafe(path)), ("header", .unsafe(lines.header)),
                           ("base_host", .unsafe(composed.baseHost)), ("base_step", .unsafe(composed.baseStep)),
                           ("dest", .unsafe(upload.remotePath)), ("mode", .string("0" + String(upload.mode, radix: 8))),
                           ("run_step", .unsafe(run.id)), ("run_log", .unsafe(runLog)),
                           ("run_probe", .unsafe(try Self.toolProbe(run, log: runLog, at: "\(host.name) step \(run.id)").probe.commandLine))]
                self.values = values
                return
            }
            values += [("src", .unsafe(source)), ("dest", .unsafe(upload.remotePath)),
                       ("mode", .string("0" + String(upload.mode, radix: 8))), ("sha256", .string(sha256)), ("sha1", .string(sha1)),
                       ("secret", .bool(generated))]
        case .engine:
            throw AnsibleExportProblem("\(at): a call to the engine's REST API has no Ansible form yet")
        case .fetchResults(let fromStep):
            kind = .fetchResults
            commands = []
            // A detached run's output is in its DetachedRun log, as apply reads it; a tool's in its console log.
            let log = host.steps.first { $0.id == fromStep }?.detached?.logPath ?? Self.consoleLog(host, step: fromStep)
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
        return [("commands", .list(commands.map { .unsafe($0.commandLine) })), ("stdin", stdin),
                ("stdin_base64", input.isEmpty ? .null : .string(Data(input).base64EncodedString())), ("probe", probe), ("mark", mark),
                ("changes", .bool(step.changesHost)), ("timeout", .int(step.timeout.map { Int($0.rounded(.up)) } ?? 0))]
    }

    /// A tool run's check (is it done?) and, for runs verified by the wizard's marker, the command that leaves it.
    /// hosted-engine's additional hosts are done when the HA agent's configuration holds their Host ID, in the
    /// folder of the answer file the tool reported in its console log (as apply reads it from the tool's output),
    /// or the configuration folder when it reported none; never while that log ends in otopi's failure (a run that
    /// failed after writing the configuration is not done, as apply runs a failed step again).
    static func toolProbe(_ step: PlanStep, log: String, at: String) throws -> (probe: RemoteCommand, mark: RemoteCommand?) {
        switch step.probe {
        case .marker(let path):
            return (StepMarker.holds(path: path, digest: step.digest), StepMarker.write(path: path, digest: step.digest))
        case let .hostedEngineHostID(id, directory):
            return (.script(#"if grep -q -e '\[ ERROR \] Execution of setup failed' -e "\[ ERROR \] Failed to execute stage '" -- "$3" 2>/dev/null; then exit 1; fi; a=$(sed -n "s/.*Generating answer file '\(.*\)'.*/\1/p" -- "$3" 2>/dev/null | tail -n 1); if [ -n "$a" ]; then d=${a%/*}; else d=$2; fi; grep -qx "host_id=$1" "$d/hosted-engine.conf""#,
                            arguments: [String(id), directory, log]), nil)
        default:
            throw AnsibleExportProblem("\(at): a tool run is verified by the wizard's marker or hosted-engine's Host ID, not by \(step.shownProbe)")
        }
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
