import CNcursesw
#if canImport(Glibc)
import Glibc
#endif

/// On a crash signal (a Swift trap is SIGILL or SIGTRAP), leaves curses mode before the default handler
/// (Swift's backtracer) runs, so the report is readable and the terminal is usable afterwards.
/// Launch with `SWIFT_BACKTRACE=interactive=no` so the backtracer does not wait for a key.
package enum CrashGuard {
    nonisolated(unsafe) private static let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
    nonisolated(unsafe) private static var installed = false

    package static let crashSignals: [Int32] = [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE]

    /// Installs the handlers; call on the UI thread after curses started. Calling twice is harmless.
    package static func install() {
        guard !installed else { return }
        installed = true
        for sig in crashSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = { sig, _, _ in
                endwin()
                StderrCapture.stop()
                sigaction(sig, CrashGuard.previous + Int(sig), nil)
                raise(sig)
            }
            action.sa_flags = SA_SIGINFO
            sigemptyset(&action.sa_mask)
            sigaction(sig, &action, previous + Int(sig))
        }
    }
}
