import Foundation
import LabHosts
import Testing
@testable import SSHKit

/// Writes `size` pseudo-random bytes (a fixed seed, so failures can be reproduced) to `path`.
func writeRandomFile(_ path: String, size: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) throws {
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    var state = seed
    var left = size
    while left > 0 {
        let count = min(left, 1 << 20)
        var chunk = [UInt8](repeating: 0, count: count)
        for i in stride(from: 0, to: count, by: 8) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            withUnsafeBytes(of: state) { bytes in
                for j in 0..<min(8, count - i) { chunk[i + j] = bytes[j] }
            }
        }
        handle.write(Data(chunk))
        left -= count
    }
}

@Suite("SFTP against a real sshd", .serialized, .timeLimit(.minutes(3)))
struct SFTPTests {
    let cluster: LabCluster
    init() throws { cluster = try LabCluster.start(hosts: 1) }
    var work: String { cluster.hosts[0].workDirectory }

    @Test func uploadOf64MiBIsVerifiedAndPlacedWithMode() throws {
        let local = cluster.root + "/big.bin"
        try writeRandomFile(local, size: 64 << 20)
        let remote = work + "/dir with space/big.bin"
        let connection = try connect(cluster)
        _ = try connection.capture(RemoteCommand("mkdir", "-p", work + "/dir with space"))
        var reports: [TransferProgress] = []
        let helper = try connect(cluster)   // a second connection sends part of the file in parallel
        let result = try connection.upload(local, to: remote, options: UploadOptions(mode: 0o640), parallel: [helper]) {
            reports.append($0)
        }
        #expect(result.verified)
        #expect(result.bytes == 64 << 20)
        #expect(result.sha256 == (try SSHConnection.localSHA256(local)))
        #expect(try connection.remoteSHA256(remote) == result.sha256)
        #expect(helper.isUsable)
        // Single stream, no verification: the bytes must still be right.
        let single = try connection.upload(local, to: remote + ".1", options: UploadOptions(verify: false))
        #expect(!single.verified && single.sha256 == nil)
        #expect(try connection.remoteSHA256(remote + ".1") == result.sha256)
        #expect(reports.first?.bytesDone == 0)
        #expect(reports.last == TransferProgress(bytesDone: 64 << 20, totalBytes: 64 << 20))
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.bytesDone <= $1.bytesDone })
        #expect(try connection.capture(RemoteCommand("stat", "-c", "%a", remote)).stdout == "640\n")
        #expect(try connection.capture(RemoteCommand("ls", "-a", work + "/dir with space")).stdout
            .split(separator: "\n").sorted() == [".", "..", "big.bin", "big.bin.1"])

        let back = cluster.root + "/back.bin"
        let downloaded = try connection.download(remote, to: back)
        #expect(downloaded.verified)
        #expect(try SSHConnection.localSHA256(back) == result.sha256)
    }

    @Test func resumesAVerifiedPrefixAndRestartsABadOne() throws {
        let local = cluster.root + "/iso.bin"
        try writeRandomFile(local, size: 8 << 20)
        let remote = work + "/iso.bin"
        let part = SSHConnection.partialPath(for: remote)
        let data = try Data(contentsOf: URL(fileURLWithPath: local))
        // An interrupted upload left the first 3 MiB (the lab host shares this machine's file system).
        try data.prefix(3 << 20).write(to: URL(fileURLWithPath: part))
        let connection = try connect(cluster)
        let resumed = try connection.upload(local, to: remote, options: UploadOptions(resume: true))
        #expect(resumed.resumedFrom == 3 << 20)
        #expect(resumed.verified)
        #expect(try connection.remoteSHA256(remote) == (try SSHConnection.localSHA256(local)))

        var corrupt = data.prefix(2 << 20)
        corrupt[100] ^= 0xFF
        try corrupt.write(to: URL(fileURLWithPath: part))
        let restarted = try connection.upload(local, to: remote, options: UploadOptions(resume: true))
        #expect(restarted.resumedFrom == 0)
        #expect(try connection.remoteSHA256(remote) == (try SSHConnection.localSHA256(local)))
    }

    @Test func ownerIsApplied() throws {
        let local = cluster.root + "/owned.txt"
        try "owned\n".write(toFile: local, atomically: true, encoding: .utf8)
        let connection = try connect(cluster)
        try connection.upload(local, to: work + "/owned.txt", options: UploadOptions(owner: "nobody:nogroup"))
        #expect(try connection.capture(RemoteCommand("stat", "-c", "%U:%G", work + "/owned.txt")).stdout == "nobody:nogroup\n")
        #expect {
            try connection.upload(local, to: work + "/owned2.txt", options: UploadOptions(owner: "no-such-user-xyz"))
        } throws: { error in
            "\(error)".contains("chown no-such-user-xyz failed")
        }
    }

    @Test func errorsNameTheFile() throws {
        let connection = try connect(cluster)
        let local = cluster.root + "/small.txt"
        try "x".write(toFile: local, atomically: true, encoding: .utf8)
        #expect {
            try connection.upload(local, to: work + "/missing-dir/x.txt")
        } throws: { error in
            "\(error)".contains("missing-dir/x.txt.ovirt-wizard-part") && "\(error)".contains("no such file")
        }
        #expect {
            try connection.upload(cluster.root + "/nope.bin", to: work + "/x")
        } throws: { error in
            "\(error)".hasPrefix(cluster.root + "/nope.bin: cannot open")
        }
        #expect {
            try connection.download(work + "/absent", to: cluster.root + "/absent")
        } throws: { error in
            "\(error)".contains("absent: no such file")
        }
        // The connection is still fine afterwards.
        #expect(try connection.capture(RemoteCommand("true")).result.succeeded)
    }
}
