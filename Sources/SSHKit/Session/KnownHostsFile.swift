import Crypto
import Foundation

/// An OpenSSH known_hosts file: plain and hashed (`|1|salt|hash`) host fields, `[host]:port` for ports other
/// than 22, wildcards and `!negation`, and `@revoked` lines. `@cert-authority` lines are skipped (libssh2 1.10
/// cannot verify host certificates).
package struct KnownHostsFile: Sendable {
    package struct Entry: Sendable, Equatable {
        package let line: Int
        package let hostField: String
        package let keyType: String
        package let keyBase64: String
        package let revoked: Bool
    }

    package enum Verdict: Sendable, Equatable {
        case known(line: Int)
        case unknown
        case changed(line: Int)
        case revoked(line: Int)
    }

    package let path: String
    package private(set) var entries: [Entry]

    /// Reads `path`; a file that does not exist yet holds no entries.
    package init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            self.init(path: path, text: "")
            return
        }
        let bytes: [UInt8]
        do {
            bytes = try PosixFile.read(path, what: "known hosts")
        } catch {
            throw SSHError.knownHostsUnusable(path: path, detail: "cannot be read: \(String(cString: strerror(errno)))")
        }
        self.init(path: path, text: String(decoding: bytes, as: UTF8.self))
    }

    package init(path: String, text: String) {
        self.path = path
        var entries: [Entry] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            var revoked = false
            if first.hasPrefix("@") {
                guard first == "@revoked" else { continue }
                revoked = true
                fields.removeFirst()
            }
            guard fields.count >= 3 else { continue }
            entries.append(Entry(line: index + 1, hostField: fields[0], keyType: fields[1], keyBase64: fields[2],
                                 revoked: revoked))
        }
        self.entries = entries
    }

    /// `host` for port 22, `[host]:port` otherwise (OpenSSH's form).
    package static func hostField(host: String, port: Int) -> String {
        port == 22 ? host : "[\(host)]:\(port)"
    }

    /// Entries that name this host (revoked ones included).
    package func entries(host: String, port: Int) -> [Entry] {
        let name = Self.hostField(host: host, port: port)
        return entries.filter { Self.field($0.hostField, matches: name) }
    }

    /// Key types recorded for this host, in file order; used as the host-key algorithm preference.
    package func keyTypes(host: String, port: Int) -> [String] {
        var seen: [String] = []
        for entry in entries(host: host, port: port) where !entry.revoked && !seen.contains(entry.keyType) {
            seen.append(entry.keyType)
        }
        return seen
    }

    package func verdict(host: String, port: Int, keyType: String, keyBase64: String) -> Verdict {
        let mine = entries(host: host, port: port)
        if let bad = mine.first(where: { $0.revoked && $0.keyBase64 == keyBase64 }) { return .revoked(line: bad.line) }
        let sameType = mine.filter { !$0.revoked && $0.keyType == keyType }
        if let good = sameType.first(where: { $0.keyBase64 == keyBase64 }) { return .known(line: good.line) }
        if let other = sameType.first { return .changed(line: other.line) }
        return .unknown
    }

    /// Appends a line for this host, creating the file (0600) and its directory (0700) when needed.
    package mutating func append(host: String, port: Int, keyType: String, keyBase64: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        do {
            if !FileManager.default.fileExists(atPath: dir) {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            }
        } catch {
            throw SSHError.knownHostsUnusable(path: path, detail: "cannot create \(dir): \(error.localizedDescription)")
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SSHError.knownHostsUnusable(path: path, detail: "cannot be written: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var prefix = ""
        // Keep the file line-structured when the last line has no newline.
        if let data = FileManager.default.contents(atPath: path), let last = data.last, last != UInt8(ascii: "\n") {
            prefix = "\n"
        }
        let field = Self.hostField(host: host, port: port)
        let line = prefix + "\(field) \(keyType) \(keyBase64)\n"
        let bytes = Array(line.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else {
            throw SSHError.knownHostsUnusable(path: path, detail: "cannot be written: \(String(cString: strerror(errno)))")
        }
        let lineNumber = (entries.last?.line ?? 0) + 1
        entries.append(Entry(line: lineNumber, hostField: field, keyType: keyType, keyBase64: keyBase64, revoked: false))
    }

    /// A host field is a comma list of patterns, or a single hashed name.
    static func field(_ field: String, matches name: String) -> Bool {
        if field.hasPrefix("|1|") { return hashedMatch(field, name) }
        return SSHConfigFile.matches(name, patterns: [field])
    }

    /// `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`, as written by `ssh-keygen -H` or HashKnownHosts.
    static func hashedMatch(_ field: String, _ name: String) -> Bool {
        let parts = field.split(separator: "|", omittingEmptySubsequences: true)
        guard parts.count == 3, let salt = Data(base64Encoded: String(parts[1])),
              let expected = Data(base64Encoded: String(parts[2])) else { return false }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(name.utf8), using: SymmetricKey(data: salt))
        return Data(mac) == expected
    }
}

extension HostKeyBlob {
    /// `SHA256:` + unpadded base64 of the SHA-256 of the key blob, as OpenSSH prints it.
    static func fingerprint(of blob: [UInt8]) -> String {
        let digest = SHA256.hash(data: blob)
        var text = Data(digest).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return "SHA256:" + text
    }
}

/// The raw host key blob as sent by the server: string keytype, then key material.
enum HostKeyBlob {
    static func keyType(of blob: [UInt8]) -> String? {
        guard blob.count >= 4 else { return nil }
        let length = Int(blob[0]) << 24 | Int(blob[1]) << 16 | Int(blob[2]) << 8 | Int(blob[3])
        guard length > 0, length < 64, blob.count >= 4 + length else { return nil }
        return String(decoding: blob[4..<(4 + length)], as: UTF8.self)
    }
}
