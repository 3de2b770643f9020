import Foundation
import LabHosts
import OtopiKit
import SSHKit
import Testing
@testable import TUI
import WizardCore

/// The full-screen wizard with a target login that becomes root through sudo with a password, on a host that
/// refuses root logins: the probe checks sudo, asking its password in the masked dialog; it reaches no frame.
@Suite(.serialized, .timeLimit(.minutes(5)),
       .enabled(if: LabAccount.isAvailable && LabSudo.unavailableReason == nil,
                Comment(rawValue: LabAccount.unavailableReason ?? LabSudo.unavailableReason ?? "")))
final class WizardSudoCheckTests {
    let cluster: LabCluster
    let account: LabAccount
    init() throws {
        cluster = try LabCluster.start(hosts: 1, authentication: .password, rootLogin: false)
        account = try cluster.addAccount(sudo: .withPassword)
    }
    deinit { cluster.stop() }

    func runner() throws -> (AppRunner<WizardApp>, MemoryBackend) {
        let session = FlowSession(flow: try WizardAppTests.flow(), offline: false, randomSeed: 1)
        let app = WizardApp(checker: OfflineChecker(reason: "not probed yet"), startFlow: { _ in session },
                            save: { _, _, _ in Notice("Saved", kind: .success) },
                            prober: TargetHostProber(knownHosts: cluster.knownHostsPath, acceptNew: false))
        let backend = MemoryBackend(size: .minimum)
        return (AppRunner(app: app, state: WizardApp.initialState(flows: [session.flow], session: session), backend: backend), backend)
    }

    func screen(_ backend: MemoryBackend) -> String { backend.lastFrame!.lines.joined(separator: "\n") }

    @Test func theSudoPasswordIsAskedInAMaskedDialogAndChecked() throws {
        let host = cluster.hosts[0]
        let (runner, backend) = try runner()
        _ = runner.run(stopWhenIdle: true)
        backend.type([.enter])
        backend.type(host.address)
        backend.type([.enter, .control("u")])
        backend.type(account.name)
        backend.type([.enter, .control("u")])
        backend.type("\(host.port)")
        backend.type([.enter, .control("u")])
        backend.type(cluster.clientKey)
        backend.type([.enter, .control("u")])
        backend.type("sudo-password")
        // Not the SSH password (the login uses a key): the default, No.
        backend.type([.enter, .enter])
        settle(runner) { $0.probe.pendingCredential != nil && $0.overlay != nil }
        #expect(runner.state.probe.pendingCredential == .sudoPassword(user: account.name, host: host.address))
        #expect(screen(backend).contains("sudo"), "\(screen(backend))")
        backend.type(account.password)
        _ = runner.run(stopWhenIdle: true)
        #expect(!screen(backend).contains(account.password))
        backend.type([.enter])
        settle(runner) { !$0.probe.running }
        let notice = runner.state.notice?.text ?? ""
        #expect(runner.state.session?.factsProbed == true, "\(notice)")
        #expect(notice.contains("\(account.name) becomes root with sudo"), "\(notice)")
        #expect(!screen(backend).contains(account.password) && !notice.contains(account.password))
    }
}
