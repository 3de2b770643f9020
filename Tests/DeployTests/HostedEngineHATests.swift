import Foundation
import HostOps
import LabHosts
import OtopiKit
import SSHKit
import Testing
import WizardCore
@testable import Deploy

/// hosted-engine's HA set (oVirt 3.4): the first host, then its additional hosts with Host IDs 2, 3, …, from one
/// answer file, against lab hosts whose `hosted-engine` fixture replays the additional-host dialog.
@Suite("hosted-engine HA set", .serialized, .timeLimit(.minutes(6)))
struct HostedEngineHATests {
    static let conroe = "conroe-core2-quad-launchpad-1757323.txt"
    static let westmere = "westmere-core-i5-m560-util-linux.txt"

    func arguments(_ lab: LabDeployment, _ command: String, _ extra: [String] = []) -> [String] {
        [command] + lab.answerFiles.flatMap { ["--answers", $0] } + lab.sshArguments + extra
    }

    func threeHosts(fixture: [Int: String] = [:]) throws -> LabDeployment {
        let lab = try LabDeployment(hosts: 3)
        try lab.writeHostedEngineHA(first: 0, additional: [1, 2], isoUpload: false, fixture: fixture)
        for i in 0..<3 { try lab.setCPU(i, Self.conroe) }
        return lab
    }

