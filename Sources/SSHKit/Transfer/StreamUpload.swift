import CLibssh2
import Crypto
import Foundation
import HostOps
import Synchronization

/// Uploads over exec channels: each connection streams one byte range of the file into `dd` on the host (as
/// `scp` streams into its remote end), and the host hashes that range from its disk as soon as it is written,
/// in the same command, while the other ranges are still arriving. No SFTP packets, acknowledgements or
/// pipelining window: the SSH channel window is the only flow control.
extension SSHConnection {
    /// Writes stdin at byte `$2` of `$1`, then prints the SHA-256 of the `$3` bytes now on disk there when `$4` is 1.
    /// `$5` (tests only, else -1) is a byte overwritten between the write and the hash. The hash uses OpenSSL when
    /// the host has it (SHA instructions), else coreutils.
    static let rangeScript: StaticString = """
        umask 077
        dd of="$1" bs=1M seek="$2" oflag=seek_bytes conv=notrunc status=none || exit 3
        [ "$5" = -1 ] || printf X | dd of="$1" bs=1 seek="$5" conv=notrunc status=none || exit 4
        [ "$4" = 1 ] || exit 0
        if command -v openssl >/dev/null 2>&1; then h='openssl dgst -sha256 -r'; else h=sha256sum; fi
        dd if="$1" bs=1M skip="$2" count="$3" iflag=skip_bytes,count_bytes status=none | $h
        """

    /// Creates the file if no piece did (an empty file), cuts what an earlier, longer attempt left beyond the end, checks the size, applies the mode and moves the
    /// file into place. (The pieces write with `notrunc` at their offsets, so nothing is truncated before.)
    static let finishScript: StaticString = """
        umask 077; : >> "$1" || exit 1
        s=$(stat -c %s -- "$1") || exit 1
        if [ "$s" -gt "$2" ]; then truncate -s "$2" -- "$1" || exit 1
        elif [ "$s" -lt "$2" ]; then echo "has $s bytes, expected $2" >&2; exit 1; fi
        chmod "$3" -- "$1" && mv -f -- "$1" "$4"
        """

