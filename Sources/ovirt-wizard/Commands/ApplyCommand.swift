import ArgumentParser
import Deploy
import Foundation
import OtopiKit
import SSHKit
import Synchronization
import TUI

/// `ovirt-wizard apply`: runs the plan on the hosts, with a journal that `--resume` continues.
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Run the plan on the hosts: progress panes (or --plain lines), journal, logs, resume.",
        discussion: """
            Hosts run in parallel. Next to the first answer file, FILE.deploy/ holds journal.jsonl (every step's \
            start and end, fsync'd), logs/HOST.log (each host's output, passwords masked), results/ (the answer \
            files the tools generated) and a lock that stops a second wizard. --resume re-checks every step the \
            journal records as done (its probe) and continues at the first that is not. With --plain a failed \
            step stops its host; the tools' questions are read from standard input. Exit 0 when every host \
            finished, 1 when one did not, 2 for unusable input, 3 when another wizard holds the lock, 4 when the \
            journal cannot be written (disk full), 255 when a host cannot be reached, 128+N after signal N (the \
            journal stays usable). A gluster flow answer file runs the volume's plan on every Gluster host (phases \
            waited for across hosts; disks only when GLUSTER/destroyDevices names exactly the disks the plan wipes), \
            then reads the volume back: exit 1 when it is not healthy. A platform flow answer file adds the hosts and \
            storage domains through the engine's REST API: the engine's CA is pinned (--engine-ca-file, else read \
            over SSH from the engine host) and the engine logged in to once before anything runs; each added host's \
            pane shows the engine's install events. --plan FILE.json runs a generic plan (hosts and steps) instead.
            """)

    @OptionGroup var deployment: DeploymentArguments
    @OptionGroup(title: "Platform flow (the engine's REST API)") var engine: PlatformEngineArguments
    @Option(name: .customLong("plan"), help: ArgumentHelp("A generic plan (JSON: hosts and steps) instead of answer files; FILE.deploy/ holds its journal.", valueName: "FILE"))
    var planFile: String?
    @Flag(help: "Continue the deployment recorded in the journal.") var resume = false
    @Flag(help: "Host-prefixed progress lines instead of the full-screen panes.") var plain = false
    @Flag(help: "With --plain, also print every output line of the hosts.") var verbose = false
    @Option(name: .customLong("skip"), help: ArgumentHelp(
        "With --plain: when this step fails, skip it instead of stopping its host (only a step the plan marks 'may be skipped'; a read-only check on a server the wizard cannot log in to, say). STEP is a step id, or HOST:STEP for one host's; repeatable.",
        valueName: "[HOST:]STEP"))
    var skip: [String] = []
    @Option(help: "Hosts worked on at the same time.") var jobs = 4
    @Option(help: ArgumentHelp("Seconds of silence before a running step reports that it is still running.", valueName: "S"))
    var heartbeat: Double = 15

    func run() throws {
        try runReportingErrors {
            if !skip.isEmpty, !plain {
                throw CLIError(message: "--skip goes with --plain (the panes ask retry, skip or abort at each failure)", code: .badInput)
            }
            if planFile != nil, !deployment.answers.isEmpty {
                throw CLIError(message: "give either --plan FILE or --answers FILE, not both", code: .badInput)
            }
            let source = planFile == nil ? try deployment.source() : nil
            if case .gluster(let input)? = source, let problem = input.confirmationProblem {
                throw CLIError(message: "\(problem); nothing was changed", code: .badInput)
            }
            var options = DeploymentRunner.Options()
            options.resume = resume
            options.maxConcurrentHosts = max(1, jobs)
            options.heartbeatInterval = max(1, heartbeat)
            options.rootAuthorizedKeys = engine.rootAuthorizedKeys
            options.engineCAOnHost = engine.caOnHost
            let execution = PlanExecution(files: planFile.map { DeploymentFiles(answerFile: $0) } ?? deployment.files,
                                          options: options, plain: plain, verbose: verbose, skip: Set(skip))
            let lock = try execution.begin()
            defer { lock.release() }
            let plan: DeploymentPlan
            if let planFile {
                do {
                    plan = try PlanFile.load(path: planFile, options: deployment.connection.connectOptions())
                } catch {
                    throw CLIError(message: "\(error)", code: .badInput)
                }
            } else if let source {
                // Sudo passwords are asked (and checked) here too, before the panes take the terminal.
                let probed = DeploymentArguments.probePlatforms(source.hosts, forRootSteps: true)
                if !probed.failures.isEmpty {
                    for f in probed.failures { printError("ovirt-wizard: \(f)") }
                    throw CLIError(message: "nothing was changed: every host must be reachable before apply starts", code: .unreachable)
                }
                try source.checkCPU()
                var planned = try source.plan(remoteBase: deployment.remoteDir, platforms: probed.platforms)
                if case .platform(let input) = source { try engine.trust(&planned, input: input) } else { engine.locate(&planned) }
                plan = planned
            } else {
                throw CLIError(message: "no answer file: give --answers FILE (one per host) or --plan FILE", code: .badInput)
            }
            // Generic plans are not probed: their hosts are connected once before the panes start.
            return try finish(source, plan: plan, code: try execution.run(plan, connectFirst: planFile != nil))
        }
    }
}

extension ApplyCommand {
    /// A Gluster volume is read back and its health reported once every host finished.
    func finish(_ source: DeploymentSource?, plan: DeploymentPlan, code: Int32) throws -> Int32 {
        guard case .gluster(let input)? = source, code == 0 else { return code }
        return GlusterDeployment.readBack(input, plan: plan)
    }
}

