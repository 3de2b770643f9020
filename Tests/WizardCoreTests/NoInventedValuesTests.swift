import Foundation
import OtopiKit
import Testing
@testable import WizardCore

/// Strings of the seed's lab (the tutorial's hosts, network and CPU): none may reach a run against another host.
enum SeedLab {
    static let strings = ["lofyer", "gs1", "192.168.10.", "192.168.1.108", "model_Conroe", "Conroe"]
    static func found(in text: String) -> [String] { strings.filter { text.contains($0) } }
}

/// Answers each prompt by the first rule whose text it contains, Enter otherwise; gives up (end of input) on a
/// prompt asked too often, so a dialog that loops fails instead of hanging.
final class PromptedIO: DialogIO {
    let rules: [(String, String)]
    var output = ""
    var lastPrompt = ""
    var asked: [String: Int] = [:]
    let color = false

    init(_ rules: [(String, String)]) { self.rules = rules }

    func write(_ text: String) {
        output += text
        if !text.hasSuffix("\n") { lastPrompt = text }
    }

    func readLine(hidden: Bool) -> String? {
        asked[lastPrompt, default: 0] += 1
        guard asked[lastPrompt]! <= 3 else { return nil }
        let line = rules.first { lastPrompt.contains($0.0) }?.1 ?? ""
        output += (hidden ? "" : line) + "\n"
        return line
    }
}

@Suite struct NoInventedValuesTests {
    let engine: Flow
    let hosted: Flow
    init() throws {
        engine = try Repo.flow("engine-setup-3.4")
        hosted = try Repo.flow("hosted-engine-3.4")
    }

    /// A session for a host that could not be probed (not --offline).
    func unprobed(_ flow: Flow) -> FlowSession { FlowSession(flow: flow, offline: false, randomSeed: 3) }

    func q(_ flow: Flow, _ key: String) -> Question { flow.question(forKey: key)! }

