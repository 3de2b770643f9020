import Foundation
import SSHKit

/// One host's output log: every line (secrets masked) appended, buffered, flushed and fsync'd at step ends.
final class HostLog {
    let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Journal.Failure(path: path, reason: "cannot open the host log: \(String(cString: strerror(errno)))") }
        buffer.reserveCapacity(1 << 16)
    }

    deinit {
        flush(sync: true)
        close(fd)
    }

    func line(_ text: String) {
        buffer += Array(text.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 16 { flush(sync: false) }
    }

    /// Each line of `block`, as `line` would write it (`prefix` before each).
    func lines(_ block: OutputLines, prefix: String = "") {
        if prefix.isEmpty {
            var text = block.text
            text.withUTF8 { bytes in
                // A read's worth of lines goes to the file as it is, not through the buffer (a copy less per byte).
                if bytes.count >= 1 << 14 {
                    flush(sync: false)
                    writeAll(bytes)
                } else {
                    buffer.append(contentsOf: bytes)
                }
            }
        } else {
            let before = Array(prefix.utf8)
            block.forEachLine { line in
                buffer += before
                buffer.append(contentsOf: line)
                buffer.append(UInt8(ascii: "\n"))
            }
        }
        if buffer.count >= 1 << 16 { flush(sync: false) }
    }

    func flush(sync: Bool) {
        buffer.withUnsafeBufferPointer { writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
        if sync { _ = fsync(fd) }
    }

    private func writeAll(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, base + offset, bytes.count - offset)
            if n <= 0 { break }
            offset += n
        }
    }
}

/// The last lines of output, for failure reports; a read's lines become Strings only if they are asked for.
struct Tail {
    let limit: Int
    private var recent: OutputTail
    init(limit: Int) {
        self.limit = limit
        recent = OutputTail(limit: limit)
    }
    mutating func append(_ line: String) { recent.append(line) }
    mutating func append(_ block: OutputLines) { recent.append(block) }
    var last: [String] { recent.last(limit) }
}
