/// The link between a hosted-engine host and the engine VM it creates (oVirt 3.4). The host's hosted-engine step
/// carries it (`PlanStep.engineVM`): at its "(1) Continue setup - engine installation is complete" loop the runner
/// runs the VM's steps, and answers 1 only after engine-setup in the VM succeeded. The VM's plan carries it too
/// (`HostPlan.engineVM`): it is not run with the other hosts, only from that loop.
package struct EngineVMRole: Sendable, Equatable, CustomStringConvertible {
    /// The VM's plan (its name in plans, journals and panes: the address the wizard reaches it at).
    package var vm: String
    /// The hosted-engine host whose loop runs the VM's steps, and its step that runs hosted-engine.
    package var host: String
    package var hostStep: String
    /// The VM's step that runs engine-setup: only its success lets the wizard answer 1.
    package var engineSetupStep: String

    package init(vm: String, host: String, hostStep: String, engineSetupStep: String) {
        self.vm = vm
        self.host = host
        self.hostStep = hostStep
        self.engineSetupStep = engineSetupStep
    }

    /// The choice of hosted-engine 3.4's engine loop (dialog OVEHOSTED_ENGINE_UP) that continues the deploy.
    package static let continueChoice = "1"
    package static let continueLabel = "Continue setup - engine installation is complete"
    /// The loop's choice that aborts hosted-engine cleanly ("Engine polling aborted by user").
    package static let abortChoice = "3"

    /// Whether `prompt` is that loop: its choices list the continue label.
    package static func isEngineLoop(_ choices: [(value: String, label: String)]) -> Bool {
        choices.contains { $0.value == continueChoice && $0.label == continueLabel }
    }

    package var description: String { "engine VM \(vm) of \(host)/\(hostStep) (engine-setup: \(engineSetupStep))" }
}
