import Foundation
import OtopiKit
import Testing
@testable import TUI
import WizardCore

/// otopi habits in the full-screen wizard (memory backend): answer words on choices, Esc to the previous
/// question, the linear walk across sections, Change from the preview, values otopi 1.2 would misread.
@Suite struct WizardHabitsTests {
    func runner(_ session: FlowSession, log: SaveLog = SaveLog()) -> AppRunner<WizardApp> {
        let app = WizardApp(checker: OfflineChecker(reason: "test"), startFlow: { _ in session }, save: { s, complete, _ in
            log.saves.withLock { $0.append((s, complete)) }
            return Notice("Saved", kind: .success)
        })
        let runner = AppRunner(app: app, state: WizardApp.initialState(flows: [session.flow], session: session),
                               backend: MemoryBackend(size: .minimum))
        runner.handle(.resize(.minimum))
        return runner
    }

    func press(_ runner: AppRunner<WizardApp>, _ keys: [Key]) { for key in keys { runner.handle(.key(key)) } }
    func text(_ s: String) -> [Key] { s.map { Key.character($0) } }
    func screen(_ runner: AppRunner<WizardApp>) -> String {
        runner.app.view(runner.state, runner.state.size).lines.joined(separator: "\n")
    }

    /// Opens the DATABASE section's first question (network answered with its defaults and iptables).
    func atDatabaseLocation() throws -> AppRunner<WizardApp> {
        let runner = runner(try WizardAppTests.session())
        press(runner, [.enter, .enter, .enter, .enter])
        #expect(runner.state.screen == .question("OVIRT_WIZARD/dbLocation"), "the walk goes on to the next section")
        return runner
    }

    @Test func typingTheAnswerWordChoosesIt() throws {
        let runner = try atDatabaseLocation()
        press(runner, [.enter])  // Local
        #expect(runner.state.screen == .question("OVESETUP_PROVISIONING/postgresProvisioningEnabled"))
        press(runner, text("manual"))
        #expect(runner.state.choice.selectedOption == "Manual")
        #expect(screen(runner).contains("Typed: manual"))
        press(runner, [.enter])
        #expect(runner.state.session?.answers["OVESETUP_PROVISIONING/postgresProvisioningEnabled"]?.value == .bool(false))
    }

    @Test func aUniquePrefixChoosesAndAnUnknownWordIsRefusedWithTheValues() throws {
        let runner = try atDatabaseLocation()
        press(runner, text("xyz") + [.enter])
        #expect(runner.state.screen == .question("OVIRT_WIZARD/dbLocation"))
        #expect(runner.state.session?.answers["OVIRT_WIZARD/dbLocation"] == nil)
        let shown = screen(runner)
        #expect(shown.contains("Invalid value"))
        #expect(shown.contains("valid values: Local, Remote"))
        press(runner, text("REM") + [.enter])
        #expect(runner.state.session?.answers["OVIRT_WIZARD/dbLocation"]?.value == .string("remote"))
    }

    @Test func escGoesToThePreviousQuestionAcrossSections() throws {
        let runner = try atDatabaseLocation()
        press(runner, [.escape])
        #expect(runner.state.screen == .question("OVESETUP_CONFIG/firewallManager"))
        press(runner, [.escape, .escape])
        #expect(runner.state.screen == .question("OVESETUP_CONFIG/fqdn"))
        press(runner, [.escape])
        #expect(runner.state.screen == .hub, "before the first question: the hub")
    }

    @Test func theSeedWalkIsEnterEnterEnterToThePreviewAndChangeReturnsThere() throws {
        let runner = runner(try WizardAppTests.session())
        var guardCount = 0
        press(runner, [.enter])
        while runner.state.screen != .preview && guardCount < 100 {
            guardCount += 1
            if case .question("OVESETUP_CONFIG/adminPassword") = runner.state.screen {
                press(runner, text("Zq8!long-Passw0rd") + [.enter] + text("Zq8!long-Passw0rd") + [.enter])
            } else {
                press(runner, [.enter])
            }
        }
        #expect(runner.state.screen == .preview, "no stop at the hub between sections")
        #expect(guardCount < 40)
        // Change the PKI organisation from the preview: accepting it returns to the preview.
        let row = try #require(runner.state.preview.rows.firstIndex { $0.id == "OVESETUP_PKI/organization" })
        while runner.state.preview.viewport.selected < row { press(runner, [.down]) }
        press(runner, [.enter])
        #expect(runner.state.screen == .question("OVESETUP_PKI/organization"))
        press(runner, [.control("u")] + text("changed.example") + [.enter])
        #expect(runner.state.screen == .preview)
        #expect(runner.state.session?.answers["OVESETUP_PKI/organization"]?.value == .string("changed.example"))
        // Esc from a question opened from the preview goes back there too.
        press(runner, [.enter, .escape])
        #expect(runner.state.screen == .preview)
    }

