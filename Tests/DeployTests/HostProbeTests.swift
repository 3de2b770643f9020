import Foundation
import LabHosts
import OtopiKit
import SSHKit
import Testing
@testable import Deploy
@testable import WizardCore

/// Options that use only the lab's files: no ~/.ssh/config, no agent, no default keys.
func labOptions(_ cluster: LabCluster) -> ConnectOptions {
    var options = ConnectOptions()
    options.knownHostsPath = cluster.knownHostsPath
    options.configPath = cluster.root + "/no-ssh-config"
    options.homeDirectory = cluster.root
    options.identityFiles = [cluster.clientKey]
    options.useAgent = false
    options.connectTimeout = 10
    return options
}

@Suite("Host probes over a real sshd", .serialized, .timeLimit(.minutes(5)))
struct HostProbeTests {
    let cluster: LabCluster
    init() throws { cluster = try LabCluster.start(hosts: 1) }

    func access() throws -> HostAccess {
        let host = cluster.hosts[0]
        var answers = Answers()
        answers["OVIRT_WIZARD/host"] = Answer(.string(host.address), .operator)
        answers["OVIRT_WIZARD/sshPort"] = Answer(.int(host.port), .operator)
        answers["OVIRT_WIZARD/sshUser"] = Answer(.string("root"), .default)
        answers["OVIRT_WIZARD/sshIdentity"] = Answer(.string(cluster.clientKey), .operator)
        var options = labOptions(cluster)
        options.identityFiles = []
        return try #require(HostAccess(try TargetLogin(answers: answers), options: options))
    }

    @Test func factsComeFromTheHost() throws {
        let connection = try access().connect()
        defer { connection.close() }
        let facts = try HostProber.probe(connection)
        #expect(facts.description == "probed on \(cluster.hosts[0].address) over SSH")
        #expect(facts.string("host_fqdn")?.isEmpty == false)
        #expect(facts["sshd_port"] != nil)
        #expect(facts["cpu_models"] != nil)
        #expect(facts["memory_mb"] != nil)
        // The probed facts decide the flow's questions: this Debian host has no iptables service, so engine-setup's
        // firewall question is not asked, unlike in the seed's CentOS 6 environment.
        let flow = try FlowLoader.load(path: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Screens/engine-setup-3.4.yaml").path)
        let session = FlowSession(flow: flow, facts: flow.seedFacts.overlaid(with: facts), factsProbed: true, offline: true, randomSeed: 0)
        let firewall = flow.question(forKey: "OVESETUP_CONFIG/updateFirewall")!
        #expect(session.isActive(firewall) == !(facts.list("firewall_managers") ?? []).isEmpty)
        #expect(session.defaultAnswer(for: flow.question(forKey: "OVESETUP_CONFIG/fqdn")!)?.text == facts.string("host_fqdn"))
    }

    @Test func checksRunOnTheHost() throws {
        let connection = try access().connect()
        defer { connection.close() }
        let checker = SSHHostChecker(connection: connection)
        let answers = Answers()
        #expect(checker.run(check: "resolves", value: "localhost", answers: answers) == .passed)
        #expect(checker.run(check: "resolves", value: "no-such-host.invalid", answers: answers) ==
                .failed("no-such-host.invalid did not resolve into an IP address"))
        #expect(checker.run(check: "readable_on_host", value: "/etc/hostname", answers: answers) == .passed)
        if case .failed = checker.run(check: "readable_on_host", value: "/nonexistent.iso", answers: answers) {} else {
            Issue.record("a missing ISO must fail the check")
        }
        #expect(checker.run(check: "iso_domain_path", value: "/tmp/ovw-iso-check/iso", answers: answers) == .passed)
        #expect(checker.run(check: "db_connection", value: "x", answers: answers) == .notChecked("db_connection is checked by the tool itself"))
    }

    @Test func unreachableHostSaysWhy() throws {
        var options = labOptions(cluster)
        options.connectTimeout = 2
        let stopped = HostAccess(target: SSHTarget(host: "127.0.0.1", port: 1), options: options)
        #expect(throws: SSHError.self) { try stopped.connect() }
    }
}
