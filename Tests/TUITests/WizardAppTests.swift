import Foundation
import OtopiKit
import Synchronization
import Testing
@testable import TUI
import WizardCore

/// What the wizard asked to save, in order (the real command writes the answer file there).
final class SaveLog: Sendable {
    let saves = Mutex<[(session: FlowSession, complete: Bool)]>([])
    var count: Int { saves.withLock { $0.count } }
    var last: (session: FlowSession, complete: Bool)? { saves.withLock { $0.last } }
}

/// The wizard bound to the real engine-setup flow from Screens/, driven on the memory backend.
@Suite struct WizardAppTests {
    static let screens = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Screens").path

    static func flow() throws -> Flow {
        let catalog = FlowCatalog.load(directory: screens)
        return try #require(catalog.flow(named: "engine-setup"))
    }

    static func session(_ environment: OtopiEnvironment? = nil) throws -> FlowSession {
        var session = FlowSession(flow: try flow(), offline: true, randomSeed: 1)
        if let environment { session.load(environment) }
        return session
    }

    func runner(_ session: FlowSession, log: SaveLog, size: Size = .minimum) -> (AppRunner<WizardApp>, MemoryBackend) {
        let app = WizardApp(checker: OfflineChecker(reason: "test"), startFlow: { _ in session }, save: { s, complete, _ in
            log.saves.withLock { $0.append((s, complete)) }
            return Notice("Saved", kind: .success)
        })
        let backend = MemoryBackend(size: size)
        return (AppRunner(app: app, state: WizardApp.initialState(flows: [session.flow], session: session), backend: backend), backend)
    }

    static func text(_ s: String) -> [Key] { s.map { Key.character($0) } }