    /// The stream upload. Caller holds the lock.
    func uploadStreamLocked(_ localPath: String, to remotePath: String, options: UploadOptions,
                            parallel: UploadHelpers, progress: (TransferProgress) -> Void) throws -> TransferResult {
        let source = try LocalSourceFile.open(localPath)
        let fd = source.fd
        defer { Glibc.close(fd) }
        let total = source.size
        let part = Self.partialPath(for: remotePath)

        var offset: Int64 = 0
        if options.resume, let existing = try remoteFileSize(part), existing > 0, existing <= total {
            let prefix = try Self.localSHA256(fd: fd, path: localPath, range: 0..<existing)
            if try remoteSHA256Locked(part) == prefix { offset = existing }   // else: not our prefix, start over
        }

        let remaining = total - offset
        let helpers = try parallel.connections(besides: self, remaining: remaining)
        // One contiguous range per connection, each cut into pieces of at most `pieceBytes`: the host hashes a
        // piece while the next one arrives.
        let perConnection = Self.split(offset..<total, parts: helpers.count + 1).map { Self.pieces(of: $0, size: options.pieceBytes ?? Self.pieceBytes) }
        let ranges = perConnection.flatMap { $0 }
        let firstIndex = perConnection.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        // The local hashes are computed on their own thread while the bytes are sent (SHA instructions make this
        // cheap next to the encryption).
        // A whole file sent as one range needs no local hashing when the caller knows its hash: the host's hash of
        // what landed on its disk is compared with that (a file changed since it was hashed fails the check).
        let known = options.knownSHA256.flatMap { ranges.count == 1 && offset == 0 ? LocalRangeHashes.Hashes(ranges: [$0], whole: $0) : nil }
        let localHashes = options.verify && known == nil ? LocalRangeHashes.start(path: localPath, ranges: ranges, wholeFile: total) : nil
        let corrupt = options.corruptByteForTesting ?? -1

        let shared = ParallelUploadState()
        let remoteHashes = RemoteRangeHashes(count: ranges.count)
        let group = DispatchGroup()
        for (index, helper) in helpers.enumerated() where !perConnection[index + 1].isEmpty {
            group.enter()
            let pieces = perConnection[index + 1]
            let first = firstIndex[index + 1]
            let thread = Thread {
                defer { group.leave() }
                do {
                    helper.lock.lock()
                    defer { helper.lock.unlock() }
                    try helper.ensureUsable()
                    let helperFD = open(localPath, O_RDONLY | O_CLOEXEC)
                    guard helperFD >= 0 else {
                        throw SSHError.localFile(path: localPath, detail: "cannot open: \(String(cString: strerror(errno)))")
                    }
                    defer { Glibc.close(helperFD) }
                    let hashes = try helper.streamPieces(fd: helperFD, localPath: localPath, part: part, pieces: pieces,
                                                         verify: options.verify, corrupt: corrupt,
                                                         stallTimeout: options.stallTimeout, shared: shared) {}
                    for (offset, hash) in hashes.enumerated() { remoteHashes.set(first + offset, hash) }
                } catch {
                    shared.fail(error)
                }
            }
            thread.start()
        }
        progress(TransferProgress(bytesDone: offset, totalBytes: total))
        do {
            let hashes: [String?]
            // A small file goes through the connection's runner, if it has one: no channel and no login shell of its own.
            if helpers.isEmpty, remaining > 0, remaining < Self.runnerUploadLimit,
               let runner = try currentRunner(deadline: Deadline(seconds: max(options.stallTimeout, 30))) {
                hashes = try streamPiecesThroughRunner(runner, fd: fd, localPath: localPath, part: part, pieces: perConnection[0],
                                                       verify: options.verify, corrupt: corrupt, stallTimeout: options.stallTimeout,
                                                       shared: shared) {
                    progress(TransferProgress(bytesDone: offset + shared.sent, totalBytes: total))
                }
            } else {
                hashes = try streamPieces(fd: fd, localPath: localPath, part: part, pieces: perConnection[0],
                                          verify: options.verify, corrupt: corrupt, stallTimeout: options.stallTimeout,
                                          shared: shared) {
                    progress(TransferProgress(bytesDone: offset + shared.sent, totalBytes: total))
                }
            }
            for (index, hash) in hashes.enumerated() { remoteHashes.set(index, hash) }
        } catch {
            shared.fail(error)
        }
        while group.wait(timeout: .now() + 0.1) == .timedOut {
            progress(TransferProgress(bytesDone: offset + shared.sent, totalBytes: total))
        }
        let local = known.map { Result.success($0) } ?? localHashes.map { job in Result { try job.result() } }
        if let error = shared.firstError { throw error }
        progress(TransferProgress(bytesDone: offset + shared.sent, totalBytes: total))

        var wholeHash: String?
        if options.verify, let local {
            let hashes = try local.get()
            for (index, range) in ranges.enumerated() where !range.isEmpty {
                let remote = remoteHashes.get(index) ?? "(none)"
                guard remote == hashes.ranges[index] else {
                    _ = try? checkedLocked(RemoteCommand(["rm", "-f", "--", part]), doing: "remove the bad copy")
                    throw SSHError.integrityMismatch(host: name, path: "\(remotePath) (bytes \(range.lowerBound)..<\(range.upperBound))",
                                                     local: hashes.ranges[index], remote: remote)
                }
            }
            wholeHash = hashes.whole
        }
        if let owner = options.owner {
            try checkedLocked(RemoteCommand(["chown", "--", owner, part]), doing: "chown \(owner)")
        }
        try checkedLocked(RemoteCommand.script(Self.finishScript,
                                               arguments: [part, String(total), String(options.mode, radix: 8), remotePath]),
                          doing: "move \(part) into place")
        var result = TransferResult(bytes: total, resumedFrom: offset, sha256: wholeHash, verified: options.verify)
        result.streams = 1 + perConnection.dropFirst().filter { !$0.isEmpty }.count
        return result
    }

