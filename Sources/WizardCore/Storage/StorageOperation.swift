import Foundation

/// One step that changes a host's file system or runs a program there, expressed as data so that the
/// local writer (tests) and the SSH plan runner (later) apply exactly the same list.
/// Paths are absolute; modes are permission bits (e.g. `0o660`); uid/gid are numeric.
public enum StorageOperation: Sendable, Equatable {
    /// Create the directory if it is missing (parents must exist), then set mode and owner.
    case createDirectory(path: String, mode: UInt32, uid: UInt32, gid: UInt32)
    /// Create a new file with exactly these bytes (it must not exist yet), then set mode and owner.
    case writeFile(path: String, contents: [UInt8], mode: UInt32, uid: UInt32, gid: UInt32)
    /// Append one line (a newline is added) unless the file already holds that exact line.
    case appendLineIfAbsent(path: String, line: String)
    /// Run a program; never through a shell string built by hand (SSHKit's `ShellQuote` builds the line).
    case run(argv: [String])

    /// One line for previews and dry runs. WizardCore quotes nothing itself: the caller passes the one
    /// shell quoting of the project (`SSHKit.ShellQuote.quote`), so the preview shows what is sent.
    public func summary(quotedBy quote: (String) -> String) -> String {
        switch self {
        case let .createDirectory(path, mode, uid, gid):
            return "mkdir \(quote(path))  (mode \(octal(mode)), owner \(uid):\(gid))"
        case let .writeFile(path, contents, mode, uid, gid):
            return "write \(quote(path))  (\(contents.count) bytes, mode \(octal(mode)), owner \(uid):\(gid))"
        case let .appendLineIfAbsent(path, line):
            return "append to \(quote(path)) unless present: \(line.replacingOccurrences(of: "\t", with: "\\t"))"
        case let .run(argv):
            return argv.map(quote).joined(separator: " ")
        }
    }
}

func octal(_ mode: UInt32) -> String {
    "0" + String(mode, radix: 8)
}
