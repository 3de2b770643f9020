import Foundation
import HostOps
import WizardCore

/// The engine VM's part of a hosted-engine plan (oVirt 3.4): engine-setup's own steps (check the VM, the oVirt
/// repository, ovirt-engine, the uploaded answer file, `engine-setup --offline`), as a target of its own that the
/// host's engine-installation loop runs (`EngineVMRole`).
extension DeploymentPlanner {
    /// The VM's step that runs engine-setup, and the host's step whose loop runs the VM's steps.
    static let engineVMRunStep = "run-engine-setup"
    static let hostedEngineRunStep = "run-hosted-engine"

    /// Links each hosted-engine host of `hosts` whose answers ask the wizard to set up the engine in the VM to
    /// the VM's plan, inserted right after that host. `taken`: the names of the deployment's other hosts.
    func addEngineVMs(_ inputs: [DeploymentInput], to hosts: inout [HostPlan], taken: Set<String>) throws {
        for input in inputs {
            guard let vm = input.engineVM else { continue }
            guard !taken.contains(vm.name) else {
                throw Problem(description: "\(input.path): the engine VM \(vm.name) (\(HostedEngineEngineVM.addressKey)) is also a host of this deployment; the VM is created by hosted-engine")
            }
            guard let hostIndex = hosts.firstIndex(where: { $0.name == input.hostName && $0.engineVM == nil }),
                  let stepIndex = hosts[hostIndex].steps.firstIndex(where: { $0.id == Self.hostedEngineRunStep }) else {
                throw Problem(description: "\(input.path): no \(Self.hostedEngineRunStep) step on \(input.hostName) for the engine VM's loop")
            }
            let role = EngineVMRole(vm: vm.name, host: input.hostName, hostStep: Self.hostedEngineRunStep, engineSetupStep: Self.engineVMRunStep)
            var plan = try hostPlan(DeploymentInput(engineVM: vm, of: input),
                                    platform: .assumed("the engine VM: hosted-engine creates it during the deploy"),
                                    deploymentHosts: taken.union([vm.name]))
            plan.engineVM = role
            guard let run = plan.steps.firstIndex(where: { $0.id == Self.engineVMRunStep }) else {
                throw Problem(description: "\(input.path): the engine VM's plan has no \(Self.engineVMRunStep) step")
            }
            plan.steps[run] = Self.detachedEngineSetup(plan.steps[run], directory: plan.remoteDirectory)
            hosts[hostIndex].steps[stepIndex].engineVM = role
            hosts[hostIndex].steps[stepIndex].title += " (the engine VM \(vm.name) set up at its engine-installation loop)"
            hosts.insert(plan, at: hostIndex + 1)
        }
    }

    /// engine-setup in the VM runs detached from the wizard's connection, its output in a file the step follows:
    /// a wizard killed (or a connection lost) while it runs does not stop it, and the step run again (`--resume`,
    /// retry) follows the run still going, or takes the result of one that succeeded since the answer file was
    /// uploaded, instead of starting engine-setup a second time. Its answer file answers everything: it reads no
    /// input (a question it would ask ends it with "End of file", shown in the pane).
    static func detachedEngineSetup(_ step: PlanStep, directory: String) -> PlanStep {
        guard case .run(let command, _, _) = step.action else { return step }
        let answers = command.argv.first { $0.hasPrefix("--config-append=") }.map { String($0.dropFirst("--config-append=".count)) } ?? ""
        let follow = RemoteCommand.script(#"""
            d=$1; f=$2; shift 2
            out="$d/engine-setup.out"; st="$d/engine-setup.status"; pidf="$d/engine-setup.pid"; for="$d/engine-setup.for"
            sum=$(sha256sum < "$f") || exit 1
            if [ -f "$st" ] && [ "$(cat "$st")" = 0 ] && [ "$(cat "$for" 2>/dev/null)" = "$sum" ]; then
              echo "ovirt-wizard: engine-setup already completed in this VM with $f as it is now: not run again; its output:"
              cat "$out"; exit 0
            fi
            pid=$(cat "$pidf" 2>/dev/null)
            if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
              echo "ovirt-wizard: engine-setup started earlier is still running in this VM (pid $pid): following it, not starting another"
            else
              rm -f "$st"; : > "$out"; echo "$sum" > "$for"
              setsid sh -c '"$@" < /dev/null > "$0" 2>&1; echo $? > "$0.st.tmp"; mv "$0.st.tmp" "${0%.out}.status"' "$out" "$@" < /dev/null > /dev/null 2>&1 &
              pid=$!; echo "$pid" > "$pidf"
            fi
            tail -n +1 --pid="$pid" -f "$out"
            [ -f "$st" ] || { echo "ovirt-wizard: engine-setup (pid $pid) ended without an exit status" >&2; exit 1; }
            exit "$(cat "$st")"
            """#, arguments: [directory, answers] + command.argv)
        var detached = step
        detached.action = .run(follow, otopi: true, interactive: false)
        detached.skipIsSafe = true
        detached.skipNote = "skipping leaves the engine to you: set it up in the VM yourself; the wizard then shows hosted-engine's loop and never answers it by itself"
        return detached
    }
}
