import Foundation
import OtopiKit
import Testing
@testable import WizardCore

@Suite struct SessionTests {
    let engine = try! Repo.flow("engine-setup-3.4")
    let hosted = try! Repo.flow("hosted-engine-3.4")

    func environment(_ text: String) throws -> OtopiEnvironment {
        OtopiEnvironment(files: [try AnswerFile.parse(text: "[environment:default]\n" + text, path: "a.conf")])
    }

    @Test func offlineSkipsTheWizardSection() {
        #expect(FlowSession.offline(engine).nextQuestion()?.key == "OVESETUP_CONFIG/fqdn")
        let online = FlowSession(flow: engine, offline: false, randomSeed: 0)
        #expect(online.nextQuestion()?.key == "OVIRT_WIZARD/host")
    }

    @Test func answeredKeysAreSkippedAndNoneIsNotAnAnswer() throws {
        var s = FlowSession.offline(engine)
        s.load(try environment("OVESETUP_CONFIG/fqdn=str:engine.example.com\nOVESETUP_CONFIG/updateFirewall=none:None\n"))
        #expect(s.nextQuestion()?.key == "OVESETUP_CONFIG/updateFirewall")
        #expect(s.answers["OVESETUP_CONFIG/fqdn"]?.provenance == .file(path: "a.conf", line: 2))
    }

    @Test func invalidFileAnswersAreAskedAgainWithTheReason() throws {
        var s = FlowSession.offline(engine)
        s.load(try environment("""
            OVESETUP_CONFIG/fqdn=str:192.168.1.1
            OVESETUP_CONFIG/updateFirewall=str:False
            OVESETUP_CONFIG/applicationMode=str:everything
            OVESETUP_DB/port=int:70000
            """))
        #expect(s.nextQuestion()?.key == "OVESETUP_CONFIG/fqdn")
        #expect(s.rejected["OVESETUP_CONFIG/fqdn"]?.reason.contains("is an IP address") == true)
        #expect(s.rejected["OVESETUP_CONFIG/fqdn"]?.origin.line == 2)
        #expect(s.rejected["OVESETUP_CONFIG/updateFirewall"]?.reason == "written as str:False, but otopi needs bool:… here")
        #expect(s.rejected["OVESETUP_CONFIG/applicationMode"]?.reason == "'everything' is not one of the valid values (Both, Virt, Gluster)")
        #expect(s.rejected["OVESETUP_DB/port"]?.reason == "70000 is not a TCP port number (1-65535)")

        let io = ScriptedIO(["", "", "iptables"])
        var dialog = PlainDialog(session: s, checker: OfflineChecker())
        _ = dialog.run(io: io)
        #expect(io.lines.contains("[ ERROR ] a.conf:2: OVESETUP_CONFIG/fqdn=192.168.1.1 was not used: 192.168.1.1 is an IP address and not a FQDN. A FQDN is needed to be able to generate certificates correctly."))
    }

    @Test func unknownKeysAreKeptAndWrittenBack() throws {
        var s = FlowSession.offline(hosted)
        s.load(try environment("OVEHOSTED_STORAGE/sdUUID=str:0b2f-1\nOVEHOSTED_VM/ovfArchive=none:None\n"))
        let out = s.answerFileValues()
        #expect(out["OVEHOSTED_STORAGE/sdUUID"] == .string("0b2f-1"))
        #expect(out["OVEHOSTED_VM/ovfArchive"] == OtopiValue.none)
    }

    @Test func belowMinimumFromAFileIsAWarningNotARefusal() throws {
        var s = FlowSession.offline(hosted)
        s.load(try environment("OVEHOSTED_VM/vmMemSizeMB=str:2048\n"))
        #expect(s.rejected.isEmpty)
        #expect(s.loadWarnings == ["OVEHOSTED_VM/vmMemSizeMB (a.conf:2): Minimum requirements for memory size not met (2048 < 4096)"])
    }

