import Foundation
import HostOps
import LabHosts
import Testing
@testable import SSHKit

@Suite("Runner framing")
struct RunnerFrameTests {
    let token = [RemoteRunner.tokenLead] + Array("0123456789abcdef0123456789abcdef".utf8)

    /// Feeds `chunks` and returns the output bytes and the records, in order.
    func parse(_ chunks: [[UInt8]]) throws -> (output: [UInt8], records: [RunnerRecord], events: [RunnerFrameParser.Event]) {
        var parser = RunnerFrameParser(token: token)
        var events: [RunnerFrameParser.Event] = []
        for chunk in chunks { try parser.feed(chunk) { events.append($0) } }
        try parser.finish { events.append($0) }
        var output: [UInt8] = []
        var records: [RunnerRecord] = []
        for event in events {
            switch event {
            case .output(let bytes): output += bytes
            case .record(let record): records.append(record)
            }
        }
        return (output, records, events)
    }

    @Test func tokenSplitAcrossReadsAtEveryPosition() throws {
        let stream = Array("line one\nno newline".utf8) + token + Array("E 7 0\n".utf8)
        for cut in 1..<stream.count {
            let (output, records, _) = try parse([Array(stream[..<cut]), Array(stream[cut...])])
            #expect(output == Array("line one\nno newline".utf8), "cut at \(cut)")
            #expect(records == [RunnerRecord(kind: .ended, id: 7, value: 0)], "cut at \(cut)")
        }
        // One byte per read.
        let (output, records, _) = try parse(stream.map { [$0] })
        #expect(output == Array("line one\nno newline".utf8))
        #expect(records.count == 1)
    }

    @Test func outputBeforeARecordIsPassedOnBeforeTheRecord() throws {
        let (_, _, events) = try parse([Array("abc".utf8) + token + Array("P 3 4242\n".utf8) + Array("def".utf8)])
        #expect(events == [.output(Array("abc".utf8)), .record(RunnerRecord(kind: .started, id: 3, value: 4242)), .output(Array("def".utf8))])
    }

    @Test func binaryOutputPassesUnchanged() throws {
        // NULs, high bytes, a newline-free tail and the first half of the token at the very end of the output.
        var binary: [UInt8] = (0...255).map { UInt8($0) } + [0, 0, 0xFF] + token.prefix(16)
        binary += [0x00]
        let (output, records, _) = try parse([binary + token + Array("E 1 3\n".utf8)])
        #expect(output == binary)
        #expect(records == [RunnerRecord(kind: .ended, id: 1, value: 3)])
    }

    @Test func aTokenLikeStringIsOutput() throws {
        var lookalike = token
        lookalike[32] = UInt8(ascii: "0")
        let text = lookalike + Array("E 1 0\n".utf8)
        let (output, records, _) = try parse([text, Array(token.prefix(32))])
        #expect(output == text + token.prefix(32))
        #expect(records.isEmpty)
    }

    /// Output full of the token's first byte (binary, or a tool that prints record separators), with near-tokens
    /// that differ in each position: all of it is output, and the real record behind it is still found.
    @Test func outputDenseWithTheTokensFirstByte() throws {
        var output: [UInt8] = Array(repeating: RemoteRunner.tokenLead, count: 300)
        for position in 1..<token.count {
            var near = token
            near[position] ^= 0x20
            output += near + [RemoteRunner.tokenLead, 0x0A]
        }
        output += token.prefix(token.count - 1) + [RemoteRunner.tokenLead]
        let stream = output + token + Array("E 2 0\n".utf8)
        for cut in [1, 299, 301, output.count - 5, output.count + 3] {
            let (seen, records, _) = try parse([Array(stream[..<cut]), Array(stream[cut...])])
            #expect(seen == output, "cut at \(cut)")
            #expect(records == [RunnerRecord(kind: .ended, id: 2, value: 0)], "cut at \(cut)")
        }
    }

    /// The runner writes `P <id> ` and the command's shell ends the line with its PID: cut anywhere, one record.
    @Test func thePIDEndsTheRecordTheRunnerBegan() throws {
        let stream = token + Array("P 12 ".utf8) + Array("40321\n".utf8) + Array("out".utf8)
        for cut in 1..<stream.count {
            let (output, records, _) = try parse([Array(stream[..<cut]), Array(stream[cut...])])
            #expect(records == [RunnerRecord(kind: .started, id: 12, value: 40321)], "cut at \(cut)")
            #expect(output == Array("out".utf8), "cut at \(cut)")
        }
    }

