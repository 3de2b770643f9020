import Foundation

/// The common part of OpenSSH's client configuration (`~/.ssh/config`): `Host` blocks with patterns
/// (`*`, `?`, `!negation`) and the keywords HostName, User, Port and IdentityFile. As in OpenSSH the first value
/// obtained for a keyword wins, except IdentityFile, which accumulates. Other keywords are ignored.
package struct SSHConfigFile: Sendable {
    struct Block: Sendable {
        var patterns: [String]
        var settings: [(key: String, value: String, line: Int)]
    }

    package struct HostSettings: Sendable, Equatable {
        package var hostName: String?
        package var user: String?
        package var port: Int?
        package var identityFiles: [String] = []
    }

    let path: String
    var blocks: [Block]

    package init(text: String, path: String = "ssh_config") throws {
        self.path = path
        var blocks = [Block(patterns: ["*"], settings: [])]   // lines before the first Host apply to all
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let (key, value) = Self.split(line)
            guard !value.isEmpty else {
                throw SSHError.configFile(path: path, line: lineNumber, detail: "'\(key)' has no value")
            }
            switch key.lowercased() {
            case "host":
                blocks.append(Block(patterns: value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init),
                                    settings: []))
            case "match":
                // Match needs command execution and more; a block we cannot evaluate applies to no host.
                blocks.append(Block(patterns: ["!*"], settings: []))
            case "port":
                guard let port = Int(value), (1...65535).contains(port) else {
                    throw SSHError.configFile(path: path, line: lineNumber, detail: "Port '\(value)' is not 1-65535")
                }
                blocks[blocks.count - 1].settings.append((key: "port", value: String(port), line: lineNumber))
            default:
                blocks[blocks.count - 1].settings.append((key: key.lowercased(), value: value, line: lineNumber))
            }
        }
        self.blocks = blocks
    }

    /// Reads `path`; a missing file is an empty configuration.
    package init(contentsOf path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            try self.init(text: "", path: path)
            return
        }
        let bytes = try PosixFile.read(path, what: "SSH client configuration")
        try self.init(text: String(decoding: bytes, as: UTF8.self), path: path)
    }

    /// The settings for `alias` (the name the operator typed).
    package func settings(for alias: String) -> HostSettings {
        var result = HostSettings()
        for block in blocks where Self.matches(alias, patterns: block.patterns) {
            for setting in block.settings {
                switch setting.key {
                case "hostname" where result.hostName == nil:
                    result.hostName = setting.value.replacingOccurrences(of: "%h", with: alias)
                case "user" where result.user == nil: result.user = setting.value
                case "port" where result.port == nil: result.port = Int(setting.value)
                case "identityfile": result.identityFiles.append(Self.unquote(setting.value))
                default: break
                }
            }
        }
        return result
    }

    static func split(_ line: String) -> (String, String) {
        // "Key value", "Key=value" and "Key = value" are all allowed.
        guard let sep = line.firstIndex(where: { $0 == " " || $0 == "\t" || $0 == "=" }) else { return (line, "") }
        let key = String(line[..<sep])
        var value = line[line.index(after: sep)...].trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("=") { value = value.dropFirst().trimmingCharacters(in: .whitespaces) }
        return (key, Self.unquote(value))
    }

    static func unquote(_ value: String) -> String {
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { return String(value.dropFirst().dropLast()) }
        return value
    }

    /// OpenSSH semantics: a negated pattern that matches excludes the host; otherwise any positive match includes it.
    static func matches(_ host: String, patterns: [String]) -> Bool {
        var matched = false
        for pattern in patterns {
            for item in pattern.split(separator: ",").map(String.init) {
                if item.hasPrefix("!") {
                    if wildcardMatch(host.lowercased(), String(item.dropFirst()).lowercased()) { return false }
                } else if wildcardMatch(host.lowercased(), item.lowercased()) {
                    matched = true
                }
            }
        }
        return matched
    }

    /// `*` matches any run of characters, `?` exactly one.
    static func wildcardMatch(_ text: String, _ pattern: String) -> Bool {
        let t = Array(text), p = Array(pattern)
        var ti = 0, pi = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) { ti += 1; pi += 1 }
            else if pi < p.count && p[pi] == "*" { star = pi; mark = ti; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
            else { return false }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

/// Whole-file reads with plain POSIX calls (also for /dev/null and other non-regular files).
enum PosixFile {
    static func read(_ path: String, what: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw SSHError.localFile(path: path, detail: "cannot read \(what): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                throw SSHError.localFile(path: path, detail: "cannot read \(what): \(String(cString: strerror(errno)))")
            }
            if n == 0 { return result }
            result += buffer[0..<n]
        }
    }
}
