import Foundation
import LabHosts
import Testing

/// `plain` with a target host: a real sshd on loopback answers the probe; an unreachable host does not block.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct PlainOnlineTests {
    let cluster: LabCluster
    init() throws { cluster = try LabCluster.start(hosts: 1) }

    func hostname() throws -> String {
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

    @Test func factsAreProbedOnTheTargetHost() throws {
        let host = cluster.hosts[0]
        let dir = try Wizard.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = "\(host.address)\nroot\n\(host.port)\n\(cluster.clientKey)\n"
        // The version is named: this Debian lab host would otherwise be refused (no oVirt version runs there).
        let r = try Wizard.run(["plain", "--flow", "engine-setup-3.4", "--known-hosts", cluster.knownHostsPath], stdin: input, in: dir,
                               environment: ["HOME": cluster.root, "SSH_AUTH_SOCK": ""])
        #expect(r.lines.contains("[ INFO  ] Host facts probed on \(host.address) over SSH"), "\(r.stdout)")
        // the FQDN default is the host's own name, not the seed's gs1.lofyer.org
        #expect(r.stdout.contains("Host fully qualified DNS name of this server [\(try hostname())]: "))
        #expect(r.status == 1, "input ends at the first engine question")
        let saved = try String(contentsOf: dir.appendingPathComponent("engine-setup.conf"), encoding: .utf8)
        #expect(saved.contains("OVIRT_WIZARD/host=str:\(host.address)"))
        #expect(saved.contains("OVIRT_WIZARD/sshPort=int:\(host.port)"))
    }

    @Test func anUnknownHostKeyIsRefusedWithoutAskingOnAPipe() throws {
        let host = cluster.hosts[0]
        let dir = try Wizard.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("known_hosts").path
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        let input = "\(host.address)\nroot\n\(host.port)\n\(cluster.clientKey)\n"
        let r = try Wizard.run(["plain", "--flow", "engine-setup", "--known-hosts", empty], stdin: input, in: dir,
                               environment: ["HOME": cluster.root, "SSH_AUTH_SOCK": ""])
        #expect(r.stdout.contains("SHA256:"), "the unknown key's fingerprint is shown: \(r.stdout)")
        #expect(r.stdout.contains("[WARNING] Host checks were not run: "))
        #expect(r.stdout.contains("[WARNING] No value is taken from the seed's example"))
        // The target is an address: no FQDN can be derived from it, and none of the seed's lab is offered.
        #expect(r.stdout.contains("Host fully qualified DNS name of this server: "), "\(r.stdout)")
        #expect(!r.stdout.contains("lofyer"))
        #expect(try String(contentsOfFile: empty, encoding: .utf8).isEmpty, "nothing was recorded without consent")
        let accepted = try Wizard.run(["plain", "--flow", "engine-setup", "--known-hosts", empty, "--accept-new"], stdin: input, in: dir,
                                      environment: ["HOME": cluster.root, "SSH_AUTH_SOCK": ""])
        #expect(accepted.lines.contains("[ INFO  ] Host facts probed on \(host.address) over SSH"), "\(accepted.stdout)")
        #expect(try String(contentsOfFile: empty, encoding: .utf8).contains(host.address))
    }

    @Test func anUnreachableHostDoesNotBlockTheDialog() throws {
        let dir = try Wizard.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Wizard.run(["plain", "--flow", "hosted-engine", "--known-hosts", cluster.knownHostsPath],
                               stdin: "127.0.0.1\nroot\n1\n\(cluster.clientKey)\nyes\n", in: dir,
                               environment: ["HOME": cluster.root, "SSH_AUTH_SOCK": ""])
        #expect(r.stdout.contains("[WARNING] Host checks were not run: 127.0.0.1"), "\(r.stdout)")
        #expect(r.stdout.contains("[WARNING] No value is taken from the seed's example"))
        #expect(r.stdout.contains("Please specify the storage you would like to use (nfs3, nfs4)[nfs3]: "))
    }

    @Test func aHostNoOVirtVersionRunsOnStopsTheDialogWithTheReason() throws {
        let host = cluster.hosts[0]
        let dir = try Wizard.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = "\(host.address)\nroot\n\(host.port)\n\(cluster.clientKey)\n\n\n\n"
        let r = try Wizard.run(["plain", "--flow", "engine-setup", "--known-hosts", cluster.knownHostsPath], stdin: input, in: dir,
                               environment: ["HOME": cluster.root, "SSH_AUTH_SOCK": ""])
        let os = try String(contentsOfFile: "/etc/os-release", encoding: .utf8)
        let id = os.split(separator: "\n").first { $0.hasPrefix("ID=") }.map { $0.dropFirst(3).replacingOccurrences(of: "\"", with: "") } ?? ""
        #expect(r.stdout.contains("[ ERROR ] \(host.address) runs \(id) "), "\(r.stdout)")
        #expect(r.stdout.contains("no engine-setup flow the wizard knows runs there (oVirt 3.4 needs EL 6 (centos, redhat) or Fedora 19, 20; oVirt 4.5 needs EL 8, 9 (centos, redhat))"))
        #expect(!r.stdout.contains("PRODUCT OPTIONS"), "no question of either version is asked")
        #expect(r.status == 1)
        let saved = try String(contentsOf: dir.appendingPathComponent("engine-setup.conf"), encoding: .utf8)
        #expect(saved.contains("OVIRT_WIZARD/host=str:\(host.address)"), "the login typed so far is kept")
    }

    @Test func aFileContinuesInTheVersionItRecords() throws {
        let dir = try Wizard.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("engine-setup.conf").path
        try "[environment:default]\nOVIRT_WIZARD/flow=str:engine-setup\nOVIRT_WIZARD/flowVersion=str:4.5\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let r = try Wizard.run(["plain", "--flow", "engine-setup", "--offline", "--answers", file, "--output", file], stdin: "", in: dir)
        #expect(r.stdout.contains("ovirt-wizard: oVirt Engine on one host (engine-setup, oVirt 4.5)"), "\(r.stdout)")
        #expect(r.stdout.contains("continue with: ovirt-wizard plain --flow engine-setup-4.5 --answers \(file)"), "\(r.stdout)")
    }
}
