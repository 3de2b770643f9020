import Foundation
import HostOps
import SSHKit

/// This machine as a `RemoteHost`: commands run with `/bin/sh -c` (the same command line SSH would send), files
/// are copied on the local file system. For plans that act on the machine the wizard runs on, and for tests
/// of the runner that need a real shell but no sshd.
package final class LocalHost: RemoteHost {
    package let name: String

    package init(name: String = "localhost") { self.name = name }

    package var connectionSummary: String { "\(NSUserName())@\(name), local shell" }
    package var isUsable: Bool { true }
    package func close() {}

    /// Runs `command` under `/bin/sh` in a process group of its own; output is handed over as it arrives. Stdin
    /// gets `options.stdin`, then EOF. A timeout or `options.control`'s cancel ends the group (TERM, as SSH's runner
    /// does) and throws.
    package func execute(_ command: RemoteCommand, options: ExecOptions, onData: (ExecStream, [UInt8]) -> Void) throws -> ExecResult {
        let child = try ShellProcess(commandLine: command.commandLine, host: name)
        // Written from its own thread: a command that prints before it reads must not block on a full pipe.
        let stdin = options.stdin
        let input = child.input
        Thread {
            var offset = 0
            while offset < stdin.count {
                let n = stdin.withUnsafeBytes { write(input, $0.baseAddress! + offset, $0.count - offset) }
                if n <= 0 { break }
                offset += n
            }
            Glibc.close(input)
        }.start()
        let deadline = options.timeout.map { Date().addingTimeInterval($0) }
        var open: [(fd: Int32, stream: ExecStream)] = [(child.output, .stdout), (child.errors, .stderr)]
        defer { for (fd, _) in open { Glibc.close(fd) } }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var stopped: SSHError?
        while !open.isEmpty {
            if stopped == nil {
                if options.control?.isCancelled == true {
                    stopped = .cancelled(host: name)
                } else if let deadline, Date() >= deadline {
                    stopped = .timedOut(host: name, what: command.commandLine, seconds: options.timeout ?? 0)
                }
                if stopped != nil { kill(-child.pid, SIGTERM) }
            }
            var fds = open.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            if poll(&fds, nfds_t(fds.count), 100) < 0 && errno != EINTR { break }
            var index = 0
            for fd in fds {
                if fd.revents == 0 { index += 1; continue }
                let n = buffer.withUnsafeMutableBytes { read(fd.fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    onData(open[index].stream, Array(buffer[0..<n]))
                    index += 1
                } else if n < 0 && errno == EINTR {
                    index += 1
                } else {
                    Glibc.close(open.remove(at: index).fd)
                }
            }
        }
        let status = child.wait()
        if let stopped { throw stopped }
        return status
    }

    /// Copies through a partial file renamed into place, so the target holds the whole file or its old content.
    package func upload(file local: String, to remote: String, options: UploadOptions,
                       progress: (TransferProgress) -> Void) throws -> TransferResult {
        let partial = SSHConnection.partialPath(for: remote)
        let size = try copy(local, to: partial, mode: mode_t(options.mode))
        progress(TransferProgress(bytesDone: size, totalBytes: size))
        let hash = try SSHConnection.localSHA256(partial)
        if let expected = options.knownSHA256, options.verify, expected != hash {
            unlink(partial)
            throw SSHError.integrityMismatch(host: name, path: remote, local: expected, remote: hash)
        }
        guard rename(partial, remote) == 0 else {
            throw SSHError.localFile(path: remote, detail: "cannot rename from \(partial): \(String(cString: strerror(errno)))")
        }
        return TransferResult(bytes: size, sha256: hash, verified: options.verify)
    }

    package func download(file remote: String, to local: String, asRoot: Bool) throws {
        let partial = local + ".ovirt-wizard-part"
        _ = try copy(remote, to: partial, mode: 0o600)
        guard rename(partial, local) == 0 else {
            throw SSHError.localFile(path: local, detail: "cannot rename from \(partial): \(String(cString: strerror(errno)))")
        }
    }

    package func sha256(of remote: String, asRoot: Bool) throws -> String { try SSHConnection.localSHA256(remote) }

    /// Copies `source` to a new file `target` with `mode` and syncs it; the number of bytes.
    private func copy(_ source: String, to target: String, mode: mode_t) throws -> Int64 {
        guard let data = FileManager.default.contents(atPath: source) else {
            throw SSHError.localFile(path: source, detail: "cannot read")
        }
        let fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw SSHError.localFile(path: target, detail: "cannot create: \(String(cString: strerror(errno)))") }
        defer { Glibc.close(fd) }
        fchmod(fd, mode)   // not subject to the umask, as an upload's mode is not
        var offset = 0
        while offset < data.count {
            let n = data.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            guard n > 0 else { throw SSHError.localFile(path: target, detail: "write failed: \(String(cString: strerror(errno)))") }
            offset += n
        }
        guard fsync(fd) == 0 else { throw SSHError.localFile(path: target, detail: "fsync failed: \(String(cString: strerror(errno)))") }
        return Int64(data.count)
    }
}

/// `/bin/sh -c LINE` with pipes for its three streams, leading a process group of its own (so that a timeout
/// or cancel reaches what the shell started, not only the shell).
private struct ShellProcess {
    let pid: pid_t
    let input: Int32
    let output: Int32
    let errors: Int32

    init(commandLine: String, host: String) throws {
        var pipes: [[Int32]] = []
        for _ in 0..<3 {
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else {
                for fd in pipes.joined() { Glibc.close(fd) }
                throw SSHError.channelFailed(host: host, detail: "pipe: \(String(cString: strerror(errno)))")
            }
            // Not inherited by commands other threads start (the child gets its ends through dup2).
            for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            pipes.append(ends)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipes[0][0], 0)
        posix_spawn_file_actions_adddup2(&actions, pipes[1][1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipes[2][1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let words: [String] = ["/bin/sh", "-c", commandLine]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
        for fd in [pipes[0][0], pipes[1][1], pipes[2][1]] { Glibc.close(fd) }
        guard spawned == 0 else {
            for fd in [pipes[0][1], pipes[1][0], pipes[2][0]] { Glibc.close(fd) }
            throw SSHError.channelFailed(host: host, detail: "cannot start /bin/sh: \(String(cString: strerror(spawned)))")
        }
        self.pid = pid
        input = pipes[0][1]
        output = pipes[1][0]
        errors = pipes[2][0]
    }

    /// Waits for the shell to end; its status as SSH reports one.
    func wait() -> ExecResult {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        if signal != 0 { return ExecResult(exitStatus: -1, exitSignal: ExecResultSignal.name(signal)) }
        return ExecResult(exitStatus: (status >> 8) & 0xff)
    }
}

/// Signal names as SSH reports them (`TERM`, without `SIG`).
enum ExecResultSignal {
    static func name(_ number: Int32) -> String {
        switch number {
        case SIGHUP: return "HUP"
        case SIGINT: return "INT"
        case SIGQUIT: return "QUIT"
        case SIGKILL: return "KILL"
        case SIGPIPE: return "PIPE"
        case SIGTERM: return "TERM"
        case SIGSEGV: return "SEGV"
        case SIGABRT: return "ABRT"
        default: return "\(number)"
        }
    }
}
