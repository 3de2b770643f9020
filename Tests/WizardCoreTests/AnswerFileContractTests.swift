import Foundation
import OtopiKit
import Testing
@testable import WizardCore

@Suite struct TargetLoginTests {
    static func environment(_ lines: String) throws -> OtopiEnvironment {
        OtopiEnvironment(files: [try AnswerFile.parse(text: "[environment:default]\n" + lines, path: "/a.conf")])
    }

    @Test func intAndStrPortsMeanTheSame() throws {
        let int = try TargetLogin(environment: Self.environment("OVIRT_WIZARD/host=str:gs1\nOVIRT_WIZARD/sshPort=int:2222\n"))
        let str = try TargetLogin(environment: Self.environment("OVIRT_WIZARD/host=str:gs1\nOVIRT_WIZARD/sshPort=str:2222\n"))
        #expect(int == TargetLogin(host: "gs1", port: 2222))
        #expect(str == int)
    }

    @Test func answersAndFilesAreParsedByTheSameRules() throws {
        var answers = Answers()
        answers["OVIRT_WIZARD/host"] = Answer(.string("gs2"), .operator)
        answers["OVIRT_WIZARD/sshUser"] = Answer(.string("admin"), .operator)
        answers["OVIRT_WIZARD/sshPort"] = Answer(.string("2200"), .operator)
        answers["OVIRT_WIZARD/sshIdentity"] = Answer(.string("/k/id"), .operator)
        let file = try TargetLogin(environment: Self.environment(
            "OVIRT_WIZARD/host=str:gs2\nOVIRT_WIZARD/sshUser=str:admin\nOVIRT_WIZARD/sshPort=int:2200\nOVIRT_WIZARD/sshIdentity=str:/k/id\n"))
        #expect(try TargetLogin(answers: answers) == file)
        #expect(file == TargetLogin(host: "gs2", user: "admin", port: 2200, identity: "/k/id"))
        // Empty answers are no answers.
        let empty = try TargetLogin(environment: Self.environment("OVIRT_WIZARD/host=str:\nOVIRT_WIZARD/sshUser=str:\n"))
        #expect(empty == TargetLogin())
    }

    @Test func badValuesNameTheKeyAndTheValue() throws {
        for (line, message) in [("OVIRT_WIZARD/sshPort=int:70000", "OVIRT_WIZARD/sshPort=70000 is not a port number (1-65535)"),
                                ("OVIRT_WIZARD/sshPort=str:ssh", "OVIRT_WIZARD/sshPort=ssh is not a port number (1-65535)"),
                                ("OVIRT_WIZARD/sshPort=int:0", "OVIRT_WIZARD/sshPort=0 is not a port number (1-65535)"),
                                ("OVIRT_WIZARD/host=bool:True", "OVIRT_WIZARD/host=bool:True is not a text (use str:)")] {
            let environment = try Self.environment(line + "\n")
            do {
                _ = try TargetLogin(environment: environment)
                Issue.record("\(line) must be refused")
            } catch {
                #expect(error.description == message)
            }
        }
    }

    @Test func howTheUserBecomesRoot() throws {
        let none = try TargetLogin(environment: Self.environment("OVIRT_WIZARD/host=str:gs1\n"))
        #expect(none.become == .none)
        for (lines, become) in [("OVIRT_WIZARD/become=str:none\n", TargetLogin.Become.none),
                                ("OVIRT_WIZARD/become=str:sudo\n", .sudo),
                                ("OVIRT_WIZARD/become=str:sudo-password\n", .sudoPassword(sameAsLogin: false)),
                                ("OVIRT_WIZARD/become=str:Sudo-Password\nOVIRT_WIZARD/sudoPasswordIsLoginPassword=bool:True\n", .sudoPassword(sameAsLogin: true))] {
            let login = try TargetLogin(environment: Self.environment("OVIRT_WIZARD/host=str:gs1\nOVIRT_WIZARD/sshUser=str:admin\n" + lines))
            #expect(login.become == become, "\(lines)")
            #expect(login.reaching("gs2").become == become)
        }
        for (line, message) in [("OVIRT_WIZARD/become=str:su", "OVIRT_WIZARD/become=su is not a way to become root (none, sudo or sudo-password)"),
                                ("OVIRT_WIZARD/become=str:sudo-password\nOVIRT_WIZARD/sudoPasswordIsLoginPassword=str:yes",
                                 "OVIRT_WIZARD/sudoPasswordIsLoginPassword=str:yes is not a yes/no answer (use bool:True or bool:False)")] {
            let environment = try Self.environment(line + "\n")
            do {
                _ = try TargetLogin(environment: environment)
                Issue.record("\(line) must be refused")
            } catch {
                #expect(error.description == message)
            }
        }
    }

    @Test func aLoginReachesEveryHost() {
        let login = TargetLogin(user: "root", port: 22)
        #expect(login.reaching("gs3") == TargetLogin(host: "gs3", user: "root", port: 22))
    }
}

