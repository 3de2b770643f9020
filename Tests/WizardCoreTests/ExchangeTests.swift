import OtopiKit
import Testing
@testable import WizardCore

/// One question's dialog: defaults, invalid values, follow-up confirmations.
@Suite struct ExchangeTests {
    let engine = try! Repo.flow("engine-setup-3.4")
    let hosted = try! Repo.flow("hosted-engine-3.4")
    let offline = OfflineChecker()

    func exchange(_ flow: Flow, _ key: String, session: FlowSession? = nil) -> (QuestionExchange, FlowSession) {
        let s = session ?? .offline(flow)
        return (s.exchange(for: flow.question(forKey: key)!), s)
    }

    func accepted(_ step: ExchangeStep) -> [String: Answer]? {
        if case .accepted(_, let values, _) = step { return values }
        return nil
    }

    @Test func emptyTakesTheDefaultWithItsProvenance() {
        var (x, s) = exchange(engine, "OVESETUP_CONFIG/fqdn")
        #expect(x.prompt.text == "Host fully qualified DNS name of this server [gs1.lofyer.org]: ")
        let values = accepted(x.submit("", checker: offline, answers: s.answers))
        #expect(values?["OVESETUP_CONFIG/fqdn"] == Answer(.string("gs1.lofyer.org"), .seedExample), "--offline: the seed's example, never detected")
        var (y, _) = exchange(engine, "OVESETUP_CONFIG/applicationMode")
        #expect(accepted(y.submit(" ", checker: offline, answers: s.answers))?["OVESETUP_CONFIG/applicationMode"] ==
                Answer(.string("both"), .default))
    }

    @Test func typedValueIsTheOperators() {
        var (x, s) = exchange(engine, "OVESETUP_CONFIG/applicationMode")
        #expect(accepted(x.submit("VIRT", checker: offline, answers: s.answers))?["OVESETUP_CONFIG/applicationMode"] ==
                Answer(.string("virt"), .operator))
    }

    @Test func invalidChoiceIsAskedAgain() {
        var (x, s) = exchange(engine, "OVESETUP_CONFIG/applicationMode")
        #expect(x.submit("everything", checker: offline, answers: s.answers) == .ask([DialogMessage(.error, "Invalid value")]))
        #expect(x.stage == .main)
    }

    @Test func caseSensitiveChoice() {
        var (x, s) = exchange(hosted, "OVEHOSTED_STORAGE/domainType")
        #expect(x.submit("NFS3", checker: offline, answers: s.answers) == .ask([DialogMessage(.error, "Invalid value")]))
        #expect(accepted(x.submit("nfs4", checker: offline, answers: s.answers)) != nil)
    }

    @Test func noDefaultAndEmpty() {
        var (x, s) = exchange(engine, "OVESETUP_CONFIG/firewallManager")
        #expect(x.prompt.text == "Firewall manager to configure (iptables): ")
        #expect(x.prompt.notes == ["The following firewall managers were detected on this system: iptables"])
        #expect(x.submit("", checker: offline, answers: s.answers) == .ask([DialogMessage(.error, "Please specify value")]))
    }

    @Test func validatorErrorsCarryTheQuestionsPrefix() {
        var (x, s) = exchange(engine, "OVESETUP_CONFIG/fqdn")
        #expect(x.submit("10.0.0.1", checker: offline, answers: s.answers) ==
                .ask([DialogMessage(.error, "Host name is not valid: 10.0.0.1 is an IP address and not a FQDN. A FQDN is needed to be able to generate certificates correctly.")]))
        var (y, _) = exchange(hosted, "OVEHOSTED_NOTIF/smtpServer")
        #expect(y.submit("Mail.Example.com", checker: offline, answers: s.answers) == .ask([DialogMessage(.error, "Invalid input, please try again")]))
    }

    @Test func warningsAreShownAndTheAnswerKept() {
        var (x, s) = exchange(engine, "OVESETUP_CONFIG/fqdn")
        guard case .accepted(let messages, let values, let unchecked) = x.submit("engine", checker: offline, answers: s.answers) else {
            Issue.record("expected the answer to be kept")
            return
        }
        #expect(messages == [DialogMessage(.warning, "Host name engine has no domain suffix")])
        #expect(values["OVESETUP_CONFIG/fqdn"]?.value == .string("engine"))
        #expect(unchecked.map(\.what) == ["engine resolves to an address", "engine is known to DNS"])
    }

    @Test func passwordConfirmationMismatchStartsOver() {
        var (x, s) = exchange(hosted, "OVEHOSTED_ENGINE/adminPassword")
        #expect(x.prompt.hidden)
        #expect(x.submit("", checker: offline, answers: s.answers) == .ask([DialogMessage(.error, "Please specify a password")]))
        #expect(x.submit("first-Pw9", checker: offline, answers: s.answers) == .ask([]))
        #expect(x.prompt.text == "Confirm 'admin@internal' user password: ")
        #expect(x.submit("other-Pw9", checker: offline, answers: s.answers) == .ask([DialogMessage(.error, "Passwords do not match")]))
        #expect(x.stage == .main)
        _ = x.submit("first-Pw9", checker: offline, answers: s.answers)
        #expect(accepted(x.submit("first-Pw9", checker: offline, answers: s.answers))?["OVEHOSTED_ENGINE/adminPassword"]?.value ==
                .string("first-Pw9"))
    }

    @Test func weakPasswordNeedsAYes() {
        var (x, s) = exchange(engine, "OVESETUP_CONFIG/adminPassword")
        _ = x.submit("abc", checker: offline, answers: s.answers)
        #expect(x.submit("abc", checker: offline, answers: s.answers) ==
                .ask([DialogMessage(.warning, "Password is weak: it is WAY too short")]))
        #expect(x.prompt.text == "Use weak password? (Yes, No) [No]: ")
        #expect(x.submit("", checker: offline, answers: s.answers) == .ask([]))
        #expect(x.prompt.text == "Engine admin password: ")
        _ = x.submit("abc", checker: offline, answers: s.answers)
        _ = x.submit("abc", checker: offline, answers: s.answers)
        #expect(x.submit("maybe", checker: offline, answers: s.answers) == .ask([DialogMessage(.error, "Invalid value")]))
        #expect(accepted(x.submit("yes", checker: offline, answers: s.answers))?["OVESETUP_CONFIG/adminPassword"]?.value == .string("abc"))
    }

    @Test func belowTheMinimumAsksToContinue() {
        var (x, s) = exchange(hosted, "OVEHOSTED_VM/vmVCpus")
        #expect(x.submit("two", checker: offline, answers: s.answers) == .ask([DialogMessage(.error, "Invalid number of cpu specified: two")]))
        #expect(x.submit("1", checker: offline, answers: s.answers) == .ask([DialogMessage(.warning, "Minimum requirements for CPUs not met")]))
        #expect(x.prompt.text == "Continue with specified CPUs? (Yes, No)[No]: ")
        #expect(x.submit("no", checker: offline, answers: s.answers) == .ask([]))
        _ = x.submit("1", checker: offline, answers: s.answers)
        #expect(accepted(x.submit("Yes", checker: offline, answers: s.answers))?["OVEHOSTED_VM/vmVCpus"]?.value == .string("1"))
    }

    @Test func spiceIsStoredAsQxl() {
        var (x, s) = exchange(hosted, "OVEHOSTED_VDSM/consoleType")
        #expect(accepted(x.submit("SPICE", checker: offline, answers: s.answers))?["OVEHOSTED_VDSM/consoleType"]?.value == .string("qxl"))
    }

    @Test func effectsSetOtherKeys() {
        var (x, s) = exchange(engine, "OVIRT_WIZARD/dbLocation")
        let values = accepted(x.submit("remote", checker: offline, answers: s.answers))
        #expect(values?["OVESETUP_PROVISIONING/postgresProvisioningEnabled"]?.value == .bool(false))
        var (y, _) = exchange(hosted, "OVIRT_WIZARD/configureIptables")
        #expect(accepted(y.submit("", checker: offline, answers: s.answers))?["OVEHOSTED_NETWORK/firewallManager"]?.value == .string("iptables"))
    }

    @Test func abortingAnswers() {
        var (x, s) = exchange(hosted, "OVEHOSTED_CORE/deployProceed")
        #expect(x.submit("no", checker: offline, answers: s.answers) == .abort([], "Aborted by user"))
        var (c, _) = exchange(hosted, "OVEHOSTED_CORE/confirmSettings")
        #expect(c.submit("", checker: offline, answers: s.answers) == .abort([], "Configuration was rejected by user"))
    }

    @Test func failedHostCheckIsAskedAgain() {
        var (x, s) = exchange(hosted, "OVEHOSTED_NETWORK/gateway")
        let checker = ScriptedChecker(outcomes: ["pingable": .failed("Specified gateway is not pingable")])
        #expect(x.submit("", checker: checker, answers: s.answers) == .ask([DialogMessage(.error, "Specified gateway is not pingable")]))
        let warn = ScriptedChecker(outcomes: ["pingable": .warning("slow")])
        guard case .accepted(let m, _, let unchecked) = x.submit("", checker: warn, answers: s.answers) else {
            Issue.record("expected acceptance")
            return
        }
        #expect(m == [DialogMessage(.warning, "slow")])
        #expect(unchecked.isEmpty)
    }

    @Test func memoryCheckIsInverted() throws {
        var facts = engine.seedFacts
        facts["memory_mb"] = .int(2048)
        let s = FlowSession(flow: engine, facts: facts, offline: true, randomSeed: 0)
        let q = engine.question(forKey: "OVESETUP_SYSTEM/memCheckEnabled")!
        #expect(s.isActive(q))
        var x = s.exchange(for: q)
        #expect(x.prompt.before == [DialogMessage(.warning, "Warning: Not enough memory is available on the host. Minimum requirement is 4096MB, and 16384MB is recommended.")])
        #expect(x.submit("", checker: offline, answers: s.answers) == .abort([], "Aborted by user"))
        var y = s.exchange(for: q)
        #expect(accepted(y.submit("yes", checker: offline, answers: s.answers))?[q.key]?.value == .bool(false))
    }
}