    /// Uploads smaller than this go through the connection's runner (when it uses one) as one command whose stdin is
    /// the file; larger ones keep their own channels (and helper connections), which stream in parallel.
    static let runnerUploadLimit: Int64 = 64 << 20

    /// As `streamPieces`, each piece sent as the stdin of the range script run by `runner`. Caller holds the lock.
    func streamPiecesThroughRunner(_ runner: RemoteRunner, fd: Int32, localPath: String, part: String, pieces: [Range<Int64>],
                                   verify: Bool, corrupt: Int64, stallTimeout: Double, shared: ParallelUploadState,
                                   onProgress: () -> Void) throws -> [String?] {
        var hashes = [String?](repeating: nil, count: pieces.count)
        for (index, range) in pieces.enumerated() where !range.isEmpty {
            let command = RemoteCommand.script(Self.rangeScript, arguments: [
                part, String(range.lowerBound), String(range.count), verify ? "1" : "0", String(range.contains(corrupt) ? corrupt : -1),
            ])
            var out: [UInt8] = []
            var err: [UInt8] = []
            var sent: Int64 = 0
            // No stall detection inside the runner: a bound that allows 1 MB/s, and the keepalive limit for a frozen host.
            let timeout = max(stallTimeout, 30) + Double(range.count) / 1_000_000
            let result = try runner.run(self, commandLine: command.commandLine, input: .file(fd: fd, path: localPath, range: range),
                                        timeout: timeout, control: nil, onData: { stream, bytes in
                                            // Only a hash line or a short message is expected: keep at most 4 KiB of each.
                                            if stream == .stdout { out += bytes.prefix(max(0, 4096 - out.count)) } else { err += bytes.prefix(max(0, 4096 - err.count)) }
                                        }, onInputSent: { total in
                                            shared.add(Int(total - sent))
                                            sent = total
                                            onProgress()
                                        })
            hashes[index] = try RangeChannel.outcome(host: name, part: part, range: range, status: result.shellStatus, endedEarly: false,
                                                     out: out, err: err, verify: verify)
        }
        return hashes
    }

    /// The largest piece one exec channel carries; the host's hash of the last piece is the only one not overlapped
    /// with sending. Each channel start costs a command start on the host (0.2 s on this busy lab machine, during
    /// which that connection sends nothing), so pieces are large: 256 MiB, about 0.2 s of OpenSSL's SHA-256 here.
    static let pieceBytes: Int64 = 256 << 20

    /// `range` cut into consecutive pieces of at most `size` bytes (an empty range gives no pieces).
    static func pieces(of range: Range<Int64>, size: Int64) -> [Range<Int64>] {
        stride(from: range.lowerBound, to: range.upperBound, by: Int(size)).map { $0..<min($0 + size, range.upperBound) }
    }

    /// Splits `range` into `parts` contiguous pieces, each a multiple of 1 MiB except the last.
    static func split(_ range: Range<Int64>, parts: Int) -> [Range<Int64>] {
        let mib = Int64(1 << 20)
        let share = (Int64(range.count) / Int64(parts) + mib - 1) / mib * mib
        var pieces: [Range<Int64>] = []
        var cursor = range.lowerBound
        for index in 0..<parts {
            let end = index == parts - 1 ? range.upperBound : min(range.upperBound, cursor + share)
            pieces.append(cursor..<end)
            cursor = end
        }
        return pieces
    }