@Suite struct AnswerFileContractTests {
    @Test func theLocalFileNamesItsFlowAndVersion() throws {
        for name in ["engine-setup-3.4", "hosted-engine-3.4", "gluster", "export-domain"] {
            let flow = try Repo.flow(name)
            var session = FlowSession(flow: flow, offline: true, randomSeed: 1)
            session.load(try TargetLoginTests.environment("OVIRT_WIZARD/host=str:gs1\n"))
            let text = try AnswerFileContract.renderLocal(session, complete: false)
            let lines = text.split(separator: "\n").map(String.init)
            #expect(lines.contains("OVIRT_WIZARD/flow=str:\(flow.id)"))
            #expect(lines.contains("OVIRT_WIZARD/flowVersion=str:\(flow.version)"))
            // Apart from the identity, the file holds the session's values as before.
            let back = OtopiEnvironment(files: [try AnswerFile.parse(text: text, path: "/x.conf")])
            var expected = session.answerFileValues()
            expected[AnswerFileContract.flowKey] = .string(flow.id)
            expected[AnswerFileContract.flowVersionKey] = .string(flow.version)
            // …and the wizard-only record of how each value was given (a resume keeps typed apart from defaults).
            expected[AnswerFileContract.provenanceKey] = .string(ProvenanceRecord(session).text)
            #expect(back.items.mapValues(\.value) == expected)
            let catalog = FlowCatalog.load(directory: Repo.screens)
            #expect(try AnswerFileContract.flow(of: back, in: catalog)?.source == flow.source)
        }
    }

    @Test func anUnknownFlowIsNamed() throws {
        let catalog = FlowCatalog.load(directory: Repo.screens)
        let environment = try TargetLoginTests.environment("OVIRT_WIZARD/flow=str:engine-setup\nOVIRT_WIZARD/flowVersion=str:9.9\n")
        do {
            _ = try AnswerFileContract.flow(of: environment, in: catalog)
            Issue.record("an unknown version must be refused")
        } catch {
            #expect(error.description.hasPrefix("names the flow 'engine-setup' version 9.9, which is not in \(Repo.screens)"))
        }
        #expect(try AnswerFileContract.flow(of: try TargetLoginTests.environment("OVESETUP_CONFIG/fqdn=str:x\n"), in: catalog) == nil)
    }

    @Test func wizardOnlyKeysAndSecretsComeFromTheFlow() throws {
        let engine = try Repo.flow("engine-setup-3.4")
        #expect(engine.isWizardOnly("OVIRT_WIZARD/host"))
        #expect(engine.isWizardOnly("OVIRT_WIZARD/dbLocation"), "marked wizard_only")
        #expect(engine.isWizardOnly(AnswerFileContract.flowKey))
        #expect(!engine.isWizardOnly("OVESETUP_CONFIG/fqdn"))
        #expect(engine.isSecret("OVESETUP_DB/password"))
        #expect(!engine.isSecret("OVESETUP_CONFIG/fqdn"))
        #expect(engine.isSecret("OVESETUP_OTHER/somePassword"), "a key the flow does not ask is judged by its name")
    }

    @Test func aWizardKeyOutsideTheWizardIsRefusedAtLoad() throws {
        let yaml = """
            flow: t
            title: T
            tool: t
            version: "1"
            seed_facts: {}
            sections:
              - id: s
                questions:
                  - {key: OVIRT_WIZARD/leak, prompt: "x? "}
            preview:
              title: P
              width: 10
              items: []
              confirm: {key: T/confirm, kind: boolean, prompt: "ok? "}
            """
        do {
            _ = try FlowLoader.parse(yaml: yaml, path: "/t.yaml")
            Issue.record("OVIRT_WIZARD/leak would be sent to the tool")
        } catch {
            #expect(error.message.contains("OVIRT_WIZARD/leak is one of the wizard's own keys"))
        }
    }

    @Test func theHostGetsTheToolKeysOnly() throws {
        let hosted = try Repo.flow("hosted-engine-3.4")
        let values: [String: OtopiValue] = ["OVEHOSTED_NETWORK/fqdn": .string("he.lab"), "OVEHOSTED_ENGINE/adminPassword": .string("pw-1"),
                                            "OVIRT_WIZARD/host": .string("gs2"), "OVIRT_WIZARD/configureIptables": .bool(true),
                                            AnswerFileContract.flowKey: .string("hosted-engine")]
        let file = try AnswerFileContract.renderForHost(AnswerFileKind(flow: hosted), sections: [.default: values], source: "/a.conf", host: "gs2")
        #expect(file.text == """
            # Uploaded by ovirt-wizard from /a.conf for hosted-engine on gs2
            [environment:default]
            OVEHOSTED_CORE/screenProceed=bool:True
            OVEHOSTED_ENGINE/adminPassword=str:pw-1
            OVEHOSTED_NETWORK/fqdn=str:he.lab

            """)
        #expect(file.masked == file.text.replacingOccurrences(of: "str:pw-1", with: "str:********"))
    }
}
