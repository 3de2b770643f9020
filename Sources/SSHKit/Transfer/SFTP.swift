import CLibssh2
import Crypto
import Foundation
import HostOps
import Synchronization

/// How far a transfer has come.
package struct TransferProgress: Sendable, Equatable {
    package var bytesDone: Int64
    package var totalBytes: Int64

    package init(bytesDone: Int64, totalBytes: Int64) {
        self.bytesDone = bytesDone
        self.totalBytes = totalBytes
    }
}

package enum UploadMethod: String, Sendable, CaseIterable {
    case stream, sftp
}

package struct UploadOptions: Sendable {
    /// Permission bits of the remote file, set explicitly (not subject to the remote umask).
    package var mode: Int32 = 0o644
    /// `user` or `user:group`, applied with `chown` on the host.
    package var owner: String?
    /// Continue a partial upload left by an earlier attempt, after checking its SHA-256 against the local prefix.
    package var resume = false
    /// Compare the remote `sha256sum` with the local SHA-256 before putting the file in place.
    package var verify = true
    /// SFTP method only. Bytes kept in flight; nil picks 2 MiB on a LAN-like link and 4 MiB when the round trip of the file open
    /// took 2 ms or more. Each `sftp_write` call gets all unacknowledged data, which is libssh2 1.10's pipelining
    /// depth (it splits writes into 30 000-byte packets and returns after the first ACK). Measured with
    /// Benchmarks/sftp.sh: 2 MiB was fastest on loopback, 4 MiB at 10 ms RTT (2 MiB took 1.5x as long there).
    package var window: Int?
    /// Seconds without any progress after which the transfer fails.
    package var stallTimeout: Double = 60
    /// Connections that send parts of a large file (64 MiB or more left to send) at the same time, this one included;
    /// nil sizes them from the measured round trip and channel window (see `UploadStreams`); 1 sends everything on this one.
    /// Ignored when the caller hands `upload` connections of its own.
    package var streams: Int?
    /// How the bytes travel: `.stream` (exec channels running `dd`, the range hashed on the host as soon as it
    /// is written) or `.sftp`.
    package var method: UploadMethod = .stream
    /// Tests only: the host overwrites the byte at this offset after writing it and before hashing, so that
    /// the check of what is on the host's disk can be shown to catch it. Stream method only.
    var corruptByteForTesting: Int64?
    /// Stream method: bytes per exec channel (default `SSHConnection.pieceBytes`); tests use small pieces.
    var pieceBytes: Int64?
    /// The local file's SHA-256 (lower-case hex) when the caller has it already (several hosts get the same file):
    /// the stream method then checks the host's hash against it instead of hashing the file again, when the file
    /// goes as one piece from its start.
    package var knownSHA256: String?
    /// Install the file as root (owned by root, or `owner`) when the connection becomes root through sudo: it is
    /// written as the login user to a private temporary folder, then copied into place by root (RootTransfer.swift).
    package var asRoot = false

    package init(mode: Int32 = 0o644, owner: String? = nil, resume: Bool = false, verify: Bool = true) {
        self.mode = mode
        self.owner = owner
        self.resume = resume
        self.verify = verify
    }
}

package struct DownloadOptions: Sendable {
    package var verify = true
    /// Read the file as root (through sudo when the connection becomes root that way).
    package var asRoot = false
    package var chunk = 1 << 20
    package var stallTimeout: Double = 60
    package init(verify: Bool = true) { self.verify = verify }
}

package struct TransferResult: Sendable, Equatable {
    package var bytes: Int64
    /// Bytes that were already on the host when an upload resumed.
    package var resumedFrom: Int64
    /// Lower-case hex SHA-256 of the file, when it was verified.
    package var sha256: String?
    /// True when the remote `sha256sum` was compared and matched.
    package var verified: Bool
    /// Connections that sent bytes (1 unless what was left to send was large enough to be sent in parallel); the
    /// upload's own connection always counts.
    package var streams = 1
    /// The round trip and channel window measured before choosing `streams`, when they were measured.
    package var link: LinkProbe?

    package init(bytes: Int64, resumedFrom: Int64 = 0, sha256: String?, verified: Bool) {
        self.bytes = bytes
        self.resumedFrom = resumedFrom
        self.sha256 = sha256
        self.verified = verified
    }
}

