/// A YAML document as data, written the one way the export needs: block maps and lists, every string
/// double-quoted with JSON-style escapes (valid YAML 1.1 and 1.2), and command lines tagged `!unsafe` so that
/// Ansible never reads `{{` in them as a template. Written here rather than by Yams: Yams's emitter marks every
/// scalar's tag implicit, so it cannot write `!unsafe` (tried: the tag is dropped and Ansible would template).
indirect enum YAMLValue: Sendable {
    case string(String)
    /// A string Ansible must take as it is (command lines, paths, anything from the operator).
    case unsafe(String)
    /// A Jinja expression or other text Ansible templates (written by the export itself, never operator text).
    case template(String)
    case int(Int)
    case bool(Bool)
    case null
    case list([YAMLValue])
    case map([(String, YAMLValue)])

    /// The document's text; `indent` is the column of its first level.
    func render(indent: Int = 0) -> String {
        lines(indent: indent).joined(separator: "\n") + "\n"
    }

    private var isCollection: Bool {
        switch self {
        case .list(let items): return !items.isEmpty
        case .map(let entries): return !entries.isEmpty
        default: return false
        }
    }

    /// A scalar (or an empty collection) on one line.
    var inline: String {
        switch self {
        case .string(let s), .template(let s): return Self.quoted(s)
        case .unsafe(let s): return "!unsafe " + Self.quoted(s)
        case .int(let n): return String(n)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .list: return "[]"
        case .map: return "{}"
        }
    }

    func lines(indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        switch self {
        case .list(let items) where !items.isEmpty:
            var out: [String] = []
            for item in items {
                if item.isCollection {
                    var inner = item.lines(indent: indent + 2)
                    inner[0] = pad + "- " + inner[0].dropFirst(indent + 2)
                    out += inner
                } else if let block = item.literalBlock(indent: indent + 2) {
                    out.append(pad + "- " + block.header)
                    out += block.lines
                } else {
                    out.append(pad + "- " + item.inline)
                }
            }
            return out
        case .map(let entries) where !entries.isEmpty:
            var out: [String] = []
            for (key, value) in entries {
                if value.isCollection {
                    out.append(pad + Self.key(key) + ":")
                    out += value.lines(indent: indent + 2)
                } else if let block = value.literalBlock(indent: indent + 2) {
                    out.append(pad + Self.key(key) + ": " + block.header)
                    out += block.lines
                } else {
                    out.append(pad + Self.key(key) + ": " + value.inline)
                }
            }
            return out
        default:
            return [pad + inline]
        }
    }

    /// A multi-line string as a literal block (`|-`, or `|` for one final newline), so that a script reads as it
    /// runs; nil when it must stay a quoted scalar (one line, tabs or other control characters, a leading space,
    /// trailing spaces on a line, several final newlines).
    func literalBlock(indent: Int) -> (header: String, lines: [String])? {
        let text: String, tag: String
        switch self {
        case .string(let s): (text, tag) = (s, "")
        case .unsafe(let s): (text, tag) = (s, "!unsafe ")
        default: return nil
        }
        guard text.contains("\n"), !text.hasPrefix(" "), !text.hasPrefix("\n"), !text.hasSuffix("\n\n") else { return nil }
        let plainCharacters = text.unicodeScalars.allSatisfy { scalar in
            let v = scalar.value
            return scalar == "\n" || !(v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029 || v == 0xFEFF)
        }
        guard plainCharacters else { return nil }
        let finalNewline = text.hasSuffix("\n")
        let body = finalNewline ? String(text.dropLast()) : text
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.allSatisfy({ !$0.hasSuffix(" ") }) else { return nil }
        let pad = String(repeating: " ", count: indent)
        return (tag + (finalNewline ? "|" : "|-"), lines.map { $0.isEmpty ? "" : pad + $0 })
    }

    /// Keys are the export's own identifiers; plain when they are, quoted otherwise.
    static func key(_ key: String) -> String {
        let plain = !key.isEmpty && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }
        return plain ? key : quoted(key)
    }

    /// `"…"` with `\\`, `\"` and every control or line-breaking character escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                let v = scalar.value
                if v < 0x20 || v == 0x7F || v == 0x85 || v == 0x2028 || v == 0x2029 || v == 0xFEFF || (0x80...0x9F).contains(v) {
                    out += "\\u" + String(repeating: "0", count: 4 - String(v, radix: 16).count) + String(v, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
