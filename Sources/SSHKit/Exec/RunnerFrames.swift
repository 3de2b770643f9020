/// What the remote runner says about a command, on its stdout or stderr, after its per-runner token:
/// `<token><kind> <id> <value>\n`. `R 0 <pid>`: the runner is ready (its own PID); `P <id> <pid>`: the command
/// runs as process group `<pid>` (0: its shell did not start, see `RunnerFrameParser.startWithoutPID`);
/// `E <id> <status>`: the command ended (one on each stream, after its output); `X <id> <code>`: the runner refused
/// a request and exits.
struct RunnerRecord: Sendable, Equatable {
    enum Kind: UInt8, Sendable {
        case ready = 0x52    // R
        case started = 0x50  // P
        case ended = 0x45    // E
        case refused = 0x58  // X
    }
    var kind: Kind
    var id: UInt64
    var value: Int64
}

/// A runner stream that did not follow the framing (a damaged or foreign record after the token).
struct RunnerFrameError: Error, Equatable, CustomStringConvertible {
    var detail: String
    var description: String { detail }
}

/// Splits one of the runner's output streams into the command's own bytes and the runner's records. The token
/// is searched for as bytes anywhere (a command's output need not end in a newline and may be binary); bytes
/// that could be the start of a token split across reads are held back until the next read decides.
struct RunnerFrameParser: Sendable {
    enum Event: Sendable, Equatable {
        case output([UInt8])
        case record(RunnerRecord)
    }

    let token: [UInt8]
    private var pending: [UInt8] = []
    /// True after a token, while the rest of its record line is still arriving.
    private var inRecord = false
    /// A record is a kind letter and two numbers: anything longer is not one.
    static let maxRecordBytes = 48

    init(token: [UInt8]) {
        precondition(token.count >= 16, "the runner token must be long enough not to occur by chance")
        self.token = token
    }

    mutating func feed(_ bytes: [UInt8], emit: (Event) -> Void) throws {
        // Most reads are a command's output with no record in them: handed on as they are, not copied.
        if pending.isEmpty && !inRecord && Self.find(token, in: bytes, from: 0) == nil {
            let keep = Self.heldBack(bytes, token: token, from: 0)
            if keep == 0 {
                if !bytes.isEmpty { emit(.output(bytes)) }
            } else {
                if bytes.count > keep { emit(.output(Array(bytes[..<(bytes.count - keep)]))) }
                pending = Array(bytes[(bytes.count - keep)...])
            }
            return
        }
        pending += bytes
        var start = 0
        defer { pending.removeFirst(start) }
        while start < pending.count {
            if inRecord {
                if let cut = Self.startWithoutPID(pending[start...]) {
                    emit(.record(RunnerRecord(kind: .started, id: cut.id, value: 0)))
                    start += cut.length
                    inRecord = false
                    continue
                }
                guard let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                    if pending.count - start > Self.maxRecordBytes { throw RunnerFrameError(detail: "a runner record is not terminated") }
                    return
                }
                emit(.record(try Self.parseRecord(pending[start..<newline])))
                start = newline + 1
                inRecord = false
                continue
            }
            if let at = Self.find(token, in: pending, from: start) {
                if at > start { emit(.output(Array(pending[start..<at]))) }
                start = at + token.count
                inRecord = true
                continue
            }
            // No whole token: pass everything on except a tail that may be the first part of one.
            let keep = Self.heldBack(pending, token: token, from: start)
            if pending.count - keep > start { emit(.output(Array(pending[start..<(pending.count - keep)]))) }
            start = pending.count - keep
            return
        }
    }

    /// Bytes left at the end of the stream: output that only looked like the start of a token. A record cut
    /// off in the middle is an error.
    mutating func finish(emit: (Event) -> Void) throws {
        defer { pending = []; inRecord = false }
        if inRecord { throw RunnerFrameError(detail: "the runner stream ended inside a record") }
        if !pending.isEmpty { emit(.output(pending)) }
    }

    /// The length of the longest suffix of `bytes[from...]` that is a proper prefix of the token.
    private static func heldBack(_ bytes: [UInt8], token: [UInt8], from start: Int) -> Int {
        let available = bytes.count - start
        var length = min(token.count - 1, available)
        while length > 0 {
            if bytes[bytes.count - length] == token[0], bytes[(bytes.count - length)...].elementsEqual(token[..<length]) { return length }
            length -= 1
        }
        return 0
    }

    /// `ByteSearch` (memchr for the token's first byte, rare in output: `RemoteRunner.tokenLead`).
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard start < haystack.count else { return nil }
        return haystack.withUnsafeBytes { h in
            needle.withUnsafeBytes { n in ByteSearch.firstOffset(of: n, in: UnsafeRawBufferPointer(rebasing: h[start...])).map { start + $0 } }
        }
    }

    /// `P <id> ` followed by anything but a digit: the runner began the record, but the command's shell, which ends
    /// it with its PID, never started (its exec failed; the failure's message follows). The record ends there, its
    /// PID unknown (0), and what follows is output. Nil while the bytes could still be a whole record.
    static func startWithoutPID(_ bytes: ArraySlice<UInt8>) -> (id: UInt64, length: Int)? {
        let space = UInt8(ascii: " ")
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        var i = bytes.startIndex
        guard i < bytes.endIndex, bytes[i] == RunnerRecord.Kind.started.rawValue else { return nil }
        i += 1
        guard i < bytes.endIndex, bytes[i] == space else { return nil }
        i += 1
        let idStart = i
        while i < bytes.endIndex, isDigit(bytes[i]) { i += 1 }
        guard i > idStart, i < bytes.endIndex, bytes[i] == space,
              let id = UInt64(String(decoding: bytes[idStart..<i], as: UTF8.self)) else { return nil }
        i += 1
        guard i < bytes.endIndex, !isDigit(bytes[i]) else { return nil }
        return (id, i - bytes.startIndex)
    }

    static func parseRecord(_ bytes: ArraySlice<UInt8>) throws -> RunnerRecord {
        let fields = bytes.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0].count == 1, let kind = RunnerRecord.Kind(rawValue: fields[0].first!),
              let id = UInt64(String(decoding: fields[1], as: UTF8.self)),
              let value = Int64(String(decoding: fields[2], as: UTF8.self)) else {
            throw RunnerFrameError(detail: "a runner record is malformed (\(bytes.count) bytes)")
        }
        return RunnerRecord(kind: kind, id: id, value: value)
    }
}
