import Foundation
import LabHosts
import Testing
@testable import SSHKit

/// Runs the built `ovirt-wizard` binary with stdin from `input` (or /dev/null).
func runWizard(_ arguments: [String], input: Data? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("ovirt-wizard")
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let inPipe = Pipe()
    process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
    try process.run()
    if let input {
        inPipe.fileHandleForWriting.write(input)
        try inPipe.fileHandleForWriting.close()
    }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

@Suite("ovirt-wizard ssh run/put", .serialized, .timeLimit(.minutes(5)))
struct SSHCommandTests {
    let cluster: LabCluster
    init() throws { cluster = try LabCluster.start(hosts: 1) }
    var host: LabHost { cluster.hosts[0] }
    /// A login whose shell (/bin/sh, a throwaway account) reads no start-up file, for tests that compare the
    /// remote stderr exactly: over ssh, bash reads the login user's ~/.bashrc, and on this machine root's runs
    /// `pyenv rehash`, which prints to stderr when logins race.
    func quietShellTarget() throws -> String { "\(try cluster.addAccount(sudo: .none).name)@\(host.target)" }
    var common: [String] { ["-i", cluster.clientKey, "--known-hosts", cluster.knownHostsPath, "--ssh-config", cluster.root + "/none"] }

    @Test func runPrintsOutputAndExitsWithTheRemoteStatus() throws {
        let r = try runWizard(["ssh", "run", try quietShellTarget()] + common + ["--", "echo out; echo err >&2; exit 3"])
        #expect(r.status == 3)
        #expect(r.stdout == "out\n")
        #expect(r.stderr == "err\n")
    }

    /// Real OpenSSH `ssh` against the same sshd, batch mode, the lab's key and known_hosts, no config file.
    func openSSH(_ words: [String], user: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh")
        process.arguments = ["-F", "/dev/null", "-i", cluster.clientKey, "-p", String(host.port),
                             "-o", "UserKnownHostsFile=\(cluster.knownHostsPath)", "-o", "StrictHostKeyChecking=yes",
                             "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes"] + (user.map { ["-l", $0] } ?? [])
                             + [host.address] + words
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    /// The words after -- reach the remote shell as OpenSSH's ssh sends them: joined with spaces, then parsed.
    @Test(arguments: [
        ["echo a; exit 3"],
        ["echo", "a;", "exit", "3"],
        ["sh", "-c", "echo out; exit 4"],
        ["echo \"two  spaces\" 'single $HOME' | tr a-z A-Z"],
        ["test", "-n", "\"$SSH_CONNECTION\"", "&&", "echo", "from ssh"],
        ["cd /tmp && pwd; echo err >&2; false"],
        ["printf", "'%s|'", "a b", "c"],
        ["exit 0"],
    ])
    func runTreatsTheWordsAsOpenSSHDoes(_ words: [String]) throws {
        let target = try quietShellTarget()
        let ours = try runWizard(["ssh", "run", target] + common + ["--"] + words)
        let theirs = try openSSH(words, user: String(target.prefix { $0 != "@" }))
        #expect(!theirs.stderr.contains("Permission denied"), "OpenSSH could not log in: \(theirs.stderr)")
        #expect(ours.status == theirs.status)
        #expect(ours.stdout == theirs.stdout)
        #expect(ours.stderr == theirs.stderr)
    }

    @Test func runExitsThreeForAScriptAsOneWordAsOpenSSHDoes() throws {
        let ours = try runWizard(["ssh", "run", host.target] + common + ["--", "echo a; exit 3"])
        #expect(ours.status == 3)
        #expect(ours.stdout == "a\n")
        #expect(try openSSH(["echo a; exit 3"]).status == 3)
    }

    @Test func argvQuotesEveryWord() throws {
        let r = try runWizard(["ssh", "run", try quietShellTarget()] + common + ["--argv", "--", "sh", "-c", "echo out; echo err >&2; exit 3"])
        #expect(r.status == 3)
        #expect(r.stdout == "out\n")
        #expect(r.stderr == "err\n")
        let words = try runWizard(["ssh", "run", host.target] + common + ["--argv", "--", "printf", "%s|", "a b", "c;d", "$HOME", "'q'"])
        #expect(words.status == 0)
        #expect(words.stdout == "a b|c;d|$HOME|'q'|")
    }

    @Test func remoteSignalGives128PlusNumber() throws {
        let r = try runWizard(["ssh", "run", host.target] + common + ["--argv", "--", "sh", "-c", "kill -TERM $$"])
        #expect(r.status == 143)
        #expect(r.stderr.contains("killed by signal TERM"))
    }

    @Test func stdinIsForwarded() throws {
        let r = try runWizard(["ssh", "run", host.target] + common + ["--", "wc", "-c"], input: Data(count: 123_456))
        #expect(r.status == 0)
        #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "123456")
    }

    @Test func timeoutIsAFailureWithOneLine() throws {
        let r = try runWizard(["ssh", "run", try quietShellTarget()] + common + ["--timeout", "1", "--", "sleep", "20"])
        #expect(r.status == 255)
        #expect(r.stderr == "ovirt-wizard: \(host.address): command timed out after 1 s\n")
    }

    @Test func unknownHostKeyIs255WithFingerprintAndAcceptNewRecordsIt() throws {
        try "".write(toFile: cluster.knownHostsPath, atomically: true, encoding: .utf8)
        let refused = try runWizard(["ssh", "run", host.target] + common + ["--", "true"])
        #expect(refused.status == 255)
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(refused.stderr.contains("SHA256:"))
        let accepted = try runWizard(["ssh", "run", host.target] + common + ["--accept-new", "--", "echo", "ok"])
        #expect(accepted.status == 0)
        #expect(accepted.stdout == "ok\n")
        #expect(try String(contentsOfFile: cluster.knownHostsPath, encoding: .utf8).contains("[\(host.address)]:\(host.port) "))
    }

    @Test func changedHostKeyIs255() throws {
        try host.regenerateHostKeys()
        let r = try runWizard(["ssh", "run", host.target] + common + ["--accept-new", "--", "true"])
        #expect(r.status == 255)
        #expect(r.stderr.contains("REMOTE HOST IDENTIFICATION HAS CHANGED"))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }

    @Test func wrongKeyAndRefusedConnectionAre255() throws {
        let other = try cluster.makeClientKey(name: "other")
        let auth = try runWizard(["ssh", "run", host.target, "-i", other, "--known-hosts", cluster.knownHostsPath,
                                  "--ssh-config", cluster.root + "/none", "--", "true"])
        #expect(auth.status == 255)
        #expect(auth.stderr.hasPrefix("ovirt-wizard: ") && auth.stderr.contains("authentication failed"))
        host.stop()
        let refused = try runWizard(["ssh", "run", host.target] + common + ["--", "true"])
        #expect(refused.status == 255)
        #expect(refused.stderr.contains("cannot connect") && refused.stderr.split(separator: "\n").count == 1)
    }

    @Test func putUploadsAndVerifies() throws {
        let local = cluster.root + "/payload.bin"
        try writeRandomFile(local, size: 3 << 20)
        let remote = host.workDirectory + "/payload.bin"
        let r = try runWizard(["ssh", "put", host.target, local, remote] + common + ["--mode", "600"])
        #expect(r.status == 0)
        let sha = try SSHConnection.localSHA256(local)
        #expect(r.stdout == "\(host.target):\(remote): \(3 << 20) bytes, verified sha256 \(sha)\n")
        #expect(try SSHConnection.localSHA256(remote) == sha)   // the lab host's file system is this machine's
        let mode = try FileManager.default.attributesOfItem(atPath: remote)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let missing = try runWizard(["ssh", "put", host.target, cluster.root + "/absent", remote] + common)
        #expect(missing.status == 255)
        #expect(missing.stderr == "ovirt-wizard: \(cluster.root)/absent: cannot be read\n")
    }
}
