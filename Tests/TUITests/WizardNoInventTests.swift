import Foundation
import OtopiKit
import Testing
@testable import TUI
import WizardCore

/// The full-screen wizard against a target host that cannot be probed (nothing listens on 127.0.0.1 port 1; a
/// `.invalid` name never resolves): no value of the seed's lab becomes a default, provenance says the truth, and
/// a banner that stays on screen says why host checks were not run. On the memory backend at 80x24.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct WizardNoInventTests {
    static func flow(_ name: String) throws -> Flow {
        try #require(FlowCatalog.load(directory: WizardAppTests.screens).flow(named: name))
    }

    static let storage = "nfs.corp.example:/exports/ovirt/hosted-engine/storage-domain-number-one"

    func runner(_ flowName: String, log: SaveLog = SaveLog()) throws -> (AppRunner<WizardApp>, MemoryBackend) {
        let session = FlowSession(flow: try Self.flow(flowName), offline: false, randomSeed: 5)
        let knownHosts = FileManager.default.temporaryDirectory.appendingPathComponent("noinvent-known-\(UUID().uuidString.prefix(8))").path
        let app = WizardApp(checker: OfflineChecker(reason: "not probed yet"), startFlow: { _ in session },
                            save: { s, complete, _ in
                                log.saves.withLock { $0.append((s, complete)) }
                                return Notice("Saved", kind: .success)
                            },
                            prober: TargetHostProber(knownHosts: knownHosts, acceptNew: false))
        let backend = MemoryBackend(size: .minimum)
        return (AppRunner(app: app, state: WizardApp.initialState(flows: [session.flow], session: session,
                                                                  answerFile: "/tmp/noinvent/\(flowName).conf"), backend: backend), backend)
    }

    func screen(_ backend: MemoryBackend) -> String { backend.lastFrame!.lines.joined(separator: "\n") }

    /// Answers the TARGET HOST section: `host`, user root, `port`, no key; then waits for the probe to fail.
    func answerTarget(_ runner: AppRunner<WizardApp>, _ backend: MemoryBackend, host: String, port: String = "1") {
        _ = runner.run(stopWhenIdle: true)
        backend.type([.enter])
        backend.type(host)
        backend.type([.enter, .enter, .control("u")])
        backend.type(port)
        backend.type([.enter, .enter])
        _ = runner.run(stopWhenIdle: true)
        settle(runner) { $0.probe.target != nil && !$0.probe.running }
    }

    @Test func anUnreachableHostGivesABannerAndNoSeedDefaults() throws {
        let log = SaveLog()
        let (runner, backend) = try runner("hosted-engine", log: log)
        answerTarget(runner, backend, host: "127.0.0.1")
        #expect(runner.state.session?.factsProbed == false)
        #expect(runner.state.probe.unreachable?.contains("127.0.0.1") == true)
        // The banner is on the question screen, whole (wrapped), not a cut status line.
        var text = screen(backend)
        #expect(text.contains("Host checks were not run: 127.0.0.1"), "\(text)")
        #expect(text.contains("No value is taken from the seed's example"), "\(text)")
        // The notice line cuts the long message and says so; F2 opens it whole, any button closes it.
        let noticeLine = try #require(backend.lastFrame?.lines[22])
        #expect(noticeLine.contains("(F2: all)"), "\(noticeLine)")
        let full = try #require(runner.state.notice?.text)
        backend.type([.function(2)])
        _ = runner.run(stopWhenIdle: true)
        guard case .dialog(let dialog, .message)? = runner.state.overlay else { Issue.record("no message dialog"); return }
        #expect(dialog.message == full)
        backend.type([.enter])
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.overlay == nil)
        // Walk on, answering as an operator of another lab would; every default taken is none of the seed's.
        let typed: [String: String] = [
            "OVEHOSTED_STORAGE/storageDomainConnection": Self.storage,
            "OVEHOSTED_NETWORK/gateway": "10.20.0.1", "OVEHOSTED_VDSM/cpu": "model_Nehalem",
            "OVEHOSTED_VM/vmCDRom": "/var/tmp/c6.iso", "OVEHOSTED_VM/vmMemSizeMB": "4096",
            "OVEHOSTED_ENGINE/adminPassword": "He-adm1n-pw", "OVEHOSTED_NETWORK/fqdn": "he.corp.example",
            "OVIRT_WIZARD/configureIptables": "no",
        ]
        var seenGateway = false
        for _ in 0..<200 where runner.state.screen != .preview {
            guard case .question(let key) = runner.state.screen else { Issue.record("left the questions: \(runner.state.screen)"); return }
            if key == "OVEHOSTED_NETWORK/gateway" {
                seenGateway = true
                #expect(runner.state.exchange?.prompt.defaultText == nil, "no gateway of the seed's lab")
                #expect(screen(backend).contains("not probed"))
            }
            if key == "OVEHOSTED_VDSM/cpu" {
                #expect(runner.state.exchange?.prompt.defaultText == nil)
                // Nothing is chosen for the operator: Enter alone chooses nothing and says why.
                #expect(runner.state.choice.isUnset)
                #expect(!screen(backend).contains("(•)"), "\(screen(backend))")
                backend.type([.enter])
                _ = runner.run(stopWhenIdle: true)
                #expect(runner.state.screen == .question(key))
                #expect(runner.state.messages.first?.text.contains("No value is chosen") == true)
            }
            if let answer = typed[key] { backend.type([.control("u")]); backend.type(answer) }
            backend.type([.enter])
            _ = runner.run(stopWhenIdle: true)
            if runner.state.overlay != nil { backend.type([.enter]); _ = runner.run(stopWhenIdle: true) }
        }
        #expect(seenGateway)
        #expect(runner.state.screen == .preview)
        text = screen(backend)
        #expect(SeedLab.found(in: text).isEmpty, "\(text)")
        #expect(!text.contains("[detected]"))
        #expect(text.contains("Host checks were not run"), "the banner stays on the preview")
        let preview = try #require(runner.state.session?.preview())
        #expect(SeedLab.found(in: (preview.lines + preview.wizardRows.compactMap(\.text)).joined(separator: "\n")).isEmpty)
        #expect(!(preview.rows + preview.wizardRows).contains { $0.provenance == .detected || $0.provenance == .seedExample })
        Golden.check(backend.lastFrame!, "wizard-preview-unreachable-80x24")
        // A value the list cuts is shown whole below it when its row is selected.
        let storageRow = try #require(runner.state.preview.rows.firstIndex { $0.id == "OVEHOSTED_STORAGE/storageDomainConnection" })
        for _ in runner.state.preview.viewport.selected..<storageRow { backend.type([.down]) }
        _ = runner.run(stopWhenIdle: true)
        let detail = screen(backend)
        #expect(!(backend.lastFrame!.lines.first { $0.contains("Storage connection  ") } ?? "").contains(Self.storage), "the list cuts it")
        #expect(detail.contains("Storage connection:"), "\(detail)")
        #expect(detail.contains(Self.storage), "the whole value, on a line of its own: \(detail)")
        #expect(detail.contains("[typed]"))
        // The answer-file lines, and the file written at the confirmation.
        backend.type([.character("a")])
        _ = runner.run(stopWhenIdle: true)
        #expect(SeedLab.found(in: runner.state.pager.lines.joined(separator: "\n")).isEmpty)
        backend.type([.escape, .character("c"), .enter])
        _ = runner.run(stopWhenIdle: true)
        let saved = try #require(log.last)
        #expect(saved.complete)
        let file = try AnswerFileContract.renderLocal(saved.session, complete: true)
        #expect(SeedLab.found(in: file).isEmpty, "\(file)")
    }

    @Test func theFQDNIsDerivedFromTheTargetHostNameAndFollowsIt() throws {
        let (runner, backend) = try runner("engine-setup")
        answerTarget(runner, backend, host: "engine.corp.invalid", port: "22")
        #expect(runner.state.session?.factsProbed == false)
        #expect(runner.state.screen == .question("OVESETUP_CONFIG/fqdn"))
        #expect(runner.state.exchange?.prompt.defaultText == "engine.corp.invalid")
        #expect(screen(backend).contains("[engine.corp.invalid]"))
        backend.type([.enter])
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.session?.answers["OVESETUP_CONFIG/fqdn"] == Answer(.string("engine.corp.invalid"), .derived))
        // Back to the target host (Esc walks back), another name: the derived FQDN follows it.
        for _ in 0..<5 { backend.type([.escape]) }
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.screen == .question("OVIRT_WIZARD/host"))
        backend.type([.control("u")])
        backend.type("ovirt.lab.invalid")
        backend.type([.enter])
        _ = runner.run(stopWhenIdle: true)
        settle(runner) { $0.probe.target?.contains("ovirt.lab.invalid") == true && !$0.probe.running }
        #expect(runner.state.session?.answers["OVESETUP_CONFIG/fqdn"] == Answer(.string("ovirt.lab.invalid"), .derived))
    }

    @Test func theFirstScreenSaysWhereAnswersGoAndWhetherHostsAreContacted() throws {
        let catalog = FlowCatalog.load(directory: WizardAppTests.screens)
        for prober in [nil, TargetHostProber(knownHosts: "/nonexistent/known_hosts", acceptNew: false)] {
            let app = WizardApp(checker: OfflineChecker(reason: "test"), startFlow: { FlowSession(flow: $0, offline: prober == nil, randomSeed: 1) },
                                save: { _, _, _ in Notice("Saved") }, prober: prober, answerFileOf: { "/work/x/\($0.id).conf" })
            let backend = MemoryBackend(size: .minimum)
            let runner = AppRunner(app: app, state: WizardApp.initialState(flows: catalog.flows, session: nil), backend: backend)
            _ = runner.run(stopWhenIdle: true)
            let text = backend.lastFrame!.lines.joined(separator: "\n")
            #expect(text.contains("Answers are saved to /work/x/engine-setup.conf"), "\(text)")
            #expect(text.contains(prober == nil ? "No host is contacted (--offline)" : "contacted over SSH once you name it"))
            #expect(!text.contains("ovirt-wizard: ovirt-wizard"), "the title does not repeat the name")
            backend.type([.down, .down])
            _ = runner.run(stopWhenIdle: true)
            #expect(backend.lastFrame!.lines.joined(separator: "\n").contains("/work/x/export-domain.conf"), "follows the selection")
            if prober != nil { Golden.check(backend.lastFrame!, "wizard-flows-80x24") }
        }
    }

    @Test func sectionIdsNeverShowRaw() throws {
        let session = FlowSession(flow: try Self.flow("hosted-engine"), offline: true, randomSeed: 1)
        let app = WizardApp(checker: OfflineChecker(reason: "test"), startFlow: { _ in session }, save: { _, _, _ in Notice("Saved") })
        let backend = MemoryBackend(size: .minimum)
        let runner = AppRunner(app: app, state: WizardApp.initialState(flows: [session.flow], session: session), backend: backend)
        _ = runner.run(stopWhenIdle: true)
        let hub = backend.lastFrame!.lines
        #expect(hub.contains { $0.contains("Proceed") && $0.contains("needs answers") }, "\(hub.joined(separator: "\n"))")
        #expect(!hub.contains { $0.contains(" init ") })
        #expect(hub.joined().contains("--offline: no host is contacted"), "the banner says so under --offline too")
        // The selected row is shown in full below the list.
        backend.type([.down, .down, .down, .down])
        _ = runner.run(stopWhenIdle: true)
        #expect(backend.lastFrame!.lines.contains { $0.contains("HOSTED ENGINE CONFIGURATION (needs answers)") })
    }
}
