#if canImport(Glibc)
import Glibc
#endif

/// While curses owns the screen, standard error goes to an unlinked temporary file instead of the terminal:
/// stray messages cannot corrupt the screen, and what was written (a Swift fatal error's message, say) is
/// replayed on the real standard error once the terminal is restored, at exit or from the crash guard.
enum StderrCapture {
    nonisolated(unsafe) private static var savedDescriptor: Int32 = -1
    nonisolated(unsafe) private static var fileDescriptor: Int32 = -1

    static func start() {
        guard savedDescriptor < 0 else { return }
        var template = Array("/tmp/ovirt-wizard-stderr-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let saved = dup(2)
        guard saved >= 0, dup2(fd, 2) >= 0 else { close(fd); return }
        savedDescriptor = saved
        fileDescriptor = fd
    }

    /// Puts standard error back and copies what was captured to it. Only async-signal-safe calls:
    /// the crash guard calls this from a signal handler.
    static func stop() {
        let saved = savedDescriptor, fd = fileDescriptor
        guard saved >= 0 else { return }
        savedDescriptor = -1
        fileDescriptor = -1
        _ = dup2(saved, 2)
        _ = close(saved)
        _ = lseek(fd, 0, SEEK_SET)
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0),
                      UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &buffer) { raw in
            while true {
                let n = read(fd, raw.baseAddress!, raw.count)
                if n <= 0 { break }
                _ = write(2, raw.baseAddress!, n)
            }
        }
        _ = close(fd)
    }
}
