import Deploy
import Foundation
import Synchronization
import TUI

/// `apply` on a terminal: the runner on its own threads, the panes on this one; the recap is printed after the
/// terminal is restored.
enum DeployPanesRunner {
    static func run(plan: DeploymentPlan, files: DeploymentFiles, options: DeploymentRunner.Options) throws -> Int32 {
        let inbox = Inbox<DeployPanesApp.Message>()
        let post: @Sendable (DeployPanesApp.Message) -> Void = { inbox.post($0) }
        let batcher = EventBatcher()
        let recap = PlainOutputRecap(hosts: plan.hosts.map(\.name))
        let runner: DeploymentRunner
        do {
            runner = try DeploymentRunner(plan: plan, files: files, options: options, runOperator: PanesOperator(post: post)) { event in
                batcher.add(event)
                recap.apply(event)
            }
        } catch {
            throw CLIError(message: "\(error)", code: .badInput)
        }
        let done = DispatchSemaphore(value: 0)
        let outcomes = Mutex<[String: HostOutcome]>([:])
        batcher.start(post: post)
        let thread = Thread {
            let result = runner.run()
            outcomes.withLock { $0 = result }
            batcher.stop(post: post)
            post(.finished)
            done.signal()
        }
        thread.start()
        let answerFiles = Array(Set(plan.hosts.map(\.answerFile))).sorted()
        // `b` in the recap and the failure dialog: the support bundle, its secrets from the plan's answer files.
        let flows = try? ScreensOptions.parse([]).catalog()
        let bundle = DeploymentBundle(plan: plan, files: files, answerFiles: answerFiles, flows: flows)
        let app = DeployPanesApp(logPath: files.log(host:), cancel: { runner.cancel() },
                                 makeBundle: { report in bundle.makeReporting(output: DeploymentBundle.defaultOutput(), report: report) })
        var state = DeployPanesApp.State(hosts: plan.hosts.map(\.name), now: Date())
        state.canBundle = true
        let code = TerminalSession.run(app, state: state,
                                       environment: ProcessInfo.processInfo.environment, inbox: inbox)
        if code != 0 && code != TerminalSession.unusableTerminalExitCode {
            runner.cancel()   // a signal ended the screen: stop the hosts, keep the journal
        } else if code == TerminalSession.unusableTerminalExitCode {
            printError("ovirt-wizard: the panes could not start on this terminal; the run was stopped (continue with apply --resume --plain)")
            runner.cancel()
        }
        done.wait()
        for line in PlainProgressFormatter.recap(recap.progress, logPath: files.log(host:), answerFiles: plan.answerFiles) { print(line) }
        print("Journal: \(files.journal)")
        if let failure = runner.journalFailure {
            printError(PlainApply.journalFailureMessage(failure))
            return PlainApply.journalFailureExitCode
        }
        if code != 0 { return code }
        return outcomes.withLock { $0.values.allSatisfy(\.succeeded) } ? 0 : 1
    }
}

/// The progress for the recap printed after the panes, built from the same events.
final class PlainOutputRecap: Sendable {
    private let value: Mutex<DeploymentProgress>
    init(hosts: [String]) { value = Mutex(DeploymentProgress(hostNames: hosts)) }
    func apply(_ event: RunEvent) { value.withLock { $0.apply(event) } }
    var progress: DeploymentProgress { value.withLock { $0 } }
}