    func file(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    // MARK: - the fixture's additional-host dialog

    /// Runs the fixture's `hosted-engine --deploy` on lab host `index` over SSH with `answers` as its file.
    func deploy(_ lab: LabDeployment, _ index: Int, answers: String, stdin: String = "1\n") throws -> CapturedOutput {
        try FileManager.default.createDirectory(atPath: lab.root(index), withIntermediateDirectories: true)
        let path = lab.root(index) + "/answers-under-test.conf"
        try answers.write(toFile: path, atomically: true, encoding: .utf8)
        let host = lab.cluster.hosts[index]
        let connection = try SSHConnection.connect(SSHTarget(user: "root", host: host.address, port: host.port), options: lab.options)
        defer { connection.close() }
        return try connection.capture(RemoteCommand(["hosted-engine", "--deploy", "--config-append=\(path)"]),
                                      options: ExecOptions(timeout: 60, stdin: Array(stdin.utf8)))
    }

    @Test func fixtureRefusesAnAnswerFileThatWouldMakeItAskAndAUsedHostID() throws {
        let lab = try LabDeployment(hosts: 2)
        try lab.setFixture(1, "HE_STORAGE=\(lab.sharedStorage)\n")
        // The storage as a deployed first host leaves it: a domain, Host ID 1 in the HA metadata.
        try FileManager.default.createDirectory(atPath: lab.sharedStorage + "/dom_md", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: lab.sharedStorage + "/ha_agent", withIntermediateDirectories: true)
        try "SDUUID=sd-1\n".write(toFile: lab.sharedStorage + "/dom_md/metadata", atomically: true, encoding: .utf8)
        try "1\n".write(toFile: lab.sharedStorage + "/ha_agent/hosted-engine.metadata", atomically: true, encoding: .utf8)
        let complete = """
            [environment:default]
            OVEHOSTED_CORE/deployProceed=bool:True
            OVEHOSTED_CORE/screenProceed=bool:True
            OVEHOSTED_CORE/confirmSettings=bool:True
            OVEHOSTED_CORE/isAdditionalHost=bool:True
            OVEHOSTED_STORAGE/hostID=int:2
            OVEHOSTED_ENGINE/appHostName=str:hosted_engine_2
            OVEHOSTED_ENGINE/adminPassword=str:pw-1234
            OVEHOSTED_NETWORK/fqdn=str:localhost
            OVEHOSTED_NETWORK/gateway=str:192.168.10.1
            OVEHOSTED_STORAGE/storageDomainConnection=str:192.168.10.101:/he
            OVEHOSTED_STORAGE/domainType=str:nfs3
            OVEHOSTED_STORAGE/sdUUID=str:sd-1
            OVEHOSTED_STORAGE/spUUID=str:sp-1
            OVEHOSTED_STORAGE/connectionUUID=str:c-1
            OVEHOSTED_STORAGE/imgUUID=str:i-1
            OVEHOSTED_STORAGE/volUUID=str:v-1
            OVEHOSTED_VM/vmUUID=str:vm-1
            OVEHOSTED_VDSM/cpu=str:model_Conroe
            OVEHOSTED_VDSM/consoleType=str:vnc

            """
        func without(_ key: String) -> String {
            complete.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix(key + "=") }.joined(separator: "\n")
        }
        // No Host ID: the real tool asks for it; the fixture shows the prompt and refuses the file.
        var out = try deploy(lab, 1, answers: without("OVEHOSTED_STORAGE/hostID"))
        #expect(!out.result.succeeded)
        #expect(out.stdout.contains("Please specify the Host ID [Must be integer, default: 2]: "))
        #expect(out.stdout.contains("OVEHOSTED_STORAGE/hostID is not in the answer file"))
        // No isAdditionalHost on a storage that holds a domain: asked.
        out = try deploy(lab, 1, answers: without("OVEHOSTED_CORE/isAdditionalHost"))
        #expect(!out.result.succeeded)
        #expect(out.stdout.contains("Is this an additional host setup (Yes, No)[Yes]? "))
        // No admin password, no host name: asked.
        out = try deploy(lab, 1, answers: without("OVEHOSTED_ENGINE/adminPassword"))
        #expect(out.stdout.contains("Enter 'admin@internal' user password"))
        #expect(!out.result.succeeded)
        out = try deploy(lab, 1, answers: without("OVEHOSTED_ENGINE/appHostName"))
        #expect(out.stdout.contains("[hosted_engine_2]: "))
        // Not the first host's answers.conf (no UUIDs): refused.
        out = try deploy(lab, 1, answers: without("OVEHOSTED_VM/vmUUID"))
        #expect(out.stdout.contains("does not hold the first host's answers.conf"))
        // Host ID 1, then an ID the storage already knows.
        out = try deploy(lab, 1, answers: complete.replacingOccurrences(of: "hostID=int:2", with: "hostID=int:1"))
        #expect(out.stdout.contains("[ ERROR ] Failed to execute stage 'Environment customization': Cannot use the same ID used by first host"))
        try "1\n2\n".write(toFile: lab.sharedStorage + "/ha_agent/hosted-engine.metadata", atomically: true, encoding: .utf8)
        out = try deploy(lab, 1, answers: complete)
        #expect(out.stdout.contains("Invalid value for Host ID: already used"))
        #expect(!out.result.succeeded)
        // Unless the file says it is a re-deployment of that host; then it deploys, reading only the engine loop.
        out = try deploy(lab, 1, answers: complete + "OVEHOSTED_CORE/additionalHostReDeployment=bool:True\n")
        #expect(out.result.succeeded, "\(out.stdout)")
        #expect(out.stdout.contains("[ INFO  ] Installing on additional host"))
        #expect(out.stdout.contains("Host ID                            : 2"))
        #expect(file(lab.root(1) + "/etc/ovirt-hosted-engine/hosted-engine.conf").contains("host_id=2\n"))
        // A free ID deploys; nothing but the engine loop's "1" was read.
        out = try deploy(lab, 1, answers: complete.replacingOccurrences(of: "hostID=int:2", with: "hostID=int:7"))
        #expect(out.result.succeeded, "\(out.stdout)")
        #expect(file(lab.sharedStorage + "/ha_agent/hosted-engine.metadata") == "1\n2\n7\n")
        // Without the engine loop's answer (end of input) it stops there.
        out = try deploy(lab, 1, answers: complete.replacingOccurrences(of: "hostID=int:2", with: "hostID=int:8"), stdin: "")
        #expect(!out.result.succeeded)
        #expect(out.stdout.contains("(1) Continue setup - engine installation is complete"))
    }

    // MARK: - plans

