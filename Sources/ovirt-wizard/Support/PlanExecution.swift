import Deploy
import Foundation
import SSHKit
import TUI

/// How `apply` and `export-domain create` run a plan: the deployment folder and its lock, the journal's rule
/// for `--resume`, then the runner with the panes or the plain lines.
struct PlanExecution {
    var files: DeploymentFiles
    var options: DeploymentRunner.Options
    var plain: Bool
    var verbose: Bool
    /// `apply --plain --skip`: steps skipped when they fail (if the plan lets them be).
    var skip: Set<String> = []

    /// Creates the deployment folder and takes its lock (the caller releases it); refuses a journal of an
    /// earlier run unless resuming.
    func begin() throws -> DeploymentLock {
        do {
            try files.create()
        } catch {
            throw CLIError(message: "cannot create \(files.directory): \(error)", code: .badInput)
        }
        let lock: DeploymentLock
        do {
            lock = try DeploymentLock(path: files.lock)
        } catch let busy as DeploymentLock.Busy {
            throw CLIError(message: busy.description, code: .locked)
        } catch {
            throw CLIError(message: "\(error)", code: .badInput)
        }
        do {
            try checkJournal(warn: true)
        } catch {
            lock.release()
            throw error
        }
        return lock
    }

    /// Refuses a journal of an earlier run unless resuming (also before anything else is done: no folder is made).
    /// `warn`: print what is wrong with the journal's lines (once a run, by `begin`).
    func checkJournal(warn: Bool = false) throws {
        let (records, warnings) = Journal.read(path: files.journal)
        if warn { for warning in warnings { printError("ovirt-wizard: warning: \(warning)") } }
        if !options.resume && records.contains(where: { $0.kind == .stepEnded || $0.kind == .stepStarted }) {
            throw CLIError(message: "\(files.journal) records an earlier run: continue it with --resume, or remove \(files.directory) to start over", code: .badInput)
        }
    }

    /// Runs the plan; the exit code of the run. `connectFirst`: hosts not reached yet (no probe) are connected
    /// once before the panes take the terminal, so that host keys and passwords are asked first.
    func run(_ plan: DeploymentPlan, connectFirst: Bool) throws -> Int32 {
        var usePanes = !plain && isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
        if usePanes, let problem = TerminalCheck.currentProblem(environment: ProcessInfo.processInfo.environment) {
            printError("ovirt-wizard: \(problem); using plain progress lines")
            usePanes = false
        }
        guard usePanes else { return try PlainApply.run(plan: plan, files: files, options: options, verbose: verbose, skip: skip) }
        if connectFirst {
            let failures = DeploymentArguments.checkAccess(plan.hosts.map { ($0.name, $0.access) })
            if !failures.isEmpty {
                for f in failures { printError("ovirt-wizard: \(f)") }
                throw CLIError(message: "nothing was changed: every host must be reachable before apply starts", code: .unreachable)
            }
        }
        // Host keys were accepted before the screen started; during the run nothing may write to the terminal
        // behind curses' back: a changed key is refused, no password is asked (one typed earlier is used again).
        var quiet = plan
        for i in quiet.hosts.indices {
            quiet.hosts[i].access.options.hostKeyPolicy = .strict
            quiet.hosts[i].access.options.credentials = nil
            if TerminalPrompt.available { quiet.hosts[i].access.options.useCredentials(operatorCredentials, mayAsk: false) }
        }
        return try DeployPanesRunner.run(plan: quiet, files: files, options: options)
    }
}
