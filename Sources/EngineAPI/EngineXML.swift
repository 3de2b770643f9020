import Foundation

/// The engine's XML, read into a small tree. The engine writes plain XML (no DTD, no namespaces on the elements
/// the wizard reads), so a small reader here keeps libxml2 out of the binary.
package struct EngineXML: Sendable, Equatable {
    package var name: String
    package var attributes: [String: String]
    package var children: [EngineXML]
    /// The element's own text (its character data, entities resolved), without the children's.
    package var text: String

    package init(_ name: String, attributes: [String: String] = [:], children: [EngineXML] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// The first child named `name`.
    package func child(_ name: String) -> EngineXML? { children.first { $0.name == name } }
    /// All children named `name`.
    package func all(_ name: String) -> [EngineXML] { children.filter { $0.name == name } }
    /// The trimmed text of the child at `path` (names separated by `/`), nil when absent or empty.
    package func value(_ path: String) -> String? {
        var node: EngineXML? = self
        for part in path.split(separator: "/") { node = node?.child(String(part)) }
        guard let text = node?.text.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }
    package var id: String? { attributes["id"] }

    // MARK: Writing

    /// The element as XML text: children in the given order, text and attribute values escaped.
    package var rendered: String {
        var out = "<" + name
        for key in attributes.keys.sorted() { out += " \(key)=\"\(Self.escape(attributes[key]!, quote: true))\"" }
        if children.isEmpty && text.isEmpty { return out + "/>" }
        out += ">" + Self.escape(text, quote: false)
        for child in children { out += child.rendered }
        return out + "</\(name)>"
    }

    /// A leaf element with text.
    package static func leaf(_ name: String, _ text: String) -> EngineXML { EngineXML(name, text: text) }

    static func escape(_ text: String, quote: Bool) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quote: out += "&quot;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    // MARK: Reading

    package struct ParseError: Error, CustomStringConvertible {
        package var offset: Int
        package var message: String
        package var description: String { "XML at byte \(offset): \(message)" }
    }

    /// Parses one document (an optional declaration, comments, one root element).
    package static func parse(_ text: String) throws -> EngineXML {
        var reader = Reader(bytes: Array(text.utf8))
        reader.skipMisc()
        guard let root = try reader.element() else { throw ParseError(offset: reader.index, message: "no root element") }
        reader.skipMisc()
        guard reader.atEnd else { throw ParseError(offset: reader.index, message: "text after the root element") }
        return root
    }

    struct Reader {
        let bytes: [UInt8]
        var index = 0
        var atEnd: Bool { index >= bytes.count }

        func peek(_ s: String) -> Bool {
            let u = Array(s.utf8)
            return index + u.count <= bytes.count && Array(bytes[index..<index + u.count]) == u
        }

        mutating func skipSpace() { while !atEnd, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[index]) { index += 1 } }

        mutating func skip(past end: String) throws {
            while !atEnd && !peek(end) { index += 1 }
            guard !atEnd else { throw ParseError(offset: index, message: "missing \(end)") }
            index += end.utf8.count
        }

        /// Whitespace, the declaration, processing instructions, comments, a doctype.
        mutating func skipMisc() {
            while true {
                skipSpace()
                if peek("<?") { try? skip(past: "?>") } else if peek("<!--") { try? skip(past: "-->") } else if peek("<!DOCTYPE") {
                    try? skip(past: ">")
                } else { return }
            }
        }

        mutating func name() throws -> String {
            let start = index
            while !atEnd, !([0x20, 0x09, 0x0a, 0x0d, UInt8(ascii: "/"), UInt8(ascii: ">"), UInt8(ascii: "=")].contains(bytes[index])) {
                index += 1
            }
            guard index > start else { throw ParseError(offset: index, message: "expected a name") }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func element() throws -> EngineXML? {
            guard peek("<") else { return nil }
            index += 1
            var node = EngineXML(try name())
            while true {
                skipSpace()
                guard !atEnd else { throw ParseError(offset: index, message: "unterminated tag <\(node.name)>") }
                if peek("/>") { index += 2; return node }
                if peek(">") { index += 1; break }
                let key = try name()
                skipSpace()
                guard peek("=") else { throw ParseError(offset: index, message: "attribute \(key) without a value") }
                index += 1
                skipSpace()
                guard !atEnd, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                    throw ParseError(offset: index, message: "attribute \(key): value not quoted")
                }
                let quote = bytes[index]
                index += 1
                let start = index
                while !atEnd && bytes[index] != quote { index += 1 }
                guard !atEnd else { throw ParseError(offset: start, message: "attribute \(key): unterminated value") }
                node.attributes[key] = try Self.decode(bytes[start..<index], at: start)
                index += 1
            }
            var text: [UInt8] = []
            while true {
                guard !atEnd else { throw ParseError(offset: index, message: "element <\(node.name)> not closed") }
                if peek("</") {
                    index += 2
                    let closing = try name()
                    guard closing == node.name else {
                        throw ParseError(offset: index, message: "</\(closing)> closes <\(node.name)>")
                    }
                    skipSpace()
                    guard peek(">") else { throw ParseError(offset: index, message: "expected >") }
                    index += 1
                    node.text = try Self.decode(text[...], at: index)
                    return node
                }
                if peek("<!--") { try skip(past: "-->"); continue }
                if peek("<![CDATA[") {
                    index += 9
                    let start = index
                    try skip(past: "]]>")
                    // CDATA is literal: escape its ampersands so that decoding gives them back.
                    text += Array(String(decoding: bytes[start..<index - 3], as: UTF8.self)
                        .replacingOccurrences(of: "&", with: "&amp;").utf8)
                    continue
                }
                if peek("<") {
                    if let child = try element() { node.children.append(child) }
                    continue
                }
                text.append(bytes[index])
                index += 1
            }
        }

        static func decode(_ raw: ArraySlice<UInt8>, at offset: Int) throws -> String {
            let s = String(decoding: raw, as: UTF8.self)
            guard s.contains("&") else { return s }
            var out = ""
            var rest = Substring(s)
            while let amp = rest.firstIndex(of: "&") {
                out += rest[..<amp]
                guard let semi = rest[amp...].firstIndex(of: ";") else {
                    throw ParseError(offset: offset, message: "unterminated entity")
                }
                let entity = rest[rest.index(after: amp)..<semi]
                switch entity {
                case "amp": out += "&"
                case "lt": out += "<"
                case "gt": out += ">"
                case "quot": out += "\""
                case "apos": out += "'"
                default:
                    let number: UInt32?
                    if entity.hasPrefix("#x") { number = UInt32(entity.dropFirst(2), radix: 16) } else if entity.hasPrefix("#") {
                        number = UInt32(entity.dropFirst())
                    } else { number = nil }
                    guard let number, let scalar = Unicode.Scalar(number) else {
                        throw ParseError(offset: offset, message: "unknown entity &\(entity);")
                    }
                    out.unicodeScalars.append(scalar)
                }
                rest = rest[rest.index(after: semi)...]
            }
            return out + rest
        }
    }
}