    @Test func planListsEveryHostWithItsIDAndNoUploadWhenTheISOIsOnTheHost() throws {
        let lab = try threeHosts()
        let plan = try lab.plan()
        let a = lab.cluster.hosts[0].address, b = lab.cluster.hosts[1].address, c = lab.cluster.hosts[2].address
        #expect(plan.hosts.map(\.name) == [a, b, c])
        #expect(!plan.hosts[0].steps.contains { $0.id == "upload-iso" })
        for (host, id) in [(plan.hosts[1], 2), (plan.hosts[2], 3)] {
            #expect(!host.steps.contains { $0.id == "upload-iso" })
            let upload = try #require(host.steps.first { $0.id == "upload-answers" })
            #expect(upload.waitsFor == [StepReference(host: a, step: "fetch-results")])
            guard case .upload(let u) = upload.action, case .composed(let composed) = u.source else {
                Issue.record("the additional host's answer file is not made from the first host's"); continue
            }
            #expect(composed.shown.contains("OVEHOSTED_STORAGE/hostID=int:\(id)"))
            #expect(composed.shown.contains("OVEHOSTED_ENGINE/appHostName=str:hosted_engine_\(id)"))
            #expect(composed.shown.contains("OVEHOSTED_CORE/isAdditionalHost=bool:True"))
            #expect(composed.shown.contains("OVEHOSTED_ENGINE/adminPassword=str:********"))
            #expect(!composed.shown.contains(LabDeployment.hostedPassword))
            let run = try #require(host.steps.first { $0.id == "run-hosted-engine" })
            guard case .run(_, _, let interactive) = run.action else { Issue.record("not a command"); continue }
            #expect(!interactive)
            #expect(run.stdin == Array("1\n".utf8))
            #expect(run.shownProbe.contains("host_id=\(id)"))
        }
        // The dry run of the binary shows the same.
        let dry = try lab.wizard(arguments(lab, "plan"))
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("Plan for 3 hosts"))
        #expect(dry.stdout.contains("after:  \(a)/fetch-results"))
        #expect(!dry.stdout.contains("Upload the installation ISO"))
        #expect(!dry.stdout.contains(LabDeployment.hostedPassword))
        _ = b; _ = c
    }

    @Test func oneHostPlanIsUnchangedByTheHAFeature() throws {
        // The same answers without additional hosts: no other host, the ISO uploaded as before.
        let lab = try LabDeployment(hosts: 1)
        try lab.writeHostedEngineAnswers(0)
        let plan = try lab.plan()
        #expect(plan.hosts.count == 1)
        #expect(plan.hosts[0].steps.map(\.id) == ["check-os", "check-root", "check-fqdn", "add-repository", "install-packages",
                                                   "prepare-directory", "upload-iso", "upload-answers", "run-hosted-engine", "fetch-results"])
    }

    // MARK: - end to end

    /// Waits until the journal records `step` started on `host`.
    func waitForJournal(_ lab: LabDeployment, host: String, step: String, timeout: Double = 120) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if Journal.read(path: lab.files.journal).records.contains(where: { $0.kind == .stepStarted && $0.host == host && $0.step == step }) {
                return true
            }
            usleep(100_000)
        }
        return false
    }

    func checkDeployed(_ lab: LabDeployment) throws {
        let a = lab.cluster.hosts[0].address
        #expect(lab.runCount(0, "hosted-engine") == 1)
        for (index, id) in [(1, 2), (2, 3)] {
            #expect(file(lab.root(index) + "/etc/ovirt-hosted-engine/hosted-engine.conf").contains("host_id=\(id)\n"))
            let uploaded = file(lab.remoteBase + "/\(lab.cluster.hosts[index].address)/hosted-engine-answers.conf")
            #expect(uploaded.contains("OVEHOSTED_CORE/isAdditionalHost=bool:True"))
            #expect(uploaded.contains("OVEHOSTED_STORAGE/hostID=int:\(id)"))
            #expect(uploaded.contains("OVEHOSTED_ENGINE/appHostName=str:hosted_engine_\(id)"))
            // The first host's generated UUIDs reached it (the wizard fetched its answers.conf).
            let sd = file(lab.root(0) + "/etc/ovirt-hosted-engine/answers.conf").split(separator: "\n").first { $0.hasPrefix("OVEHOSTED_STORAGE/sdUUID=") }
            #expect(sd != nil && uploaded.contains(String(sd!)))
        }
        let metadata = file(lab.sharedStorage + "/ha_agent/hosted-engine.metadata").split(separator: "\n").map(String.init)
        #expect(Set(metadata) == ["1", "2", "3"])
        #expect(file(lab.root(0) + "/etc/ovirt-hosted-engine/hosted-engine.conf").contains("host_id=1\n"))
        // Each additional host's deploy started after the first host's answer file was fetched.
        let records = Journal.read(path: lab.files.journal).records
        let fetched = records.firstIndex { $0.kind == .stepEnded && $0.host == a && $0.step == "fetch-results" && $0.status == .done }
        for index in 1...2 {
            let name = lab.cluster.hosts[index].address
            let started = records.firstIndex { $0.kind == .stepStarted && $0.host == name && $0.step == "run-hosted-engine" }
            #expect(fetched != nil && started != nil && fetched! < started!)
        }
    }

    @Test func threeHostsFromApplyPlainKilledAndResumedDuringTheAdditionalHosts() throws {
        let lab = try threeHosts(fixture: [1: "DELAY=0.1\n", 2: "DELAY=0.1\n"])
        let b = lab.cluster.hosts[1].address
        let running = try lab.start(arguments(lab, "apply", ["--plain"]))
        running.input.fileHandleForWriting.write(Data("1\n1\n".utf8))
        #expect(waitForJournal(lab, host: b, step: "run-hosted-engine"))
        // Killed once hosted-engine runs on the second host (Host ID 2).
        let deadline = Date().addingTimeInterval(60)
        while lab.runCount(1, "hosted-engine") == 0 && Date() < deadline { usleep(50_000) }
        #expect(lab.runCount(1, "hosted-engine") == 1)
        kill(running.process.processIdentifier, SIGKILL)
        running.process.waitUntilExit()

        let resumed = try lab.wizard(arguments(lab, "apply", ["--plain", "--resume"]))
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        #expect(resumed.stdout.contains("was running when the wizard stopped"))
        try checkDeployed(lab)
        // The interrupted host got a re-deployment answer, since its Host ID may already be on the storage.
        #expect(file(lab.remoteBase + "/\(b)/hosted-engine-answers.conf").contains("OVEHOSTED_CORE/additionalHostReDeployment=bool:True"))
        #expect(!resumed.stdout.contains(LabDeployment.hostedPassword))
    }

    @Test func threeHostsFromThePanesKilledAndResumed() throws {
        let lab = try threeHosts(fixture: [1: "DELAY=0.1\n", 2: "DELAY=0.1\n"])
        let a = lab.cluster.hosts[0].address, b = lab.cluster.hosts[1].address, c = lab.cluster.hosts[2].address
        let environment = lab.binaryEnvironment.filter { ["HOME", "PATH"].contains($0.key) }
        var tmux: Tmux? = try Tmux(command: ([LabDeployment.binary] + arguments(lab, "apply")).map(Tmux.quote).joined(separator: " "),
                                   environment: environment)
        var screen = try tmux!.waitFor("asks", timeout: 90)
        try tmux!.send("Enter")
        screen = try tmux!.waitFor("engine installation is complete", timeout: 60)
        try tmux!.send("Enter")
        #expect(waitForJournal(lab, host: b, step: "run-hosted-engine"))
        screen = try tmux!.capture()
        print(screen)
        #expect(screen.contains("\(a) · hosted-engine"))
        #expect(screen.contains("\(b) · hosted-engine"))
        #expect(screen.contains("\(c) · hosted-engine"))
        // Kill the wizard (as a lost session would) while the additional hosts deploy.
        let pid = try #require(Self.wizardPID(answerFile: lab.answerFiles[0]))
        kill(pid, SIGKILL)
        _ = try tmux!.waitFor("EXIT=", timeout: 20)
        tmux = nil

        let resumed = try Tmux(command: ([LabDeployment.binary] + arguments(lab, "apply", ["--resume"])).map(Tmux.quote).joined(separator: " "),
                               environment: environment)
        screen = try resumed.waitFor("q quit", timeout: 120)
        print(screen)
        #expect(screen.contains("3 done"))
        try resumed.send("q")
        screen = try resumed.waitFor("EXIT=", timeout: 20)
        #expect(screen.contains("EXIT=0"))
        try checkDeployed(lab)
    }

    @Test func aFailingAdditionalHostLeavesTheFirstAndIsResumedAlone() throws {
        let failing = "The VDSM Host was found in a failed state. Please check engine and bootstrap installation logs."
        let lab = try threeHosts(fixture: [2: "HE_ADDITIONAL_FAIL=\"\(failing)\"\n"])
        let c = lab.cluster.hosts[2].address
        let applied = try lab.wizard(arguments(lab, "apply", ["--plain"]), stdin: "1\n1\n")
        #expect(applied.status == 1, "\(applied.stdout)\n\(applied.stderr)")
        #expect(applied.stdout.contains(failing))
        #expect(applied.stdout.contains("2 done, 1 failed") || applied.stdout.contains("\(c)"))
        // The first host and the other additional host are deployed; nothing was undone.
        #expect(file(lab.root(0) + "/etc/ovirt-hosted-engine/hosted-engine.conf").contains("host_id=1\n"))
        #expect(file(lab.root(1) + "/etc/ovirt-hosted-engine/hosted-engine.conf").contains("host_id=2\n"))

        try lab.setFixture(2, "HE_STORAGE=\(lab.sharedStorage)\n")
        let resumed = try lab.wizard(arguments(lab, "apply", ["--plain", "--resume"]))
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        try checkDeployed(lab)
        #expect(lab.runCount(1, "hosted-engine") == 1)
        #expect(lab.runCount(2, "hosted-engine") == 2)
        // Once everything is done, a further resume verifies every host and deploys nothing again.
        let again = try lab.wizard(arguments(lab, "apply", ["--plain", "--resume"]))
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        #expect((0..<3).map { lab.runCount($0, "hosted-engine") } == [1, 1, 2])
    }

    static func wizardPID(answerFile: String) -> pid_t? {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            let argv = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if argv.first?.hasSuffix("/ovirt-wizard") == true, argv.contains("apply"), argv.contains(answerFile) { return pid }
        }
        return nil
    }

    @Test func aCPUTypeOneHostCannotRunStopsBeforeAnythingRuns() throws {
        let lab = try LabDeployment(hosts: 3)
        try lab.writeHostedEngineHA(first: 0, additional: [1, 2], isoUpload: false,
                                    extra: "")
        // The first host runs Westmere; the answer asks for it; host 3 is a Core 2 (Conroe only).
        var text = file(lab.answerFiles[0]).replacingOccurrences(of: "OVEHOSTED_VDSM/cpu=str:model_Conroe", with: "OVEHOSTED_VDSM/cpu=str:model_Westmere")
        text += ""
        try AtomicFile.write(text, to: lab.answerFiles[0])
        try lab.setCPU(0, Self.westmere)
        try lab.setCPU(1, Self.westmere)
        try lab.setCPU(2, Self.conroe)
        let c = lab.cluster.hosts[2].address
        let applied = try lab.wizard(arguments(lab, "apply", ["--plain"]), stdin: "1\n1\n")
        #expect(applied.status == 1, "\(applied.stdout)\n\(applied.stderr)")
        #expect(applied.stderr.contains("OVEHOSTED_VDSM/cpu=model_Westmere: \(c): cannot run model_Westmere"))
        #expect(applied.stderr.contains("nothing was changed"))
        for i in 0..<3 {
            // Only the read-only platform probe (rpm -E) reached the hosts.
            #expect(lab.runCount(i, "hosted-engine") == 0 && lab.runCount(i, "yum") == 0 && lab.runCount(i, "dnf") == 0)
            #expect(lab.runs(i).allSatisfy { $0.contains(" rpm -E ") }, "\(lab.runs(i))")
        }
        #expect(Journal.read(path: lab.files.journal).records.allSatisfy { $0.kind != .stepStarted })
        let dry = try lab.wizard(arguments(lab, "plan"))
        #expect(dry.status == 1)
        #expect(dry.stderr.contains("\(c): cannot run model_Westmere"))
    }
}
