import ArgumentParser
import Deploy
import Dispatch
import Foundation
import OtopiKit
import Synchronization
import WizardCore

struct PlainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plain",
        abstract: "Ask a flow's questions as otopi's line dialog and write the answer file.",
        discussion: """
            Prints the same section titles, prompts and [defaults] as the real tool, re-asks bad answers with \
            [ ERROR ], shows the CONFIGURATION PREVIEW and, once confirmed, writes the answer file (mode 0600). \
            Reads answers from a terminal or a pipe. With --offline no host is contacted and the seed's example \
            environment decides the questions that depend on the host (its values are marked as the seed's); \
            without it, a host that cannot be reached gives no defaults in place of its facts.
            """)

    @Option(help: "The flow: engine-setup or hosted-engine.") var flow: String
    @Flag(help: "Skip the target-host questions and contact no host.") var offline = false
    @Option(name: .customLong("answers"), help: ArgumentHelp("Pre-fill from an answer file (repeatable; later files win).", valueName: "FILE"))
    var answerFiles: [String] = []
    @Option(help: ArgumentHelp("Where to write the answer file (default: FLOW.conf, e.g. engine-setup.conf).", valueName: "FILE"))
    var output: String?
    @Option(help: ArgumentHelp("Seed for generated defaults (the VM's MAC address), to replay a dialog exactly.", valueName: "N"))
    var randomSeed: UInt64?
    @OptionGroup var hostKeys: TargetHostKeyOptions
    @OptionGroup var platform: PlatformOptions
    @OptionGroup var screens: ScreensOptions

    func run() throws {
        try runReportingErrors {
            let catalog = try screens.catalog()
            var flow = try screens.flow(named: self.flow)
            try platform.check(flow: flow)
            let files = try loadAnswerFiles(answerFiles)
            try refuseAnswersOfAnotherFlow(files, flow: flow, option: "--answers")
            let environment = OtopiEnvironment(files: files)
            let outputPath = URL(fileURLWithPath: output ?? defaultAnswerFile(flow)).standardizedFileURL.path
            var existing: [AnswerFile] = []
            if FileManager.default.fileExists(atPath: outputPath), let file = try? AnswerFile.load(path: outputPath) {
                try refuseAnswersOfAnotherFlow([file], flow: flow, option: "--output")
                existing = [file]
            }
            // A name without its version: a file that records one continues in it; otherwise the host chooses.
            var hostChoosesVersion = self.flow == flow.id && catalog.hostChoosesVersion(of: flow.id)
            if hostChoosesVersion, let recorded = recordedVersion(of: flow.id, in: files + existing, catalog: catalog) {
                flow = recorded
                hostChoosesVersion = false
            }
            let lock = try lockAnswerFile(outputPath)
            defer { lock?.release() }
            var session = FlowSession(flow: flow, offline: offline,
                                      randomSeed: randomSeed ?? UInt64.random(in: .min ... .max))
            session.load(environment)
            platform.presets.apply(to: &session)

            let io = TerminalDialogIO()
            let info = { (text: String) in io.write(OtopiConsoleFormat.log(DialogMessage(.info, text), color: io.color) + "\n") }
            let warn = { (text: String) in io.write(OtopiConsoleFormat.log(DialogMessage(.warning, text), color: io.color) + "\n") }
            info("ovirt-wizard: \(flow.title)")
            if offline {
                info("--offline: no host is contacted and host checks are not run; defaults that depend on the host are the \(flow.seedFacts.description)")
                if flow.id == "platform" { info("--offline: nothing is fetched: neither the engine's data centers and clusters nor the CPUs of the hosts to add") }
            }
            for file in answerFiles { info("Answers read from \(file)") }
            for warning in session.loadWarnings { warn(warning) }

            let progress = ProgressSnapshot(session: session, path: outputPath)
            progress.installInterruptHandler(io: io)
            var dialog = PlainDialog(session: session, checker: OfflineChecker(reason: "--offline"),
                                     onProgress: { progress.update($0) })
            let target = TargetHost(knownHosts: hostKeys.knownHosts, acceptNew: hostKeys.acceptNew)
            if hostChoosesVersion { target.versionChoice = catalog }
            dialog.onTargetKnown = { target.probe($0) }
            let fetcher = platform.fetcher(offline: offline, connectOptions: { target.options() })
            dialog.onFetch = { fetcher.fetch($0, $1) }
            let outcome = dialog.run(io: io)
            target.close()
            switch outcome {
            case .confirmed:
                try write(dialog.session, to: outputPath, complete: true)
                info("Generating answer file '\(outputPath)'")
                info("Use it with: \(dialog.session.flow.usage(answerFile: outputPath))")
                return 0
            case .aborted, .endOfInput:
                try write(dialog.session, to: outputPath, complete: false)
                info("The answers given so far are saved in '\(outputPath)' (incomplete); continue with: ovirt-wizard plain --flow \(flowArgument(dialog.session.flow, catalog)) --answers \(outputPath)")
                return 1
            }
        }
    }
}

