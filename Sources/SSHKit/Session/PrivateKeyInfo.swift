import Foundation

/// The type of a private key file, read without decrypting it, so that an RSA key can be named as the cause
/// when authentication fails (libssh2 1.10 signs only with ssh-rsa/SHA-1, which OpenSSH ≥ 8.8 refuses).
enum PrivateKeyInfo {
    static func keyType(atPath path: String) -> String? {
        if let pub = try? String(contentsOfFile: path + ".pub", encoding: .utf8),
           let first = pub.split(separator: " ").first {
            return String(first)
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        if text.contains("BEGIN RSA PRIVATE KEY") { return "ssh-rsa" }
        if text.contains("BEGIN EC PRIVATE KEY") { return "ecdsa" }
        if text.contains("BEGIN DSA PRIVATE KEY") { return "ssh-dss" }
        guard text.contains("BEGIN OPENSSH PRIVATE KEY") else { return nil }
        let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let data = Data(base64Encoded: body) else { return nil }
        // openssh-key-v1\0, string cipher, string kdf, string kdfoptions, uint32 count, string publickey
        var reader = ByteReader(bytes: Array(data))
        let magic = Array("openssh-key-v1\0".utf8)
        guard reader.take(magic.count) == magic else { return nil }
        for _ in 0..<3 { guard reader.string() != nil else { return nil } }
        guard reader.uint32() != nil, let publicKey = reader.string() else { return nil }
        var inner = ByteReader(bytes: publicKey)
        return inner.string().map { String(decoding: $0, as: UTF8.self) }
    }

    static func isRSA(_ type: String?) -> Bool { type == "ssh-rsa" }
}

struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    mutating func take(_ n: Int) -> [UInt8]? {
        guard n >= 0, offset + n <= bytes.count else { return nil }
        defer { offset += n }
        return Array(bytes[offset..<(offset + n)])
    }

    mutating func uint32() -> UInt32? {
        guard let b = take(4) else { return nil }
        return UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3])
    }

    mutating func string() -> [UInt8]? {
        guard let n = uint32(), n < 1 << 20 else { return nil }
        return take(Int(n))
    }
}
