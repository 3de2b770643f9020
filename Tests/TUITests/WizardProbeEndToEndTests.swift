import Foundation
import LabHosts
import Testing

/// The real `ovirt-wizard` binary in tmux with a target host: a lab sshd on loopback is probed once the
/// TARGET HOST section is answered, and its facts become the defaults of the questions that follow.
@Suite(.serialized, .timeLimit(.minutes(5)))
final class WizardProbeEndToEndTests {
    let cluster: LabCluster
    let directory: URL

    init() throws {
        cluster = try LabCluster.start(hosts: 1)
        // The seed's host runs EL6: `--flow engine-setup` named without its version gets oVirt 3.4's questions.
        try LabHostOS.make(cluster, el: 6)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wizard-probe-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        cluster.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    var binary: String { BuiltProducts.directory.appendingPathComponent("ovirt-wizard").path }

    @Test func theTargetHostIsProbedAndItsFQDNBecomesTheDefault() throws {
        let host = cluster.hosts[0]
        let answers = directory.appendingPathComponent("answers.conf").path
        let tmux = try TmuxSession(command: "\(binary) --flow engine-setup --answers \(answers) --known-hosts \(cluster.knownHostsPath)",
                                   environment: ["HOME": cluster.root, "SSH_AUTH_SOCK": ""])
        try tmux.waitFor("TARGET HOST")
        try tmux.send("Enter")
        try tmux.waitFor("Host to run engine-setup on")
        try tmux.type(host.address)
        try tmux.send("Enter")
        try tmux.waitFor("SSH user")
        try tmux.send("Enter")
        try tmux.waitFor("SSH port")
        try tmux.send("C-u")
        try tmux.type("\(host.port)")
        try tmux.send("Enter")
        try tmux.waitFor("SSH private key")
        try tmux.type(cluster.clientKey)
        try tmux.send("Enter")
        // The walk goes on to NETWORK CONFIGURATION; once probed, the FQDN question is asked with the host's facts.
        try tmux.waitFor("Host facts probed on \(host.address) over SSH", timeout: 30)
        let fqdn = try WizardTargetProbeTests.hostname()
        let question = try tmux.waitFor("[\(fqdn)]")
        #expect(question.contains("Host fully qualified DNS name"))
        // The field (the line under the prompt) holds the probed FQDN as its default.
        let lines = question.components(separatedBy: "\n")
        let prompt = try #require(lines.firstIndex { $0.contains("Host fully qualified DNS name") })
        let field = lines[prompt + 1].trimmingCharacters(in: .whitespaces)
        #expect(lines[prompt].contains("[\(fqdn)]"), "the prompt names the probed FQDN as default: \(question)")
        #expect(field.hasPrefix("[\(fqdn) ") || field == "[\(fqdn)]", "the field is pre-filled with it: \(question)")
        #expect(!question.contains("gs1.lofyer.org"))
        // Esc walks back through the target host's questions to the hub, whose CPU check shows the probed host's CPU.
        for previous in ["SSH private key", "SSH port", "SSH user", "Host to run engine-setup on"] {
            try tmux.send("Escape")
            try tmux.waitFor(previous)
        }
        try tmux.send("Escape")
        let hub = try tmux.waitFor("Host facts: probed on \(host.address) over SSH")
        #expect(hub.contains("CPU check"))
        try tmux.send("End", "Up", "Enter")
        let cpu = try tmux.waitFor("Recommended cluster CPU")
        #expect(cpu.contains("Host CPU probed on \(host.address) over SSH"), "\(cpu)")
        #expect(cpu.contains("Cluster compatibility level 3.4"))
        try tmux.send("Escape")
        try tmux.waitFor("Host facts: probed on")
        try tmux.send("C-c", "q")
        #expect(try tmux.waitForExit().code == 130)
        let saved = try String(contentsOfFile: answers, encoding: .utf8)
        #expect(saved.contains("OVIRT_WIZARD/host=str:\(host.address)"))
    }

    @Test func anUnknownHostKeyIsAskedInADialogAndRecordedOnlyWhenAccepted() throws {
        let host = cluster.hosts[0]
        let knownHosts = directory.appendingPathComponent("known_hosts").path
        _ = FileManager.default.createFile(atPath: knownHosts, contents: Data())
        let answers = directory.appendingPathComponent("answers.conf").path
        try "[environment:default]\nOVIRT_WIZARD/host=str:\(host.address)\nOVIRT_WIZARD/sshUser=str:root\nOVIRT_WIZARD/sshPort=int:\(host.port)\nOVIRT_WIZARD/sshIdentity=str:\(cluster.clientKey)\n"
            .write(toFile: answers, atomically: true, encoding: .utf8)
        let tmux = try TmuxSession(command: "\(binary) --flow hosted-engine --answers \(answers) --known-hosts \(knownHosts)",
                                   environment: ["HOME": cluster.root, "SSH_AUTH_SOCK": ""])
        let dialog = try tmux.waitFor("Unknown host key", timeout: 30)
        #expect(dialog.contains("SHA256:"), "\(dialog)")
        #expect(try String(contentsOfFile: knownHosts, encoding: .utf8).isEmpty, "nothing is recorded before the operator decides")
        try tmux.send("Left", "Enter")
        try tmux.waitFor("Host facts probed on \(host.address) over SSH", timeout: 30)
        #expect(try String(contentsOfFile: knownHosts, encoding: .utf8).contains(host.address))
        try tmux.send("C-c", "q")
        #expect(try tmux.waitForExit().code == 130)
    }

    @Test func cpuCheckTUIShowsTheScreenForACpuinfoFile() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/cpuinfo/westmere-xeon-e5649-vdsm.txt").path
        let tmux = try TmuxSession(command: "\(binary) cpu-check --tui --cpuinfo \(fixture)")
        let screen = try tmux.waitFor("Recommended cluster CPU")
        #expect(screen.contains("Intel Westmere Family"))
        #expect(screen.contains("model_Westmere"))
        try tmux.send("Right")
        try tmux.waitFor("Cluster compatibility level 3.5")
        try tmux.send("q")
        #expect(try tmux.waitForExit().code == 0)
    }
}
