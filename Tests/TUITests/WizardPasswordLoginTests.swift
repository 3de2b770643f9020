import Foundation
import LabHosts
import OtopiKit
import Testing
@testable import TUI
import WizardCore

/// The full-screen wizard logging in to a target host that takes only a password (PAM, a throwaway account):
/// the probe asks in a dialog, the field shows stars, and the password reaches no frame.
@Suite(.serialized, .timeLimit(.minutes(5)),
       .enabled(if: LabAccount.isAvailable, Comment(rawValue: LabAccount.unavailableReason ?? "")))
final class WizardPasswordLoginTests {
    let cluster: LabCluster
    init() throws { cluster = try LabCluster.start(hosts: 1, authentication: .password) }
    deinit { cluster.stop() }

    func runner() throws -> (AppRunner<WizardApp>, MemoryBackend) {
        let session = FlowSession(flow: try WizardAppTests.flow(), offline: false, randomSeed: 1)
        let app = WizardApp(checker: OfflineChecker(reason: "not probed yet"), startFlow: { _ in session },
                            save: { _, _, _ in Notice("Saved", kind: .success) },
                            prober: TargetHostProber(knownHosts: cluster.knownHostsPath, acceptNew: false))
        let backend = MemoryBackend(size: .minimum)
        return (AppRunner(app: app, state: WizardApp.initialState(flows: [session.flow], session: session), backend: backend), backend)
    }


    /// TARGET HOST answered with the account, no identity file (so no key the host accepts).
    func answerTarget(_ backend: MemoryBackend) throws {
        let account = try #require(cluster.account)
        let host = cluster.hosts[0]
        backend.type([.enter])
        backend.type(host.address)
        backend.type([.enter, .control("u")])
        backend.type(account.name)
        backend.type([.enter, .control("u")])
        backend.type("\(host.port)")
        // The key (none), then how that user becomes root (the default, sudo: nothing here needs root).
        backend.type([.enter, .enter, .enter])
    }

    func screen(_ backend: MemoryBackend) -> String { backend.lastFrame!.lines.joined(separator: "\n") }

    @Test func thePasswordIsAskedInADialogAndTheHostIsProbed() throws {
        let account = try #require(cluster.account)
        let (runner, backend) = try runner()
        _ = runner.run(stopWhenIdle: true)
        try answerTarget(backend)
        settle(runner) { $0.probe.pendingCredential != nil && $0.overlay != nil }
        #expect(runner.state.probe.pendingCredential == .password(user: account.name, host: cluster.hosts[0].address))
        #expect(screen(backend).contains("password"), "\(screen(backend))")
        backend.type(account.password)
        _ = runner.run(stopWhenIdle: true)
        #expect(!screen(backend).contains(account.password))
        backend.type([.enter])
        settle(runner) { !$0.probe.running }
        #expect(runner.state.session?.factsProbed == true, "\(runner.state.notice?.text ?? "")")
        #expect(!screen(backend).contains(account.password))
    }

    @Test func aWrongPasswordSaysWhyWithoutShowingIt() throws {
        let (runner, backend) = try runner()
        _ = runner.run(stopWhenIdle: true)
        try answerTarget(backend)
        settle(runner) { $0.probe.pendingCredential != nil && $0.overlay != nil }
        backend.type("not-the-password")
        backend.type([.enter])
        settle(runner) { !$0.probe.running }
        #expect(runner.state.session?.factsProbed == false)
        let notice = runner.state.notice?.text ?? ""
        #expect(notice.contains("password"), "\(notice)")
        #expect(!notice.contains("not-the-password"))
        #expect(!screen(backend).contains("not-the-password"))
    }
}
