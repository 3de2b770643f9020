import ArgumentParser
import Deploy
import Foundation
import OtopiKit
import SSHKit
import TUI
import WizardCore

/// The full-screen wizard (ncursesw): the default when no subcommand is given.
struct WizardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "The full-screen wizard: hub of sections, question screens, preview; answers saved after each one.",
        discussion: """
            Without --flow it lists the flows found in Screens/. Every accepted answer is written at once to the \
            --answers file (atomically, mode 0600); started again with the same file, the wizard continues at the \
            first question that still needs an answer. Needs a terminal of at least 80x24; otherwise use \
            `ovirt-wizard plain`.
            """)

    @Option(help: "The flow: engine-setup or hosted-engine (default: choose from a list).") var flow: String?
    @Option(name: .customLong("answers"), help: ArgumentHelp("The session's answer file: read if it exists, rewritten after every answer (default: FLOW.conf, e.g. engine-setup.conf).", valueName: "FILE"))
    var answers: String?
    @Flag(help: "Skip the target-host questions and contact no host.") var offline = false
    @OptionGroup var hostKeys: TargetHostKeyOptions
    @OptionGroup var platform: PlatformOptions
    @OptionGroup var screens: ScreensOptions

    func run() throws {
        try runReportingErrors {
            let environment = ProcessInfo.processInfo.environment
            if let problem = TerminalCheck.currentProblem(environment: environment) {
                throw CLIError(message: problem, code: ExitCode(TerminalSession.unusableTerminalExitCode))
            }
            let catalog = try screens.catalog()
            let named = answers.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            // Each flow writes its own file unless --answers names one.
            let pathOf: @Sendable (Flow) -> String = { named ?? URL(fileURLWithPath: defaultAnswerFile($0)).standardizedFileURL.path }
            var flows = catalog.flows
            // A flow listed without its version is chosen by the probed host's OS (as in `plain`); offline there is
            // no host to ask, so each version has its own row.
            var hostChooses: [String: [String]] = [:]
            if let flow {
                flows = [try screens.flow(named: flow)]
                try platform.check(flow: flows[0])
                if !offline, flow == flows[0].id, catalog.hostChoosesVersion(of: flow) {
                    hostChooses[flow] = catalog.versions(of: flow).map(\.version)
                }
            } else if let named, FileManager.default.fileExists(atPath: named),
                      let owner = try? AnswerFileContract.flow(of: OtopiEnvironment(files: loadAnswerFiles([named])), in: catalog) {
                // The file belongs to one flow: that flow, and no other, may load and rewrite it.
                flows = [owner]
            } else if catalog.flows.isEmpty {
                throw CLIError(message: "no flows in \(catalog.directory)", code: .badInput)
            } else if !offline {
                (flows, hostChooses) = catalog.listedForHostChoice()
            }
            // Every file this run may write is locked before the first screen.
            var locks: [DeploymentLock] = []
            defer { for lock in locks { lock.release() } }
            var filesByPath: [String: [AnswerFile]] = [:]
            for path in Set(flows.map(pathOf)).sorted() {
                if let lock = try lockAnswerFile(path) { locks.append(lock) }
                filesByPath[path] = FileManager.default.fileExists(atPath: path) ? try loadAnswerFiles([path]) : []
            }
            for flow in flows { try refuseAnswersOfAnotherFlow(filesByPath[pathOf(flow)] ?? [], flow: flow, option: "--answers") }
            // A file that records its version continues in it.
            flows = flows.map { flow in
                guard hostChooses[flow.id] != nil, let recorded = recordedVersion(of: flow.id, in: filesByPath[pathOf(flow)] ?? [], catalog: catalog) else { return flow }
                hostChooses[flow.id] = nil
                return recorded
            }
            let offline = self.offline
            let loaded = filesByPath
            let presets = platform.presets
            let start: @Sendable (Flow) -> FlowSession = { flow in
                var session = FlowSession(flow: flow, offline: offline, randomSeed: UInt64.random(in: .min ... .max))
                session.load(OtopiEnvironment(files: loaded[pathOf(flow)] ?? []))
                presets.apply(to: &session)
                return session
            }
            var session: FlowSession? = nil
            if flows.count == 1 { session = start(flows[0]) }
            let path = session.map { pathOf($0.flow) } ?? named ?? "answers.conf"
            let prober = offline ? nil : TargetHostProber(knownHosts: hostKeys.knownHosts, acceptNew: hostKeys.acceptNew,
                                                          versionChoice: catalog, choosing: Set(hostChooses.keys))
            defer { prober?.close() }
            var app = WizardApp(
                checker: OfflineChecker(reason: offline ? "--offline" : "the target host is not probed yet"),
                startFlow: start,
                save: { session, complete, path in
                    do {
                        try write(session, to: path, complete: complete)
                        return Notice(complete ? "Answer file written to \(path)" : "Saved to \(path)", kind: .success)
                    } catch let error as CLIError {
                        return Notice(error.message, kind: .error)
                    } catch {
                        return Notice("cannot save \(path): \(error)", kind: .error)
                    }
                },
                prober: prober, answerFileOf: pathOf)
            // Curses owns the terminal: an unknown host key is refused (the target's own probe asks about its key
            // in a dialog and records it), unless --accept-new.
            let knownHosts = hostKeys.knownHosts, acceptNew = hostKeys.acceptNew
            let fetcher = platform.fetcher(offline: offline, connectOptions: {
                var options = ConnectOptions()
                options.knownHostsPath = knownHosts
                if acceptNew { options.hostKeyPolicy = .acceptNew }
                return options
            })
            app.fetcher = { fetcher.fetch($0, $1) }
            var finished = false
            var finalFlow: Flow? = nil
            var written: String? = path
            let code = TerminalSession.run(app, state: WizardApp.initialState(flows: flows, session: session, answerFile: path, hostChoosesVersion: hostChooses),
                                           environment: environment) { runner in
                finished = runner.state.finished
                finalFlow = runner.state.session?.flow
                // Where the answers went: another path if the operator gave one, none if the last write failed.
                written = runner.state.unsaved ? nil : runner.state.answerFile
            }
            if code == TerminalSession.unusableTerminalExitCode { return code }
            guard let written else {
                printError("ovirt-wizard: the answers could NOT be saved (the answer file could not be written); they are lost")
                return code == 0 ? 1 : code
            }
            if finished && code == 0 {
                print("Answer file written to \(written)")
                // The flow the session ended in: the probed host may have chosen another version than the one named.
                if let usage = (finalFlow ?? flow.flatMap { catalog.flow(named: $0) })?.usage(answerFile: written) { print("Use it with: \(usage)") }
                return try offerApply(answerFile: written, flows: catalog)
            } else if FileManager.default.fileExists(atPath: written) {
                print("Answers so far are saved in \(written); continue with: ovirt-wizard --answers \(written)" + (flow.map { " --flow \($0)" } ?? "")
                      + (offline ? " --offline" : ""))
            }
            return code
        }
    }
}