    @Test func hubListsTheSectionsThatApply() throws {
        let (runner, backend) = runner(try Self.session(), log: SaveLog())
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.screen == .hub)
        let lines = backend.lastFrame!.lines
        #expect(lines.contains { $0.contains("NETWORK CONFIGURATION") && $0.contains("needs answers") })
        #expect(!lines.contains { $0.contains("TARGET HOST") }, "offline: the wizard's own target section is left out")
        Golden.check(backend.lastFrame!, "wizard-hub-80x24")
    }

    @Test func withoutAFlowItListsTheFlowsAndEnterStartsOne() throws {
        let catalog = FlowCatalog.load(directory: Self.screens)
        let app = WizardApp(checker: OfflineChecker(reason: "test"),
                            startFlow: { FlowSession(flow: $0, offline: true, randomSeed: 1) },
                            save: { _, _, _ in Notice("Saved") })
        let backend = MemoryBackend(size: .minimum)
        let runner = AppRunner(app: app, state: WizardApp.initialState(flows: catalog.flows, session: nil), backend: backend)
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.screen == .flows)
        let lines = backend.lastFrame!.lines
        #expect(lines.contains { $0.contains("engine-setup") } && lines.contains { $0.contains("hosted-engine") })
        #expect(!lines.joined().contains("needs answers"))
        backend.type([.enter])
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.screen == .hub)
        #expect(runner.state.session?.flow.id == catalog.flows.first?.id)
    }

    @Test func aWrongValueIsRefusedBesideTheFieldAndKeptForEditing() throws {
        let log = SaveLog()
        let (runner, backend) = runner(try Self.session(), log: log)
        backend.type([.enter, .control("u")] + Self.text("not a name") + [.enter])
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.screen == .question("OVESETUP_CONFIG/fqdn"))
        #expect(runner.state.field.text == "not a name")
        let screen = backend.lastFrame!.lines.joined(separator: "\n")
        #expect(screen.contains("✗ Host name is not valid"))
        #expect(log.count == 0)
        Golden.check(backend.lastFrame!, "wizard-question-error-80x24")
    }

    @Test func defaultsTakenWithEnterAreSavedAtOnceWithTheirProvenance() throws {
        let log = SaveLog()
        let (runner, _) = runner(try Self.session(), log: log)
        runner.handle(.resize(.minimum))
        for key: Key in [.enter, .enter, .enter, .enter] { runner.handle(.key(key)) }
        let session = try #require(runner.state.session)
        #expect(session.answers["OVESETUP_CONFIG/fqdn"]?.provenance == .seedExample, "--offline: the seed's example, not detected")
        #expect(session.answers["OVESETUP_CONFIG/updateFirewall"]?.provenance == .default)
        #expect(log.count >= 3, "one save per accepted answer")
        #expect(log.last?.complete == false)
        // The walk is linear, as otopi's: the section's last answer goes on to the next section.
        #expect(runner.state.screen == .question("OVIRT_WIZARD/dbLocation"))
        var state = runner.state
        WizardApp.refreshHub(&state)
        #expect(state.hub.items.first { $0.id == "network" }?.status == .done)
    }

    @Test func resumeOpensTheFirstQuestionThatNeedsAnAnswer() throws {
        let file = try AnswerFile.parse(text: """
            [environment:default]
            OVESETUP_CONFIG/fqdn=str:engine.lab.example.com
            OVESETUP_CONFIG/updateFirewall=bool:True
            OVESETUP_CONFIG/firewallManager=str:iptables


            """, path: "saved.conf")
        let (runner, backend) = runner(try Self.session(OtopiEnvironment(files: [file])), log: SaveLog())
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.screen == .question("OVIRT_WIZARD/dbLocation"))
        #expect(backend.lastFrame!.lines.joined().contains("Answers loaded"))
    }

    @Test func weakPasswordAsksInADialogAndNeverShowsThePassword() throws {
        let (runner, backend) = runner(try Self.session(), log: SaveLog())
        var frames: [String] = []
        func press(_ keys: [Key]) {
            for key in keys {
                runner.handle(.key(key))
                frames.append(backend.lastFrame!.lines.joined(separator: "\n"))
            }
        }
        runner.handle(.resize(.minimum))
        press([.down, .down, .enter, .enter, .enter])  // OVIRT ENGINE CONFIGURATION: mode, storage, then the password
        #expect(runner.state.screen == .question("OVESETUP_CONFIG/adminPassword"))
        press(Self.text("zzq") + [.enter] + Self.text("zzq") + [.enter])
        #expect(frames.last!.contains("Use weak password?"))
        press([.character("n")])
        #expect(runner.state.overlay == nil)
        #expect(runner.state.field.text.isEmpty)
        press(Self.text("zzq") + [.enter] + Self.text("zzq") + [.enter, .character("y")])
        #expect(runner.state.session?.answers["OVESETUP_CONFIG/adminPassword"]?.value.displayText == "zzq")
        #expect(!frames.contains { $0.contains("zzq") })
    }

    @Test func previewShowsProvenanceMasksSecretsAndConfirmWritesTheFile() throws {
        let log = SaveLog()
        let (runner, backend) = runner(try Self.session(), log: log)
        runner.handle(.resize(.minimum))
        // Every section with its defaults; the password typed twice and accepted although weak.
        var guardCount = 0
        // The CPU check asks nothing (offline it stays "not checked").
        // The last answer opens the preview (no stop at the hub between sections).
        while runner.state.screen != .preview && guardCount < 200 {
            guardCount += 1
            if case .question(let key) = runner.state.screen, key == "OVESETUP_CONFIG/adminPassword" {
                for key in Self.text("zzq") + [.enter] + Self.text("zzq") + [.enter, .character("y")] { runner.handle(.key(key)) }
            } else {
                runner.handle(.key(.enter))
            }
        }
        #expect(runner.state.screen == .preview)
        let preview = backend.lastFrame!.lines.joined(separator: "\n")
        #expect(preview.contains("Every value is answered"))
        #expect(preview.contains("[default]") && !preview.contains("[detected]"), "--offline: nothing is read from a host")
        runner.handle(.key(.character("a")))
        let fileLines = backend.lastFrame!.lines.joined(separator: "\n")
        #expect(fileLines.contains("OVESETUP_CONFIG/adminPassword=str:********"))
        #expect(!fileLines.contains("zzq"))
        runner.handle(.key(.escape))
        runner.handle(.key(.character("c")))
        runner.handle(.key(.enter))
        #expect(runner.state.finished)
        #expect(log.last?.complete == true)
        #expect(log.last?.session.answers["OVESETUP_CONFIG/adminPassword"]?.value.displayText == "zzq")
    }
}
