import AnsibleExport
import Foundation
import LabHosts
import OtopiKit
import Testing
import SSHKit
import WizardCore
@testable import Deploy

/// The seed's chapter 12 with no console work: hosted-engine --deploy on lab host 0 waits at its
/// "(1) Continue setup - engine installation is complete" loop while the wizard sets up the engine in the VM (lab
/// host 1, fixture engine-setup) from the same answers, and answers 1 only after engine-setup succeeded there. The
/// fixture hosted-engine checks that, as 3.4 polls the engine's health page: a 1 before the engine is up is met with
/// "Engine is still unreachable".
@Suite("hosted-engine engine VM", .serialized, .timeLimit(.minutes(6)))
struct HostedEngineVMTests {
    func file(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// Host 0 deploys hosted-engine (the ISO already there, as in the seed); host 1 stands for the engine VM.
    func lab(vmFixture: String = "") throws -> LabDeployment {
        let lab = try LabDeployment(hosts: 2)
        let vm = lab.cluster.hosts[1]
        try lab.setFixture(0, "HE_ENGINE_VM_ROOT=\(lab.root(1))\n")
        try lab.setFixture(1, vmFixture)
        let path = try lab.writeHostedEngineAnswers(0, extra: """
            OVIRT_WIZARD/isoUpload=str:
            OVIRT_WIZARD/engineVM=bool:True
            OVIRT_WIZARD/engineVMAddress=str:\(vm.address)
            OVIRT_WIZARD/engineVMSshUser=str:root
            OVIRT_WIZARD/engineVMSshPort=int:\(vm.port)
            OVIRT_WIZARD/engineVMSshIdentity=str:\(lab.cluster.clientKey)
            OVIRT_WIZARD/dbLocation=str:local
            OVESETUP_DB/host=str:localhost
            OVESETUP_DB/port=int:5432
            OVESETUP_PROVISIONING/postgresProvisioningEnabled=bool:True
            OVESETUP_CONFIG/updateFirewall=bool:True
            OVESETUP_CONFIG/applicationMode=str:both
            OVESETUP_CONFIG/storageType=str:nfs
            OVESETUP_PKI/organization=str:lofyer.org
            OVESETUP_APACHE/configureSsl=bool:True
            OVESETUP_APACHE/configureRootRedirection=bool:True
            OVESETUP_CONFIG/websocketProxyConfig=bool:True
            OVESETUP_SYSTEM/nfsConfigEnabled=bool:False

            """)
        // The seed's case: the ISO is already on the host.
        var text = file(path)
        text = text.replacingOccurrences(of: "OVIRT_WIZARD/isoUpload=str:\(lab.directory)/centos-0.iso\n", with: "")
        try AtomicFile.write(text, to: path)
        try Data(count: 4096).write(to: URL(fileURLWithPath: lab.root(0) + "/tmp/centos.iso"))
        return lab
    }

    func arguments(_ lab: LabDeployment, _ command: String, _ extra: [String] = []) -> [String] {
        [command] + lab.answerFiles.flatMap { ["--answers", $0] } + lab.sshArguments + extra
    }

    var vmAnswers: String { "engine-setup-answers.conf" }

    /// What a deployed engine VM and host look like: engine-setup ran once in the VM with hosted-engine's FQDN and
    /// password, and the host's engine loop was answered 1 once, after that.
    func checkDeployed(_ lab: LabDeployment, hostedEngineRuns: Int = 1) {
        let vm = lab.cluster.hosts[1].address
        #expect(lab.runCount(1, "engine-setup") == 1)
        #expect(lab.runCount(0, "hosted-engine") == hostedEngineRuns)
        #expect(lab.runCount(0, "engine-setup") == 0)
        let uploaded = file(lab.remoteBase + "/\(vm)/\(vmAnswers)")
        #expect(uploaded.contains("OVESETUP_CONFIG/fqdn=str:localhost\n"))
        #expect(uploaded.contains("OVESETUP_CONFIG/adminPassword=str:\(LabDeployment.hostedPassword)\n"))
        #expect(uploaded.contains("OVESETUP_DIALOG/confirmSettings=bool:True\n"))
        #expect(!uploaded.contains("OVEHOSTED_") && !uploaded.contains("OVIRT_WIZARD/"))
        // The host's own answer file holds none of engine-setup's keys.
        let hostFile = file(lab.remoteBase + "/\(lab.cluster.hosts[0].address)/hosted-engine-answers.conf")
        #expect(hostFile.contains("OVEHOSTED_NETWORK/fqdn=str:localhost"))
        #expect(!hostFile.contains("OVESETUP_") && !hostFile.contains("engineVM"))
        #expect(file(lab.root(0) + "/engine-loop.log") == "1\n")
        #expect(file(lab.root(0) + "/etc/ovirt-hosted-engine/hosted-engine.conf").contains("host_id=1\n"))
    }

    // MARK: - plan

    @Test func planRunsTheVMsEngineSetupStepsAtTheHostsLoop() throws {
        let lab = try lab()
        let plan = try lab.plan()
        let a = lab.cluster.hosts[0].address, vm = lab.cluster.hosts[1].address
        #expect(plan.hosts.map(\.name) == [a, vm])
        let role = EngineVMRole(vm: vm, host: a, hostStep: "run-hosted-engine", engineSetupStep: "run-engine-setup")
        #expect(plan.hosts[1].engineVM == role)
        #expect(plan.hosts[1].tool == .engineSetup)
        #expect(plan.hosts[1].steps.map(\.id) == ["check-os", "check-root", "check-fqdn", "add-repository", "install-packages",
                                                  "prepare-directory", "upload-answers", "run-engine-setup", "fetch-results"])
        let run = try #require(plan.hosts[0].steps.first { $0.id == "run-hosted-engine" })
        #expect(run.engineVM == role)
        let engineSetup = try #require(plan.hosts[1].steps.first { $0.id == "run-engine-setup" })
        guard case .run(let command, let otopi, _) = engineSetup.action else { Issue.record("not a command"); return }
        #expect(otopi)
        #expect(command.argv.suffix(3) == ["engine-setup", "--offline", "--config-append=\(lab.remoteBase)/\(vm)/\(vmAnswers)"])
        #expect(engineSetup.skipIsSafe)
        let upload = try #require(plan.hosts[1].steps.first { $0.id == "upload-answers" })
        guard case .upload(let u) = upload.action, case .generated(let text, let shown) = u.source else { Issue.record("not generated"); return }
        #expect(text.contains("OVESETUP_CONFIG/adminPassword=str:\(LabDeployment.hostedPassword)"))
        #expect(shown.contains("OVESETUP_CONFIG/adminPassword=str:********"))
        #expect(!shown.contains(LabDeployment.hostedPassword))