extension SSHConnection {
    /// The name a partial upload has on the host until it is verified and renamed into place.
    package static func partialPath(for remotePath: String) -> String { remotePath + ".ovirt-wizard-part" }

    /// Uploads `localPath` to `remotePath`. The data goes to a partial file first; only a complete (and, by
    /// default, verified) file is renamed to `remotePath`. `parallel` are further connections to the same host
    /// that send parts of a large file at the same time (each is locked while it works). `options.method` picks
    /// a stream over exec channels (default, see StreamUpload.swift) or SFTP.
    @discardableResult
    package func upload(_ localPath: String, to remotePath: String, options: UploadOptions = UploadOptions(),
                       parallel: [SSHConnection] = [],
                       progress: (TransferProgress) -> Void = { _ in }) throws -> TransferResult {
        lock.lock()
        defer { lock.unlock() }
        try ensureUsable()
        // Without connections from the caller, a large rest of a file gets as many as the link needs, opened once the
        // resume check has said what is left (UploadStreams.swift).
        let helpers = UploadHelpers(given: parallel, streams: options.streams)
        defer { helpers.close() }
        var result: TransferResult
        if options.asRoot && becomeRoot != nil {
            result = try uploadThroughSudoLocked(localPath, to: remotePath, options: options, parallel: helpers, progress: progress)
        } else {
            switch options.method {
            case .stream:
                result = try uploadStreamLocked(localPath, to: remotePath, options: options, parallel: helpers, progress: progress)
            case .sftp:
                result = try uploadSFTPLocked(localPath, to: remotePath, options: options, parallel: helpers, progress: progress)
            }
        }
        result.link = helpers.link
        return result
    }

    /// The SFTP upload. Caller holds the lock.
    func uploadSFTPLocked(_ localPath: String, to remotePath: String, options: UploadOptions,
                          parallel: UploadHelpers, progress: (TransferProgress) -> Void) throws -> TransferResult {

        let source = try LocalSourceFile.open(localPath)
        let fd = source.fd
        defer { Glibc.close(fd) }
        let total = source.size
        let sftp = try sftpSession()
        let part = Self.partialPath(for: remotePath)

        var offset: Int64 = 0
        if options.resume, let existing = try remoteSize(sftp, part), existing > 0, existing <= total {
            let prefixHash = try hashLocal(fd: fd, path: localPath, bytes: existing)
            if try remoteSHA256Locked(part) == prefixHash { offset = existing }   // else: not our prefix, start over
        }
        // With helper connections, each sends one contiguous part of the rest of the file in parallel
        // (libssh2 1.10 encrypts block by block, so one connection is bound to one core's worth of CPU).
        let remaining = total - offset
        let helpers = try parallel.connections(besides: self, remaining: remaining)
        let flags = UInt(LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT) | (offset == 0 ? UInt(LIBSSH2_FXF_TRUNC) : 0)
        let setup = Deadline(seconds: options.stallTimeout)
        let openStarted = ContinuousClock.now
        let handle = try sftpOpen(sftp, part, flags: flags, mode: Int(options.mode), deadline: setup)
        let openRoundTrip = ContinuousClock.now - openStarted
        var handleOpen = true
        defer { if handleOpen { _ = shim_sftp_close(handle) } }

        let window = max(options.window ?? (openRoundTrip < .milliseconds(2) ? 2 << 20 : 4 << 20), 64 * 1024)
        let share = (remaining / Int64(helpers.count + 1) + Int64(1 << 20) - 1) / Int64(1 << 20) * Int64(1 << 20)
        var ranges: [(Int64, Int64)] = []
        var cursor = offset
        for index in 0...helpers.count {
            let end = index == helpers.count ? total : min(total, cursor + share)
            ranges.append((cursor, end))
            cursor = end
        }
        let shared = ParallelUploadState()
        let group = DispatchGroup()
        for (helper, range) in zip(helpers, ranges.dropFirst()) where range.0 < range.1 {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                do {
                    try helper.sendPart(localPath: localPath, remotePart: part, range: range, window: window,
                                        stallTimeout: options.stallTimeout, shared: shared)
                } catch {
                    shared.fail(error)
                }
            }
            thread.start()
        }
        progress(TransferProgress(bytesDone: offset, totalBytes: total))
        do {
            try sendRange(handle: handle, sftp: sftp, fd: fd, localPath: localPath, remotePath: part, range: ranges[0],
                          window: window, stallTimeout: options.stallTimeout, shared: shared) {
                progress(TransferProgress(bytesDone: offset + shared.sent, totalBytes: total))
            }
        } catch {
            shared.fail(error)
        }
        while group.wait(timeout: .now() + 0.1) == .timedOut {
            progress(TransferProgress(bytesDone: offset + shared.sent, totalBytes: total))
        }
        if let error = shared.firstError { throw error }
        progress(TransferProgress(bytesDone: offset + shared.sent, totalBytes: total))