    /// A shell that could not start leaves `P <id> ` without a PID, its exec's complaint after it: the record has PID
    /// 0 and the complaint is output, at any cut.
    @Test func aShellThatNeverStartedLeavesTheRecordWithoutAPID() throws {
        let complaint = Array("sh: 1: setsid: Argument list too long\n".utf8)
        let stream = token + Array("P 5 ".utf8) + complaint + token + Array("E 5 126\n".utf8)
        for cut in 1..<stream.count {
            let (output, records, _) = try parse([Array(stream[..<cut]), Array(stream[cut...])])
            #expect(records == [RunnerRecord(kind: .started, id: 5, value: 0), RunnerRecord(kind: .ended, id: 5, value: 126)], "cut at \(cut)")
            #expect(output == complaint, "cut at \(cut)")
        }
    }

    @Test func aMalformedRecordIsAnError() throws {
        #expect(throws: RunnerFrameError.self) { try parse([token + Array("Q 1 0\n".utf8)]) }
        #expect(throws: RunnerFrameError.self) { try parse([token + Array("E one 0\n".utf8)]) }
        #expect(throws: RunnerFrameError.self) { try parse([token + [UInt8](repeating: 0x41, count: 200)]) }
        #expect(throws: RunnerFrameError.self) { try parse([token + Array("E 1".utf8)]) }   // stream ends inside it
    }

    @Test func signalStatusesAreShownAsSignals() {
        #expect(RemoteRunner.result(status: 0) == ExecResult(exitStatus: 0, exitSignal: nil))
        #expect(RemoteRunner.result(status: 128) == ExecResult(exitStatus: 128, exitSignal: nil))
        #expect(RemoteRunner.result(status: 143).exitSignal == "TERM")
        #expect(RemoteRunner.result(status: 143).shellStatus == 143)
        #expect(RemoteRunner.result(status: 255).exitSignal == nil)
    }
}

@Suite("Runner against a real sshd", .serialized, .timeLimit(.minutes(3)))
struct RunnerTests {
    let cluster: LabCluster
    init() throws { cluster = try LabCluster.start(hosts: 1) }

    var host: LabHost { cluster.hosts[0] }
    /// exec requests sshd has logged so far (each exec channel is one).
    var execRequests: Int { host.log.components(separatedBy: "request exec").count - 1 }

    func runnerConnection(_ options: ConnectOptions? = nil) throws -> SSHConnection {
        let connection = try connect(cluster, options: options)
        connection.usesRunner = true
        return connection
    }

    @Test func manyCommandsOverOneRunner() throws {
        let connection = try runnerConnection()
        let before = execRequests
        for i in 0..<40 {
            #expect(try connection.capture(RemoteCommand("echo", String(i))).stdout == "\(i)\n")
        }
        #expect(connection.runnerStarts == 1)
        #expect(eventually { execRequests - before == 1 })
        #expect(connection.runnerProblem == nil)
    }

    @Test(arguments: [0, 1, 7, 126, 255])
    func exitStatus(_ code: Int32) throws {
        let result = try runnerConnection().capture(.script("exit \"$1\"", arguments: [String(code)]))
        #expect(result.result == ExecResult(exitStatus: code, exitSignal: nil))
    }

    /// A command text longer than one argument may be (128 KiB on Linux): the command's shell cannot be started. The
    /// step fails with the exec's own message, and the runner goes on.
    @Test func aCommandWhoseShellCannotStartFailsAndTheRunnerGoesOn() throws {
        let connection = try runnerConnection()
        let result = try connection.capture(.script(": \"$1\"", arguments: [String(repeating: "x", count: 200_000)]))
        #expect(!result.result.succeeded)
        #expect(result.stderr.contains("too long"), Comment(rawValue: result.stderr))
        #expect(try connection.capture(RemoteCommand("echo", "still here")).stdout == "still here\n")
        #expect(connection.runnerStarts == 1)
    }

    @Test func aCommandKilledByASignal() throws {
        let result = try runnerConnection().capture(.script("kill -TERM $$"))
        #expect(result.result.exitSignal == "TERM")
        #expect(result.result.shellStatus == 143)
        #expect(!result.result.succeeded)
    }

