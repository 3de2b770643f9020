import Foundation
import OtopiKit
import Synchronization
import Testing
@testable import TUI
import WizardCore

/// No silent loss in the full-screen wizard (memory backend): keys typed while "Terminal too small" is shown.
@Suite struct WizardNoLossTests {
    func runner(_ session: FlowSession, log: SaveLog) -> (AppRunner<WizardApp>, MemoryBackend) {
        let app = WizardApp(checker: OfflineChecker(reason: "test"), startFlow: { _ in session }, save: { s, complete, _ in
            log.saves.withLock { $0.append((s, complete)) }
            return Notice("Saved", kind: .success)
        })
        let backend = MemoryBackend(size: .minimum)
        return (AppRunner(app: app, state: WizardApp.initialState(flows: [session.flow], session: session), backend: backend), backend)
    }

    @Test func keysTypedWhileTheTerminalIsTooSmallChangeNothing() throws {
        let log = SaveLog()
        let (runner, backend) = runner(try WizardAppTests.session(), log: log)
        backend.type([.enter])  // the hub's first section: its first question
        _ = runner.run(stopWhenIdle: true)
        guard case .question(let key) = runner.state.screen else { Issue.record("no question open"); return }
        let before = runner.state
        backend.resize(to: Size(columns: 60, rows: 20))
        backend.type("xyz")
        backend.type([.backspace, .enter, .escape, .tab, .character("?"), .function(1), .ctrlS])
        _ = runner.run(stopWhenIdle: true)
        #expect(backend.lastFrame!.lines.joined(separator: " ").contains("Please enlarge it to at least 80x24 (now 60x20)"))
        backend.resize(to: .minimum)
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.screen == .question(key), "still on the same question")
        #expect(runner.state.field.text == before.field.text, "nothing typed reached the field")
        #expect(runner.state.overlay == nil, "no help or dialog was opened unseen")
        #expect(runner.state.session?.answers.items.count == before.session?.answers.items.count, "nothing was accepted")
        #expect(log.count == 0, "nothing was saved")
    }

    @Test func ctrlCWhileTheTerminalIsTooSmallQuitsAndSavesAsTheScreenSays() throws {
        let log = SaveLog()
        let (runner, backend) = runner(try WizardAppTests.session(), log: log)
        backend.resize(to: Size(columns: 60, rows: 20))
        backend.type([.ctrlC])
        #expect(runner.run() == 130)
        #expect(log.count == 1, "the answers so far are saved before leaving")
    }
}

extension WizardNoLossTests {
    @Test func ctrlCTwiceQuitsAndStayStays() throws {
        let log = SaveLog()
        let (runner, backend) = runner(try WizardAppTests.session(), log: log)
        backend.type([.ctrlC, .enter])  // Stay is the default
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.overlay == nil)
        backend.type([.ctrlC, .ctrlC])
        #expect(runner.run() == 130)
    }
}

extension WizardNoLossTests {
    @Test func backToTheFlowListAndIntoTheSameFlowKeepsEveryAnswer() throws {
        let catalog = FlowCatalog.load(directory: WizardAppTests.screens)
        let index = try #require(catalog.flows.firstIndex { $0.id == "engine-setup" })
        let log = SaveLog()
        // Every start of a flow reads what the file held at start-up: nothing here.
        let app = WizardApp(checker: OfflineChecker(reason: "test"),
                            startFlow: { FlowSession(flow: $0, offline: true, randomSeed: 1) },
                            save: { s, complete, _ in
                                log.saves.withLock { $0.append((s, complete)) }
                                return Notice("Saved", kind: .success)
                            })
        let backend = MemoryBackend(size: .minimum)
        let runner = AppRunner(app: app, state: WizardApp.initialState(flows: catalog.flows, session: nil), backend: backend)
        let intoEngineSetup = Array(repeating: Key.down, count: index) + [.enter]
        backend.type(intoEngineSetup + [.enter, .control("u")] + WizardAppTests.text("kept.example.com") + [.enter])
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.session?.answers["OVESETUP_CONFIG/fqdn"]?.value == .string("kept.example.com"))
        // Esc: previous question, the hub, then the flow list.
        backend.type([.escape, .escape, .escape])
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.screen == .flows)
        backend.type([.home] + intoEngineSetup)
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.session?.flow.id == "engine-setup")
        #expect(runner.state.session?.answers["OVESETUP_CONFIG/fqdn"]?.value == .string("kept.example.com"),
                "the answer given before leaving for the flow list is still there")
        #expect(backend.lastFrame!.lines.joined().contains("Host FQDN: kept.example.com"))
        backend.type([.ctrlS])
        _ = runner.run(stopWhenIdle: true)
        #expect(log.last?.session.answers["OVESETUP_CONFIG/fqdn"]?.value == .string("kept.example.com"), "the next save keeps it")
    }
}

