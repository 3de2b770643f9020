import Foundation
import Testing
@testable import WizardCore

/// `- use: target`: the target-host login is written once, in `Screens/_target.yaml`.
@Suite struct SharedSectionTests {
    @Test func theSharedFileIsNotAFlow() {
        let catalog = FlowCatalog.load(directory: Repo.screens)
        #expect(catalog.problems.isEmpty, "\(catalog.problems)")
        #expect(catalog.flows.map { "\($0.id)-\($0.version)" }.sorted()
                == ["engine-setup-3.4", "engine-setup-4.5", "export-domain-3.4", "gluster-3.4", "hosted-engine-3.4", "hosted-engine-4.5",
                    "platform-3.4", "platform-4.5"])
    }

    @Test func everyFlowAsksTheSameLoginWithItsOwnWords() throws {
        for name in ["engine-setup-3.4", "hosted-engine-3.4", "export-domain", "gluster"] {
            let flow = try Repo.flow(name)
            let target = try #require(flow.sections.first)
            #expect(target.id == "target" && target.isWizard, "\(name)")
            let port = try #require(target.questions.first { $0.key == TargetLogin.portKey })
            #expect(port.valueType == .int && port.validators.map(\.name) == ["tcp_port"])
            #expect(target.questions.allSatisfy { TargetLogin.keys.contains($0.key) })
        }
        let engine = try Repo.flow("engine-setup-3.4").sections[0]
        #expect(engine.title == "TARGET HOST")
        #expect(engine.questions.map(\.key) == TargetLogin.keys)
        #expect(engine.questions[0].prompt == "Host to run engine-setup on (name or address): ")
        #expect(engine.questions[0].label == "Target host", "a field the flow does not give comes from _target.yaml")
        let gluster = try Repo.flow("gluster").sections[0]
        #expect(gluster.questions.map(\.key) == [TargetLogin.userKey, TargetLogin.portKey, TargetLogin.identityKey,
                                                 TargetLogin.becomeKey, TargetLogin.sudoPasswordIsLoginPasswordKey])
        #expect(gluster.questions[0].prompt == "SSH user on the Gluster hosts [@DEFAULT@]: ")
    }

    @Test func mistakesInAUseAreNamed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("use-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.copyItem(atPath: Repo.screens + "/_target.yaml", toPath: directory + "/_target.yaml")
        func load(_ section: String) throws(FlowFileError) -> Flow {
            try FlowLoader.parse(yaml: """
                flow: t
                title: T
                tool: t
                version: "1"
                seed_facts: {}
                sections:
                \(section)
                preview:
                  title: P
                  width: 10
                  items: []
                  confirm: {key: T/confirm, kind: boolean, prompt: "ok? "}
                """, path: directory + "/t.yaml")
        }
        #expect(try load("  - use: target").sections[0].questions.count == TargetLogin.keys.count)
        do {
            _ = try load("  - use: target\n    questions:\n      - {key: OVIRT_WIZARD/sshPassword, prompt: \"p: \"}")
            Issue.record("an override of a question the shared section lacks must be refused")
        } catch {
            #expect(error.message.contains("OVIRT_WIZARD/sshPassword is not a question of \(directory)/_target.yaml"))
        }
        do {
            _ = try load("  - use: nothing")
            Issue.record("a missing shared file must be refused")
        } catch {
            #expect(error.message.contains("cannot read the shared section \(directory)/_nothing.yaml"))
        }
    }
}