    @Test func aPasswordOtopiWouldCutIsRefusedAtTheQuestion() throws {
        let runner = runner(try WizardAppTests.session())
        press(runner, [.down, .down, .enter, .enter, .enter])
        #expect(runner.state.screen == .question("OVESETUP_CONFIG/adminPassword"))
        press(runner, text("Kx9q ;Zr8w!") + [.enter])
        #expect(runner.state.screen == .question("OVESETUP_CONFIG/adminPassword"))
        let shown = screen(runner)
        #expect(shown.contains("comment"))
        #expect(!shown.contains("Kx9q"))
        #expect(runner.state.session?.answers["OVESETUP_CONFIG/adminPassword"] == nil)
    }

    @Test func changingAValueAfterTheConfirmationShowsThePreviewAgain() throws {
        // Every question answered with its default (a strong password), and the preview confirmed.
        var session = try WizardAppTests.session()
        while let q = session.nextQuestion(includingConfirmation: false) {
            var x = session.exchange(for: q)
            var step = x.submit(q.isHidden ? "Zq8!long-Passw0rd" : "", checker: OfflineChecker(), answers: session.answers)
            if case .ask = step, q.isHidden { step = x.submit("Zq8!long-Passw0rd", checker: OfflineChecker(), answers: session.answers) }
            if case .ask = step, !x.prompt.validValues.isEmpty { step = x.submit(x.prompt.validValues[0], checker: OfflineChecker(), answers: session.answers) }
            guard case .accepted(_, let values, _) = step else { Issue.record("\(q.key) not accepted"); return }
            session.accept(values)
        }
        let confirm = session.flow.preview.confirm.key
        session.accept([confirm: Answer(.bool(true), .operator)])
        let log = SaveLog()
        let runner = runner(session, log: log)
        #expect(runner.state.screen == .hub)
        press(runner, [.enter, .control("u")] + text("changed.example.com") + [.enter])
        #expect(runner.state.screen == .preview, "the changed file must be reviewed again")
        let saved = try #require(log.last)
        #expect(!saved.session.answers.isAnswered(confirm))
        let file = try AnswerFileContract.renderLocal(saved.session, complete: saved.complete)
        #expect(file.contains("# NOT CONFIRMED"))
        #expect(!file.contains("INCOMPLETE"))
        press(runner, [.character("c"), .enter])
        #expect(runner.state.finished)
        #expect(log.last?.complete == true)
        #expect(log.last?.session.answers.isAnswered(confirm) == true)
    }

    @Test func hostedEngineWordsAreTypedAsInTheSeed() throws {
        let catalog = FlowCatalog.load(directory: WizardAppTests.screens)
        let flow = try #require(catalog.flow(named: "hosted-engine"))
        let runner = runner(FlowSession(flow: flow, offline: true, randomSeed: 1))
        var state = runner.state
        WizardApp.open(&state, key: "OVEHOSTED_STORAGE/domainType")
        let app = runner.app
        func type(_ keys: [Key]) { for key in keys { state = app.update(state, .key(key)).0 } }
        type(text("nfs") + [.enter])
        #expect(state.messages.contains(DialogMessage(.error, "Invalid value")), "nfs starts both nfs3 and nfs4")
        #expect(state.session?.answers["OVEHOSTED_STORAGE/domainType"] == nil)
        type(text("nfs4") + [.enter])
        #expect(state.session?.answers["OVEHOSTED_STORAGE/domainType"]?.value == .string("nfs4"))
        WizardApp.open(&state, key: "OVEHOSTED_VDSM/consoleType")
        type(text("vnc") + [.enter])
        #expect(state.session?.answers["OVEHOSTED_VDSM/consoleType"]?.value == .string("vnc"))
    }

    @Test func anUnknownEscapeSequenceIsNotEsc() throws {
        let runner = runner(try WizardAppTests.session())
        press(runner, [.enter, .control("u")] + text("bc") + [.home] + text("a") + [.unknownSequence("[2~"), .end] + text("d"))
        #expect(runner.state.screen == .question("OVESETUP_CONFIG/fqdn"))
        #expect(runner.state.field.text == "abcd")
    }
}