        var attributes = LIBSSH2_SFTP_ATTRIBUTES()
        attributes.flags = shim_sftp_attr_permissions()
        attributes.permissions = UInt(options.mode)
        let setRC = try retrying("setting the mode of \(part)", deadline: setup) { shim_sftp_fsetstat(handle, &attributes) }
        if setRC != 0 { throw sftpFailure(sftp, setRC, path: part, doing: "set mode") }
        let closeRC = try retrying("closing \(part)", deadline: setup) { shim_sftp_close(handle) }
        handleOpen = false
        if closeRC != 0 { throw sftpFailure(sftp, closeRC, path: part, doing: "close") }

        if let owner = options.owner {
            try checkedLocked(RemoteCommand(["chown", "--", owner, part]), doing: "chown \(owner)")
        }
        var verified = false
        var localHash: String?
        if options.verify {
            // Hash the local file on another thread while the host hashes its copy: the local pass (from the
            // page cache) then costs no wall time, where hashing inside the upload loop slowed it by ~15 %.
            let local = BackgroundJob { try SSHConnection.localSHA256(localPath) }
            let remoteHash: String
            do {
                remoteHash = try remoteSHA256Locked(part)
            } catch {
                _ = try? local.result()
                throw error
            }
            let localHex = try local.result()
            localHash = localHex
            guard remoteHash == localHex else {
                _ = try? checkedLocked(RemoteCommand(["rm", "-f", "--", part]), doing: "remove the bad copy")
                throw SSHError.integrityMismatch(host: name, path: remotePath, local: localHex, remote: remoteHash)
            }
            verified = true
        }
        try checkedLocked(RemoteCommand(["mv", "-f", "--", part, remotePath]), doing: "move into place")
        var result = TransferResult(bytes: total, resumedFrom: offset, sha256: localHash, verified: verified)
        result.streams = 1 + ranges.dropFirst().filter { $0.0 < $0.1 }.count
        return result
    }

    /// A helper connection's share of a parallel upload: opens the partial file and writes `range` of it.
    func sendPart(localPath: String, remotePart: String, range: (Int64, Int64), window: Int, stallTimeout: Double,
                  shared: ParallelUploadState) throws {
        lock.lock()
        defer { lock.unlock() }
        try ensureUsable()
        let fd = open(localPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SSHError.localFile(path: localPath, detail: "cannot open: \(String(cString: strerror(errno)))") }
        defer { Glibc.close(fd) }
        let sftp = try sftpSession()
        let deadline = Deadline(seconds: stallTimeout)
        let handle = try sftpOpen(sftp, remotePart, flags: UInt(LIBSSH2_FXF_WRITE), mode: 0, deadline: deadline)
        var handleOpen = true
        defer { if handleOpen { _ = shim_sftp_close(handle) } }
        try sendRange(handle: handle, sftp: sftp, fd: fd, localPath: localPath, remotePath: remotePart, range: range,
                      window: window, stallTimeout: stallTimeout, shared: shared) {}
        let rc = try retrying("closing \(remotePart)", deadline: deadline) { shim_sftp_close(handle) }
        handleOpen = false
        if rc != 0 { throw sftpFailure(sftp, rc, path: remotePart, doing: "close") }
    }

    /// Sends bytes `range` of the local file to the open remote handle with a sliding window: keep `window`
    /// bytes read ahead and always hand libssh2 all unacknowledged data. Caller holds the lock.
    func sendRange(handle: OpaquePointer, sftp: OpaquePointer, fd: Int32, localPath: String, remotePath: String,
                   range: (Int64, Int64), window: Int, stallTimeout: Double, shared: ParallelUploadState,
                   onProgress: () -> Void) throws {
        libssh2_sftp_seek64(handle, UInt64(range.0))
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: window, alignment: 16)
        defer { buffer.deallocate() }
        var start = 0, end = 0
        var readAt = range.0
        var stall = Deadline(seconds: stallTimeout)
        while true {
            if shared.failed { return }
            if readAt < range.1 && end < window {
                let n = pread(fd, buffer + end, Int(min(Int64(window - end), range.1 - readAt)), off_t(readAt))
                if n < 0 { throw SSHError.localFile(path: localPath, detail: "read failed: \(String(cString: strerror(errno)))") }
                if n == 0 {
                    throw SSHError.localFile(path: localPath, detail: "became shorter during the upload (at byte \(readAt))")
                }
                end += n
                readAt += Int64(n)
            }
            if start == end {
                if readAt >= range.1 { return }
                continue
            }
            let written = libssh2_sftp_write(handle, (buffer + start).assumingMemoryBound(to: CChar.self), end - start)
            if written == Int(LIBSSH2_ERROR_EAGAIN) {
                try waitSocket(deadline: stall, what: "upload of \(remotePath) (no progress)")
                continue
            }
            if written < 0 { throw sftpFailure(sftp, Int32(written), path: remotePath, doing: "write") }
            start += written
            shared.add(written)
            stall = Deadline(seconds: stallTimeout)
            onProgress()
            if start == end {
                start = 0
                end = 0
            } else if start > window / 2 {
                buffer.copyMemory(from: buffer + start, byteCount: end - start)
                end -= start
                start = 0
            }
        }
    }

    /// Downloads `remotePath` to `localPath` (written to a temporary name, then renamed).
    @discardableResult
    package func download(_ remotePath: String, to localPath: String, options: DownloadOptions = DownloadOptions(),
                         progress: (TransferProgress) -> Void = { _ in }) throws -> TransferResult {
        lock.lock()
        defer { lock.unlock() }
        try ensureUsable()
        if options.asRoot && becomeRoot != nil {
            return try downloadThroughSudoLocked(remotePath, to: localPath, options: options, progress: progress)
        }
        let sftp = try sftpSession()
        guard let total = try remoteSize(sftp, remotePath) else {
            throw SSHError.sftpFailed(host: name, path: remotePath, detail: "no such file")
        }
        let temporary = localPath + ".ovirt-wizard-part"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SSHError.localFile(path: temporary, detail: "cannot create: \(String(cString: strerror(errno)))") }
        var fdOpen = true
        defer { if fdOpen { Glibc.close(fd) } }
        let handle = try sftpOpen(sftp, remotePath, flags: UInt(LIBSSH2_FXF_READ), mode: 0,
                                  deadline: Deadline(seconds: options.stallTimeout))
        defer { _ = shim_sftp_close(handle) }

        var hasher = SHA256()
        let chunk = max(options.chunk, 32 * 1024)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var done: Int64 = 0
        var stall = Deadline(seconds: options.stallTimeout)
        progress(TransferProgress(bytesDone: 0, totalBytes: total))
        while true {
            let n = libssh2_sftp_read(handle, buffer.assumingMemoryBound(to: CChar.self), chunk)
            if n == Int(LIBSSH2_ERROR_EAGAIN) {
                try waitSocket(deadline: stall, what: "download of \(remotePath) (no progress)")
                continue
            }
            if n < 0 { throw sftpFailure(sftp, Int32(n), path: remotePath, doing: "read") }
            if n == 0 { break }
            var written = 0
            while written < n {
                let w = write(fd, buffer + written, n - written)
                if w < 0 { throw SSHError.localFile(path: temporary, detail: "write failed: \(String(cString: strerror(errno)))") }
                written += w
            }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(start: buffer, count: n))
            done += Int64(n)
            stall = Deadline(seconds: options.stallTimeout)
            progress(TransferProgress(bytesDone: done, totalBytes: max(total, done)))
        }
        guard fsync(fd) == 0 else { throw SSHError.localFile(path: temporary, detail: "fsync failed: \(String(cString: strerror(errno)))") }
        Glibc.close(fd)
        fdOpen = false
        let localHash = Self.hex(hasher.finalize())
        var verified = false
        if options.verify {
            let remoteHash = try remoteSHA256Locked(remotePath)
            guard remoteHash == localHash else {
                unlink(temporary)
                throw SSHError.integrityMismatch(host: name, path: remotePath, local: localHash, remote: remoteHash)
            }
            verified = true
        }
        guard rename(temporary, localPath) == 0 else {
            throw SSHError.localFile(path: localPath, detail: "cannot rename from \(temporary): \(String(cString: strerror(errno)))")
        }
        return TransferResult(bytes: done, resumedFrom: 0, sha256: localHash, verified: verified)
    }

    /// The host's SHA-256 of `path`, lower-case hex (OpenSSL's, which uses the CPU's SHA instructions and was
    /// 6x as fast as coreutils' `sha256sum` here, when the host has it).
    package func remoteSHA256(_ path: String, asRoot: Bool = false) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        try ensureUsable()
        return try remoteSHA256Locked(path, asRoot: asRoot)
    }

    /// SHA-256 of a local file, lower-case hex.
    package static func localSHA256(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SSHError.localFile(path: path, detail: "cannot open: \(String(cString: strerror(errno)))") }
        defer { Glibc.close(fd) }
        var hasher = SHA256()
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer, 1 << 20)
            if n < 0 { throw SSHError.localFile(path: path, detail: "read failed: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(start: buffer, count: n))
        }
        return hex(hasher.finalize())
    }

    // MARK: - Helpers (caller holds the lock)

    func remoteSHA256Locked(_ path: String, asRoot: Bool = false) throws -> String {
        var out: [UInt8] = []
        var err: [UInt8] = []
        let command = RemoteCommand.script(
            "if command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 -r < \"$1\"; else sha256sum -- \"$1\"; fi",
            arguments: [path])
        let result = try commandLocked(commandLine: command.commandLine, options: ExecOptions(timeout: 3600, asRoot: asRoot)) { stream, bytes in
            if stream == .stdout { out += bytes } else { err += bytes }
        }
        let text = String(decoding: out, as: UTF8.self)
        // sha256sum prefixes the line with "\" when the name needed escaping.
        let first = text.split(separator: " ").first.map { $0.hasPrefix("\\") ? $0.dropFirst() : $0 } ?? ""
        guard result.succeeded, first.count == 64, first.allSatisfy(\.isHexDigit) else {
            let reason = String(decoding: err, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw SSHError.sftpFailed(host: name, path: path,
                                      detail: "sha256sum failed (\(result)): \(reason.isEmpty ? text : reason)")
        }
        return String(first).lowercased()
    }

    /// Runs a short command and fails with its stderr unless it succeeds.
    func checkedLocked(_ command: RemoteCommand, doing what: String, asRoot: Bool = false) throws {
        var err: [UInt8] = []
        let result = try commandLocked(commandLine: command.commandLine, options: ExecOptions(timeout: 120, asRoot: asRoot)) { stream, bytes in
            if stream == .stderr { err += bytes }
        }
        guard result.succeeded else {
            let reason = String(decoding: err, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw SSHError.channelFailed(host: name, detail: "\(what) failed (\(result)): \(reason)")
        }
    }

    func sftpSession() throws -> OpaquePointer {
        if let sftpHandle { return sftpHandle }
        let sftp = try retrying("starting SFTP", deadline: Deadline(seconds: 30)) { libssh2_sftp_init(session) }
        sftpHandle = sftp
        return sftp
    }

    func sftpOpen(_ sftp: OpaquePointer, _ path: String, flags: UInt, mode: Int, deadline: Deadline) throws -> OpaquePointer {
        while true {
            if let handle = shim_sftp_open(sftp, path, flags, mode) { return handle }
            let rc = libssh2_session_last_errno(session)
            if rc == LIBSSH2_ERROR_EAGAIN {
                try waitSocket(deadline: deadline, what: "opening \(path)")
                continue
            }
            throw sftpFailure(sftp, rc, path: path, doing: "open")
        }
    }

    /// The size of a remote file, or nil when it does not exist.
    func remoteSize(_ sftp: OpaquePointer, _ path: String) throws -> Int64? {
        var attributes = LIBSSH2_SFTP_ATTRIBUTES()
        let rc = try retrying("stat \(path)", deadline: Deadline(seconds: 30)) { shim_sftp_stat(sftp, path, &attributes) }
        if rc == 0 { return Int64(attributes.filesize) }
        if rc == LIBSSH2_ERROR_SFTP_PROTOCOL && libssh2_sftp_last_error(sftp) == UInt(LIBSSH2_FX_NO_SUCH_FILE) { return nil }
        throw sftpFailure(sftp, rc, path: path, doing: "stat")
    }

    func sftpFailure(_ sftp: OpaquePointer, _ rc: Int32, path: String, doing what: String) -> SSHError {
        guard rc == LIBSSH2_ERROR_SFTP_PROTOCOL else {
            let error = failure(rc, doing: "\(what) \(path)")
            if case .connectionLost = error { return error }
            return .sftpFailed(host: name, path: path, detail: "\(what): \(lastErrorMessage(rc))")
        }
        let status = libssh2_sftp_last_error(sftp)
        let meaning: [UInt: String] = [
            2: "no such file or directory", 3: "permission denied", 4: "failure", 5: "bad message",
            7: "connection lost", 8: "operation unsupported", 11: "file already exists", 12: "write protected",
            14: "no space left on the file system", 15: "quota exceeded", 10: "no such path",
        ]
        return .sftpFailed(host: name, path: path, detail: "\(what): \(meaning[status] ?? "SFTP status \(status)")")
    }

    private func hashLocal(fd: Int32, path: String, bytes: Int64) throws -> String {
        var prefix = SHA256()
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var left = bytes
        while left > 0 {
            let n = read(fd, buffer, Int(min(left, 1 << 20)))
            if n <= 0 { throw SSHError.localFile(path: path, detail: "read failed while checking the partial upload") }
            let chunk = UnsafeRawBufferPointer(start: buffer, count: n)
            prefix.update(bufferPointer: chunk)
            left -= Int64(n)
        }
        return Self.hex(prefix.finalize())
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}

/// Work done on its own thread while the caller sends data (local hashing); `result()` waits for it.
final class BackgroundJob<Value>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var outcome: Result<Value, Error> = .failure(CancellationError())

    init(_ work: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            outcome = Result { try work() }
            done.signal()
        }
        thread.start()
    }

    /// Waits for the value. `outcome` is written once, before `signal`, and read only after `wait`.
    func result() throws -> Value {
        done.wait()
        done.signal()
        return try outcome.get()
    }
}

/// Progress and the first failure shared by the connections of one parallel upload.
final class ParallelUploadState: Sendable {
    private let state = Mutex<(bytes: Int64, error: Error?)>((0, nil))

    func add(_ n: Int) { state.withLock { $0.bytes += Int64(n) } }
    var sent: Int64 { state.withLock { $0.bytes } }
    func fail(_ error: Error) { state.withLock { if $0.error == nil { $0.error = error } } }
    var failed: Bool { state.withLock { $0.error != nil } }
    var firstError: Error? { state.withLock { $0.error } }
}
