import Crypto
import Foundation

/// One file of a support bundle, as the manifest lists it.
package struct BundleEntry: Sendable {
    /// Its path inside the archive's top folder; nil when nothing was written (not on the host, skipped).
    package var path: String?
    package var what: String
    /// Where it came from: `HOST:/var/log/…`, `HOST: command line`, `local:/path`.
    package var source: String
    /// The size of the original, when known (a command's output has none).
    package var size: Int64?
    /// Bytes written to the bundle (after secrets were removed).
    package var written = 0
    package var sha256: String?
    /// Only the end of the original was kept.
    package var truncated = false
    /// Why it is missing or shorter, in words.
    package var note: String?
    package var redactions: [BundleRedactor.Redaction] = []

    package init(path: String?, what: String, source: String, size: Int64? = nil, note: String? = nil) {
        self.path = path
        self.what = what
        self.source = source
        self.size = size
        self.note = note
    }
}

/// The folder a bundle is assembled in before it is archived: every file goes through the redactor first and
/// is written 0600; its SHA-256 is of the bytes written.
package struct BundleStage: Sendable {
    /// The folder holding `top`.
    package let directory: String
    /// The archive's top folder (`ovirt-wizard-bundle-<time>`).
    package let top: String
    package let redactor: BundleRedactor

    package init(directory: String, top: String, redactor: BundleRedactor) throws {
        self.directory = directory
        self.top = top
        self.redactor = redactor
        try FileManager.default.createDirectory(atPath: directory + "/" + top, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    /// Removes the secrets from `data`, writes it at `entry.path` and fills in the entry's size, hash and redactions.
    /// `patterns: false` removes only the known secret values (for the manifest, whose own words name the patterns).
    package func store(_ data: [UInt8], as entry: BundleEntry, patterns: Bool = true) throws -> BundleEntry {
        var entry = entry
        guard let path = entry.path else { return entry }
        let (clean, redactions) = patterns ? redactor.redact(data) : redactor.redactValues(data)
        let full = directory + "/" + top + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BundleError("cannot write \(full): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var offset = 0
        while offset < clean.count {
            let n = clean.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            guard n > 0 else { throw BundleError("cannot write \(full): \(String(cString: strerror(errno)))") }
            offset += n
        }
        entry.written = clean.count
        entry.sha256 = SHA256.hash(data: clean).map { String(format: "%02x", $0) }.joined()
        entry.redactions = redactions
        return entry
    }

    /// A name usable as one path component (host names, command names).
    package static func safeName(_ text: String) -> String {
        let safe = String(text.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" ? $0 : "_" })
        return safe.isEmpty || safe == "." || safe == ".." ? "_" : safe
    }

    /// A path from the host, relative and without `..` components, for inside the archive.
    package static func safePath(_ path: String) -> String {
        path.split(separator: "/").map { $0 == ".." || $0 == "." ? "_" : String($0) }.joined(separator: "/")
    }
}

package struct BundleError: Error, Sendable, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

/// Size caps: per file (the tail is kept) and per host (the newest files first; later ones are left out).
package struct BundleLimits: Sendable {
    package var perFile: Int
    package var perHost: Int
    package init(perFile: Int = 32 << 20, perHost: Int = 256 << 20) {
        self.perFile = max(1, perFile)
        self.perHost = max(1, perHost)
    }
}

/// The newest `limit` bytes of a stream.
struct TailBuffer {
    let limit: Int
    private(set) var bytes: [UInt8] = []
    private(set) var total: Int64 = 0

    init(limit: Int) { self.limit = limit }

    mutating func append(_ chunk: [UInt8]) {
        total += Int64(chunk.count)
        bytes += chunk
        if bytes.count > limit * 2 { bytes.removeFirst(bytes.count - limit) }
    }

    var kept: [UInt8] { bytes.count > limit ? Array(bytes.suffix(limit)) : bytes }
    var truncated: Bool { total > Int64(limit) }
}