/// Takes the lock of the answer file a wizard writes (`FILE.lock`, the lock `apply` uses), so a second wizard on
/// the same file is refused, naming the PID that holds it. Nil when the lock file cannot be made at all (a missing
/// folder): the first save then says why the answers cannot be written.
func lockAnswerFile(_ path: String) throws -> DeploymentLock? {
    do {
        return try DeploymentLock(path: path + ".lock")
    } catch let busy as DeploymentLock.Busy {
        throw CLIError(message: "another ovirt-wizard (\(busy.holder)) is writing the answer file \(path) (lock \(busy.path)); "
                       + "finish or quit that one first, or choose another answer file", code: .locked)
    } catch {
        return nil
    }
}

/// The flow version an answer file records (`OVIRT_WIZARD/flowVersion`) for flow `id`, the last file winning.
func recordedVersion(of id: String, in files: [AnswerFile], catalog: FlowCatalog) -> Flow? {
    let environment = OtopiEnvironment(files: files)
    guard environment[AnswerFileContract.flowKey]?.value.displayText == id,
          let version = environment[AnswerFileContract.flowVersionKey]?.value.displayText else { return nil }
    return catalog.versions(of: id).first { $0.version == version }
}

/// How `--flow` names `flow`: with its version when the catalog has several (`engine-setup-4.5`).
func flowArgument(_ flow: Flow, _ catalog: FlowCatalog) -> String {
    catalog.versions(of: flow.id).count > 1 ? "\(flow.id)-\(flow.version)" : flow.id
}

/// Each flow's own answer file when none is named, so two flows run in one folder never share one.
func defaultAnswerFile(_ flow: Flow) -> String { "\(flow.id).conf" }

/// Refuses answer files written for another flow (`OVIRT_WIZARD/flow`): loading one would carry its keys over and
/// the next save would rewrite it as this flow's file. Files that name no flow (older ones, hand-written) are read.
func refuseAnswersOfAnotherFlow(_ files: [AnswerFile], flow: Flow, option: String) throws {
    for file in files {
        guard let named = OtopiEnvironment(files: [file])[AnswerFileContract.flowKey], !named.value.isNone,
              named.value.displayText != flow.id else { continue }
        let owner = named.value.displayText
        throw CLIError(message: "\(file.path) was written for the \(owner) flow, not \(flow.id); it is left as it is. "
                       + "Continue it with --flow \(owner), or give \(flow.id) its own file with \(option) (for example \(flow.id).conf)",
                       code: .badInput)
    }
}

/// Writes a session's answers (`AnswerFileContract.renderLocal`); an incomplete file says so in its first lines.
func write(_ session: FlowSession, to path: String, complete: Bool) throws {
    do {
        try AtomicFile.write(try AnswerFileContract.renderLocal(session, complete: complete), to: path)
    } catch let error as AnswerFileWriter.Unrepresentable {
        throw CLIError(message: "cannot write \(path): \(error)", code: .problemFound)
    } catch {
        throw CLIError(message: "\(error)", code: .problemFound)
    }
}

/// The latest answers, kept where the Ctrl-C and hang-up handlers can save them.
final class ProgressSnapshot: Sendable {
    let state: Mutex<FlowSession>
    let path: String

    init(session: FlowSession, path: String) {
        state = Mutex(session)
        self.path = path
    }

    func update(_ session: FlowSession) {
        state.withLock { $0 = session }
    }

    /// Ctrl-C, a hang-up or TERM: echo back on, the answers so far saved, exit 130/129/143.
    func installInterruptHandler(io: TerminalDialogIO) {
        for sig in [SIGINT, SIGHUP, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in
                TerminalEcho.restore()
                let session = state.withLock { $0 }
                let saved = (try? write(session, to: path, complete: false)) != nil
                let message = saved ? "Interrupted; the answers given so far are saved in '\(path)' (incomplete)"
                                    : "Interrupted; the answers could not be saved to '\(path)'"
                FileHandle.standardOutput.write(Data(("\n" + OtopiConsoleFormat.log(DialogMessage(.error, message), color: io.color) + "\n").utf8))
                exit(128 + sig)
            }
            source.resume()
            Self.sources.append(source)
        }
    }

    /// Kept alive for the life of the process; set up once from the main thread.
    nonisolated(unsafe) static var sources: [DispatchSourceSignal] = []
}