    @Test func remoteDatabaseAsksForTheConnection() throws {
        var s = FlowSession.offline(engine)
        s.load(try environment("OVESETUP_CONFIG/fqdn=str:e.example.com\nOVESETUP_CONFIG/updateFirewall=bool:False\n"))
        #expect(s.nextQuestion()?.key == "OVIRT_WIZARD/dbLocation")
        var x = s.exchange(for: s.nextQuestion()!)
        guard case .accepted(_, let values, _) = x.submit("Remote", checker: OfflineChecker(), answers: s.answers) else {
            Issue.record("expected acceptance")
            return
        }
        s.accept(values)
        let asked = s.activeQuestions.filter { !s.answers.isAnswered($0.key) }.map(\.key)
        #expect(Array(asked.prefix(6)) == ["OVESETUP_DB/host", "OVESETUP_DB/port", "OVESETUP_DB/secured", "OVESETUP_DB/database",
                                           "OVESETUP_DB/user", "OVESETUP_DB/password"])
        s.accept(["OVESETUP_DB/secured": Answer(.bool(true), .operator)])
        #expect(s.isActive(engine.question(forKey: "OVESETUP_DB/securedHostValidation")!))
    }

    @Test func glusterModeSkipsStorageTypeAndNFS() {
        var s = FlowSession.offline(engine)
        s.accept(["OVESETUP_CONFIG/applicationMode": Answer(.string("gluster"), .operator)])
        #expect(!s.isActive(engine.question(forKey: "OVESETUP_CONFIG/storageType")!))
        #expect(!s.isActive(engine.question(forKey: "OVESETUP_SYSTEM/nfsConfigEnabled")!))
    }

    @Test func cpuChoicesFollowTheHost() {
        var facts = hosted.seedFacts
        facts["cpu_models"] = .list(["model_Conroe", "model_Penryn", "model_Nehalem", "model_SandyBridge"])
        let s = FlowSession(flow: hosted, facts: facts, factsProbed: true, offline: true, randomSeed: 0)
        let q = hosted.question(forKey: "OVEHOSTED_VDSM/cpu")!
        #expect(s.validValues(for: q) == ["model_Nehalem", "model_Penryn", "model_Conroe"])
        #expect(s.defaultAnswer(for: q)?.text == "model_Nehalem")
        #expect(s.defaultAnswer(for: q)?.provenance == .detected)
        #expect(s.validateLoaded(.string("model_Westmere"), for: q) ==
                .error("'model_Westmere' is not one of the valid values (model_Nehalem, model_Penryn, model_Conroe)"))
        // offline (seed facts), any model hosted-engine 3.4 offers is accepted from a file
        #expect(FlowSession.offline(hosted).validateLoaded(.string("model_Westmere"), for: q) == .ok)
    }

    @Test func organizationDefaultFollowsTheFQDN() {
        var s = FlowSession.offline(engine)
        let q = engine.question(forKey: "OVESETUP_PKI/organization")!
        s.accept(["OVESETUP_CONFIG/fqdn": Answer(.string("engine.lab.example.org"), .operator)])
        #expect(s.defaultAnswer(for: q)?.text == "lab.example.org")
        s.accept(["OVESETUP_CONFIG/fqdn": Answer(.string("engine"), .operator)])
        #expect(s.defaultAnswer(for: q)?.text == "Test")
    }

    @Test func gatewayDefaultIsDetected() {
        var facts = hosted.seedFacts
        facts["gateway"] = .string("10.0.0.254")
        let s = FlowSession(flow: hosted, facts: facts, factsProbed: true, offline: true, randomSeed: 0)
        #expect(s.defaultAnswer(for: hosted.question(forKey: "OVEHOSTED_NETWORK/gateway")!)! == ("10.0.0.254", .detected))
    }

    @Test func previewMasksSecretsAndListsWhatIsMissing() throws {
        var s = FlowSession(flow: engine, offline: false, randomSeed: 0)
        s.load(try environment("OVESETUP_CONFIG/adminPassword=str:hunter2\nOVESETUP_DB/password=str:x\nOVESETUP_DB/host=str:db\n"))
        let p = s.preview()
        #expect(p.rows.first { $0.key == "OVESETUP_DB/host" }?.provenance == .file(path: "a.conf", line: 4))
        #expect(!p.lines.joined().contains("hunter2"))
        #expect(p.missing.map(\.key).contains("OVIRT_WIZARD/host"))
        #expect(p.wizardRows.first?.problem == "missing")
        #expect(s.isSecret("OVESETUP_DB/password"))
        #expect(s.isSecret("OVESETUP_CONFIG/adminPassword"))
    }

    @Test func clearingAnAnswerAsksItAgainAndUndoesItsEffects() {
        var s = FlowSession.offline(engine)
        s.accept(["OVIRT_WIZARD/dbLocation": Answer(.string("remote"), .operator),
                  "OVESETUP_PROVISIONING/postgresProvisioningEnabled": Answer(.bool(false), .operator)])
        s.clear("OVIRT_WIZARD/dbLocation")
        #expect(s.answers["OVESETUP_PROVISIONING/postgresProvisioningEnabled"] == nil)
    }

    @Test func endOfInputIsReported() {
        let io = ScriptedIO(["", ""])
        var dialog = PlainDialog(session: .offline(engine), checker: OfflineChecker())
        #expect(dialog.run(io: io) == .endOfInput(question: "OVESETUP_CONFIG/firewallManager"))
        #expect(dialog.session.answers["OVESETUP_CONFIG/updateFirewall"]?.value == .bool(true))
    }
}