/// `apply --plain`: progress lines on stdout; failures stop their host; questions answered from stdin.
enum PlainApply {
    static let journalFailureExitCode = ExitCode.journalFailed.rawValue

    /// What the operator reads when the journal could not be written (disk full, I/O error).
    static func journalFailureMessage(_ failure: Journal.Failure) -> String {
        "ovirt-wizard: cannot write the journal \(failure.path): \(failure.reason). The run stopped: no step was started " +
            "that the journal does not record. Free space there, then continue with apply --resume."
    }

    static func run(plan: DeploymentPlan, files: DeploymentFiles, options: DeploymentRunner.Options, verbose: Bool,
                    skip: Set<String> = []) throws -> Int32 {
        let output = PlainOutput(verbose: verbose, hosts: plan.hosts.map(\.name))
        let plainOperator = PlainOperator(output: output, skip: skip)
        let runner: DeploymentRunner
        do {
            runner = try DeploymentRunner(plan: plan, files: files, options: options, runOperator: plainOperator) { event in
                output.handle(event)
            }
        } catch {
            throw CLIError(message: "\(error)", code: .badInput)
        }
        let received = Atomic<Int32>(0)
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                if received.exchange(sig, ordering: .sequentiallyConsistent) == 0 {
                    output.print(["ovirt-wizard: \(sig == SIGINT ? "Ctrl-C" : "signal \(sig)"): stopping the remote commands; the journal keeps what was done (continue with --resume)"])
                }
                runner.cancel()
            }
            source.resume()
            sources.append(source)
        }
        output.print(["Deploying to \(plan.hosts.count) host(s); journal \(files.journal)" + (options.resume ? " (resuming)" : "")])
        let outcomes = runner.run()
        output.print(PlainProgressFormatter.recap(output.progress, logPath: files.log(host:), answerFiles: plan.answerFiles))
        for source in sources { source.cancel() }
        if let failure = runner.journalFailure {
            printError(journalFailureMessage(failure))
            return journalFailureExitCode
        }
        let sig = received.load(ordering: .sequentiallyConsistent)
        if sig != 0 { return 128 + sig }
        return outcomes.values.allSatisfy(\.succeeded) ? 0 : 1
    }
}

/// Serialises printing from the hosts' threads, and keeps the progress model for the recap.
final class PlainOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var formatter: PlainProgressFormatter
    private(set) var progressValue: DeploymentProgress

    init(verbose: Bool, hosts: [String]) {
        formatter = PlainProgressFormatter(verbose: verbose)
        progressValue = DeploymentProgress(hostNames: hosts)
    }

    var progress: DeploymentProgress { lock.withLock { progressValue } }

    func handle(_ event: RunEvent) {
        lock.withLock {
            progressValue.apply(event)
            write(formatter.lines(for: event))
        }
    }

    func print(_ lines: [String]) {
        lock.withLock { write(lines) }
    }

    /// Caller holds the lock.
    private func write(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}

/// In --plain mode nobody is asked about failures (the host stops, unless `--skip` named a step that may be
/// skipped); the tools' questions are answered with lines from standard input, one host at a time.
final class PlainOperator: RunOperator, @unchecked Sendable {
    let output: PlainOutput
    /// `STEP` or `HOST:STEP` from `--skip`.
    let skip: Set<String>
    private let inputLock = NSLock()

    init(output: PlainOutput, skip: Set<String> = []) {
        self.output = output
        self.skip = skip
    }

    func decide(_ failure: StepFailure) -> FailureDecision {
        guard skip.contains(failure.step) || skip.contains("\(failure.host):\(failure.step)") else { return .abort }
        guard failure.skipIsSafe else {
            output.print(["[\(failure.host)] --skip names \(failure.step), but the plan does not let it be skipped (\(failure.skipNote)): the host stops"])
            return .abort
        }
        output.print(["[\(failure.host)] skipping \(failure.step) as --skip says"])
        return .skip
    }

    /// hosted-engine 4.5's lock-file pause: a line from standard input, `continue` or `abort` (end of input: abort).
    func decideLockPause(_ pause: LockFilePause, host: String) -> LockPauseDecision {
        inputLock.lock()
        defer { inputLock.unlock() }
        output.print(["[\(host)] fix the host (it must be 'up' in the engine), then type continue (the wizard removes \(pause.lockFile) and the deploy goes on), or abort (the wizard ends the deploy):"])
        while true {
            guard let line = readLine(strippingNewline: true) else {
                output.print(["[\(host)] no answer (end of input): ending the deploy"])
                return .abort
            }
            switch line.trimmingCharacters(in: .whitespaces).lowercased() {
            case "continue", "c": return .proceed
            case "abort", "a": return .abort
            default: output.print(["[\(host)] '\(line)' is neither continue nor abort; answer again:"])
            }
        }
    }

    func answer(_ prompt: OtopiPrompt, host: String, consolePassword: String?) -> String? {
        inputLock.lock()
        defer { inputLock.unlock() }
        if consolePassword != nil {
            if isatty(STDOUT_FILENO) == 1, let consolePassword {
                output.print(["[\(host)] temporary console password: \(consolePassword)"])
            } else {
                output.print(["[\(host)] the temporary console password is not written to a pipe; set one with: hosted-engine --add-console-password"])
            }
        }
        output.print(["[\(host)] answer for \(host)" + (prompt.defaultAnswer.map { " (empty line: \($0))" } ?? "") + ":"])
        while true {
            guard let line = readLine(strippingNewline: true) else {
                output.print(["[\(host)] no answer (end of input): stopping the step"])
                return nil
            }
            if prompt.accepts(line) { return line }
            output.print(["[\(host)] '\(line)' is not one of \(prompt.validValues.joined(separator: ", ")); answer again:"])
        }
    }
}