    /// Over an exec channel of its own a command gets SIGINT's default action; through the runner too (the lab
    /// host's coreutils restores it).
    @Test func sigintKeepsItsDefaultAction() throws {
        let connection = try runnerConnection()
        let result = try connection.capture(.script("kill -INT $$; echo survived"))
        #expect(result.stdout == "")
        #expect(result.result.exitSignal == "INT")
        let withStdin = try connection.capture(.script("kill -INT $$; echo survived"), options: ExecOptions(stdin: Array("x".utf8)))
        #expect(withStdin.result.exitSignal == "INT")
    }

    @Test func stdoutAndStderrStaySeparate() throws {
        let connection = try runnerConnection()
        var lines: [(ExecStream, String)] = []
        let result = try connection.run(.script("echo out1; echo err1 >&2; printf 'no newline'; printf 'err tail' >&2")) { lines.append(($0, $1)) }
        #expect(result.succeeded)
        #expect(lines.filter { $0.0 == .stdout }.map(\.1) == ["out1", "no newline"])
        #expect(lines.filter { $0.0 == .stderr }.map(\.1) == ["err1", "err tail"])
        // The next command's output does not pick up the tails.
        #expect(try connection.capture(RemoteCommand("echo", "next")).stdout == "next\n")
    }

    @Test func stdinIsBoundedPerCommand() throws {
        let connection = try runnerConnection()
        // Reads nothing of its stdin.
        #expect(try connection.capture(RemoteCommand("true"), options: ExecOptions(stdin: Array("unread input\n".utf8))).result.succeeded)
        // Reads part of it.
        #expect(try connection.capture(RemoteCommand("head", "-c", "2"), options: ExecOptions(stdin: Array("hello".utf8))).stdout == "he")
        // Reads all of it, without a trailing newline.
        #expect(try connection.capture(RemoteCommand("cat"), options: ExecOptions(stdin: Array("xyz".utf8))).stdout == "xyz")
        // Without stdin a reader sees EOF at once instead of the request stream.
        #expect(try connection.capture(RemoteCommand("cat")).stdout == "")
        // Binary stdin of 3 MB passes whole.
        let big = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let out = try connection.capture(.script("wc -c; true"), options: ExecOptions(stdin: big))
        #expect(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "3000000")
        #expect(try connection.capture(RemoteCommand("echo", "still in frame")).stdout == "still in frame\n")
        #expect(connection.runnerStarts == 1)
    }

    @Test func directoryAndExportsDoNotLeak() throws {
        let connection = try runnerConnection()
        let home = try connection.capture(RemoteCommand("pwd")).stdout
        #expect(try connection.capture(.script("cd /tmp && export RUNNER_LEAK=yes && RUNNER_VAR=x && pwd")).stdout == "/tmp\n")
        #expect(try connection.capture(.script("pwd; echo \"${RUNNER_LEAK-unset} ${RUNNER_VAR-unset}\"")).stdout == home + "unset unset\n")
        // Each command runs in a session and process group of its own, not the runner's.
        let runnerPID = try #require(connection.runner?.pid)
        let ids = try connection.capture(.script("ps -o sid= -o pgid= -p $$")).stdout.split(whereSeparator: \.isWhitespace)
        #expect(ids.count == 2 && ids[0] == ids[1] && ids[0] != "\(runnerPID)", "\(ids)")
        let runnerSession = try String(contentsOfFile: "/proc/\(runnerPID)/stat", encoding: .utf8).split(separator: " ")[5]
        #expect(ids.first.map(String.init) != String(runnerSession))
    }

    @Test func fiveMegabytesStreamInPieces() throws {
        let connection = try runnerConnection()
        var bytes = 0
        var calls = 0
        var lines = 0
        let result = try connection.execute(.script("head -c 5000000 /dev/urandom; printf x >&2")) { stream, data in
            if stream == .stdout {
                bytes += data.count
                calls += 1
            }
        }
        #expect(result.succeeded)
        #expect(bytes == 5_000_000)
        #expect(calls > 1)
        // Line by line as well.
        _ = try connection.run(.script("yes 0123456789 | head -n 200000")) { stream, line in if stream == .stdout && line == "0123456789" { lines += 1 } }
        #expect(lines == 200_000)
    }