    /// The size of a remote file, or nil when it does not exist. Caller holds the lock.
    func remoteFileSize(_ path: String) throws -> Int64? {
        var out: [UInt8] = []
        let result = try commandLocked(commandLine: RemoteCommand.script("stat -c %s -- \"$1\" 2>/dev/null", arguments: [path]).commandLine,
                                       options: ExecOptions(timeout: 60)) { stream, bytes in
            if stream == .stdout { out += bytes }
        }
        guard result.succeeded else { return nil }
        return Int64(String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Streams each of `pieces` (consecutive parts of this connection's range) into the range script on its own
    /// exec channel, one after the other, and returns the host's hash of each (nil without `verify`). While the
    /// host hashes a piece, the next one is already being sent, so only the last piece's hash adds wall time.
    /// Caller holds the lock.
    func streamPieces(fd: Int32, localPath: String, part: String, pieces: [Range<Int64>], verify: Bool, corrupt: Int64,
                      stallTimeout: Double, shared: ParallelUploadState, onProgress: () -> Void) throws -> [String?] {
        var hashes = [String?](repeating: nil, count: pieces.count)
        var pending: [(index: Int, channel: RangeChannel)] = []
        var current: RangeChannel?
        // On a failure, channels still open are freed (those that finished already freed themselves).
        defer {
            current?.release()
            for item in pending { item.channel.release() }
        }
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }

        /// Reads what the hashing channels printed and retires those that ended. True when anything happened.
        func pollPending() throws -> Bool {
            var progressed = false
            for item in pending {
                if try item.channel.poll(self) { progressed = true }
                if item.channel.finished { hashes[item.index] = try item.channel.outcome(self, part: part, verify: verify) }
            }
            pending.removeAll { $0.channel.finished }
            return progressed
        }

        for (index, range) in pieces.enumerated() where !range.isEmpty {
            let channel = try RangeChannel(self, range: range, command: RemoteCommand.script(
                Self.rangeScript, arguments: [part, String(range.lowerBound), String(range.count), verify ? "1" : "0",
                                              String(range.contains(corrupt) ? corrupt : -1)]), deadline: Deadline(seconds: max(stallTimeout, 30)))
            current = channel
            var start = 0, end = 0
            var readAt = range.lowerBound
            var stall = Deadline(seconds: stallTimeout)
            // libssh2 1.10 refuses (LIBSSH2_ERROR_BAD_USE) to send any other packet while one is half sent, which
            // is the case after a write returned EAGAIN: the finished pieces' channels are closed only in between.
            var halfSent = false
            while !channel.eofSent {
                if shared.failed { return hashes }
                var progressed = halfSent ? false : try pollPending()
                if try channel.drain(self) { progressed = true }
                if libssh2_channel_eof(channel.channel) != 0 {
                    channel.endedEarly = true   // the host's end exited before reading everything: its message says why
                    break
                }
                if start == end && readAt < range.upperBound {
                    let n = pread(fd, buffer, Int(min(Int64(chunk), range.upperBound - readAt)), off_t(readAt))
                    if n < 0 { throw SSHError.localFile(path: localPath, detail: "read failed: \(String(cString: strerror(errno)))") }
                    if n == 0 { throw SSHError.localFile(path: localPath, detail: "became shorter during the upload (at byte \(readAt))") }
                    start = 0
                    end = n
                    readAt += Int64(n)
                }
                if start < end {
                    // libssh2 sends at most one packet per call; keep calling until the socket or the window is full.
                    var sent = false
                    while start < end {
                        let n = shim_channel_write(channel.channel, (buffer + start).assumingMemoryBound(to: CChar.self), end - start)
                        if n == Int(LIBSSH2_ERROR_EAGAIN) {
                            halfSent = true
                            break
                        }
                        if n < 0 { throw failure(Int32(n), doing: "sending \(part)") }
                        halfSent = false
                        start += n
                        shared.add(n)
                        sent = true
                    }
                    if sent {
                        progressed = true
                        onProgress()
                    }
                } else {
                    let e = libssh2_channel_send_eof(channel.channel)
                    halfSent = e == LIBSSH2_ERROR_EAGAIN
                    if e == 0 {
                        channel.eofSent = true
                        progressed = true
                    } else if e != LIBSSH2_ERROR_EAGAIN {
                        throw failure(e, doing: "finishing \(part)")
                    }
                }
                if progressed {
                    stall = Deadline(seconds: stallTimeout)
                } else {
                    try waitSocket(deadline: stall, what: "upload of \(part) (no progress)")
                }
            }
            pending.append((index, channel))
            current = nil
        }
        // The host is hashing the last pieces: allow for a slow disk or coreutils' hash of a large piece.
        let hashing = Deadline(seconds: max(stallTimeout, 3600))
        while !pending.isEmpty {
            if shared.failed { return hashes }
            if try !pollPending() && !pending.isEmpty {
                try waitSocket(deadline: hashing, what: "hash of \(part) on the host")
            }
        }
        return hashes
    }

    /// SHA-256 of bytes `range` of an open file, lower-case hex.
    static func localSHA256(fd: Int32, path: String, range: Range<Int64>) throws -> String {
        var hasher = SHA256()
        try readRange(fd: fd, path: path, range: range) { hasher.update(bufferPointer: $0) }
        return hex(hasher.finalize())
    }

    /// Hands `range` of `fd` to `body` in 1 MiB pieces.
    static func readRange(fd: Int32, path: String, range: Range<Int64>, _ body: (UnsafeRawBufferPointer) -> Void) throws {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var at = range.lowerBound
        while at < range.upperBound {
            let n = pread(fd, buffer, Int(min(Int64(1 << 20), range.upperBound - at)), off_t(at))
            if n < 0 { throw SSHError.localFile(path: path, detail: "read failed: \(String(cString: strerror(errno)))") }
            if n == 0 { throw SSHError.localFile(path: path, detail: "became shorter during the upload (at byte \(at))") }
            body(UnsafeRawBufferPointer(start: buffer, count: n))
            at += Int64(n)
        }
    }
}

/// The SHA-256 of each range and of the whole file, computed in one pass on a thread of its own.
/// The local file's SHA-256, per range and whole, computed in one pass on its own thread while the ranges are sent.
enum LocalRangeHashes {
    struct Hashes {
        var ranges: [String]
        var whole: String
    }

    /// `ranges` are contiguous and end at `wholeFile`; bytes before the first range count only for the whole hash.
    static func start(path: String, ranges: [Range<Int64>], wholeFile: Int64) -> BackgroundJob<Hashes> {
        BackgroundJob {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw SSHError.localFile(path: path, detail: "cannot open: \(String(cString: strerror(errno)))") }
            defer { Glibc.close(fd) }
            var whole = SHA256()
            let skipped = ranges.first?.lowerBound ?? wholeFile
            try SSHConnection.readRange(fd: fd, path: path, range: 0..<skipped) { whole.update(bufferPointer: $0) }
            var hashes: [String] = []
            for range in ranges {
                var part = SHA256()
                try SSHConnection.readRange(fd: fd, path: path, range: range) {
                    part.update(bufferPointer: $0)
                    if ranges.count > 1 || skipped > 0 { whole.update(bufferPointer: $0) }
                }
                let digest = part.finalize()
                hashes.append(SSHConnection.hex(digest))
                if ranges.count == 1 && skipped == 0 { return Hashes(ranges: hashes, whole: hashes[0]) }
            }
            return Hashes(ranges: hashes, whole: SSHConnection.hex(whole.finalize()))
        }
    }
}

/// The hashes the host printed for each range, filled in by the connections' threads.
final class RemoteRangeHashes: Sendable {
    private let hashes: Mutex<[String?]>
    init(count: Int) { hashes = Mutex(Array(repeating: nil, count: count)) }
    func set(_ index: Int, _ hash: String?) { hashes.withLock { $0[index] = hash } }
    func get(_ index: Int) -> String? { hashes.withLock { $0[index] } }
}

/// One exec channel running the range script for one piece, used by one thread.
final class RangeChannel {
    let channel: OpaquePointer
    let range: Range<Int64>
    var out: [UInt8] = []
    var err: [UInt8] = []
    var eofSent = false
    var endedEarly = false
    private var closeSent = false
    private(set) var finished = false
    private(set) var status: Int32 = -1

