import Foundation
import SSHKit
import Synchronization
import Testing
@testable import Deploy

@Suite("Local host", .timeLimit(.minutes(1)))
struct LocalHostTests {
    let host = LocalHost()

    @Test func runsTheQuotedCommandLineUnderShAndStreamsBothOutputs() throws {
        var out: [UInt8] = [], err: [UInt8] = []
        let command = RemoteCommand.script(#"printf '%s\n' "$1"; printf 'oops\n' >&2; exit 3"#, arguments: ["it's; $HOME"])
        let result = try host.execute(command, options: ExecOptions()) { stream, bytes in
            if stream == .stdout { out += bytes } else { err += bytes }
        }
        #expect(String(decoding: out, as: UTF8.self) == "it's; $HOME\n")
        #expect(String(decoding: err, as: UTF8.self) == "oops\n")
        #expect(result == ExecResult(exitStatus: 3))
    }

    @Test func feedsStdinThenEndOfFile() throws {
        let out = try host.capture(RemoteCommand("cat"), options: ExecOptions(stdin: Array("line one\nline two\n".utf8)))
        #expect(out.stdout == "line one\nline two\n" && out.result.succeeded)
    }

    @Test func aTimeoutAndACancelStopTheCommand() throws {
        let started = Date()
        #expect {
            try host.capture(RemoteCommand("sleep", "30"), options: ExecOptions(timeout: 0.3))
        } throws: { error in
            if case SSHError.timedOut = error { return true }
            return false
        }
        let control = ExecControl()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { control.cancel() }
        #expect {
            try host.capture(RemoteCommand("sleep", "30"), options: ExecOptions(control: control))
        } throws: { error in
            if case SSHError.cancelled = error { return true }
            return false
        }
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func uploadDownloadAndHashOnTheRealFileSystem() throws {
        let directory = NSTemporaryDirectory() + "local-host-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = directory + "/source", target = directory + "/target", back = directory + "/back"
        try "payload\n".write(toFile: source, atomically: true, encoding: .utf8)
        let expected = try SSHConnection.localSHA256(source)
        var options = UploadOptions(mode: 0o640)
        options.knownSHA256 = expected
        let result = try host.upload(file: source, to: target, options: options) { _ in }
        #expect(result.sha256 == expected && result.bytes == 8)
        #expect(try host.sha256(of: target) == expected)
        let mode = try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int
        #expect(mode == 0o640)
        #expect(!FileManager.default.fileExists(atPath: SSHConnection.partialPath(for: target)))
        try host.download(file: target, to: back)
        #expect(try String(contentsOfFile: back, encoding: .utf8) == "payload\n")

        options.knownSHA256 = String(repeating: "0", count: 64)
        #expect(throws: SSHError.self) { try host.upload(file: source, to: directory + "/other", options: options) { _ in } }
        #expect(!FileManager.default.fileExists(atPath: directory + "/other"))
    }
}

@Suite("Fan-out")
struct FanoutTests {
    @Test func keepsTheOrderAndTheBound() {
        let running = Mutex((now: 0, peak: 0))
        let results = forEachHost(Array(0..<12), limit: 3) { item -> Int in
            running.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
            usleep(UInt32(20_000 + (12 - item) * 2_000))   // later items finish first
            running.withLock { $0.now -= 1 }
            return item * 10
        }
        #expect(results == (0..<12).map { $0 * 10 })
        let peak = running.withLock { $0.peak }
        #expect(peak == 3)
    }
}
