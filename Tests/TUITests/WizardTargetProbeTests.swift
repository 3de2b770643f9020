import Foundation
import LabHosts
import OtopiKit
import Testing
@testable import TUI
import Deploy
import WizardCore

/// The full-screen wizard probing its target host: a real sshd on loopback (LabHosts) answers; the wizard
/// runs on the memory backend and the probe on a worker thread, its result coming back through the inbox.
@Suite(.serialized, .timeLimit(.minutes(5)))
final class WizardTargetProbeTests {
    let cluster: LabCluster
    init() throws { cluster = try LabCluster.start(hosts: 1) }
    deinit { cluster.stop() }

    static func hostname() throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "hostname -f 2>/dev/null || hostname"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func runner(knownHosts: String, answers: String? = nil) throws -> (AppRunner<WizardApp>, MemoryBackend) {
        var session = FlowSession(flow: try WizardAppTests.flow(), offline: false, randomSeed: 1)
        if let answers { session.load(OtopiEnvironment(files: [try AnswerFile.parse(text: answers, path: "saved.conf")])) }
        let started = session
        let app = WizardApp(checker: OfflineChecker(reason: "not probed yet"), startFlow: { _ in started },
                            save: { _, _, _ in Notice("Saved", kind: .success) },
                            prober: TargetHostProber(knownHosts: knownHosts, acceptNew: false))
        let backend = MemoryBackend(size: .minimum)
        return (AppRunner(app: app, state: WizardApp.initialState(flows: [started.flow], session: started), backend: backend), backend)
    }


    /// Opens the TARGET HOST section and answers it with the lab host and `key` (default: the cluster's key).
    func answerTarget(_ backend: MemoryBackend, key: String? = nil) {
        let host = cluster.hosts[0]
        backend.type([.enter])
        backend.type(host.address)
        backend.type([.enter, .enter])          // user: root (default)
        backend.type([.control("u")])
        backend.type("\(host.port)")
        backend.type([.enter])
        backend.type(key ?? cluster.clientKey)
        backend.type([.enter])
    }

    var screen: (MemoryBackend) -> String { { $0.lastFrame!.lines.joined(separator: "\n") } }