    @Test func timeoutEndsTheRemoteCommandAndTheRunnerGoesOn() throws {
        let connection = try runnerConnection()
        let tag = "765.\(Int.random(in: 100...999))"
        #expect {
            try connection.capture(.script("sleep \"$1\" & sleep \"$1\"", arguments: [tag]), options: ExecOptions(timeout: 1))
        } throws: { error in
            if case .timedOut(_, "command", 1) = error as? SSHError { return true }
            return false
        }
        #expect(eventually { processes(containing: "sleep \(tag)").isEmpty })
        #expect(try connection.capture(RemoteCommand("echo", "still here")).stdout == "still here\n")
        #expect(connection.runnerStarts == 1)
    }

    @Test func timeoutWithUnreadStdinKeepsTheFrame() throws {
        let connection = try runnerConnection()
        #expect(throws: SSHError.self) {
            try connection.capture(.script("sleep 30"), options: ExecOptions(timeout: 1, stdin: Array(repeating: 0x61, count: 500_000)))
        }
        #expect(try connection.capture(RemoteCommand("cat"), options: ExecOptions(stdin: Array("ok".utf8))).stdout == "ok")
        #expect(connection.runnerStarts == 1)
    }

    @Test func cancellationEndsTheRemoteCommand() throws {
        let connection = try runnerConnection()
        let control = ExecControl()
        let tag = "654.\(Int.random(in: 100...999))"
        #expect {
            try connection.run(.script("echo started; exec sleep \"$1\"", arguments: [tag]), options: ExecOptions(control: control)) { _, line in
                if line == "started" { DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { control.cancel() } }
            }
        } throws: { error in
            if case .cancelled = error as? SSHError { return true }
            return false
        }
        #expect(eventually { processes(containing: "sleep \(tag)").isEmpty })
        #expect(try connection.capture(RemoteCommand("true")).result.succeeded)
    }

    @Test func runnerKilledDuringACommandIsReportedAndReplaced() throws {
        let connection = try runnerConnection()
        #expect(try connection.capture(RemoteCommand("true")).result.succeeded)
        let runnerPID = try #require(connection.runner?.pid)
        let tag = "543.\(Int.random(in: 100...999))"
        #expect {
            try connection.run(.script("echo started; sleep \"$1\"", arguments: [tag])) { _, line in
                if line == "started" { kill(runnerPID, SIGKILL) }
            }
        } throws: { error in
            guard case .channelFailed(_, let detail) = error as? SSHError else { return false }
            return detail.contains("runner") && detail.contains("not run again")
        }
        // The command it ran does not go on unseen.
        #expect(eventually { processes(containing: "sleep \(tag)").isEmpty })
        #expect(connection.isUsable)
        #expect(try connection.capture(RemoteCommand("echo", "fresh")).stdout == "fresh\n")
        #expect(connection.runnerStarts == 2)
    }

    @Test func runnerKilledWhileIdleIsReplacedBeforeTheNextCommand() throws {
        let connection = try runnerConnection()
        #expect(try connection.capture(RemoteCommand("true")).result.succeeded)
        let runnerPID = try #require(connection.runner?.pid)
        kill(runnerPID, SIGKILL)
        #expect(eventually { kill(runnerPID, 0) != 0 })
        usleep(200_000)
        // Nothing was sent to the dead runner: the command runs once, on a new one.
        #expect(try connection.capture(RemoteCommand("echo", "once")).stdout == "once\n")
        #expect(connection.runnerStarts == 2)
    }

    @Test func aForgedRecordIsCaughtAsDesync() throws {
        let connection = try runnerConnection()
        #expect(try connection.capture(RemoteCommand("true")).result.succeeded)
        let token = String(decoding: try #require(connection.runner?.token), as: UTF8.self)
        #expect {
            try connection.capture(.script("printf '%sE 999 0\\n' \"$1\"", arguments: [token]))
        } throws: { error in
            guard case .channelFailed(_, let detail) = error as? SSHError else { return false }
            return detail.contains("out of order")
        }
        #expect(try connection.capture(RemoteCommand("echo", "again")).stdout == "again\n")
        #expect(connection.runnerStarts == 2)
    }

    @Test func keepalivesFlowWhileARunnerCommandRuns() throws {
        var options = labOptions(cluster)
        options.keepaliveInterval = 2
        let connection = try runnerConnection(options)
        #expect(try connection.capture(RemoteCommand("true")).result.succeeded)
        let before = host.log.components(separatedBy: "keepalive@libssh2.org").count
        #expect(try connection.capture(RemoteCommand("sleep", "5")).result.succeeded)
        let after = host.log.components(separatedBy: "keepalive@libssh2.org").count
        #expect(after - before >= 2)
    }

    @Test func frozenHostDuringARunnerCommand() throws {
        var options = labOptions(cluster)
        options.keepaliveInterval = 1
        options.keepaliveCountMax = 2
        let connection = try runnerConnection(options)
        defer { host.resume() }
        #expect {
            try connection.run(.script("echo started; sleep 30")) { _, line in if line == "started" { host.pause() } }
        } throws: { error in
            if case .connectionLost = error as? SSHError { return true }
            return false
        }
        #expect(!connection.isUsable)
    }

    @Test func uploadThroughTheRunnerIsVerified() throws {
        let connection = try runnerConnection()
        let work = host.workDirectory
        let local = cluster.root + "/runner-upload.bin"
        try writeRandomFile(local, size: (3 << 20) + 17, seed: 21)
        #expect(try connection.capture(RemoteCommand("true")).result.succeeded)
        let before = execRequests
        var last: TransferProgress?
        let result = try connection.upload(local, to: work + "/runner-upload.bin", options: UploadOptions(mode: 0o640)) { last = $0 }
        #expect(result.verified)
        #expect(result.sha256 == (try SSHConnection.localSHA256(local)))
        #expect(try SSHConnection.localSHA256(work + "/runner-upload.bin") == result.sha256)
        #expect(last == TransferProgress(bytesDone: (3 << 20) + 17, totalBytes: (3 << 20) + 17))
        let mode = try FileManager.default.attributesOfItem(atPath: work + "/runner-upload.bin")[.posixPermissions] as? Int
        #expect(mode == 0o640)
        #expect(!FileManager.default.fileExists(atPath: SSHConnection.partialPath(for: work + "/runner-upload.bin")))
        // Every command of the upload (size check, write and hash, move into place) went through the runner.
        #expect(execRequests == before)

        let data = try Data(contentsOf: URL(fileURLWithPath: local))
        let position = (1 << 20 ..< 2 << 20).first { data[$0] != UInt8(ascii: "X") }!
        var options = UploadOptions()
        options.corruptByteForTesting = Int64(position)
        #expect {
            try connection.upload(local, to: work + "/runner-corrupt.bin", options: options)
        } throws: { error in
            guard case let SSHError.integrityMismatch(_, path, localHash, remoteHash) = error else { return false }
            return path.hasPrefix(work + "/runner-corrupt.bin") && localHash != remoteHash
        }
        #expect(!FileManager.default.fileExists(atPath: work + "/runner-corrupt.bin"))
        #expect(!FileManager.default.fileExists(atPath: SSHConnection.partialPath(for: work + "/runner-corrupt.bin")))
        #expect(connection.runnerStarts == 1)
    }

    /// A hash the caller already has replaces local hashing; the host's hash must still match it, so a stale one
    /// (the file changed after it was hashed) fails the upload instead of passing it.
    @Test func uploadWithAKnownHash() throws {
        let connection = try runnerConnection()
        let local = cluster.root + "/runner-known.bin"
        try writeRandomFile(local, size: 200_000, seed: 8)
        let remote = host.workDirectory + "/runner-known.bin"
        var options = UploadOptions()
        options.knownSHA256 = try SSHConnection.localSHA256(local)
        #expect(try connection.upload(local, to: remote, options: options).sha256 == options.knownSHA256)
        options.knownSHA256 = String(repeating: "0", count: 64)
        #expect {
            try connection.upload(local, to: remote + ".2", options: options)
        } throws: { error in
            guard case let SSHError.integrityMismatch(_, _, localHash, _) = error else { return false }
            return localHash == String(repeating: "0", count: 64)
        }
        #expect(!FileManager.default.fileExists(atPath: remote + ".2"))
    }

    @Test func uploadIntoAMissingDirectoryFailsClearly() throws {
        let connection = try runnerConnection()
        let local = cluster.root + "/runner-small.bin"
        try writeRandomFile(local, size: 1000, seed: 3)
        #expect {
            try connection.upload(local, to: host.workDirectory + "/no/such/dir/file.bin")
        } throws: { error in
            "\(error)".contains("cannot create: no such file or directory")
        }
        #expect(try connection.capture(RemoteCommand("echo", "ok")).stdout == "ok\n")
    }
}
