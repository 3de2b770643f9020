import Foundation
import LabHosts
import Testing
@testable import SSHKit

/// The fingerprint real ssh-keygen prints for a public key file.
func keygenFingerprint(_ pubPath: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
    process.arguments = ["-l", "-E", "sha256", "-f", pubPath]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return String(text.split(separator: " ")[1])
}

@Suite("Host keys against a real sshd", .serialized)
struct HostKeyTests {
    let cluster: LabCluster
    init() throws { cluster = try LabCluster.start(hosts: 1) }

    var host: LabHost { cluster.hosts[0] }
    func pubKey(_ type: String) -> String { host.hostKeyPaths.first { $0.contains("_\(type)_") }! + ".pub" }

    @Test func unknownKeyIsRefusedWithOpenSSHFingerprint() throws {
        try "".write(toFile: cluster.knownHostsPath, atomically: true, encoding: .utf8)
        #expect {
            try connect(cluster)
        } throws: { error in
            guard case let .hostKeyUnknown(key) = error as? SSHError else { return false }
            let expected = try! keygenFingerprint(key.keyType == "ssh-ed25519" ? pubKey("ed25519") : pubKey("ecdsa"))
            return key.fingerprint == expected && key.fingerprint.hasPrefix("SHA256:") && !key.fingerprint.hasSuffix("=")
                && "\(error)".contains(expected) && "\(error)".contains("--accept-new")
        }
    }

    @Test func acceptNewRecordsTheKeyAndStrictThenPasses() throws {
        try "".write(toFile: cluster.knownHostsPath, atomically: true, encoding: .utf8)
        let first = try connect(cluster, options: labOptions(cluster, policy: .acceptNew))
        first.close()
        let text = try String(contentsOfFile: cluster.knownHostsPath, encoding: .utf8)
        #expect(text.hasPrefix("[\(host.address)]:\(host.port) "))
        #expect(text.split(separator: "\n").count == 1)
        let second = try connect(cluster)   // strict now, with the recorded key
        #expect(second.hostKey?.fingerprint == first.hostKey?.fingerprint)
    }

    @Test func askCallbackSeesFingerprintAndCanDecline() throws {
        try "".write(toFile: cluster.knownHostsPath, atomically: true, encoding: .utf8)
        let asked = Counter()
        #expect {
            try connect(cluster, options: labOptions(cluster, policy: .ask { key in
                asked.add(key.fingerprint.hasPrefix("SHA256:") ? 1 : 100)
                return false
            }))
        } throws: { error in
            if case .hostKeyRejected = error as? SSHError { return true }
            return false
        }
        #expect(asked.value == 1)
        #expect(try String(contentsOfFile: cluster.knownHostsPath, encoding: .utf8).isEmpty)
        _ = try connect(cluster, options: labOptions(cluster, policy: .ask { _ in true }))
        _ = try connect(cluster)
    }

    @Test func changedKeyIsRefusedWithGuidance() throws {
        try host.regenerateHostKeys()
        #expect {
            try connect(cluster, options: labOptions(cluster, policy: .acceptNew))
        } throws: { error in
            guard case let .hostKeyChanged(change) = error as? SSHError else { return false }
            let text = "\(error)"
            return change.line != nil && text.contains("CHANGED") && text.contains("ssh-keygen -f")
                && text.contains("-R '[\(host.address)]:\(host.port)'")
        }
    }

    /// libssh2 prefers ECDSA; with only the ed25519 line known the preference must follow known_hosts.
    @Test(arguments: ["ssh-ed25519", "ecdsa-sha2-nistp256"])
    func hostKeyPreferenceFollowsKnownHosts(_ onlyType: String) throws {
        let all = try String(contentsOfFile: cluster.knownHostsPath, encoding: .utf8)
        let kept = all.split(separator: "\n").filter { $0.contains(" \(onlyType) ") }
        #expect(kept.count == 1)
        try (kept.joined(separator: "\n") + "\n").write(toFile: cluster.knownHostsPath, atomically: true, encoding: .utf8)
        let connection = try connect(cluster)
        #expect(connection.hostKey?.keyType == onlyType)
    }

    @Test func revokedKeyIsRefused() throws {
        let pub = try String(contentsOfFile: pubKey("ed25519"), encoding: .utf8).split(separator: " ")
        let onlyEd = "[\(host.address)]:\(host.port) \(pub[0]) \(pub[1])\n@revoked * \(pub[0]) \(pub[1])\n"
        try onlyEd.write(toFile: cluster.knownHostsPath, atomically: true, encoding: .utf8)
        #expect {
            try connect(cluster)
        } throws: { error in
            if case .hostKeyRevoked(_, 2) = error as? SSHError { return true }
            return false
        }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add(_ n: Int = 1) { lock.withLock { count += n } }
    var value: Int { lock.withLock { count } }
}
