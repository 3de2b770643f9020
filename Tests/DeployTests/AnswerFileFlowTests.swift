import Foundation
import OtopiKit
import SSHKit
import Testing
@testable import Deploy
@testable import TUI
import WizardCore

/// Deploy reads the tool, the wizard-only keys and the secrets from the flow the file names.
@Suite struct AnswerFileFlowTests {
    static func file(_ text: String, path: String = "/jump/a.conf") throws -> DeploymentAnswerFile {
        let file = try AnswerFile.parse(text: text, path: path)
        return try DeploymentAnswerFile(path: path, environment: OtopiEnvironment(files: [file]), flows: LabDeployment.flows)
    }

    static func uploaded(_ input: DeploymentInput) throws -> (text: String, shown: String) {
        let host = try DeploymentPlanner().plan([input], platforms: [:]).hosts[0]
        for step in host.steps {
            if case .upload(let upload) = step.action, case .generated(let text, let shown) = upload.source { return (text, shown) }
        }
        throw DeploymentPlanner.Problem(description: "no answer file is uploaded")
    }

    @Test func aFileNamingItsFlowUploadsWhatAnOlderFileDid() throws {
        for old in [PlannerTests.engine, PlannerTests.hosted] {
            let legacy = try Self.file(old)
            #expect(legacy.kind.flow == nil)
            #expect(legacy.warning?.contains("/jump/a.conf names no flow") == true)
            let tool = legacy.kind.tool
            let named = try Self.file(old + "\nOVIRT_WIZARD/flow=str:\(tool)\nOVIRT_WIZARD/flowVersion=str:3.4\n")
            #expect(named.kind.flow?.id == tool)
            #expect(named.warning == nil)
            let a = try Self.uploaded(DeploymentInput(legacy, options: ConnectOptions()))
            let b = try Self.uploaded(DeploymentInput(named, options: ConnectOptions()))
            #expect(a.text == b.text)
            #expect(a.shown == b.shown)
        }
    }

    @Test func theFlowDecidesTheToolNotThePrefixes() throws {
        // Keys of both tools would be refused by the old rule; the flow named in the file settles it.
        let file = try Self.file("""
            [environment:default]
            OVIRT_WIZARD/flow=str:engine-setup
            OVIRT_WIZARD/host=str:h
            OVESETUP_CONFIG/fqdn=str:h.lab
            OVEHOSTED_VM/vmBoot=str:disk
            """)
        #expect(try DeploymentInput(file, options: ConnectOptions()).tool == .engineSetup)
        let gluster = try Self.file("[environment:default]\nOVIRT_WIZARD/flow=str:gluster\n")
        #expect(gluster.isGluster)
    }

    @Test func unknownAndUndeployableFlowsAreClearErrors() throws {
        do {
            _ = try Self.file("[environment:default]\nOVIRT_WIZARD/flow=str:ovirt-5\nOVIRT_WIZARD/host=str:h\n")
            Issue.record("an unknown flow must be refused")
        } catch {
            #expect("\(error)".hasPrefix("/jump/a.conf: names the flow 'ovirt-5', which is not in "))
        }
        let export = try Self.file("[environment:default]\nOVIRT_WIZARD/flow=str:export-domain\nOVIRT_WIZARD/host=str:h\n")
        do {
            _ = try DeploymentInput(export, options: ConnectOptions())
            Issue.record("apply does not run the export-domain flow")
        } catch {
            #expect("\(error)" == "/jump/a.conf: is an answer file of the export-domain flow, which plan and apply do not run; use it with: ovirt-wizard export-domain create --answers /jump/a.conf")
        }
        do {
            _ = try Self.file("[environment:default]\nOVIRT_WIZARD/flow=str:engine-setup\nOVIRT_WIZARD/host=str:h\nOVIRT_WIZARD/sshPort=int:99999\n")
                .deploymentInput()
            Issue.record("a bad port must be refused")
        } catch {
            #expect("\(error)" == "/jump/a.conf: OVIRT_WIZARD/sshPort=99999 is not a port number (1-65535)")
        }
    }

    /// The wizard's answer-lines screen and the upload are one function: for the same answers the screen shows
    /// exactly the masked text the planner uploads.
    @Test func theAnswerLinesScreenShowsWhatTheHostReceives() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("answer-lines-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (name, text) in [("engine-setup", PlannerTests.engine), ("hosted-engine", PlannerTests.hosted)] {
            let flow = try #require(LabDeployment.flows.flow(named: name))
            var session = FlowSession(flow: flow, offline: true, randomSeed: 3)
            session.load(OtopiEnvironment(files: [try AnswerFile.parse(text: text, path: "/in.conf")]))
            let path = directory + "/\(name).conf"
            try AtomicFile.write(try AnswerFileContract.renderLocal(session, complete: false), to: path)

            var state = WizardApp.initialState(flows: [flow], session: session, answerFile: path)
            state.screen = .preview
            let screen = WizardApp.answerLines(state)

            let input = try DeploymentInput(path: path, flows: LabDeployment.flows, options: ConnectOptions())
            let uploaded = try Self.uploaded(input)
            #expect(screen.joined(separator: "\n") == uploaded.shown, "\(name)")
            #expect(!uploaded.shown.contains("s3cret-pw") && !uploaded.shown.contains("he-pw-456"))
        }
    }
}

extension DeploymentAnswerFile {
    func deploymentInput() throws -> DeploymentInput { try DeploymentInput(self, options: ConnectOptions()) }
}
