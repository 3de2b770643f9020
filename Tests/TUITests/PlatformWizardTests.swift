import Foundation
import OtopiKit
import Testing
@testable import TUI
@testable import WizardCore

/// The platform flow on the full-screen wizard (memory backend): the engine answer file read before the engine's
/// questions (the password never asked), the data centers listed from the engine, the cluster CPU proposed from the
/// CPU check of the hosts to add, and a refused admin password asked again. The fetcher is the executable's
/// contract with fixed data (the engine's lists, cpuinfo fixtures); the plain tests fetch from the fixture engine.
@Suite struct PlatformWizardTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func flow(_ version: String) throws -> Flow {
        try #require(FlowCatalog.load(directory: repository.appendingPathComponent("Screens").path).versions(of: "platform")
            .first { $0.version == version })
    }

    static func reports() -> [HostCPUReport] {
        ["westmere-xeon-e5649-vdsm.txt", "sandybridge-xeon-e5-2690-joefriday.txt"].map { name in
            try! CPUProbe.report(text: String(contentsOf: repository.appendingPathComponent("Tests/Fixtures/cpuinfo/\(name)"), encoding: .utf8),
                                 source: name.components(separatedBy: "-").first!).get()
        }
    }

    /// Fetches from fixed data; the engine refuses the first `refusals` logins.
    final class Fetcher: @unchecked Sendable {
        let lock = NSLock()
        var refusals: Int
        init(refusals: Int) { self.refusals = refusals }

        func fetch(_ source: FlowFetchSource, _ session: FlowSession) -> FlowFetchResult {
            switch source {
            case .engineAnswerFile:
                // The file's text is fixed here; its path is only named (the plain tests read real files).
                guard let path = session.answers[PlatformFacts.engineAnswerFileKey]?.value.displayText, !path.isEmpty,
                      let file = try? AnswerFile.parse(text: PlatformWizardTests.engineFile, path: path) else {
                    return FlowFetchResult(forget: [PlatformFacts.passwordInFileFact])
                }
                return PlatformFacts.engineAnswerFile(OtopiEnvironment(files: [file]), path: path)
            case .engine:
                let refuse = lock.withLock { () -> Bool in
                    defer { refusals = max(0, refusals - 1) }
                    return refusals > 0
                }
                if refuse {
                    var result = PlatformFacts.engineUnknown("engine engine.lab.example refused the login of admin@internal", severity: .error)
                    result.forget.append(PlatformFacts.passwordInFileFact)
                    result.reask = [PlatformFacts.adminPasswordKey]
                    return result
                }
                return PlatformFacts.engine("engine.lab.example (oVirt Engine 4.5.6, API v4)",
                                            dataCenters: [.init(name: "Default", status: "up", version: "4.7"),
                                                          .init(name: "dc2", status: "uninitialized", version: "4.7")],
                                            clusters: [.init(name: "Default", dataCenter: "Default", cpuType: "Intel Conroe Family", version: nil)])
            case .hostCPUs:
                return PlatformFacts.cpuProposal(level: PlatformFacts.clusterLevel(session), cluster: "Default",
                                                 currentCPU: PlatformFacts.currentCPU(session), reports: PlatformWizardTests.reports(), failures: [])
            }
        }
    }

    static let engineFile = "[environment:default]\nOVESETUP_CONFIG/fqdn=str:engine.lab.example\nOVESETUP_CONFIG/adminPassword=str:Engine-Admin-7\n"
    /// A session that takes any path for the engine answer file (the fetcher has its text).
    static func session(_ version: String) throws -> FlowSession {
        FlowSession(flow: try flow(version), offline: true, randomSeed: 1, context: ValidationContext(checkLocalFile: { _ in nil }))
    }

    func runner(_ session: FlowSession, fetcher: Fetcher, log: SaveLog) -> (AppRunner<WizardApp>, MemoryBackend) {
        var app = WizardApp(checker: OfflineChecker(reason: "test"), startFlow: { _ in session }, save: { s, complete, _ in
            log.saves.withLock { $0.append((s, complete)) }
            return Notice("Saved", kind: .success)
        })
        app.fetcher = { fetcher.fetch($0, $1) }
        let backend = MemoryBackend(size: .minimum)
        return (AppRunner(app: app, state: WizardApp.initialState(flows: [session.flow], session: session), backend: backend), backend)
    }

    func at(_ runner: AppRunner<WizardApp>, _ key: String) {
        settle(runner) { $0.fetching == nil && $0.screen == .question(key) }
    }

    func answer(_ runner: AppRunner<WizardApp>, _ backend: MemoryBackend, _ key: String, _ text: String = "") {
        at(runner, key)
        backend.type(text)
        backend.type([.enter])
        _ = runner.run(stopWhenIdle: true)
    }

    @Test func theEngineFileTheEnginesListsAndTheCPUProposalFillTheQuestions() throws {
        let log = SaveLog()
        let session = try Self.session("4.5")
        let (runner, backend) = runner(session, fetcher: Fetcher(refusals: 0), log: log)
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.screen == .hub)
        backend.type([.enter])
        answer(runner, backend, "PLATFORM/engineAnswerFile", "/root/engine-setup.conf")
        // The FQDN came from the file: the port is next; the password is never asked.
        at(runner, "PLATFORM/enginePort")
        #expect(runner.state.session?.answers["PLATFORM/engineFQDN"]?.value == .string("engine.lab.example"))
        answer(runner, backend, "PLATFORM/enginePort")
        answer(runner, backend, "PLATFORM/adminUser")
        at(runner, "PLATFORM/dataCenter")
        #expect(runner.state.choice.options == ["Default", "dc2"])
        Golden.check(backend.lastFrame!, "wizard-platform-datacenter-80x24")
        answer(runner, backend, "PLATFORM/dataCenter")
        answer(runner, backend, "PLATFORM/cluster")
        answer(runner, backend, "PLATFORM/hosts", "node2.lab node3.lab")
        answer(runner, backend, "PLATFORM/hostNames")
        answer(runner, backend, "PLATFORM/hostAuth")
        at(runner, "PLATFORM/clusterCPU")
        let proposed = try #require(ClusterCPUPlanner.recommend(level: "4.7", hosts: Self.reports()).cpu)
        #expect(runner.state.exchange?.prompt.defaultText == proposed.name)
        Golden.check(backend.lastFrame!, "wizard-platform-cpu-80x24")
        answer(runner, backend, "PLATFORM/clusterCPU")
        answer(runner, backend, "PLATFORM/dataDomainType")
        answer(runner, backend, "PLATFORM/dataDomainName")
        answer(runner, backend, "PLATFORM/dataDomainPath", "node1.lab:/vol0")
        answer(runner, backend, "PLATFORM/isoDomainName", "none")
        answer(runner, backend, "PLATFORM/exportDomainName")
        answer(runner, backend, "PLATFORM/exportDomainPath", "node1.lab:/vol0")
        // The export domain cannot share the data domain's export: refused beside the field, kept for editing.
        #expect(runner.state.screen == .question("PLATFORM/exportDomainPath"))
        #expect(runner.state.messages.first?.text == "node1.lab:/vol0 is already the connection of the data domain; each domain needs its own export")
        backend.type([.control("u")])
        answer(runner, backend, "PLATFORM/exportDomainPath", "nfs1.lab:/exports/export")
        settle(runner) { $0.screen == .preview }
        Golden.check(backend.lastFrame!, "wizard-platform-preview-80x24")
        let saved = try #require(log.last?.session)
        #expect(saved.answers["PLATFORM/adminPassword"]?.value == OtopiValue.none)
        #expect(saved.answers["PLATFORM/clusterCPU"]?.provenance == .detected)
        #expect(!backend.lastFrame!.lines.joined().contains("Engine-Admin-7"))
    }

    @Test func aRefusedPasswordIsAskedAgainWithTheEnginesReason() throws {
        let log = SaveLog()
        let session = try Self.session("3.4")
        let (runner, backend) = runner(session, fetcher: Fetcher(refusals: 1), log: log)
        _ = runner.run(stopWhenIdle: true)
        backend.type([.enter])
        answer(runner, backend, "PLATFORM/engineAnswerFile")
        answer(runner, backend, "PLATFORM/engineFQDN", "engine.lab.example")
        answer(runner, backend, "PLATFORM/enginePort")
        answer(runner, backend, "PLATFORM/adminUser")
        answer(runner, backend, "PLATFORM/adminPassword", "wrong-pw")
        // The data center's fetch asked the engine, which refused: back at the password, the reason under it.
        settle(runner) { $0.fetching == nil && $0.screen == .question("PLATFORM/adminPassword") }
        #expect(runner.state.messages.map(\.text) == ["engine engine.lab.example refused the login of admin@internal"])
        #expect(runner.state.session?.answers["PLATFORM/adminPassword"] == nil)
        #expect(!backend.lastFrame!.lines.joined().contains("wrong-pw"))
        answer(runner, backend, "PLATFORM/adminPassword", "Right-pw-1")
        at(runner, "PLATFORM/dataCenter")
        #expect(runner.state.choice.options == ["Default", "dc2"])
    }
}