    @Test func answeringTheTargetSectionProbesTheHostAndItsFactsBecomeDefaults() throws {
        let (runner, backend) = try runner(knownHosts: cluster.knownHostsPath)
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.probe.target == nil, "nothing is probed before the target is answered")
        answerTarget(backend)
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.probe.target != nil)
        settle(runner) { !$0.probe.running }
        let host = cluster.hosts[0]
        let session = try #require(runner.state.session)
        #expect(session.factsProbed)
        #expect(session.facts.description == "probed on \(host.address) over SSH")
        #expect(runner.state.notice?.text.contains("Host facts probed on \(host.address) over SSH") == true)
        #expect(runner.state.probe.checker is Deploy.SSHHostChecker)

        // The walk goes on to the next section: its FQDN question offers the host's own name, not the seed's gs1.lofyer.org.
        #expect(runner.state.screen == .question("OVESETUP_CONFIG/fqdn"))
        #expect(runner.state.exchange?.prompt.defaultText == (try Self.hostname()))
        // Esc back through the four target-host questions to the hub, which says where the facts came from.
        backend.type([.escape, .escape, .escape, .escape, .escape])
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.screen == .hub)
        #expect(screen(backend).contains("Host facts: probed on \(host.address) over SSH"), "the hub keeps saying where the facts came from")

        // The CPU check shows this machine's CPU, probed on the lab host.
        backend.type([.end, .up, .enter])
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.screen == .cpuCheck)
        let text = screen(backend)
        #expect(text.contains("Host CPU probed on \(host.address) over SSH"), "\(text)")
        #expect(text.contains("\(host.address): "))
        #expect(text.contains("Cluster compatibility level 3.4"))
        #expect(!text.contains("No host CPU"))
    }

    @Test func aLoadedAnswerFileThatNamesTheHostIsProbedAtStart() throws {
        let host = cluster.hosts[0]
        let (runner, backend) = try runner(knownHosts: cluster.knownHostsPath, answers: """
            [environment:default]
            OVIRT_WIZARD/host=str:\(host.address)
            OVIRT_WIZARD/sshUser=str:root
            OVIRT_WIZARD/sshPort=int:\(host.port)
            OVIRT_WIZARD/sshIdentity=str:\(cluster.clientKey)

            """)
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.probe.running || runner.state.session?.factsProbed == true, "the probe starts with the first event")
        settle(runner) { !$0.probe.running }
        #expect(runner.state.session?.factsProbed == true)
        // Resumed at the first question needing an answer (the FQDN), now offering the probed default.
        #expect(runner.state.screen == .question("OVESETUP_CONFIG/fqdn"))
        #expect(runner.state.exchange?.prompt.defaultText == (try Self.hostname()))
        #expect(screen(backend).contains(try Self.hostname()))
    }

    @Test func namingAnotherHostProbesAgainAndDropsTheFirstHostsFacts() throws {
        let (runner, backend) = try runner(knownHosts: cluster.knownHostsPath)
        _ = runner.run(stopWhenIdle: true)
        answerTarget(backend)
        settle(runner) { $0.probe.target != nil && !$0.probe.running }
        #expect(runner.state.session?.factsProbed == true)
        let first = runner.state.probe.target
        // Esc back from the FQDN question to the target host's first question; change the host to one where nothing listens.
        #expect(runner.state.screen == .question("OVESETUP_CONFIG/fqdn"))
        backend.type([.escape, .escape, .escape, .escape, .control("u")])
        backend.type(cluster.hosts[0].address == "127.0.0.1" ? "127.0.0.2" : "127.0.0.1")
        backend.type([.enter])
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.probe.target != first, "the new target is probed")
        settle(runner) { !$0.probe.running }
        #expect(runner.state.session?.factsProbed == false)
        #expect(runner.state.session?.facts == runner.state.session?.flow.unprobedFacts, "no value of the first host, nor of the seed's lab")
        #expect(runner.state.probe.cpu == nil)
        #expect(!(runner.state.probe.checker is Deploy.SSHHostChecker))
    }

    @Test func anUnknownHostKeyIsShownWithItsFingerprintAndNotRecordedWhenRefused() throws {
        let empty = cluster.root + "/refused_known_hosts"
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        let (runner, backend) = try runner(knownHosts: empty)
        _ = runner.run(stopWhenIdle: true)
        answerTarget(backend)
        settle(runner) { $0.probe.pendingHostKey != nil && $0.overlay != nil }
        let text = screen(backend)
        #expect(text.contains("Unknown host key"))
        #expect(text.contains("SHA256:"), "\(text)")
        backend.type([.enter])                   // Refuse is the default button
        settle(runner) { !$0.probe.running }
        #expect(runner.state.session?.factsProbed == false)
        #expect(runner.state.notice?.kind == .error)
        #expect(runner.state.notice?.text.contains("Host checks were not run") == true, "\(runner.state.notice?.text ?? "")")
        #expect(try String(contentsOfFile: empty, encoding: .utf8).isEmpty, "nothing was recorded without consent")
        #expect(!(runner.state.probe.checker is Deploy.SSHHostChecker))
    }

    @Test func anAcceptedHostKeyIsRecordedAndTheHostProbed() throws {
        let empty = cluster.root + "/accepted_known_hosts"
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        let (runner, backend) = try runner(knownHosts: empty)
        _ = runner.run(stopWhenIdle: true)
        answerTarget(backend)
        settle(runner) { $0.probe.pendingHostKey != nil && $0.overlay != nil }
        backend.type([.left, .enter])            // Accept
        settle(runner) { !$0.probe.running }
        #expect(runner.state.session?.factsProbed == true)
        #expect(try String(contentsOfFile: empty, encoding: .utf8).contains(cluster.hosts[0].address))
    }

    @Test func aProtectedKeysPassphraseIsAskedInADialogShownAsStarsAndUsed() throws {
        let passphrase = "tui-s3cret-phrase"
        let key = try cluster.makeClientKey(name: "tui-locked", passphrase: passphrase)
        try cluster.authorize(keyAt: key)
        let (runner, backend) = try runner(knownHosts: cluster.knownHostsPath)
        _ = runner.run(stopWhenIdle: true)
        answerTarget(backend, key: key)
        settle(runner) { $0.probe.pendingCredential != nil && $0.overlay != nil }
        #expect(runner.state.probe.pendingCredential == .keyPassphrase(path: key))
        backend.type(passphrase)
        _ = runner.run(stopWhenIdle: true)
        let text = screen(backend)
        #expect(text.contains("Login to the target host"), "\(text)")
        #expect(text.contains(String(repeating: "*", count: passphrase.count)), "\(text)")
        #expect(!text.contains(passphrase), "the passphrase never reaches a frame")
        #expect(backend.lastFrame?.cursor != nil, "the cursor sits in the field")
        backend.type([.enter])
        settle(runner) { !$0.probe.running }
        #expect(runner.state.session?.factsProbed == true, "\(runner.state.notice?.text ?? "")")
        #expect(runner.state.overlay == nil)
        #expect(!screen(backend).contains(passphrase))
    }

    @Test func cancellingThePassphraseDialogFallsBackToTheSeedAndSaysWhy() throws {
        let key = try cluster.makeClientKey(name: "tui-cancelled", passphrase: "never-typed")
        try cluster.authorize(keyAt: key)
        let (runner, backend) = try runner(knownHosts: cluster.knownHostsPath)
        _ = runner.run(stopWhenIdle: true)
        answerTarget(backend, key: key)
        settle(runner) { $0.probe.pendingCredential != nil && $0.overlay != nil }
        backend.type("wrong")
        backend.type([.escape])
        settle(runner) { !$0.probe.running }
        #expect(runner.state.session?.factsProbed == false)
        #expect(runner.state.probe.pendingCredential == nil)
        #expect(runner.state.notice?.kind == .error)
        #expect(runner.state.notice?.text.contains(key) == true, "the reason names the key: \(runner.state.notice?.text ?? "")")
    }

    /// Probes the lab host, then opens the FQDN question (checks: resolves, dns) from the hub.
    func probedAtFQDN() throws -> (AppRunner<WizardApp>, MemoryBackend) {
        let (runner, backend) = try runner(knownHosts: cluster.knownHostsPath)
        _ = runner.run(stopWhenIdle: true)
        answerTarget(backend)
        settle(runner) { $0.probe.target != nil && !$0.probe.running }
        backend.type([.escape, .enter])
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.screen == .question("OVESETUP_CONFIG/fqdn"))
        return (runner, backend)
    }

    @Test func hostChecksRunOffTheUIThreadAndTheirOutcomeDecides() throws {
        let (runner, backend) = try probedAtFQDN()
        // The host is held still so the check cannot finish before the loop has shown that it waits.
        cluster.hosts[0].pause()
        defer { cluster.hosts[0].resume() }
        backend.type([.control("u")])
        backend.type("no-such-host.invalid")
        backend.type([.enter])
        _ = runner.run(stopWhenIdle: true)
        // The loop came back while the host said nothing: the question waits, saying what is checked.
        let pending = try #require(runner.state.pendingChecks, "the check runs on a worker")
        #expect(pending.requests.map(\.check) == ["resolves", "dns"])
        #expect(screen(backend).contains("Checking on the target host: no-such-host.invalid resolves"), "\(screen(backend))")
        cluster.hosts[0].resume()
        settle(runner) { $0.pendingChecks == nil }
        #expect(runner.state.screen == .question("OVESETUP_CONFIG/fqdn"), "a name that does not resolve is refused")
        #expect(runner.state.messages.contains { $0.level == .error }, "\(runner.state.messages)")
        #expect(runner.state.session?.answers["OVESETUP_CONFIG/fqdn"] == nil)
    }

    @Test func aSilentHostDoesNotFreezeTheScreenAndEscStopsWaiting() throws {
        let (runner, backend) = try probedAtFQDN()
        let host = cluster.hosts[0]
        host.pause()
        defer { host.resume() }
        backend.type([.control("u")])
        backend.type("engine.lab.example")
        backend.type([.enter])
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.pendingChecks != nil)
        // Keys are still handled while the host says nothing: Esc gives the question back at once.
        backend.type([.escape])
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.pendingChecks == nil)
        #expect(runner.state.screen == .question("OVESETUP_CONFIG/fqdn"))
        #expect(runner.state.field.text == "engine.lab.example", "the typed answer is kept")
        #expect(runner.state.notice?.text.contains("Stopped waiting") == true)
        #expect(runner.state.session?.answers["OVESETUP_CONFIG/fqdn"] == nil, "nothing was accepted unchecked")
    }

    @Test func anUnreachableHostSaysWhyAndTheWizardGoesOn() throws {
        let (runner, backend) = try runner(knownHosts: cluster.knownHostsPath)
        _ = runner.run(stopWhenIdle: true)
        backend.type([.enter])
        backend.type("127.0.0.1")
        backend.type([.enter, .enter, .control("u")])
        backend.type("1")
        backend.type([.enter])
        backend.type(cluster.clientKey)
        backend.type([.enter])
        settle(runner) { $0.probe.target != nil && !$0.probe.running }
        #expect(runner.state.session?.factsProbed == false)
        #expect(runner.state.notice?.text.contains("127.0.0.1") == true)
        #expect(runner.state.screen == .question("OVESETUP_CONFIG/fqdn"), "the walk goes on to the next section")
        #expect(runner.state.hub.items.contains { $0.title == "CPU check" && $0.summary.contains("could not be probed") })
        // Esc back to the hub: once the notice is gone, the banner still says host checks were not run, and why;
        // nothing of the seed's lab stands in for the host's facts.
        backend.type([.escape, .escape, .escape, .escape, .escape])
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.screen == .hub)
        #expect(screen(backend).contains("Host checks were not run: 127.0.0.1"), "\(screen(backend))")
        #expect(!screen(backend).contains("seed environment"))
    }
}
