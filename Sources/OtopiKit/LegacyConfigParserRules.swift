/// How otopi 1.2 (oVirt 3.4) reads a value: its config plugin uses Python 2's `ConfigParser.ConfigParser`
/// (not `RawConfigParser`; checked in otopi-1.2.2 `src/plugins/otopi/core/config.py` and `src/otopi/__init__.py`),
/// and `items()` interpolates. Two rules make it read a value differently from the text written:
/// - the first `;` of a key line's value starts an inline comment when white space precedes it (only the first
///   `;` is looked at; continuation lines are never cut);
/// - a value containing `%(` is `%`-formatted, again and again while `%(` remains, so a value whose text holds
///   `%(` can never come back (`%%(` turns into `%(` and is expanded on the next round). A `%` without `(` is literal.
package enum LegacyConfigParserRules {
    package enum Misreading: Sendable, Equatable, CustomStringConvertible {
        /// ` ;` cuts the value; otopi reads only `readAs` (the text before it, stripped).
        case inlineComment(readAs: String)
        /// `%(` is interpolated; otopi stops with an interpolation error or reads another value.
        case interpolation

        package var description: String {
            switch self {
            case .inlineComment:
                return "otopi 1.2 (Python 2 ConfigParser) reads ';' after white space as the start of a comment and would cut the value there; remove the space before ';'"
            case .interpolation:
                return "otopi 1.2 (Python 2 ConfigParser) expands '%(' in a value (interpolation), so it cannot read this value back; the value may not contain '%('"
            }
        }
    }

    /// How the text after `=` (`type:value`, continuation lines joined with `\n`) is misread, if it is.
    package static func misreading(of valueText: String) -> Misreading? {
        if valueText.contains("%(") { return .interpolation }
        let firstLine = valueText.prefix { $0 != "\n" }
        guard let semicolon = firstLine.firstIndex(of: ";"), semicolon > firstLine.startIndex else { return nil }
        let before = firstLine[firstLine.index(before: semicolon)]
        // Python 2's str.isspace on a byte: ASCII white space only.
        guard [" ", "\t", "\u{0B}", "\u{0C}"].contains(before) else { return nil }
        var kept = String(firstLine[..<semicolon])
        while let last = kept.unicodeScalars.last, [" ", "\t", "\u{0B}", "\u{0C}"].contains(last) { kept.unicodeScalars.removeLast() }
        return .inlineComment(readAs: kept)
    }
}
