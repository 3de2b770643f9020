import Foundation
import OtopiKit
import Testing
@testable import WizardCore

/// The seed's answers, replayed through the plain dialog, print the seed's questions, titles and preview.
@Suite struct SeedTranscriptTests {
    func replay(_ name: String, seed: UInt64 = 7) throws -> (ScriptedIO, PlainDialog.Outcome, FlowSession) {
        let flow = try Repo.flow(name)
        let io = ScriptedIO(text: try Repo.fixture("\(name).answers"))
        var dialog = PlainDialog(session: .offline(flow, seed: seed), checker: OfflineChecker(reason: "--offline"))
        let outcome = dialog.run(io: io)
        return (io, outcome, dialog.session)
    }

    @Test func engineSetupMatchesTheSeed() throws {
        let (io, outcome, session) = try replay("engine-setup-3.4")
        #expect(outcome == .confirmed)
        #expect(io.prompts == (try Repo.fixtureLines("engine-setup-3.4.prompts")))
        #expect(io.titles == (try Repo.fixtureLines("engine-setup-3.4.titles")))
        #expect(session.preview().lines == (try Repo.fixtureLines("engine-setup-3.4.preview")))
        #expect(io.errors().isEmpty)
        #expect(io.hiddenPrompts == ["Engine admin password: ", "Confirm engine admin password: "])
        #expect(!io.output.contains("S3cret-pw!"), "a password was shown")
        // the values the reference's constructed answer file holds for this transcript
        let written = session.answerFileValues()
        let expected: [String: OtopiValue] = [
            "OVESETUP_CONFIG/fqdn": .string("gs1.lofyer.org"), "OVESETUP_CONFIG/updateFirewall": .bool(true),
            "OVESETUP_CONFIG/firewallManager": .string("iptables"),
            "OVESETUP_PROVISIONING/postgresProvisioningEnabled": .bool(true),
            "OVESETUP_DB/host": .string("localhost"), "OVESETUP_DB/port": .int(5432),
            "OVESETUP_CONFIG/applicationMode": .string("both"), "OVESETUP_CONFIG/storageType": .string("nfs"),
            "OVESETUP_CONFIG/adminPassword": .string("S3cret-pw!"), "OVESETUP_PKI/organization": .string("lofyer.org"),
            "OVESETUP_APACHE/configureSsl": .bool(true), "OVESETUP_APACHE/configureRootRedirection": .bool(true),
            "OVESETUP_CONFIG/websocketProxyConfig": .bool(true), "OVESETUP_SYSTEM/nfsConfigEnabled": .bool(false),
            "OVESETUP_DIALOG/confirmSettings": .bool(true), "OVIRT_WIZARD/dbLocation": .string("local"),
        ]
        #expect(written == expected)
    }

    @Test func hostedEngineMatchesTheSeed() throws {
        let (io, outcome, session) = try replay("hosted-engine-3.4")
        #expect(outcome == .confirmed)
        let mac = try #require(session.value(for: "OVEHOSTED_VM/vmMACAddr")?.stringValue)
        #expect(mac.range(of: "^00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}$", options: .regularExpression) != nil)
        let masked = { (lines: [String]) in lines.map { $0.replacingOccurrences(of: mac, with: "00:16:3e:XX:XX:XX") } }
        #expect(masked(io.prompts) == (try Repo.fixtureLines("hosted-engine-3.4.prompts")))
        #expect(io.titles == (try Repo.fixtureLines("hosted-engine-3.4.titles")))
        #expect(masked(session.preview().lines) == (try Repo.fixtureLines("hosted-engine-3.4.preview")))
        #expect(io.lines.contains("          \t - model_Conroe: Intel Conroe Family"))
        #expect(io.lines.contains("[ INFO  ] Installing on first host"))
        let written = session.answerFileValues()
        #expect(written["OVEHOSTED_VM/vmVCpus"] == .string("2"))
        #expect(written["OVEHOSTED_VDSM/cpu"] == .string("model_Conroe"))
        #expect(written["OVEHOSTED_NETWORK/firewallManager"] == nil)
        #expect(written["OVIRT_WIZARD/configureIptables"] == .bool(false))
        #expect(written["OVEHOSTED_STORAGE/hostID"] == nil, "hosted-engine computes the host ID itself")
        #expect(written["OVEHOSTED_NETWORK/bridgeName"] == .string("ovirtmgmt"))
    }

    @Test func theSameSeedGivesTheSameMAC() throws {
        let a = try replay("hosted-engine-3.4", seed: 42).2.value(for: "OVEHOSTED_VM/vmMACAddr")
        let b = try replay("hosted-engine-3.4", seed: 42).2.value(for: "OVEHOSTED_VM/vmMACAddr")
        let c = try replay("hosted-engine-3.4", seed: 43).2.value(for: "OVEHOSTED_VM/vmMACAddr")
        #expect(a == b)
        #expect(a != c)
    }

    @Test func writtenFileParsesBackIntoTheSameTypes() throws {
        for name in ["engine-setup-3.4", "hosted-engine-3.4"] {
            let session = try replay(name).2
            let text = try AnswerFileWriter.render(session.answerFileValues())
            let back = OtopiEnvironment(files: [try AnswerFile.parse(text: text, path: name)])
            #expect(back.items.mapValues(\.value) == session.answerFileValues())
        }
    }

    @Test func replayingTheWrittenFileAsksNothing() throws {
        for name in ["engine-setup-3.4", "hosted-engine-3.4"] {
            let first = try replay(name).2
            let text = try AnswerFileWriter.render(first.answerFileValues())
            var session = FlowSession.offline(try Repo.flow(name))
            session.load(OtopiEnvironment(files: [try AnswerFile.parse(text: text, path: "a.conf")]))
            #expect(session.rejected.isEmpty)
            #expect(session.nextQuestion() == nil, "\(name): \(session.nextQuestion()?.key ?? "")")
            let io = ScriptedIO([])
            var dialog = PlainDialog(session: session, checker: OfflineChecker())
            #expect(dialog.run(io: io) == .confirmed)
            #expect(io.prompts.isEmpty)
        }
    }
}