    /// Opens the channel and starts `command`. Caller holds the connection's lock.
    init(_ connection: SSHConnection, range: Range<Int64>, command: RemoteCommand, deadline: Deadline) throws {
        let session = connection.session
        channel = try connection.retrying("opening a channel", deadline: deadline) { shim_channel_open_session(session) }
        self.range = range
        do {
            let rc = try connection.retrying("starting the upload", deadline: deadline) { [channel] in
                shim_channel_exec(channel, command.commandLine)
            }
            if rc != 0 { throw connection.failure(rc, doing: "starting the upload") }
        } catch {
            _ = libssh2_channel_free(channel)
            throw error
        }
    }

    /// Reads whatever the command printed (a hash line, or an error message). True when something arrived.
    func drain(_ connection: SSHConnection) throws -> Bool {
        var progressed = false
        var buffer = [CChar](repeating: 0, count: 4096)
        for stream in [ExecStream.stdout, .stderr] {
            if try connection.drain(channel, stream, into: &buffer, doing: "reading from an upload channel", { bytes in
                // Only a hash line or a short message is expected: keep at most 4 KiB of each.
                if stream == .stdout { out += bytes.prefix(max(0, 4096 - out.count)) } else { err += bytes.prefix(max(0, 4096 - err.count)) }
            }) { progressed = true }
        }
        return progressed
    }