/// An answer file that cannot be written: said at the first save, another path asked, the Quit dialog truthful.
/// The saves write real files (the answer-file contract, atomically), in a folder of the test's own.
@Suite struct WizardUnwritableAnswerFileTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("unwritable-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func runner(answerFile: String) throws -> (AppRunner<WizardApp>, MemoryBackend) {
        let session = try WizardAppTests.session()
        let app = WizardApp(checker: OfflineChecker(reason: "test"), startFlow: { _ in session }, save: { s, complete, path in
            do {
                try AtomicFile.write(try AnswerFileContract.renderLocal(s, complete: complete), to: path)
                return Notice("Saved to \(path)", kind: .success)
            } catch {
                return Notice("cannot write \(path): \(error)", kind: .error)
            }
        })
        let backend = MemoryBackend(size: .minimum)
        let state = WizardApp.initialState(flows: [session.flow], session: session, answerFile: answerFile)
        return (AppRunner(app: app, state: state, backend: backend), backend)
    }

    func screen(_ backend: MemoryBackend) -> String { backend.lastFrame!.lines.joined(separator: "\n") }

    @Test func aMissingFolderIsSaidAtTheFirstSaveAndAnotherPathIsAsked() throws {
        let missing = directory.appendingPathComponent("no-such-folder/answers.conf").path
        let (runner, backend) = try runner(answerFile: missing)
        backend.type([.enter, .control("u")] + WizardAppTests.text("engine.lab.example.com") + [.enter])
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.unsaved)
        #expect(screen(backend).contains("Answers NOT saved"), "\(screen(backend))")
        #expect(screen(backend).contains("Type another path"))

        // Not now: the Quit dialog then says the answers are not saved.
        backend.type([.escape, .ctrlC])
        _ = runner.run(stopWhenIdle: true)
        let quit = screen(backend)
        #expect(quit.contains("could NOT be written"), "\(quit)")
        #expect(!quit.contains("already saved"))
        backend.type([.enter])  // Stay
        _ = runner.run(stopWhenIdle: true)

        // The next save fails too: said in the notice, without a dialog at every answer.
        backend.type([.enter])
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.overlay == nil, "one dialog per path")
        #expect(runner.state.notice?.kind == .error)
        #expect(runner.state.unsaved)
    }

    @Test func anotherPathGetsEveryAnswerAndTheQuitDialogSaysSavedAgain() throws {
        let missing = directory.appendingPathComponent("no-such-folder/answers.conf").path
        let other = directory.appendingPathComponent("answers.conf").path
        let (runner, backend) = try runner(answerFile: missing)
        backend.type([.enter, .control("u")] + WizardAppTests.text("engine.lab.example.com") + [.enter])
        _ = runner.run(stopWhenIdle: true)
        #expect(screen(backend).contains("Answers NOT saved"))
        backend.type([.control("u")] + WizardAppTests.text(other) + [.enter])
        _ = runner.run(stopWhenIdle: true)
        Thread.sleep(forTimeInterval: 0.1)
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.answerFile == other)
        #expect(!runner.state.unsaved)
        let saved = try String(contentsOfFile: other, encoding: .utf8)
        #expect(saved.contains("OVESETUP_CONFIG/fqdn=str:engine.lab.example.com"), "\(saved)")
        #expect(!FileManager.default.fileExists(atPath: missing))
        backend.type([.ctrlC])
        _ = runner.run(stopWhenIdle: true)
        #expect(screen(backend).contains("already saved"))
    }
}

extension WizardNoLossTests {
    /// The flow list with each flow's own file: entering a flow switches the file the saves go to.
    @Test func eachFlowChosenFromTheListSavesToItsOwnFile() throws {
        let catalog = FlowCatalog.load(directory: WizardAppTests.screens)
        let log = SaveLog()
        let paths = Mutex<[String]>([])
        let app = WizardApp(checker: OfflineChecker(reason: "test"),
                            startFlow: { FlowSession(flow: $0, offline: true, randomSeed: 1) },
                            save: { s, complete, path in
                                log.saves.withLock { $0.append((s, complete)) }
                                paths.withLock { $0.append(path) }
                                return Notice("Saved", kind: .success)
                            },
                            answerFileOf: { "/answers/\($0.id).conf" })
        let backend = MemoryBackend(size: .minimum)
        let runner = AppRunner(app: app, state: WizardApp.initialState(flows: catalog.flows, session: nil), backend: backend)
        let index = try #require(catalog.flows.firstIndex { $0.id == "engine-setup" })
        backend.type(Array(repeating: Key.down, count: index) + [.enter, .ctrlS])
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.answerFile == "/answers/engine-setup.conf")
        #expect(paths.withLock { $0 } == ["/answers/engine-setup.conf"])
    }

    /// With one file named for every flow (--answers), a second flow is not started over the first one's answers.
    @Test func aSecondFlowIsNotStartedOverTheFileOfTheFirst() throws {
        let catalog = FlowCatalog.load(directory: WizardAppTests.screens)
        let app = WizardApp(checker: OfflineChecker(reason: "test"),
                            startFlow: { FlowSession(flow: $0, offline: true, randomSeed: 1) },
                            save: { _, _, _ in Notice("Saved", kind: .success) },
                            answerFileOf: { _ in "/answers/shared.conf" })
        let backend = MemoryBackend(size: .minimum)
        let runner = AppRunner(app: app, state: WizardApp.initialState(flows: catalog.flows, session: nil), backend: backend)
        let engine = try #require(catalog.flows.firstIndex { $0.id == "engine-setup" })
        let hosted = try #require(catalog.flows.firstIndex { $0.id == "hosted-engine" })
        backend.type(Array(repeating: Key.down, count: engine) + [.enter, .escape, .home] + Array(repeating: Key.down, count: hosted) + [.enter])
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.screen == .flows)
        #expect(runner.state.session?.flow.id == "engine-setup")
        #expect(runner.state.notice?.text.contains("holds the engine-setup answers of this session") == true, "\(String(describing: runner.state.notice))")
    }
}
