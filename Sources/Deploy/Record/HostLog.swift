import Foundation

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

    func flush(sync: Bool) {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { break }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
        if sync { _ = fsync(fd) }
    }
}

/// The last lines of output, for failure reports.
struct Tail {
    let limit: Int
    private(set) var lines: [String] = []
    init(limit: Int) { self.limit = limit }
    mutating func append(_ line: String) {
        lines.append(line)
        if lines.count > limit * 2 { lines.removeFirst(lines.count - limit) }
    }
    var last: [String] { Array(lines.suffix(limit)) }
}