    @Test func unprobedFactsKeepTheAssumptionsButNoLabValue() {
        let facts = hosted.unprobedFacts
        for name in ["host_fqdn", "gateway", "cpu_models", "nics", "sshd_port"] { #expect(facts[name] == nil, "\(name)") }
        #expect(facts["ovirtmgmt_exists"] == .bool(true))
        #expect(facts["firewall_managers"] == .list(["iptables"]))
        #expect(SeedLab.found(in: "\(facts.values)").isEmpty)
        #expect(engine.unprobedFacts["host_fqdn"] == nil)
        #expect(engine.seedFacts["host_fqdn"] == .string("gs1.lofyer.org"), "--offline still has the seed's example")
    }

    @Test func theEngineFQDNIsDerivedFromTheTargetHostNameOrNotOffered() {
        var s = unprobed(engine)
        let fqdn = q(engine, "OVESETUP_CONFIG/fqdn")
        #expect(s.defaultAnswer(for: fqdn) == nil, "no target host yet: no default")
        let x = s.exchange(for: fqdn)
        #expect(x.prompt.text == "Host fully qualified DNS name of this server: ", "no empty [] is shown")
        #expect(x.prompt.before.first?.level == .warning)
        s.accept(["OVIRT_WIZARD/host": Answer(.string("engine.corp.example"), .operator)])
        #expect(s.defaultAnswer(for: fqdn)! == ("engine.corp.example", .derived))
        s.accept(["OVIRT_WIZARD/host": Answer(.string("192.0.2.10"), .operator)])
        #expect(s.defaultAnswer(for: fqdn) == nil, "an address is no FQDN")
        s.accept(["OVIRT_WIZARD/host": Answer(.string("engine"), .operator)])
        #expect(s.defaultAnswer(for: fqdn) == nil, "a short name is no FQDN")
    }

    @Test func derivedAnswersFollowWhatTheyCameFromButTypedOnesStay() {
        var s = unprobed(engine)
        let fqdn = q(engine, "OVESETUP_CONFIG/fqdn"), org = q(engine, "OVESETUP_PKI/organization")
        s.accept(["OVIRT_WIZARD/host": Answer(.string("engine.corp.example"), .operator)])
        var x = s.exchange(for: fqdn)
        guard case .accepted(_, let v1, _) = x.submit("", checker: OfflineChecker(), answers: s.answers) else { Issue.record(); return }
        s.accept(v1)
        var y = s.exchange(for: org)
        guard case .accepted(_, let v2, _) = y.submit("", checker: OfflineChecker(), answers: s.answers) else { Issue.record(); return }
        s.accept(v2)
        #expect(s.answers[fqdn.key] == Answer(.string("engine.corp.example"), .derived))
        #expect(s.answers[org.key] == Answer(.string("corp.example"), .derived))
        // Another target host: the FQDN and the organisation taken from it follow.
        s.accept(["OVIRT_WIZARD/host": Answer(.string("ovirt.lab.example.net"), .operator)])
        #expect(s.answers[fqdn.key]?.value == .string("ovirt.lab.example.net"))
        #expect(s.answers[org.key] == Answer(.string("lab.example.net"), .derived))
        // A typed organisation is never re-derived; a typed FQDN still moves a derived organisation.
        s.accept([org.key: Answer(.string("Example Corp"), .operator)])
        s.accept([fqdn.key: Answer(.string("engine.other.example"), .operator)])
        #expect(s.answers[org.key] == Answer(.string("Example Corp"), .operator))
        s.accept([org.key: Answer(.string("other.example"), .derived)])
        s.accept([fqdn.key: Answer(.string("engine.third.example"), .operator)])
        #expect(s.answers[org.key] == Answer(.string("third.example"), .derived))
        // A host named by address leaves nothing to derive the FQDN from: it is asked again.
        s.accept([fqdn.key: Answer(.string("engine.corp.example"), .derived)])
        s.accept(["OVIRT_WIZARD/host": Answer(.string("192.0.2.10"), .operator)])
        #expect(s.answers[fqdn.key] == nil)
        #expect(s.needsAnswer(fqdn))
    }

    @Test func aDerivedChangeDropsTheConfirmation() {
        var s = unprobed(engine)
        s.accept(["OVIRT_WIZARD/host": Answer(.string("engine.corp.example"), .operator)])
        s.accept(["OVESETUP_CONFIG/fqdn": Answer(.string("engine.corp.example"), .derived),
                  "OVESETUP_DIALOG/confirmSettings": Answer(.bool(true), .operator)])
        s.accept(["OVIRT_WIZARD/host": Answer(.string("ovirt.corp.example"), .operator)])
        #expect(!s.answers.isAnswered("OVESETUP_DIALOG/confirmSettings"))
    }

    @Test func hostedEngineOffersNoGatewayNoCPUOfTheSeedAndNoSSHPort() {
        let s = unprobed(hosted)
        let gateway = q(hosted, "OVEHOSTED_NETWORK/gateway"), cpu = q(hosted, "OVEHOSTED_VDSM/cpu")
        #expect(s.defaultAnswer(for: gateway) == nil)
        #expect(s.exchange(for: gateway).prompt.text == "Please indicate a pingable gateway IP address: ")
        #expect(s.defaultAnswer(for: cpu) == nil, "the host's CPU is unknown: the operator chooses")
        #expect(s.validValues(for: cpu).count == 7, "every model hosted-engine 3.4 offers")
        #expect(s.exchange(for: cpu).prompt.before.first?.text.contains("not probed") == true)
        #expect(s.answers["OVEHOSTED_NETWORK/sshdPort"] == nil)
        #expect(SeedLab.found(in: s.preview().lines.joined(separator: "\n")).isEmpty)
    }

    @Test func offlineValuesAreTheSeedsExampleNeverDetected() {
        let s = FlowSession.offline(hosted)
        #expect(s.defaultAnswer(for: q(hosted, "OVEHOSTED_NETWORK/gateway"))! == ("192.168.10.1", .seedExample))
        #expect(s.defaultAnswer(for: q(hosted, "OVEHOSTED_VDSM/cpu"))! == ("model_Conroe", .seedExample))
        #expect(s.answers["OVEHOSTED_NETWORK/sshdPort"]?.provenance == .seedExample)
        #expect(FlowSession.offline(engine).defaultAnswer(for: q(engine, "OVESETUP_CONFIG/fqdn"))! == ("gs1.lofyer.org", .seedExample))
    }

    @Test func aHostThatFailsAfterAProbeLeavesNoDetectedValue() {
        var facts = hosted.unprobedFacts
        facts["gateway"] = .string("10.1.1.254")
        facts["sshd_port"] = .int(2222)
        var s = FlowSession(flow: hosted, facts: facts, factsProbed: true, offline: false, randomSeed: 0)
        #expect(s.answers["OVEHOSTED_NETWORK/sshdPort"] == Answer(.int(2222), .detected))
        s.forgetHostFacts()
        #expect(s.answers["OVEHOSTED_NETWORK/sshdPort"] == nil)
        #expect(s.defaultAnswer(for: q(hosted, "OVEHOSTED_NETWORK/gateway")) == nil)
    }

    @Test func enterOnAnEmptyOptionalFieldIsNotTyped() {
        var s = unprobed(engine)
        var x = s.exchange(for: q(engine, "OVIRT_WIZARD/sshIdentity"))
        guard case .accepted(_, let values, _) = x.submit("", checker: OfflineChecker(), answers: s.answers) else { Issue.record(); return }
        s.accept(values)
        #expect(s.answers["OVIRT_WIZARD/sshIdentity"]?.provenance == .default)
    }

    // MARK: - resume keeps typed apart from defaults

    @Test func aResumedFileKeepsHowEachValueWasGiven() throws {
        var s = unprobed(engine)
        s.accept(["OVIRT_WIZARD/host": Answer(.string("engine.corp.example"), .operator),
                  "OVIRT_WIZARD/sshUser": Answer(.string("root"), .default)])
        s.accept(["OVESETUP_CONFIG/fqdn": Answer(.string("engine.corp.example"), .derived),
                  "OVESETUP_CONFIG/adminPassword": Answer(.string("S3cret-pw!Zq"), .operator)])
        let text = try AnswerFileContract.renderLocal(s, complete: false)
        #expect(text.contains("OVIRT_WIZARD/provenance=str:typed=OVESETUP_CONFIG/adminPassword,OVIRT_WIZARD/host derived=OVESETUP_CONFIG/fqdn\n"))
        // The otopi keys are exactly the session's values: the record is one wizard-only line more.
        let file = try AnswerFile.parse(text: text, path: "a.conf")
        let env = OtopiEnvironment(files: [file])
        var written = env.items.mapValues(\.value)
        for key in AnswerFileContract.identityKeys { written[key] = nil }
        #expect(written == s.answerFileValues())
        var resumed = unprobed(engine)
        resumed.load(env)
        #expect(resumed.answers["OVIRT_WIZARD/host"]?.provenance.isTyped == true)
        #expect(resumed.answers["OVESETUP_CONFIG/adminPassword"]?.provenance.isTyped == true)
        #expect(resumed.answers["OVIRT_WIZARD/sshUser"]?.provenance.given == .default)
        #expect(resumed.answers["OVESETUP_CONFIG/fqdn"]?.provenance.given == .derived)
        #expect(resumed.answers["OVESETUP_CONFIG/fqdn"]?.provenance.shortName == "derived")
        #expect(resumed.answers[AnswerFileContract.provenanceKey] == nil, "the record is not an answer")
        // Written again unchanged, the file is the same, byte for byte.
        #expect(try AnswerFileContract.renderLocal(resumed, complete: false) == text)
        // A value derived before the resume still follows the host after it.
        resumed.accept(["OVIRT_WIZARD/host": Answer(.string("ovirt.corp.example"), .operator)])
        #expect(resumed.answers["OVESETUP_CONFIG/fqdn"] == Answer(.string("ovirt.corp.example"), .derived))
        // The host never receives the record.
        let sent = try AnswerFileContract.renderForHost(AnswerFileKind(flow: engine), sections: [.default: AnswerFileContract.localValues(s)],
                                                        source: "a.conf", host: "h")
        #expect(!sent.text.contains("OVIRT_WIZARD/"))
    }

    @Test func aFileWithoutARecordSaysOnlyWhereItsValuesCameFrom() throws {
        var s = unprobed(engine)
        s.load(OtopiEnvironment(files: [try AnswerFile.parse(text: "[environment:default]\nOVESETUP_CONFIG/fqdn=str:e.corp.example\n", path: "old.conf")]))
        #expect(s.answers["OVESETUP_CONFIG/fqdn"]?.provenance == .file(path: "old.conf", line: 2))
        #expect(s.answers["OVESETUP_CONFIG/fqdn"]?.provenance.description == "file old.conf:2")
        #expect(ProvenanceRecord(s).text == "file=OVESETUP_CONFIG/fqdn")
        #expect(ProvenanceRecord(parsing: "typed=A bogus=B") == nil)
    }

    // MARK: - whole runs against a host that could not be probed

    /// The plain dialog over a host the probe could not reach (the probe's answer as the executable gives it).
    func runUnreachable(_ flow: Flow, _ rules: [(String, String)]) -> (PromptedIO, PlainDialog.Outcome, FlowSession) {
        var dialog = PlainDialog(session: unprobed(flow), checker: OfflineChecker(reason: "not probed yet"))
        dialog.onTargetKnown = { _ in
            .init(facts: nil, checker: OfflineChecker(reason: "192.0.2.10 could not be reached"),
                  messages: [DialogMessage(.warning, "Host checks were not run: 192.0.2.10 port 22: cannot connect: No route to host")])
        }
        let io = PromptedIO(rules)
        let outcome = dialog.run(io: io)
        return (io, outcome, dialog.session)
    }

    @Test func anEngineSetupRunAgainstAnUnreachableHostHasNoSeedValue() throws {
        let (io, outcome, session) = runUnreachable(engine, [
            ("(name or address)", "engine.corp.example"), ("Firewall manager", "iptables"),
            ("admin password", "S3cret-pw!Zq"),
        ])
        #expect(outcome == .confirmed, "\(io.output)")
        #expect(io.output.contains("Host fully qualified DNS name of this server [engine.corp.example]: "))
        #expect(io.output.contains("Organization name for certificate [corp.example]: "))
        let file = try AnswerFileContract.renderLocal(session, complete: true)
        #expect(SeedLab.found(in: file).isEmpty, "\(file)")
        #expect(SeedLab.found(in: io.output).isEmpty, "\(io.output)")
        #expect(session.answers["OVESETUP_CONFIG/fqdn"] == Answer(.string("engine.corp.example"), .derived))
        #expect(session.answers["OVESETUP_PKI/organization"] == Answer(.string("corp.example"), .derived))
    }

    @Test func aHostedEngineRunAgainstAnUnreachableHostHasNoSeedValue() throws {
        let (io, outcome, session) = runUnreachable(hosted, [
            ("(name or address)", "192.0.2.10"), ("continue?", "yes"), ("storage connection path", "nfs.corp.example:/exports/he"),
            ("pingable gateway", "10.20.0.1"), ("CPU type", "model_Nehalem"), ("installation media", "/var/tmp/c6.iso"),
            ("memory size", "4096"), ("'admin@internal' user password", "He-adm1n-pw"), ("Engine FQDN", "he.corp.example"),
            ("iptables was detected", "no"), ("confirm installation", "yes"),
        ])
        #expect(outcome == .confirmed, "\(io.output)")
        #expect(io.output.contains("Please indicate a pingable gateway IP address: "), "no default gateway")
        #expect(io.output.contains("[WARNING] The target host was not probed"))
        let file = try AnswerFileContract.renderLocal(session, complete: true)
        #expect(SeedLab.found(in: file).isEmpty, "\(file)")
        #expect(SeedLab.found(in: session.preview().lines.joined(separator: "\n")).isEmpty)
        #expect(session.answers["OVEHOSTED_VDSM/cpu"]?.provenance == .operator)
        #expect(!session.preview().rows.contains { $0.provenance == .detected }, "nothing was read from a host")
    }
}
