import Foundation
import OtopiKit
import SSHKit
import Synchronization

/// What the runner does at hosted-engine's "(1) Continue setup - engine installation is complete" loop when the
/// wizard sets up the engine in the VM (`EngineVMRole`): it waits for the VM on SSH, runs the VM's steps (their own
/// pane, journal entries and log) and answers 1 only after engine-setup succeeded there. Failures of the VM's steps
/// go to the operator like any step's (retry, skip, abort) while the host's loop waits; a skipped engine-setup
/// hands the loop to the operator, an abort answers 3 (hosted-engine's own "Abort setup"). 1 is answered once per
/// run of hosted-engine: a loop shown again after that is the operator's to answer.
final class EngineVMLoop: Sendable {
    let runner: DeploymentRunner
    let role: EngineVMRole
    private let answeredContinue = Mutex(false)
    /// How long the VM may take to answer on SSH once the loop is reached, and how often it is tried.
    static let sshWait: Double = 600
    static let sshRetry: Double = 5

    init(runner: DeploymentRunner, role: EngineVMRole) {
        self.runner = runner
        self.role = role
    }

    /// The answer to the host's prompt: the engine loop's when this is it, else nil (the operator answers).
    func answer(_ prompt: OtopiPrompt, consolePassword: String?) -> String? {
        // Called beside the host's output thread: notes go to the panes and plain lines only (the host's log and the
        // journal take one host's events from its own thread).
        let note: (String) -> Void = { [runner, role] text in runner.handler.take(.note(host: role.host, text: text)) }
        guard EngineVMRole.isEngineLoop(prompt.choices.map { ($0.value, $0.label) }) else {
            return runner.runOperator.answer(prompt, host: role.host, consolePassword: consolePassword)
        }
        if answeredContinue.withLock({ $0 }) {
            note("hosted-engine asks again after the wizard answered 1: the loop is yours to answer")
            return runner.runOperator.answer(prompt, host: role.host, consolePassword: consolePassword)
        }
        guard let vmPlan = runner.plan.host(named: role.vm) else {
            note("the plan has no engine VM \(role.vm): the loop is yours to answer")
            return runner.runOperator.answer(prompt, host: role.host, consolePassword: consolePassword)
        }
        note("engine-installation loop reached: the wizard sets up the engine in the VM \(role.vm) (its own pane); hosted-engine waits here until engine-setup succeeded there")
        let vmRun = HostRun(runner: runner, plan: withHostKeyQuestion(vmPlan))
        let outcome = vmRun.runWhenReachable(wait: Self.sshWait, retry: Self.sshRetry)
        runner.finishEngineVM(role.vm, outcome: outcome)
        switch outcome {
        case .succeeded where vmRun.skippedSteps.contains(role.engineSetupStep):
            note("engine-setup in the VM was skipped: answer hosted-engine's loop once the engine runs in the VM")
            return runner.runOperator.answer(prompt, host: role.host, consolePassword: consolePassword)
        case .succeeded:
            answeredContinue.withLock { $0 = true }
            note("engine-setup succeeded in the VM \(role.vm): answering \(EngineVMRole.continueChoice) (\(EngineVMRole.continueLabel))")
            return EngineVMRole.continueChoice
        case .cancelled:
            return nil
        case .failed(let step, let reason):
            note("the engine VM's step \(step) failed (\(reason)) and was not retried: answering \(EngineVMRole.abortChoice) (Abort setup)")
            return EngineVMRole.abortChoice
        case .notRun(let why):
            note("the engine VM's steps did not run (\(why)): answering \(EngineVMRole.abortChoice) (Abort setup)")
            return EngineVMRole.abortChoice
        }
    }

    /// The VM did not exist when the run started, so its host key cannot have been accepted beforehand: a key
    /// known_hosts does not hold is shown to the operator as a question of the VM's pane, and recorded if accepted.
    /// (A key that differs from the recorded one is refused, as for any host.)
    func withHostKeyQuestion(_ plan: HostPlan) -> HostPlan {
        guard case .strict = plan.access.options.hostKeyPolicy else { return plan }
        var plan = plan
        let runOperator = runner.runOperator
        let vm = role.vm
        plan.access.options.hostKeyPolicy = .ask { key in
            let question = OtopiPrompt(
                text: "Accept this host key for \(key.hostDisplay) and record it in \(key.knownHostsPath)? (yes, no)[no]:",
                context: ["The engine VM \(vm) is not in known_hosts yet. Its \(key.keyType) key:", key.fingerprint],
                validValues: ["yes", "no"], defaultAnswer: "no")
            return runOperator.answer(question, host: vm, consolePassword: nil)?.lowercased() == "yes"
        }
        return plan
    }
}

extension HostRun {
    /// `run()`, once the host answers on SSH: connecting is tried every `retry` seconds for `wait` seconds (the VM
    /// may still be booting from its new disk); after that the first step meets the failure like any unreachable host.
    func runWhenReachable(wait: Double, retry: Double) -> HostOutcome {
        let deadline = Date().addingTimeInterval(wait)
        var told = false
        while !runner.isCancelled {
            do {
                _ = try connect()
                break
            } catch {
                if Date() >= deadline { break }
                if !told {
                    emit(.note(host: host, text: "waiting for \(host) to answer on SSH (\(error)); trying every \(Int(retry)) s for up to \(Int(wait / 60)) minutes"))
                    told = true
                }
                Thread.sleep(forTimeInterval: retry)
            }
        }
        return run()
    }
}
