import Foundation
import HostOps
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
        var one = UploadOptions(verify: false)
        one.streams = 1
        let single = try connection.upload(local, to: remote + ".1", options: one)
        #expect(!single.verified && single.sha256 == nil && single.streams == 1 && single.link == nil)
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

    /// Without connections from the caller, a large file is spread over connections the upload opens itself, as many
    /// as the measured link needs (on an idle loopback the minimum, 2; a busy machine measures a longer round trip
    /// and may need more, so the count is checked against the upload's own measurement, not a fixed number); a
    /// smaller one stays on the one connection.
    @Test func largeUploadOpensConnectionsSizedFromTheLink() throws {
        let local = cluster.root + "/sized.bin"
        try writeRandomFile(local, size: (64 << 20) + 4099, seed: 3)
        let connection = try connect(cluster)
        let result = try connection.upload(local, to: work + "/sized.bin")
        let link = try #require(result.link)
        #expect(result.verified && result.streams == UploadStreams.count(for: link) && result.streams >= UploadStreams.minimum)
        #expect(link.roundTrip > .zero && link.roundTrip < .seconds(5))
        #expect(try connection.remoteSHA256(work + "/sized.bin") == (try SSHConnection.localSHA256(local)))
        #expect(try connection.capture(RemoteCommand("ls", work)).stdout.split(separator: "\n").filter { $0.hasPrefix("sized") } == ["sized.bin"])

        let small = cluster.root + "/small.bin"
        try writeRandomFile(small, size: 1 << 20, seed: 4)
        let alone = try connection.upload(small, to: work + "/small.bin")
        #expect(alone.verified && alone.streams == 1 && alone.link == nil)
        var three = UploadOptions()
        three.streams = 3
        let asked = try connection.upload(local, to: work + "/sized3.bin", options: three)
        #expect(asked.verified && asked.streams == 3 && asked.sha256 == result.sha256)
    }

    /// What is left to send, not the file's size, decides on more connections: a large file resumed with a few MiB
    /// left goes over the one connection, without measuring the link or opening any (the host logs each login).
    @Test(arguments: UploadMethod.allCases)
    func resumedLargeUploadWithLittleLeftOpensNoConnections(method: UploadMethod) throws {
        let local = cluster.root + "/resume-large-\(method).bin"
        try writeRandomFile(local, size: (64 << 20) + 4099, seed: 3)
        let remote = work + "/resume-large-\(method).bin"
        let data = try Data(contentsOf: URL(fileURLWithPath: local))
        try data.prefix(60 << 20).write(to: URL(fileURLWithPath: SSHConnection.partialPath(for: remote)))
        let connection = try connect(cluster)
        let logins = { cluster.hosts[0].log.components(separatedBy: "Accepted publickey").count - 1 }
        let before = logins()
        var options = UploadOptions(resume: true)
        options.method = method
        let result = try connection.upload(local, to: remote, options: options)
        #expect(result.resumedFrom == 60 << 20)
        #expect(result.verified && result.streams == 1 && result.link == nil)
        #expect(logins() == before)
        #expect(try SSHConnection.localSHA256(remote) == (try SSHConnection.localSHA256(local)))
    }

    @Test func sftpMethodUploadOf64MiBIsVerified() throws {
        let local = cluster.root + "/big-sftp.bin"
        try writeRandomFile(local, size: 64 << 20, seed: 7)
        let remote = work + "/big-sftp.bin"
        let connection = try connect(cluster)
        let helper = try connect(cluster)
        var options = UploadOptions(mode: 0o600)
        options.method = .sftp
        let result = try connection.upload(local, to: remote, options: options, parallel: [helper])
        #expect(result.verified)
        #expect(result.sha256 == (try SSHConnection.localSHA256(local)))
        #expect(try connection.remoteSHA256(remote) == result.sha256)
        #expect(try connection.capture(RemoteCommand("stat", "-c", "%a", remote)).stdout == "600\n")
    }

    /// The stream method hashes what is on the host's disk: a byte changed there after it was written (by the
    /// test-only fault injection in the host's script) is caught, the bad copy removed, nothing put in place.
    @Test(arguments: [false, true])
    func corruptedCopyIsDetected(parallel: Bool) throws {
        let local = cluster.root + "/corrupt-\(parallel).bin"
        try writeRandomFile(local, size: 40 << 20, seed: 11)
        let remote = work + "/corrupt-\(parallel).bin"
        let data = try Data(contentsOf: URL(fileURLWithPath: local))
        // A byte in the second half (the helper's range when parallel) whose value is not the injected "X".
        let position = (30 << 20 ..< 40 << 20).first { data[$0] != UInt8(ascii: "X") }!
        let connection = try connect(cluster)
        let helpers = parallel ? [try connect(cluster)] : []
        var options = UploadOptions()
        options.corruptByteForTesting = Int64(position)
        #expect {
            try connection.upload(local, to: remote, options: options, parallel: helpers)
        } throws: { error in
            guard case let SSHError.integrityMismatch(_, path, localHash, remoteHash) = error else { return false }
            return path.hasPrefix(remote) && localHash != remoteHash
        }
        #expect(!FileManager.default.fileExists(atPath: remote))
        #expect(!FileManager.default.fileExists(atPath: SSHConnection.partialPath(for: remote)))
        // Without the fault the same upload goes through on the same connections.
        let result = try connection.upload(local, to: remote, parallel: helpers)
        #expect(result.verified)
        #expect(try SSHConnection.localSHA256(remote) == (try SSHConnection.localSHA256(local)))
    }

    /// Many small pieces per connection: the host hashes finished pieces while the next ones are sent, their
    /// channels are closed in between writes, and a corrupted piece in the middle is still named.
    @Test func manyPiecesPerConnection() throws {
        let local = cluster.root + "/pieces.bin"
        try writeRandomFile(local, size: (40 << 20) + 777, seed: 13)
        let remote = work + "/pieces.bin"
        let connection = try connect(cluster)
        let helper = try connect(cluster)
        var options = UploadOptions()
        options.pieceBytes = 3 << 20
        let result = try connection.upload(local, to: remote, options: options, parallel: [helper])
        #expect(result.verified)
        #expect(result.sha256 == (try SSHConnection.localSHA256(local)))
        #expect(try SSHConnection.localSHA256(remote) == result.sha256)

        let data = try Data(contentsOf: URL(fileURLWithPath: local))
        let position = (7 << 20 ..< 8 << 20).first { data[$0] != UInt8(ascii: "X") }!
        options.corruptByteForTesting = Int64(position)
        #expect {
            try connection.upload(local, to: remote + ".2", options: options, parallel: [helper])
        } throws: { error in
            // The piece holding the byte: 3 MiB pieces from 0, so bytes 6 MiB..<9 MiB.
            "\(error)".contains("(bytes \(6 << 20)..<\(9 << 20))")
        }
        #expect(connection.isUsable && helper.isUsable)
    }

    /// A longer leftover of an earlier attempt (not resumed) is overwritten and cut to the right size.
    @Test func staleLongerPartialIsReplaced() throws {
        let local = cluster.root + "/short.bin"
        try writeRandomFile(local, size: (20 << 20) + 123, seed: 5)
        let remote = work + "/short.bin"
        try Data(repeating: 0xAB, count: 33 << 20).write(to: URL(fileURLWithPath: SSHConnection.partialPath(for: remote)))
        let connection = try connect(cluster)
        let helper = try connect(cluster)
        let result = try connection.upload(local, to: remote, options: UploadOptions(verify: false), parallel: [helper])
        #expect(result.bytes == (20 << 20) + 123)
        #expect(try SSHConnection.localSHA256(remote) == (try SSHConnection.localSHA256(local)))
    }

    @Test(arguments: UploadMethod.allCases)
    func emptyFileIsUploaded(method: UploadMethod) throws {
        let local = cluster.root + "/empty-\(method)"
        _ = FileManager.default.createFile(atPath: local, contents: Data())
        var options = UploadOptions()
        options.method = method
        let result = try connect(cluster).upload(local, to: work + "/empty-\(method)", options: options)
        #expect(result.verified && result.bytes == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: work + "/empty-\(method)")).isEmpty)
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
        #expect(resumed.sha256 == (try SSHConnection.localSHA256(local)))
        #expect(resumed.verified)
        #expect(try connection.remoteSHA256(remote) == (try SSHConnection.localSHA256(local)))

        var corrupt = data.prefix(2 << 20)
        corrupt[100] ^= 0xFF
        try corrupt.write(to: URL(fileURLWithPath: part))
        let restarted = try connection.upload(local, to: remote, options: UploadOptions(resume: true))
        #expect(restarted.resumedFrom == 0)
        #expect(try connection.remoteSHA256(remote) == (try SSHConnection.localSHA256(local)))
    }

    /// Resuming a 40 MiB file from an odd-sized prefix, with a helper connection for the rest, by both methods;
    /// and a partial file that is already complete (interrupted just before the rename) only needs the check.
    @Test(arguments: UploadMethod.allCases)
    func resumesWithHelpersFromAnOddPrefix(method: UploadMethod) throws {
        let local = cluster.root + "/resume-\(method).bin"
        try writeRandomFile(local, size: 40 << 20, seed: 3)
        let remote = work + "/resume-\(method).bin"
        let part = SSHConnection.partialPath(for: remote)
        let data = try Data(contentsOf: URL(fileURLWithPath: local))
        try data.prefix((5 << 20) + 12345).write(to: URL(fileURLWithPath: part))
        let connection = try connect(cluster)
        let helper = try connect(cluster)
        var options = UploadOptions(resume: true)
        options.method = method
        let resumed = try connection.upload(local, to: remote, options: options, parallel: [helper])
        #expect(resumed.resumedFrom == (5 << 20) + 12345)
        #expect(resumed.verified)
        #expect(try SSHConnection.localSHA256(remote) == (try SSHConnection.localSHA256(local)))

        try data.write(to: URL(fileURLWithPath: part))
        let complete = try connection.upload(local, to: remote, options: options, parallel: [helper])
        #expect(complete.resumedFrom == 40 << 20)
        #expect(complete.verified && complete.sha256 == resumed.sha256)
        #expect(try SSHConnection.localSHA256(remote) == resumed.sha256)
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