        // The dry run shows the link, JSON included; nothing of the password.
        let dry = try lab.wizard(arguments(lab, "plan"))
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("Plan for 2 hosts"))
        #expect(dry.stdout.contains("runs:    at \(a)'s hosted-engine engine-installation loop (run-hosted-engine)"))
        #expect(dry.stdout.contains("loop:   at \"(1) Continue setup - engine installation is complete\" the wizard runs the steps of \(vm)"))
        #expect(!dry.stdout.contains(LabDeployment.hostedPassword))
        let json = try lab.wizard(arguments(lab, "plan", ["--json"]))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let hosts = try #require(object["hosts"] as? [[String: Any]])
        #expect((hosts[1]["engineVMOf"] as? [String: String])?["host"] == a)

        // export ansible cannot wait at hosted-engine's loop: it refuses, naming the VM's steps.
        do {
            _ = try AnsibleProject(plan: plan, sources: lab.answerFiles)
            Issue.record("the export was not refused")
        } catch {
            #expect("\(error)".contains("the plan sets up the engine in the VM \(vm)"))
            #expect("\(error)".contains("run-engine-setup"))
        }
    }

    @Test func withoutTheEngineVMAnswerTheLoopIsTheOperatorsAsBefore() throws {
        let lab = try lab()
        let path = lab.answerFiles[0]
        try AtomicFile.write(file(path).replacingOccurrences(of: "OVIRT_WIZARD/engineVM=bool:True", with: "OVIRT_WIZARD/engineVM=bool:False"), to: path)
        let plan = try lab.plan()
        #expect(plan.hosts.count == 1)
        #expect(plan.hosts[0].steps.allSatisfy { $0.engineVM == nil })
    }

    // MARK: - end to end

    @Test func seedChapterTwelveFromApplyPlain() throws {
        let lab = try lab()
        let vm = lab.cluster.hosts[1].address
        // Only the first loop (the VM's OS installed) is the operator's; the engine loop is the wizard's.
        let applied = try lab.wizard(arguments(lab, "apply", ["--plain"]), stdin: "1\n")
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        #expect(applied.stdout.contains("engine-setup succeeded in the VM \(vm): answering 1"))
        #expect(applied.stdout.contains("The engine on \(vm): https://localhost:443/ovirt-engine"))
        #expect(applied.stdout.contains("ovirt-wizard --flow platform --engine-answers \(lab.answerFiles[0])"))
        #expect(!applied.stdout.contains("Engine is still unreachable"))
        #expect(!applied.stdout.contains(LabDeployment.hostedPassword) && !applied.stderr.contains(LabDeployment.hostedPassword))
        checkDeployed(lab)
        // Journal: the VM's steps under its own name; the host's deploy ended after engine-setup in the VM did.
        let records = Journal.read(path: lab.files.journal).records
        let engineDone = records.firstIndex { $0.kind == .stepEnded && $0.host == vm && $0.step == "run-engine-setup" && $0.status == .done }
        let hostDone = records.firstIndex { $0.kind == .stepEnded && $0.host == lab.cluster.hosts[0].address && $0.step == "run-hosted-engine" && $0.status == .done }
        #expect(engineDone != nil && hostDone != nil && engineDone! < hostDone!)
        #expect(!file(lab.files.journal).contains(LabDeployment.hostedPassword))
        // A further resume verifies everything and runs nothing again.
        let again = try lab.wizard(arguments(lab, "apply", ["--plain", "--resume"]))
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        checkDeployed(lab)
    }

    @Test func engineSetupFailingInTheVMNeverAnswersOne() throws {
        let lab = try lab(vmFixture: "ENGINE_SETUP_MODE=fail\n")
        let plan = try lab.plan()
        let a = lab.cluster.hosts[0].address, vm = lab.cluster.hosts[1].address
        // Retried once (fails again), then aborted: hosted-engine's loop gets 3, never 1.
        let op = ScriptedOperator(decisions: [.retry, .abort], answers: ["1"])
        let (outcomes, _) = try lab.run(plan, runOperator: op)
        #expect(lab.runCount(1, "engine-setup") == 2)
        // The VM's engine-setup twice, then hosted-engine itself, aborted at its loop.
        #expect(op.failures.map(\.host) == [vm, vm, a])
        #expect(op.failures.prefix(2).allSatisfy { $0.step == "run-engine-setup" && $0.skipIsSafe })
        #expect(op.failures.last?.reason.contains("Engine polling aborted by user") == true)
        #expect("\(String(describing: outcomes[vm]))".contains("run-engine-setup"))
        #expect(op.failures.first?.reason.contains("Misc configuration") == true)
        #expect(outcomes[a]?.succeeded == false)
        #expect(file(lab.root(0) + "/engine-loop.log") == "3\n")
        // Only the first loop reached the operator.
        #expect(op.prompts.count == 1)

        // Skipped instead: the loop is handed to the operator (who aborts here), still never answered 1 by the wizard.
        let skipLab = try self.lab(vmFixture: "ENGINE_SETUP_MODE=fail\n")
        let skipOp = ScriptedOperator(decisions: [.skip], answers: ["1", "3"])
        let (skipped, _) = try skipLab.run(try skipLab.plan(), runOperator: skipOp)
        #expect(skipOp.prompts.count == 2)
        #expect(skipOp.prompts.last?.choices.contains { $0.label == EngineVMRole.continueLabel } == true)
        #expect(file(skipLab.root(0) + "/engine-loop.log") == "3\n")
        #expect(skipped[skipLab.cluster.hosts[1].address] == .succeeded)
    }

    @Test func killedWhileEngineSetupRunsInTheVMThenResumed() throws {
        // engine-setup in the VM pauses after "Initializing PostgreSQL": the wizard is killed there.
        let lab = try lab(vmFixture: "ENGINE_SETUP_SLEEP=4\n")
        let vm = lab.cluster.hosts[1].address
        let running = try lab.start(arguments(lab, "apply", ["--plain"]))
        running.input.fileHandleForWriting.write(Data("1\n".utf8))
        let deadline = Date().addingTimeInterval(120)
        while lab.runCount(1, "engine-setup") == 0 && Date() < deadline { usleep(50_000) }
        #expect(lab.runCount(1, "engine-setup") == 1)
        kill(running.process.processIdentifier, SIGKILL)
        running.process.waitUntilExit()
        #expect(file(lab.root(0) + "/engine-loop.log") == "")

        let resumed = try lab.wizard(arguments(lab, "apply", ["--plain", "--resume", "--verbose"]), stdin: "1\n")
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        #expect(resumed.stdout.contains("hosted-engine cannot be reattached"))
        // The engine-setup of the killed run was followed to its end, or found completed: never started again.
        #expect(resumed.stdout.contains("still running in this VM") || resumed.stdout.contains("already completed in this VM"),
                "\(resumed.stdout)")
        #expect(resumed.stdout.contains("The engine on \(vm): https://localhost:443/ovirt-engine"))
        // hosted-engine read end of input at its loop when the wizard died, and ran again; its loop got one 1.
        checkDeployed(lab, hostedEngineRuns: 2)
    }

    @Test func seedChapterTwelveFromThePanes() throws {
        let lab = try lab(vmFixture: "DELAY=0.02\n")
        let a = lab.cluster.hosts[0].address, vm = lab.cluster.hosts[1].address
        let environment = lab.binaryEnvironment.filter { ["HOME", "PATH"].contains($0.key) }
        let tmux = try Tmux(command: ([LabDeployment.binary] + arguments(lab, "apply")).map(Tmux.quote).joined(separator: " "),
                            environment: environment)
        // The first loop (the VM's OS) is the operator's: Enter answers its default, 1.
        var screen = try tmux.waitFor("VM installation is complete", timeout: 90)
        try tmux.send("Enter")
        screen = try tmux.waitFor("q quit", timeout: 120)
        print(screen)
        #expect(screen.contains("\(a) · hosted-engine"))
        #expect(screen.contains("\(vm) · engine-setup"))
        #expect(screen.contains("2 done"))
        try tmux.send("q")
        screen = try tmux.waitFor("EXIT=", timeout: 20)
        #expect(screen.contains("EXIT=0"))
        #expect(screen.contains("https://localhost:443/ovirt-engine"))
        checkDeployed(lab)
    }
}

