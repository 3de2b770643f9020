/// A typed value of the otopi environment, as written `type:value` in answer files.
///
/// Parsing follows `otopi.common.parseTypedValue`: the text is split at the first `:`;
/// the part before it names the type, the rest is the value, not stripped.
package enum OtopiValue: Hashable, Sendable {
    case string(String)
    case bool(Bool)
    case int(Int)
    case none
    case multiString([String])

    /// The type prefix otopi writes for this value.
    package var typeName: String {
        switch self {
        case .string: return "str"
        case .bool: return "bool"
        case .int: return "int"
        case .none: return "none"
        case .multiString: return "multi-str"
        }
    }

    /// The value as otopi's human dialog shows it (`str(value)` in Python).
    package var displayText: String {
        switch self {
        case .string(let s): return s
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .none: return "None"
        case .multiString(let items): return items.joined(separator: "\n")
        }
    }

    package var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    package var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    package var intValue: Int? {
        if case .int(let i) = self { return i }
        return nil
    }

    package var isNone: Bool {
        if case .none = self { return true }
        return false
    }

    /// A `bool:` spelling that otopi reads, but probably not as the writer meant: `bool:no`, `bool:0` and
    /// `bool:FALSE` are all True for otopi. Nil for `True`, `False`, `true`, `false`, `f`, `F`.
    package static func boolSpellingProblem(_ raw: String) -> String? {
        guard raw.hasPrefix("bool:") else { return nil }
        let text = String(raw.dropFirst(5))
        if ["True", "False", "true", "false", "f", "F"].contains(text) { return nil }
        return "\(raw) is read by otopi as True (only f, F, false and False are False); write bool:True or bool:False"
    }

    /// Parses `type:value` exactly as otopi does.
    ///
    /// - `bool`: False only for `f`, `F`, `false`, `False`; anything else (even `no` or an empty value) is True.
    /// - `int`: Python's `int()`: surrounding white space, an optional sign, digits with single `_` between them.
    /// - `none`: the rest is ignored.
    /// - `multi-str`: the rest split into lines (Python `splitlines()`).
    package static func parse(_ text: String) throws(OtopiValueError) -> OtopiValue {
        guard let colon = text.firstIndex(of: ":") else {
            throw .missingType
        }
        let type = String(text[..<colon])
        let rest = String(text[text.index(after: colon)...])
        switch type {
        case "str":
            return .string(rest)
        case "bool":
            return .bool(!["f", "F", "false", "False"].contains(rest))
        case "int":
            guard let i = pythonInt(rest) else { throw .invalidInt(rest) }
            return .int(i)
        case "none":
            return .none
        case "multi-str":
            return .multiString(pythonSplitLines(rest))
        default:
            throw .invalidType(type)
        }
    }

    /// Python's `int(str)` for base 10; nil where Python raises (or where the value does not fit 64 bits).
    package static func pythonInt(_ raw: String) -> Int? {
        let trimmed = raw.trimmingPythonWhitespace()
        var scalars = Substring(trimmed).unicodeScalars[...]
        var negative = false
        if let first = scalars.first, first == "+" || first == "-" {
            negative = first == "-"
            scalars = scalars.dropFirst()
        }
        guard !scalars.isEmpty else { return nil }
        var digits = ""
        var previousWasUnderscore = true  // forbids a leading underscore
        for scalar in scalars {
            if scalar == "_" {
                if previousWasUnderscore { return nil }
                previousWasUnderscore = true
            } else if ("0"..."9").contains(scalar) {
                digits.unicodeScalars.append(scalar)
                previousWasUnderscore = false
            } else {
                return nil
            }
        }
        if previousWasUnderscore { return nil }  // trailing underscore
        guard let magnitude = Int(digits) else {
            // Int("-9223372036854775808") fits only with the sign attached.
            return negative ? Int("-" + digits) : nil
        }
        return negative ? -magnitude : magnitude
    }

    /// Python's `str.splitlines()` (no `keepends`): every kind of line break it knows, no trailing empty item.
    package static func pythonSplitLines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let scalar = pending ?? iterator.next() {
            pending = nil
            switch scalar {
            case "\r":
                lines.append(String(current))
                current = String.UnicodeScalarView()
                if let next = iterator.next(), next != "\n" { pending = next }
            case "\n", "\u{0B}", "\u{0C}", "\u{1C}", "\u{1D}", "\u{1E}", "\u{85}", "\u{2028}", "\u{2029}":
                lines.append(String(current))
                current = String.UnicodeScalarView()
            default:
                current.append(scalar)
            }
        }
        if !current.isEmpty { lines.append(String(current)) }
        return lines
    }
}

package enum OtopiValueError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingType
    case invalidType(String)
    case invalidInt(String)

    package var description: String {
        switch self {
        case .missingType:
            return "value has no type prefix (write type:value, e.g. str:text, bool:True, int:5432, none:None)"
        case .invalidType(let t):
            return "unknown type '\(t)' (otopi knows str, bool, int, none and multi-str)"
        case .invalidInt(let v):
            return "'\(v)' is not an integer"
        }
    }
}

extension String {
    /// Strips what Python's `str.strip()` strips (Unicode white space).
    func trimmingPythonWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.isPythonWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.isPythonWhitespace })!
        return String(scalars[start...end])
    }
}

extension Unicode.Scalar {
    /// Python's `str.isspace()`: Unicode white space plus the separators U+001C–U+001F.
    var isPythonWhitespace: Bool {
        properties.isWhitespace || (0x1C...0x1F).contains(value)
    }
}
