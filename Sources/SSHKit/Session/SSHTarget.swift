/// `[user@]host[:port]` as the operator typed it (IPv6 literals as `[addr]` or `[addr]:port`).
package struct SSHTarget: Sendable, Hashable, CustomStringConvertible {
    package var user: String?
    package var host: String
    package var port: Int?

    package init(user: String? = nil, host: String, port: Int? = nil) {
        self.user = user
        self.host = host
        self.port = port
    }

    package init(parsing text: String) throws {
        var rest = Substring(text)
        if let at = rest.lastIndex(of: "@") {
            let user = rest[..<at]
            guard !user.isEmpty else { throw SSHError.invalidTarget(text, reason: "empty user name before '@'") }
            self.user = String(user)
            rest = rest[rest.index(after: at)...]
        }
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw SSHError.invalidTarget(text, reason: "missing ']' after an IPv6 address")
            }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty {
                throw SSHError.invalidTarget(text, reason: "unexpected text after ']'")
            }
        } else if rest.filter({ $0 == ":" }).count == 1, let colon = rest.firstIndex(of: ":") {
            host = String(rest[..<colon])
            portText = rest[rest.index(after: colon)...]
        } else {
            host = String(rest)   // a bare IPv6 address has several colons and no port
        }
        guard !host.isEmpty else { throw SSHError.invalidTarget(text, reason: "no host name") }
        guard !host.contains(where: { $0.isWhitespace || $0 == "/" }) else {
            throw SSHError.invalidTarget(text, reason: "a host name cannot contain spaces or '/'")
        }
        if let portText {
            guard let port = Int(portText), (1...65535).contains(port) else {
                throw SSHError.invalidTarget(text, reason: "port must be a number from 1 to 65535")
            }
            self.port = port
        }
    }

    package var description: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return (user.map { "\($0)@" } ?? "") + hostPart + (port.map { ":\($0)" } ?? "")
    }
}