/// `apply --plan FILE.json` keeps the engine VM link: a host's own steps, `engineVMOf` on the VM's entry and
/// `engineVM` on the step whose loop runs it (the names `plan --json` prints).
@Suite struct PlanFileEngineVMTests {
    func parse(_ json: String) throws -> DeploymentPlan {
        try PlanFile.parse(Data(json.utf8), path: "/tmp/vm-plan.json", options: ConnectOptions())
    }

    let hosts = """
        {"name": "he1", "target": "root@10.0.0.5", "steps": [
           {"id": "deploy", "run": ["hosted-engine", "--deploy"], "otopi": true, "interactive": true, "engineVM": "vm"}]},
        {"name": "vm", "target": "root@10.0.0.9", "engineVMOf": {"host": "he1", "step": "deploy", "engineSetupStep": "setup"},
         "steps": [{"id": "setup", "run": ["engine-setup", "--offline"], "otopi": true}]}
        """

    @Test func theLinkIsReadBothWays() throws {
        let plan = try parse("{\"hosts\": [\(hosts)]}")
        let role = EngineVMRole(vm: "vm", host: "he1", hostStep: "deploy", engineSetupStep: "setup")
        #expect(plan.hosts[1].engineVM == role)
        #expect(plan.hosts[0].steps[0].engineVM == role)
        guard case .run(_, let otopi, let interactive) = plan.hosts[0].steps[0].action else { Issue.record("not a run"); return }
        #expect(otopi && interactive)
        #expect(plan.hosts[1].steps.map(\.id) == ["setup"])
    }

