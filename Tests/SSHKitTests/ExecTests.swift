import Foundation
import HostOps
import LabHosts
import Testing
@testable import SSHKit

/// PIDs of local processes whose command line contains `needle` (the lab hosts run on this machine).
func processes(containing needle: String) -> [Int32] {
    ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
        guard let pid = Int32(entry),
              let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
        let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
        return line.contains(needle) ? pid : nil
    }
}

/// Polls `condition` for up to `seconds`.
func eventually(_ seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if condition() { return true }
        usleep(50_000)
    }
    return condition()
}

@Suite("Exec against a real sshd", .serialized, .timeLimit(.minutes(5)))
struct ExecTests {
    let cluster: LabCluster

    init() throws { cluster = try LabCluster.start(hosts: 1) }

    @Test func streamsStdoutAndStderrSeparately() throws {
        let connection = try connect(cluster)
        var lines: [(ExecStream, String)] = []
        let result = try connection.run(.script("echo out1; echo err1 >&2; printf 'no newline'")) { lines.append(($0, $1)) }
        #expect(result == ExecResult(exitStatus: 0, exitSignal: nil))
        #expect(lines.filter { $0.0 == .stdout }.map(\.1) == ["out1", "no newline"])
        #expect(lines.filter { $0.0 == .stderr }.map(\.1) == ["err1"])
    }

    @Test func linesArriveWhileTheCommandRuns() throws {
        let connection = try connect(cluster)
        var arrivals: [Date] = []
        let start = Date()
        try connection.run(.script("echo a; sleep 1; echo b")) { _, _ in arrivals.append(Date()) }
        #expect(arrivals.count == 2)
        // The first line must be seen before the command finished, not batched at the end.
        #expect(arrivals[0].timeIntervalSince(start) < arrivals[1].timeIntervalSince(start) - 0.5)
    }

    @Test(arguments: [0, 1, 7, 255])
    func exitStatus(_ code: Int32) throws {
        let result = try connect(cluster).capture(.script("exit \"$1\"", arguments: [String(code)]))
        #expect(result.result == ExecResult(exitStatus: code, exitSignal: nil))
    }

    @Test func exitSignal() throws {
        let result = try connect(cluster).capture(.script("kill -TERM $$"))
        #expect(result.result.exitSignal == "TERM")
        #expect(result.result.shellStatus == 143)
        #expect(!result.result.succeeded)
    }

    @Test func argumentsAreQuotedNotInterpreted() throws {
        let marker = cluster.hosts[0].workDirectory + "/must-not-exist"
        let value = "x; touch \(marker); $(touch \(marker))"
        let out = try connect(cluster).capture(RemoteCommand("printf", "%s", value))
        #expect(out.stdout == value)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func hundredMegabytesOnBothStreams() throws {
        let connection = try connect(cluster)
        var counts: [ExecStream: Int] = [.stdout: 0, .stderr: 0]
        let result = try connection.execute(.script("head -c 104857600 /dev/zero; head -c 10485760 /dev/zero >&2")) { stream, bytes in
            counts[stream, default: 0] += bytes.count
        }
        #expect(result.succeeded)
        #expect(counts[.stdout] == 104_857_600)
        #expect(counts[.stderr] == 10_485_760)
    }

    @Test func interleavedStreamsNeverStall() throws {
        // Lots of stderr while stdout is also written: stalls if either stream is not drained.
        let result = try connect(cluster).capture(.script("i=0; while [ $i -lt 20000 ]; do echo out$i; echo err$i >&2; i=$((i+1)); done"))
        #expect(result.result.succeeded)
        #expect(result.stdout.split(separator: "\n").count == 20000)
        #expect(result.stderr.split(separator: "\n").last == "err19999")
    }

    @Test func stdinIsDelivered() throws {
        let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var options = ExecOptions()
        options.stdin = payload
        var echoed: [UInt8] = []
        let result = try connect(cluster).execute(RemoteCommand("cat"), options: options) { stream, bytes in
            if stream == .stdout { echoed += bytes }
        }
        #expect(result.succeeded)
        #expect(echoed == payload)
    }

    @Test func answersARemotePromptThroughControl() throws {
        let control = ExecControl()
        let options = ExecOptions(keepStdinOpen: true, control: control)
        var lines: [String] = []
        let result = try connect(cluster).run(.script("echo 'Name?'; read name; echo \"hello $name\""), options: options) { _, line in
            lines.append(line)
            if line == "Name?" {
                control.send("ovirt\n")
                control.closeInput()
            }
        }
        #expect(result.succeeded)
        #expect(lines == ["Name?", "hello ovirt"])
    }

    @Test func ptyIsAllocatedOnRequest() throws {
        let connection = try connect(cluster)
        let withPTY = try connection.capture(RemoteCommand("tty"), options: ExecOptions(pty: PTYRequest()))
        #expect(withPTY.stdout.hasPrefix("/dev/pts/"))
        let without = try connection.capture(RemoteCommand("tty"))
        #expect(without.stdout.hasPrefix("not a tty"))
    }

