import OtopiKit
import Testing
@testable import WizardCore

/// otopi's habits in the dialog both front ends share: choice words, values otopi 1.2 reads differently, and the
/// preview's confirmation.
@Suite struct OtopiHabitsTests {
    let engine = try! Repo.flow("engine-setup-3.4")
    let hosted = try! Repo.flow("hosted-engine-3.4")
    let offline = OfflineChecker()

    func accepted(_ step: ExchangeStep) -> [String: Answer]? {
        if case .accepted(_, let values, _) = step { return values }
        return nil
    }

    @Test func theAnswerWordOrAUniquePrefixChoosesWithoutCase() {
        let values = ["Automatic", "Manual"]
        #expect(RenderedPrompt.match("manual", in: values, caseSensitive: false) == "Manual")
        #expect(RenderedPrompt.match("MAN", in: values, caseSensitive: false) == "Manual")
        #expect(RenderedPrompt.match("x", in: values, caseSensitive: false) == nil)
        #expect(RenderedPrompt.match("", in: values, caseSensitive: false) == nil)
        // Ambiguous: both start with "nfs"; the whole word wins over a longer value it starts.
        #expect(RenderedPrompt.match("nfs", in: ["nfs3", "nfs4"], caseSensitive: true) == nil)
        #expect(RenderedPrompt.match("nfs4", in: ["nfs3", "nfs4"], caseSensitive: true) == "nfs4")
        #expect(RenderedPrompt.match("ab", in: ["ab", "abc"], caseSensitive: false) == "ab")
        #expect(RenderedPrompt.match("NFS4", in: ["nfs3", "nfs4"], caseSensitive: true) == nil)
    }

    @Test func theLineDialogTakesThePrefixAndRefusesAnAmbiguousWord() {
        let s = FlowSession.offline(engine)
        var x = s.exchange(for: engine.question(forKey: "OVESETUP_PROVISIONING/postgresProvisioningEnabled")!)
        #expect(accepted(x.submit("man", checker: offline, answers: s.answers))?["OVESETUP_PROVISIONING/postgresProvisioningEnabled"]?.value == .bool(false))
        let h = FlowSession.offline(hosted)
        var y = h.exchange(for: hosted.question(forKey: "OVEHOSTED_STORAGE/domainType")!)
        #expect(y.submit("nfs", checker: offline, answers: h.answers) == .ask([DialogMessage(.error, "Invalid value")]))
        #expect(accepted(y.submit("nfs4", checker: offline, answers: h.answers))?["OVEHOSTED_STORAGE/domainType"]?.value == .string("nfs4"))
        var mode = s.exchange(for: engine.question(forKey: "OVESETUP_CONFIG/applicationMode")!)
        #expect(accepted(mode.submit("Vi", checker: offline, answers: s.answers))?["OVESETUP_CONFIG/applicationMode"]?.value == .string("virt"))
        #expect(mode.prompt.validValuesHint == "valid values: Both, Virt, Gluster" || mode.prompt.validValuesHint.hasPrefix("valid values: "))
    }

    @Test func aValueOtopiWouldReadDifferentlyIsRefusedAtTheQuestion() {
        let s = FlowSession.offline(engine)
        var x = s.exchange(for: engine.question(forKey: "OVESETUP_CONFIG/adminPassword")!)
        guard case .ask(let messages) = x.submit("Kx9q ;Zr8w!", checker: offline, answers: s.answers) else {
            Issue.record("accepted a password otopi 1.2 would cut at ' ;'")
            return
        }
        #expect(messages.last?.level == .error)
        #expect(messages.last?.text.contains("comment") == true)
        #expect(!messages.map(\.text).joined().contains("Kx9q"), "the password never appears in a message")
        #expect(x.stage == .main, "refused before the confirmation prompt")
        guard case .ask(let percent) = x.submit("Pa%(x)s;w0rd Zq", checker: offline, answers: s.answers) else {
            Issue.record("accepted a password with '%('")
            return
        }
        #expect(percent.last?.text.contains("%(") == true)
        var pki = s.exchange(for: engine.question(forKey: "OVESETUP_PKI/organization")!)
        #expect(accepted(pki.submit("a;b ;c 100%", checker: offline, answers: s.answers)) != nil, "read whole by otopi 1.2")
    }

    @Test func aLoadedValueOtopiWouldMisreadIsAskedAgainWithTheReason() throws {
        let file = try AnswerFile.parse(text: "[environment:default]\nOVESETUP_PKI/organization=str:lab ;org\n", path: "a.conf")
        var s = FlowSession.offline(engine)
        s.load(OtopiEnvironment(files: [file]))
        let q = engine.question(forKey: "OVESETUP_PKI/organization")!
        #expect(s.needsAnswer(q))
        #expect(s.rejection(for: q)?.reason.contains("comment") == true)
    }

    @Test func changingAValueAfterTheConfirmationDropsIt() throws {
        var s = FlowSession.offline(engine)
        let confirm = engine.preview.confirm.key
        s.accept([confirm: Answer(.bool(true), .operator)])
        s.accept(["OVESETUP_PKI/organization": Answer(.string("example.org"), .operator)])
        #expect(!s.answers.isAnswered(confirm), "a change after the confirmation needs the preview again")
        s.accept([confirm: Answer(.bool(true), .operator)])
        s.accept(["OVESETUP_PKI/organization": Answer(.string("example.org"), .operator)])
        #expect(s.answers.isAnswered(confirm), "the same value again changes nothing")
    }

    @Test func aFileWhoseOnlyMissingAnswerIsTheConfirmationSaysSoNotIncomplete() throws {
        var s = FlowSession.offline(engine)
        // Answer every question with its default, then confirm, then change one value.
        while let q = s.nextQuestion(includingConfirmation: false) {
            var x = s.exchange(for: q)
            var step = x.submit(q.isHidden ? "Zq8!long-Passw0rd" : "", checker: offline, answers: s.answers)
            if case .ask = step, q.isHidden { step = x.submit("Zq8!long-Passw0rd", checker: offline, answers: s.answers) }
            if case .ask = step, x.prompt.validValues.isEmpty == false { step = x.submit(x.prompt.validValues[0], checker: offline, answers: s.answers) }
            guard let values = accepted(step) else { Issue.record("\(q.key) not accepted"); return }
            s.accept(values)
        }
        s.accept([engine.preview.confirm.key: Answer(.bool(true), .operator)])
        s.accept(["OVESETUP_PKI/organization": Answer(.string("changed.example"), .operator)])
        let text = try AnswerFileContract.renderLocal(s, complete: false)
        #expect(text.contains("# NOT CONFIRMED"))
        #expect(!text.contains("INCOMPLETE"))
        #expect(!text.contains("confirmSettings=bool:True"))
    }
}
