import Foundation

/// The last lines of a log file, read backwards in blocks: opening a host's log costs what its tail costs,
/// even after a step printed gigabytes.
package enum LogFileTail {
    package static func read(path: String, lines limit: Int, blockSize: Int = 1 << 20) -> (lines: [String], earlier: Bool) {
        guard limit > 0, let handle = FileHandle(forReadingAtPath: path) else { return ([], false) }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return ([], false) }
        var start = size
        var blocks: [Data] = []
        var newlines = 0
        // One newline more than the limit: the line before the first kept one must end inside what was read.
        while start > 0 && newlines <= limit {
            let from = start > UInt64(blockSize) ? start - UInt64(blockSize) : 0
            guard (try? handle.seek(toOffset: from)) != nil,
                  let block = try? handle.read(upToCount: Int(start - from)), !block.isEmpty else { break }
            newlines += block.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            blocks.append(block)
            start = from
        }
        var bytes = Data()
        for block in blocks.reversed() { bytes.append(block) }
        // Invalid UTF-8 shows as U+FFFD instead of emptying the view.
        var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var earlier = false
        if start > 0, !lines.isEmpty {
            lines.removeFirst()   // it began before what was read
            earlier = true
        }
        if lines.count > limit {
            lines.removeFirst(lines.count - limit)
            earlier = true
        }
        return (lines, earlier)
    }
}
