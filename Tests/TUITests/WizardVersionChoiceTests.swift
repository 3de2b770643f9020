import Foundation
import LabHosts
import Testing
@testable import TUI
import WizardCore

/// The full-screen wizard lets the probed target host choose the oVirt version, as `plain` does: each flow is
/// listed once, an EL9 host turns engine-setup into 4.5's dialog, a host no version runs on is refused by name.
/// Offline, with no host to ask, each version has a row of its own, and each row starts its own version.
@Suite(.serialized, .timeLimit(.minutes(5)))
final class WizardVersionChoiceTests {
    static let catalog = FlowCatalog.load(directory: WizardAppTests.screens)
    let cluster: LabCluster
    init() throws { cluster = try LabCluster.start(hosts: 1) }
    deinit { cluster.stop() }

    func hostRuns(el major: Int) throws { try LabHostOS.make(cluster, el: major) }

    func runner(offline: Bool) -> (AppRunner<WizardApp>, MemoryBackend) {
        let catalog = Self.catalog
        let listed = offline ? (catalog.flows, [:]) : catalog.listedForHostChoice()
        let prober = offline ? nil : TargetHostProber(knownHosts: cluster.knownHostsPath, acceptNew: true,
                                                      versionChoice: catalog, choosing: Set(listed.1.keys))
        let app = WizardApp(checker: OfflineChecker(reason: "not probed yet"),
                            startFlow: { FlowSession(flow: $0, offline: offline, randomSeed: 1) },
                            save: { _, _, _ in Notice("Saved", kind: .success) }, prober: prober)
        let backend = MemoryBackend(size: .minimum)
        let state = WizardApp.initialState(flows: listed.0, session: nil, hostChoosesVersion: listed.1)
        return (AppRunner(app: app, state: state, backend: backend), backend)
    }

    func text(_ backend: MemoryBackend) -> String { backend.lastFrame!.lines.joined(separator: "\n") }

    /// Chooses the engine-setup row and answers the target section with the lab host.
    func startEngineSetup(_ runner: AppRunner<WizardApp>, _ backend: MemoryBackend) {
        _ = runner.run(stopWhenIdle: true)
        backend.type([.home, .enter])        // engine-setup is the first row
        _ = runner.run(stopWhenIdle: true)
        let host = cluster.hosts[0]
        backend.type([.enter])
        backend.type(host.address)
        backend.type([.enter, .enter])
        backend.type([.control("u")])
        backend.type("\(host.port)")
        backend.type([.enter])
        backend.type(cluster.clientKey)
        backend.type([.enter])
        _ = runner.run(stopWhenIdle: true)
        settle(runner) { $0.probe.target != nil && !$0.probe.running }
    }

    @Test func eachFlowIsListedOnceAndAnEL9HostChoosesTheOVirt45Questions() throws {
        try hostRuns(el: 9)
        let (runner, backend) = runner(offline: false)
        _ = runner.run(stopWhenIdle: true)
        let list = text(backend)
        #expect(list.split(separator: "\n").filter { $0.contains("engine-setup   oVirt") }.count == 1, "one engine-setup row:\n\(list)")
        #expect(list.contains("(engine-setup, 3.4/4.5 by host)"), "\(list)")
        // The platform flow's versions name the engine host's OS too: one row, the engine host chooses.
        let rows = runner.state.flowList.items.map(\.id)
        #expect(rows == ["engine-setup", "export-domain", "gluster", "hosted-engine", "platform"], "\(rows)")
        startEngineSetup(runner, backend)
        let session = try #require(runner.state.session)
        #expect(session.flow.id == "engine-setup")
        #expect(session.flow.version == "4.5", "the EL9 host chose 4.5")
        let address = cluster.hosts[0].address
        #expect(runner.state.notice?.text.contains("\(address) runs redhat 9: the questions are those of engine-setup in oVirt 4.5") == true,
                "\(String(describing: runner.state.notice))")
        // The target answers were kept through the switch: the host is not asked again.
        #expect(session.answers["OVIRT_WIZARD/host"]?.value.displayText == address)
        #expect(runner.state.probe.versionRefused == nil)
    }

    @Test func anEL6HostKeepsTheSeedsOVirt34Questions() throws {
        try hostRuns(el: 6)
        let (runner, backend) = runner(offline: false)
        startEngineSetup(runner, backend)
        #expect(runner.state.session?.flow.version == "3.4")
        #expect(runner.state.notice?.text.contains("runs redhat 6: the questions are those of engine-setup in oVirt 3.4") == true,
                "\(String(describing: runner.state.notice))")
    }

    @Test func aHostNoVersionRunsOnIsRefusedByNameAndThePreviewCannotBeConfirmed() throws {
        try hostRuns(el: 7)
        let (runner, backend) = runner(offline: false)
        startEngineSetup(runner, backend)
        let refused = try #require(runner.state.probe.versionRefused)
        #expect(refused.contains(cluster.hosts[0].address), "\(refused)")
        #expect(refused.contains("oVirt 3.4") && refused.contains("oVirt 4.5"), "\(refused)")
        #expect(text(backend).contains("Name another target host"), "the banner says what to do:\n\(text(backend))")
        // The preview refuses to write a file for a host its tool cannot run on.
        for _ in 0..<8 where runner.state.screen != .hub {
            backend.type([.escape])
            _ = runner.run(stopWhenIdle: true)
        }
        #expect(runner.state.screen == .hub)
        backend.type([.end, .enter])
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.screen == .preview)
        backend.type([.character("c")])
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.notice?.kind == .error)
        #expect(runner.state.notice?.text.contains("Name another target host before writing the answer file") == true)
        #expect(runner.state.overlay == nil, "no Write dialog")
    }

    @Test func offlineEachVersionHasItsOwnRowAndStartsItsOwnVersion() throws {
        let (runner, backend) = runner(offline: true)
        _ = runner.run(stopWhenIdle: true)
        let rows = runner.state.flowList.items.map(\.id)
        #expect(rows.contains("engine-setup-3.4") && rows.contains("engine-setup-4.5"), "\(rows)")
        #expect(Set(rows).count == rows.count, "row ids are unique: \(rows)")
        let index = try #require(rows.firstIndex(of: "engine-setup-4.5"))
        backend.type([.home] + Array(repeating: .down, count: index) + [.enter])
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.session?.flow.version == "4.5", "the 4.5 row starts 4.5, not the first flow with that id")
    }
}
