import CLibssh2
import Glibc

extension SSHConnection {
    /// Reads what is waiting on one stream of a non-blocking channel, chunk by chunk into `buffer`, until libssh2
    /// has nothing more for now (EAGAIN) or the stream ended. Each chunk goes to `take`. True when bytes arrived.
    /// The exec loop, the runner and the upload channels all drain their streams this way.
    func drain(_ channel: OpaquePointer, _ stream: ExecStream, into buffer: inout [CChar], doing what: String,
               _ take: ([UInt8]) throws -> Void) throws -> Bool {
        var progressed = false
        while true {
            let n = buffer.withUnsafeMutableBufferPointer { p in
                stream == .stdout ? shim_channel_read(channel, p.baseAddress, p.count)
                    : shim_channel_read_stderr(channel, p.baseAddress, p.count)
            }
            if n == Int(LIBSSH2_ERROR_EAGAIN) || n == 0 { return progressed }
            if n < 0 { throw failure(Int32(n), doing: what) }
            progressed = true
            // One memcpy into the chunk handed on (a per-byte `map` here cost ~1 s of CPU per GB of output).
            try take(buffer.withUnsafeBytes { Array(UnsafeRawBufferPointer(rebasing: $0[0..<n])) })
        }
    }
}

/// A local regular file opened for reading (an upload's source); anything else is refused with the path named.
struct LocalSourceFile {
    let fd: Int32
    let size: Int64

    /// The caller closes `fd`.
    static func open(_ path: String) throws -> LocalSourceFile {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SSHError.localFile(path: path, detail: "cannot open: \(String(cString: strerror(errno)))") }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            Glibc.close(fd)
            throw SSHError.localFile(path: path, detail: "not a regular file")
        }
        return LocalSourceFile(fd: fd, size: Int64(info.st_size))
    }

    /// The size of a regular file, or nil (the upload itself then reports what is wrong with it).
    static func size(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(info.st_size)
    }
}
