import Foundation
import LabHosts
import Testing

/// `cpu-check HOST` reads /proc/cpuinfo over SSH from a real sshd on loopback.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CPUCheckOverSSHTests {
    let cluster: LabCluster
    init() throws { cluster = try LabCluster.start(hosts: 2) }

    @Test func hostsAreProbedAndAgreeWithTheirOwnCPUInfo() throws {
        let targets = cluster.hosts.map(\.target)
        let local = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let fromFile = try Wizard.run(["cpu-check", "--json", "--cpuinfo", "-"], stdin: local)
        let overSSH = try Wizard.run(["cpu-check", "--json", "--known-hosts", cluster.knownHostsPath, "-i", cluster.clientKey] + targets,
                                     environment: ["HOME": cluster.root, "SSH_AUTH_SOCK": ""])
        #expect(overSSH.status == fromFile.status, "\(overSSH.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(overSSH.stdout.utf8)) as? [String: Any]
        let hosts = try #require(json?["inputs"] as? [[String: Any]])
        #expect(hosts.map { $0["source"] as? String } == targets)
        let single = try JSONSerialization.jsonObject(with: Data(fromFile.stdout.utf8)) as? [String: Any]
        let expected = (single?["inputs"] as? [[String: Any]])?.first?["compatible"] as? [String]
        for host in hosts { #expect(host["compatible"] as? [String] == expected) }
    }

    @Test func anUnknownHostKeyIsRefused() throws {
        let dir = try Wizard.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("known_hosts").path
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        let r = try Wizard.run(["cpu-check", "--known-hosts", empty, "-i", cluster.clientKey, cluster.hosts[0].target],
                               environment: ["HOME": cluster.root, "SSH_AUTH_SOCK": ""])
        #expect(r.status == 2)
        #expect(r.stderr.contains("SHA256:"), "\(r.stderr)")
    }
}
