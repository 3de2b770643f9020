import Foundation

/// Complete lines of one output stream, as one read brought them: `text` holds each line followed by `\n`, the
/// lines exactly as `LineSplitter` gives them (a `\r` before the newline dropped, invalid UTF-8 replaced as
/// `String(decoding:)` does). A flooding step prints ~10 million lines per GB; one value per read instead of a
/// String and an event per line lets the host log take the bytes whole and the panes build only the newest lines.
package struct OutputLines: Sendable, Equatable {
    /// The lines, each followed by `\n` (so a line never contains one).
    package private(set) var text: String
    package private(set) var count: Int

    /// `lines` must not contain `\n`.
    package init(_ lines: [String]) {
        text = lines.map { $0 + "\n" }.joined()
        count = lines.count
    }

    init(text: String, count: Int) {
        self.text = text
        self.count = count
    }

    package var lines: [String] { suffix(count) }

    /// The newest `n` lines (all of them when there are fewer), oldest first.
    package func suffix(_ n: Int) -> [String] {
        guard n > 0, count > 0 else { return [] }
        var text = text
        return text.withUTF8 { bytes in
            // Walk back over `n` newlines (the last byte is one), then cut forwards.
            var start = bytes.count - 1
            var seen = 0
            while start > 0 {
                if bytes[start - 1] == 0x0A {
                    seen += 1
                    if seen == n { break }
                }
                start -= 1
            }
            var lines: [String] = []
            lines.reserveCapacity(min(n, count))
            Self.forEachLine(UnsafeBufferPointer(rebasing: bytes[start...])) { lines.append(String(decoding: $0, as: UTF8.self)) }
            return lines
        }
    }

    /// Each line's UTF-8 (without its newline), oldest first.
    package func forEachLine(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var text = text
        text.withUTF8 { Self.forEachLine($0, body) }
    }

    static func forEachLine(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let base = bytes.baseAddress else { return }
        var start = 0
        while start < bytes.count, let hit = memchr(base + start, 0x0A, bytes.count - start) {
            let end = start + UnsafeRawPointer(base + start).distance(to: UnsafeRawPointer(hit))
            body(UnsafeBufferPointer(rebasing: bytes[start..<end]))
            start = end + 1
        }
    }
}

/// `LineSplitter` for streams read in bulk: each read's complete lines come out as one `OutputLines`; a line
/// cut by the read's end waits for the next one (or `finish`).
package struct LineBlockSplitter: Sendable {
    package private(set) var partial: [UInt8] = []
    package init() {}

    /// The complete lines that `bytes` ends (with the partial line before them); nil when it ends none.
    package mutating func feed(_ bytes: [UInt8]) -> OutputLines? {
        bytes.withUnsafeBufferPointer { chunk -> OutputLines? in
            guard let base = chunk.baseAddress else { return nil }
            // The last newline: lines are short, so looking back from the end is cheap.
            var last = chunk.count - 1
            while last >= 0 && base[last] != 0x0A { last -= 1 }
            guard last >= 0 else {
                partial.append(contentsOf: chunk)
                return nil
            }
            var lines = 0
            let capacity = partial.count + last + 1
            // Copied once, straight into the String's storage; the String validates (and repairs) the UTF-8.
            let text = String(unsafeUninitializedCapacity: capacity) { out in
                var o = partial.withUnsafeBufferPointer { p in
                    if let from = p.baseAddress { out.baseAddress!.update(from: from, count: p.count) }
                    return p.count
                }
                var start = 0
                while start <= last {
                    let hit = memchr(base + start, 0x0A, last + 1 - start)!
                    let end = start + UnsafeRawPointer(base + start).distance(to: UnsafeRawPointer(hit))
                    (out.baseAddress! + o).update(from: base + start, count: end - start)
                    o += end - start
                    // `\r\n` is one line end, also when the `\r` came in the read before (the previous line's
                    // byte here is its `\n`, never a `\r`).
                    if o > 0 && out[o - 1] == 0x0D { o -= 1 }
                    out[o] = 0x0A
                    o += 1
                    lines += 1
                    start = end + 1
                }
                return o
            }
            partial.removeAll(keepingCapacity: true)
            if last + 1 < chunk.count { partial.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[(last + 1)...])) }
            return OutputLines(text: text, count: lines)
        }
    }

    /// The last line, when the stream did not end with a newline.
    package mutating func finish() -> OutputLines? {
        defer { partial = [] }
        guard !partial.isEmpty else { return nil }
        return OutputLines(text: LineSplitter.text(partial) + "\n", count: 1)
    }
}
