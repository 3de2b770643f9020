import Foundation
import OtopiKit
import Testing
@testable import WizardCore

/// hosted-engine 3.4's engine VM: the wizard's questions about it, the engine-setup questions imported from
/// engine-setup's flow file, and the engine-setup answer file the VM receives (FQDN and admin password taken from
/// hosted-engine's answers, never asked twice).
@Suite struct HostedEngineEngineVMTests {
    let hosted = try! Repo.flow("hosted-engine-3.4")
    let engine = try! Repo.flow("engine-setup-3.4")

    func session(_ text: String) throws -> FlowSession {
        var s = FlowSession(flow: hosted, offline: false, randomSeed: 1)
        s.load(OtopiEnvironment(files: [try AnswerFile.parse(text: "[environment:default]\n" + text, path: "he.conf")]))
        return s
    }

    let answers = """
        OVIRT_WIZARD/host=str:gs1.lofyer.org
        OVIRT_WIZARD/sshIdentity=str:/home/op/.ssh/id_ed25519
        OVEHOSTED_ENGINE/adminPassword=str:He-secret-pw-1
        OVEHOSTED_NETWORK/fqdn=str:ha.lofyer.org

        """

    @Test func theImportedQuestionsAreEngineSetupsWithoutFQDNOrPassword() throws {
        let imported = try #require(hosted.imports.first)
        #expect(imported.flow.id == "engine-setup" && imported.flow.version == "3.4")
        #expect(!imported.keys.contains("OVESETUP_CONFIG/fqdn"))
        #expect(!imported.keys.contains("OVESETUP_CONFIG/adminPassword"))
        #expect(hosted.question(forKey: "OVESETUP_CONFIG/fqdn") == nil)
        #expect(hosted.question(forKey: "OVESETUP_CONFIG/adminPassword") == nil)
        #expect(imported.sameAs == ["OVESETUP_CONFIG/fqdn": "OVEHOSTED_NETWORK/fqdn",
                                    "OVESETUP_CONFIG/adminPassword": "OVEHOSTED_ENGINE/adminPassword"])
        // The prompts are engine-setup's own, from its file.
        for key in imported.keys {
            #expect(hosted.question(forKey: key)?.prompt == engine.question(forKey: key)?.prompt, "\(key)")
            // Host checks would run on the first host, not in the VM: none is kept.
            #expect(hosted.question(forKey: key)?.checks.isEmpty == true, "\(key)")
        }
        // Asked after the engine FQDN and the password, in the wizard's own sections (never sent to hosted-engine).
        let keys = hosted.questions.map(\.key)
        let first = try #require(keys.firstIndex(of: HostedEngineEngineVM.engineVMKey))
        #expect(first > keys.firstIndex(of: "OVEHOSTED_NETWORK/fqdn")!)
        for key in HostedEngineEngineVM.keys + imported.keys {
            #expect(AnswerFileKind(flow: hosted).isWizardOnly(key), "\(key)")
        }
    }

    @Test func askedOnlyWhenTheWizardSetsUpTheEngineDefaultsFromTheFQDN() throws {
        var s = try session(answers)
        let yes = hosted.question(forKey: HostedEngineEngineVM.engineVMKey)!
        #expect(s.defaultAnswer(for: yes)?.text == "Yes")
        let organization = hosted.question(forKey: "OVESETUP_PKI/organization")!
        #expect(!s.isActive(organization))
        s = try session(answers + "OVIRT_WIZARD/engineVM=bool:True\n")
        #expect(s.isActive(organization))
        // engine-setup's default, from the engine FQDN hosted-engine was given.
        #expect(s.defaultAnswer(for: organization)?.text == "lofyer.org")
        #expect(s.defaultAnswer(for: hosted.question(forKey: HostedEngineEngineVM.addressKey)!)?.text == "ha.lofyer.org")
        // The VM is a fresh EL6 machine: iptables on (chosen silently), an ISO domain offered.
        #expect(s.isActive(hosted.question(forKey: "OVESETUP_CONFIG/updateFirewall")!))
        #expect(hosted.question(forKey: "OVESETUP_CONFIG/firewallManager") == nil)
        #expect(s.isActive(hosted.question(forKey: "OVESETUP_SYSTEM/nfsConfigEnabled")!))
        s = try session(answers + "OVIRT_WIZARD/engineVM=bool:False\n")
        #expect(!s.isActive(organization))
        #expect(!s.isActive(hosted.question(forKey: HostedEngineEngineVM.addressKey)!))
    }

    @Test func theVMsAnswerFileTakesTheFQDNAndPasswordFromHostedEngine() throws {
        let env = OtopiEnvironment(files: [try AnswerFile.parse(text: "[environment:default]\n" + answers + """
            OVIRT_WIZARD/engineVM=bool:True
            OVIRT_WIZARD/dbLocation=str:local
            OVESETUP_DB/host=str:localhost
            OVESETUP_DB/port=int:5432
            OVESETUP_PROVISIONING/postgresProvisioningEnabled=bool:True
            OVESETUP_CONFIG/applicationMode=str:both
            OVESETUP_PKI/organization=str:lofyer.org
            OVEHOSTED_VM/vmBoot=str:cdrom

            """, path: "he.conf")])
        let login = try TargetLogin(environment: env)
        let vm = try #require(try HostedEngineEngineVM(flow: hosted, value: { env[$0]?.value }, firstLogin: login))
        #expect(vm.name == "ha.lofyer.org")
        #expect(vm.login.user == "root" && vm.login.port == 22)
        #expect(vm.login.identity == "/home/op/.ssh/id_ed25519")
        let file = try vm.answerFile(source: "he.conf")
        #expect(file.text.contains("OVESETUP_CONFIG/fqdn=str:ha.lofyer.org\n"))
        #expect(file.text.contains("OVESETUP_CONFIG/adminPassword=str:He-secret-pw-1\n"))
        #expect(file.text.contains("OVESETUP_DB/host=str:localhost\n"))
        #expect(file.text.contains("OVESETUP_DIALOG/confirmSettings=bool:True\n"))
        #expect(file.text.contains("OVESETUP_PKI/organization=str:lofyer.org\n"))
        // Nothing of hosted-engine's, nothing of the wizard's.
        #expect(!file.text.contains("OVEHOSTED_"))
        #expect(!file.text.contains("OVIRT_WIZARD/"))
        #expect(file.masked.contains("OVESETUP_CONFIG/adminPassword=str:********\n"))
        #expect(!file.masked.contains("He-secret-pw-1"))
        // The answer No, or a file without the question (written before it existed): no VM.
        #expect(try HostedEngineEngineVM(flow: hosted, value: { $0 == HostedEngineEngineVM.engineVMKey ? .bool(false) : env[$0]?.value }, firstLogin: login) == nil)
        #expect(try HostedEngineEngineVM(flow: hosted, value: { $0 == HostedEngineEngineVM.engineVMKey ? nil : env[$0]?.value }, firstLogin: login) == nil)
    }

    @Test func wrongLoginAnswersAreNamed() throws {
        let login = TargetLogin(host: "gs1")
        func problem(_ extra: [String: OtopiValue]) -> String? {
            var values: [String: OtopiValue] = ["OVIRT_WIZARD/engineVM": .bool(true), "OVEHOSTED_NETWORK/fqdn": .string("ha.lofyer.org"),
                                                "OVEHOSTED_ENGINE/adminPassword": .string("pw-12345")]
            values.merge(extra) { _, new in new }
            do {
                _ = try HostedEngineEngineVM(flow: hosted, value: { values[$0] }, firstLogin: login)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(problem([:]) == nil)
        #expect(problem([HostedEngineEngineVM.portKey: .string("70000")]) == "OVIRT_WIZARD/engineVMSshPort: 70000 is not a port number (1-65535)")
        #expect(problem([HostedEngineEngineVM.userKey: .string("admin")])?.hasPrefix("OVIRT_WIZARD/engineVMSshUser: admin: engine-setup runs as root") == true)
        #expect(problem(["OVEHOSTED_ENGINE/adminPassword": .none]) == "OVEHOSTED_ENGINE/adminPassword: missing: the engine VM's OVESETUP_CONFIG/adminPassword is taken from it")
        #expect(problem([HostedEngineEngineVM.engineVMKey: .string("maybe")])?.hasPrefix("OVIRT_WIZARD/engineVM: str:maybe is not a yes/no answer") == true)
    }

    @Test func thePreviewShowsTheVMAsItsOwnTargetWithMaskedLines() throws {
        let s = try session(answers + "OVIRT_WIZARD/engineVM=bool:True\nOVESETUP_PKI/organization=str:lofyer.org\n")
        let block = try #require(s.preview().hostBlocks.last)
        #expect(block.title.hasPrefix("ha.lofyer.org: the engine VM"))
        #expect(block.lines.contains("OVESETUP_CONFIG/fqdn=str:ha.lofyer.org"))
        #expect(block.lines.contains("OVESETUP_CONFIG/adminPassword=str:********"))
        #expect(block.lines.contains("OVESETUP_PKI/organization=str:lofyer.org"))
        #expect(!block.lines.joined().contains("He-secret-pw-1"))
    }

    @Test func importMistakesAreNamedWithTheirFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for name in ["engine-setup-3.4.yaml", "_target.yaml"] {
            try FileManager.default.copyItem(atPath: Repo.screens + "/" + name, toPath: directory + "/" + name)
        }
        func load(_ questions: String) -> String? {
            let text = """
                flow: importer
                title: t
                tool: hosted-engine
                version: "3.4"
                seed_facts: {}
                sections:
                  - id: vm
                    wizard: true
                    questions:
                \(questions)
                preview:
                  title: P
                  width: 10
                  items: []
                  confirm: {key: OVEHOSTED_CORE/confirmSettings, kind: boolean, prompt: "ok? ", default: "No"}
                """
            do {
                _ = try FlowLoader.parse(yaml: text, path: directory + "/importer.yaml")
                return nil
            } catch {
                return error.description
            }
        }
        #expect(load("      - {use: engine-setup-3.4, keys: [OVESETUP_CONFIG/applicationMode]}") == nil)
        #expect(load("      - {use: engine-setup-3.4, keys: [OVESETUP_NOPE/x]}")?.contains("OVESETUP_NOPE/x is not a question of") == true)
        #expect(load("      - {use: no-such-flow, keys: [a]}")?.contains("cannot import no-such-flow") == true)
        // The firewall manager's values are a fact of the engine's host: the import must say what it is.
        #expect(load("      - {use: engine-setup-3.4, keys: [OVESETUP_CONFIG/firewallManager]}")?.contains("give it in facts") == true)
        #expect(load("      - {use: engine-setup-3.4, keys: [OVESETUP_CONFIG/fqdn], same_as: {OVESETUP_CONFIG/fqdn: OVEHOSTED_NETWORK/fqdn}}")?.contains("asked once") == true)
    }
}