    @Test func timeoutEndsTheRemoteProcessGroup() throws {
        let connection = try connect(cluster)
        let tag = "987.\(Int.random(in: 100...999))"
        #expect {
            try connection.capture(.script("sleep \"$1\" & sleep \"$1\"", arguments: [tag]), options: ExecOptions(timeout: 1))
        } throws: { error in
            if case .timedOut(_, "command", 1) = error as? SSHError { return true }
            return false
        }
        #expect(eventually { processes(containing: "sleep \(tag)").isEmpty })
        // The connection stays usable after a timeout.
        #expect(try connection.capture(RemoteCommand("echo", "still here")).stdout == "still here\n")
    }

    @Test func cancellationFromAnotherThreadEndsTheRemoteProcess() throws {
        let connection = try connect(cluster)
        let control = ExecControl()
        let tag = "876.\(Int.random(in: 100...999))"
        var sawStart = false
        #expect {
            try connection.run(.script("echo started; exec sleep \"$1\"", arguments: [tag]), options: ExecOptions(control: control)) { _, line in
                if line == "started" {
                    sawStart = true
                    DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { control.cancel() }
                }
            }
        } throws: { error in
            if case .cancelled = error as? SSHError { return true }
            return false
        }
        #expect(sawStart)
        #expect(eventually { processes(containing: "sleep \(tag)").isEmpty })
    }

    @Test func sshdKilledInTheMiddleOfACommand() throws {
        let connection = try connect(cluster)
        let host = cluster.hosts[0]
        #expect {
            try connection.run(.script("echo started; sleep 30")) { _, line in
                if line == "started" { DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { host.kill9() } }
            }
        } throws: { error in
            if case .connectionLost = error as? SSHError { return true }
            return false
        }
        #expect(!connection.isUsable)
        #expect(throws: SSHError.self) { try connection.capture(RemoteCommand("true")) }
    }

    @Test func frozenHostEndsInATimeoutAndAnUnusableConnection() throws {
        let connection = try connect(cluster)
        let host = cluster.hosts[0]
        defer { host.resume() }
        #expect {
            try connection.run(.script("echo started; sleep 30"), options: ExecOptions(timeout: 2)) { _, line in
                if line == "started" { host.pause() }
            }
        } throws: { error in
            if case .timedOut(_, "command", 2) = error as? SSHError { return true }
            return false
        }
        #expect(!connection.isUsable)
    }

    @Test func fixtureCommandsInTheHostBinDirectoryAreFound() throws {
        let host = cluster.hosts[0]
        let tool = host.binDirectory + "/fake-engine-setup"
        try "#!/bin/sh\necho \"fake engine-setup on host\" \"$@\"\n".write(toFile: tool, atomically: true, encoding: .utf8)
        chmod(tool, 0o755)
        let out = try connect(cluster).capture(RemoteCommand("fake-engine-setup", "--offline"))
        #expect(out.stdout == "fake engine-setup on host --offline\n")
    }

    @Test func keepalivesAreSentFromTheIOLoop() throws {
        var options = labOptions(cluster)
        options.keepaliveInterval = 2
        let connection = try connect(cluster, options: options)
        let before = cluster.hosts[0].log.components(separatedBy: "keepalive@libssh2.org").count
        #expect(try connection.capture(RemoteCommand("sleep", "5")).result.succeeded)
        let after = cluster.hosts[0].log.components(separatedBy: "keepalive@libssh2.org").count
        #expect(after - before >= 2)
    }

    @Test func manyCommandsOverOneConnection() throws {
        let connection = try connect(cluster)
        for i in 0..<60 {
            let out = try connection.capture(RemoteCommand("echo", String(i)))
            #expect(out.stdout == "\(i)\n")
        }
        let accepted = cluster.hosts[0].log.components(separatedBy: "Accepted publickey").count - 1
        #expect(accepted == 1)
    }
}

@Suite("Reconnecting after a host restart", .timeLimit(.minutes(5)))
struct ReconnectTests {
    /// What the runner relies on to replace a dead connection (`HostRun.connect`): the old one says it is not
    /// usable, connecting fails while the host is down and works again once it is back.
    @Test func aDeadConnectionIsReplacedAfterTheHostComesBack() throws {
        let cluster = try LabCluster.start(hosts: 1)
        let options = labOptions(cluster)
        let target = try SSHTarget(parsing: cluster.hosts[0].target)
        let first = try SSHConnection.connect(target, options: options)
        defer { first.close() }
        #expect(try first.capture(RemoteCommand("true")).result.succeeded)
        cluster.hosts[0].kill9()
        #expect(throws: SSHError.self) { try first.capture(RemoteCommand("true")) }
        #expect(!first.isUsable)
        #expect(throws: SSHError.self) { try SSHConnection.connect(target, options: options) }   // host still down
        try cluster.hosts[0].start()
        let second = try SSHConnection.connect(target, options: options)
        defer { second.close() }
        #expect(second !== first)
        #expect(try second.capture(RemoteCommand("echo", "back")).stdout == "back\n")
    }
}