@Suite struct FlowLoaderTests {
    @Test func bothFlowsLoadCompletely() throws {
        let catalog = FlowCatalog.load(directory: Repo.screens)
        #expect(catalog.problems.isEmpty, "\(catalog.problems)")
        #expect(Set(catalog.flows.map(\.id)).isSuperset(of: ["engine-setup", "hosted-engine"]))
        for flow in catalog.flows {
            for q in flow.questions {
                #expect(q.prompt.hasSuffix(": ") || q.prompt.hasSuffix("? "), "\(flow.id) \(q.key)")
                if q.isWizardKey { continue }
                #expect(q.key.contains("/"), "\(q.key)")
            }
            #expect(flow.sections.contains { $0.isWizard }, "\(flow.id) has the wizard's own section")
        }
        #expect(catalog.flow(named: "engine-setup")?.version == "3.4")
        #expect(catalog.flow(named: "hosted-engine-3.4")?.id == "hosted-engine")
        #expect(catalog.flow(named: "nope") == nil)
    }

    func error(_ yaml: String) -> String {
        do {
            _ = try FlowLoader.parse(yaml: yaml, path: "f.yaml")
            return ""
        } catch {
            return error.description
        }
    }

    let header = "flow: x\ntitle: X\ntool: x\nversion: '1'\nseed_facts: {}\npreview: {title: P, width: 10, items: [], confirm: {key: C, prompt: 'ok? '}}\n"

    @Test func mistakesNameTheLine() {
        #expect(error(header + "sections:\n  - id: a\n    questions:\n      - key: K\n        promt: 'x: '\n")
                .hasPrefix("f.yaml:11: sections[0].questions[0].promt: unknown field"))
        #expect(error(header + "sections:\n  - id: a\n    questions:\n      - key: K\n        prompt: 'x: '\n        validators: [fqnd]\n")
                .hasPrefix("f.yaml:10: sections[0].questions[0]: unknown validator 'fqnd'"))
        #expect(error(header + "sections:\n  - id: a\n    questions:\n      - key: K\n        prompt: 'x: '\n        kind: choice\n")
                == "f.yaml:10: sections[0].questions[0]: a choice needs values")
        #expect(error("flow: [unclosed\n").hasPrefix("f.yaml:"))
        #expect(error("") == "f.yaml:1: the flow file is empty")
        #expect(error(header + "sections:\n  - id: a\n    questions:\n      - {key: C, prompt: 'x: '}\n")
                .contains("key C is asked by two questions"))
    }
}

@Suite struct BoolSpellingTests {
    @Test func boolNoIsRefusedWithTheReason() throws {
        var s = FlowSession.offline(try Repo.flow("engine-setup-3.4"))
        s.load(OtopiEnvironment(files: [try AnswerFile.parse(text: "[environment:default]\nOVESETUP_CONFIG/updateFirewall=bool:no\nX/y=bool:0\n", path: "a")]))
        #expect(s.rejected["OVESETUP_CONFIG/updateFirewall"]?.reason ==
                "bool:no is read by otopi as True (only f, F, false and False are False); write bool:True or bool:False")
        #expect(s.loadWarnings.count == 1)
    }
}