    @Test func aHalfLinkIsRefusedByName() throws {
        func problem(_ json: String) -> String {
            do { _ = try parse(json); return "" } catch { return "\(error)" }
        }
        let noRole = hosts.replacingOccurrences(of: "\"engineVMOf\": {\"host\": \"he1\", \"step\": \"deploy\", \"engineSetupStep\": \"setup\"},", with: "")
        #expect(problem("{\"hosts\": [\(noRole)]}").contains("he1/deploy: the host vm must say \"engineVMOf\""))
        let noStep = hosts.replacingOccurrences(of: ", \"engineVM\": \"vm\"", with: "")
        #expect(problem("{\"hosts\": [\(noStep)]}").contains("vm says engineVMOf he1/deploy, whose step does not name it"))
        let wrongSetup = hosts.replacingOccurrences(of: "\"engineSetupStep\": \"setup\"", with: "\"engineSetupStep\": \"nope\"")
        #expect(problem("{\"hosts\": [\(wrongSetup)]}").contains("engineSetupStep nope is not one of its steps"))
        let notInteractive = hosts.replacingOccurrences(of: "\"otopi\": true, \"interactive\": true, ", with: "")
        #expect(problem("{\"hosts\": [\(notInteractive)]}").contains("must be a run with \"otopi\": true and \"interactive\": true"))
        #expect(problem("{\"hosts\": [{\"target\": \"root@h\"}]}").contains("hosts[0] has no steps"))
    }
}