    /// Frees the channel if it has not finished (after a failure elsewhere).
    func release() {
        guard !finished else { return }
        _ = libssh2_channel_free(channel)
        finished = true
    }

    /// Drains the channel and, once the command has ended, closes it and collects its exit status, without
    /// blocking. True when something happened.
    func poll(_ connection: SSHConnection) throws -> Bool {
        guard !finished else { return false }
        var progressed = try drain(connection)
        guard libssh2_channel_eof(channel) != 0 else { return progressed }
        if !closeSent {
            let rc = libssh2_channel_close(channel)
            if rc == LIBSSH2_ERROR_EAGAIN { return progressed }
            if rc != 0 { throw connection.failure(rc, doing: "closing an upload channel") }
            closeSent = true
            progressed = true
        }
        let rc = libssh2_channel_wait_closed(channel)
        if rc == LIBSSH2_ERROR_EAGAIN { return progressed }
        status = libssh2_channel_get_exit_status(channel)
        _ = libssh2_channel_free(channel)
        finished = true
        return true
    }

    /// The host's hash of the piece (nil without `verify`), or the failure the command reported.
    func outcome(_ connection: SSHConnection, part: String, verify: Bool) throws -> String? {
        try Self.outcome(host: connection.name, part: part, range: range, status: status, endedEarly: endedEarly, out: out, err: err,
                         verify: verify)
    }

    /// The hash the range script printed, or the failure it reported (exit status and stderr).
    static func outcome(host: String, part: String, range: Range<Int64>, status: Int32, endedEarly: Bool, out: [UInt8], err: [UInt8],
                        verify: Bool) throws -> String? {
        let message = String(decoding: err, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard status == 0 && !endedEarly else {
            if status == 3, let reason = message.components(separatedBy: ": ").last, message.hasPrefix("dd: failed to open") {
                // "dd: failed to open 'F': No such file or directory" -> "cannot create: no such file or directory"
                throw SSHError.sftpFailed(host: host, path: part,
                                          detail: "cannot create: \(reason.prefix(1).lowercased() + reason.dropFirst())")
            }
            throw SSHError.sftpFailed(host: host, path: part,
                                      detail: "writing bytes \(range.lowerBound)..<\(range.upperBound) failed (exit status \(status))"
                                          + (message.isEmpty ? "" : ": \(message)"))
        }
        guard verify else { return nil }
        let first = String(decoding: out, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
        guard first.count == 64, first.allSatisfy(\.isHexDigit) else {
            throw SSHError.sftpFailed(host: host, path: part,
                                      detail: "hashing on the host failed: \(message.isEmpty ? "no hash printed" : message)")
        }
        return first.lowercased()
    }
}
