import Foundation
import HostOps
import SSHKit
import Synchronization
@testable import Deploy

/// What a scripted host answers and what it was asked; shared by every connection the runner opens to it.
final class HostScript: Sendable {
    struct Reply: Sendable {
        var stdout = ""
        var stderr = ""
        var status: Int32 = 0
        /// Runs until the command is cancelled (then throws `SSHError.cancelled`), after signalling `started`.
        var blocksUntilCancelled = false
    }

    struct State {
        /// Replies per command line, used in order; the last one repeats.
        var replies: [String: [Reply]] = [:]
        /// Files on the host: path → SHA-256.
        var files: [String: String] = [:]
        var commands: [String] = []
        var connections = 0
    }

    let name: String
    let state = Mutex(State())
    /// Every host's commands in the order they ran, as "host: command line" (for cross-host order).
    let timeline: Timeline
    let started = DispatchSemaphore(value: 0)
    /// Called when the runner starts the host's command shell ahead of its first command (`asRoot`).
    let onShellStart = Mutex<(@Sendable (Bool) -> Void)?>(nil)

    init(name: String, timeline: Timeline) {
        self.name = name
        self.timeline = timeline
    }

    func reply(_ command: RemoteCommand, _ replies: Reply...) {
        state.withLock { $0.replies[command.commandLine] = replies }
    }

    var commands: [String] { state.withLock { $0.commands } }

    func runs(of command: RemoteCommand) -> Int { commands.filter { $0 == command.commandLine }.count }

    func next(for command: RemoteCommand) -> Reply {
        timeline.append("\(name): \(command.commandLine)")
        return state.withLock { s in
            s.commands.append(command.commandLine)
            guard var queue = s.replies[command.commandLine], !queue.isEmpty else { return Reply() }
            let reply = queue.count > 1 ? queue.removeFirst() : queue[0]
            s.replies[command.commandLine] = queue
            return reply
        }
    }
}

final class Timeline: Sendable {
    private let entries = Mutex<[String]>([])
    func append(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
}

/// A `RemoteHost` with canned replies: no sshd, no shell. Commands not scripted succeed with no output.
final class ScriptedHost: RemoteHost {
    let script: HostScript
    init(script: HostScript) { self.script = script }

    var connectionSummary: String { "scripted \(script.name)" }
    var isUsable: Bool { true }
    func close() {}
    func startShell(asRoot: Bool) { script.onShellStart.withLock { $0 }?(asRoot) }

    func execute(_ command: RemoteCommand, options: ExecOptions, onData: (ExecStream, [UInt8]) -> Void) throws -> ExecResult {
        let reply = script.next(for: command)
        if !reply.stdout.isEmpty { onData(.stdout, Array(reply.stdout.utf8)) }
        if !reply.stderr.isEmpty { onData(.stderr, Array(reply.stderr.utf8)) }
        if reply.blocksUntilCancelled {
            script.started.signal()
            while options.control?.isCancelled != true { usleep(1_000) }
            throw SSHError.cancelled(host: script.name)
        }
        return ExecResult(exitStatus: reply.status)
    }

    func upload(file local: String, to remote: String, options: UploadOptions,
                progress: (TransferProgress) -> Void) throws -> TransferResult {
        let hash = try SSHConnection.localSHA256(local)
        script.timeline.append("\(script.name): upload \(remote)")
        script.state.withLock { $0.files[remote] = hash }
        progress(TransferProgress(bytesDone: 1, totalBytes: 1))
        return TransferResult(bytes: 1, sha256: hash, verified: true)
    }

    func download(file remote: String, to local: String, asRoot: Bool) throws {
        throw SSHError.sftpFailed(host: script.name, path: remote, detail: "the scripted host has no files to download")
    }

    func sha256(of remote: String, asRoot: Bool) throws -> String {
        guard let hash = script.state.withLock({ $0.files[remote] }) else {
            throw SSHError.sftpFailed(host: script.name, path: remote, detail: "no such file")
        }
        return hash
    }
}

/// Scripted hosts by name, and the connector that hands them to the runner.
final class ScriptedLab: Sendable {
    let timeline = Timeline()
    let scripts: [String: HostScript]

    init(hosts: [String]) {
        let timeline = self.timeline
        scripts = Dictionary(uniqueKeysWithValues: hosts.map { ($0, HostScript(name: $0, timeline: timeline)) })
    }

    subscript(host: String) -> HostScript { scripts[host]! }

    var connector: HostConnector {
        let scripts = self.scripts
        return HostConnector { plan in
            let script = scripts[plan.name]!
            script.state.withLock { $0.connections += 1 }
            return ScriptedHost(script: script)
        }
    }
}
