import Foundation
import HostOps

/// The forms a secret takes when a tool writes it somewhere other than verbatim: the encodings a support bundle
/// must find besides the value itself. Each form is a string to search for, with the name the manifest gives it.
package enum SecretEncodings {
    package struct Form: Sendable, Hashable {
        package var text: String
        package var encoding: String
    }

    /// Every form of `secret` worth searching for (forms shorter than 4 characters would mask noise).
    package static func forms(of secret: String) -> [Form] {
        var forms: [Form] = [Form(text: secret, encoding: "plain")]
        let bytes = Array(secret.utf8)
        for core in base64Cores(bytes) {
            forms.append(Form(text: core, encoding: "base64"))
            let url = core.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            if url != core { forms.append(Form(text: url, encoding: "base64url")) }
        }
        // RFC 3986 leaves `-._~` as they are; stricter encoders (and form encoders) escape every non-alphanumeric.
        for unreserved in ["-._~", ""] {
            for (plus, upper) in [(false, true), (true, true), (false, false), (true, false)] {
                forms.append(Form(text: percentEncoded(bytes, spaceAsPlus: plus, upper: upper, unreserved: unreserved), encoding: "URL-encoded"))
            }
        }
        forms.append(Form(text: jsonEscaped(secret, asciiOnly: false), encoding: "JSON-escaped"))
        forms.append(Form(text: jsonEscaped(secret, asciiOnly: true), encoding: "JSON-escaped"))
        forms.append(Form(text: pythonEscaped(bytes), encoding: "Python-escaped"))
        let quoted = ShellQuote.quote(secret)
        if quoted.hasPrefix("'") { forms.append(Form(text: String(quoted.dropFirst().dropLast()), encoding: "shell-quoted")) }
        forms.append(Form(text: shellBackslashed(secret), encoding: "shell-escaped"))
        forms.append(Form(text: doubleQuoteEscaped(secret), encoding: "shell-escaped"))
        forms.append(Form(text: xmlEscaped(secret), encoding: "XML-escaped"))
        forms.append(Form(text: bytes.map { String(format: "%02x", $0) }.joined(), encoding: "hex"))
        forms.append(Form(text: bytes.map { String(format: "%02X", $0) }.joined(), encoding: "hex"))
        var seen = Set<String>()
        return forms.filter { $0.text.count >= 4 && seen.insert($0.text).inserted }
    }

    /// The part of the Base64 text of `bytes` that is the same wherever the value sits in a longer encoded
    /// string (`user:password` in an Authorization header): one per alignment of its first byte in a 3-byte group.
    /// Characters that also carry bits of the neighbouring bytes are left out.
    static func base64Cores(_ bytes: [UInt8]) -> [String] {
        guard bytes.count >= 3 else { return [] }
        var cores: [String] = []
        for lead in 0..<3 {
            let padded = [UInt8](repeating: 0, count: lead) + bytes + [0, 0, 0]
            let text = Array(Data(padded).base64EncodedString())
            let first = (8 * lead + 5) / 6
            let end = (8 * (lead + bytes.count)) / 6
            guard end - first >= 4 else { continue }
            cores.append(String(text[first..<end]))
        }
        return cores
    }

    static func percentEncoded(_ bytes: [UInt8], spaceAsPlus: Bool, upper: Bool, unreserved: String) -> String {
        var out = ""
        for b in bytes {
            let c = Character(Unicode.Scalar(b))
            if b < 0x80, c.isLetter || c.isNumber || unreserved.contains(c) {
                out.append(c)
            } else if b == 0x20 && spaceAsPlus {
                out.append("+")
            } else {
                out += String(format: upper ? "%%%02X" : "%%%02x", b)
            }
        }
        return out
    }

    static func jsonEscaped(_ text: String, asciiOnly: Bool) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "/": out += asciiOnly ? "\\/" : "/"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7e) {
                    for unit in String(scalar).utf16 { out += String(format: "\\u%04x", unit) }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Python's repr of the value as str or bytes (otopi and Ansible log both): quotes and backslashes escaped,
    /// bytes outside ASCII as `\xNN`.
    static func pythonEscaped(_ bytes: [UInt8]) -> String {
        var out = ""
        for b in bytes {
            switch b {
            case UInt8(ascii: "\\"): out += "\\\\"
            case UInt8(ascii: "'"): out += "\\'"
            case UInt8(ascii: "\n"): out += "\\n"
            case 0x20..<0x7f: out.append(Character(Unicode.Scalar(b)))
            default: out += String(format: "\\x%02x", b)
            }
        }
        return out
    }

    static func shellBackslashed(_ text: String) -> String {
        var out = ""
        for c in text {
            if !(c.isLetter || c.isNumber || "@%_-+=:,./".contains(c)) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    static func doubleQuoteEscaped(_ text: String) -> String {
        var out = ""
        for c in text {
            if "$`\"\\".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    static func xmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&apos;")
    }
}
