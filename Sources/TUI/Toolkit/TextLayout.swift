/// Measuring, clipping and wrapping text by terminal columns (not by `String.count`).
package enum TextLayout {
    /// The longest prefix of `text` that fits in `width` columns; a wide character is never split.
    package static func prefix(_ text: String, width: Int) -> String {
        var result = "", used = 0
        for character in text {
            let w = CellWidth.of(character)
            if used + w > width { break }
            result.append(character)
            used += w
        }
        return result
    }

    /// `text` clipped to `width` columns, ending in `…` when something was cut.
    package static func truncate(_ text: String, width: Int) -> String {
        guard width > 0 else { return "" }
        if CellWidth.of(text) <= width { return text }
        return prefix(text, width: width - 1) + "…"
    }

    /// The longest suffix of `text` that fits in `width` columns.
    package static func suffix(_ text: String, width: Int) -> String {
        var result: [Character] = [], used = 0
        for character in text.reversed() {
            let w = CellWidth.of(character)
            if used + w > width { break }
            result.append(character)
            used += w
        }
        return String(result.reversed())
    }

    /// `text` padded with spaces on the right to exactly `width` columns (clipped if longer).
    package static func pad(_ text: String, width: Int) -> String {
        let clipped = prefix(text, width: width)
        return clipped + String(repeating: " ", count: max(0, width - CellWidth.of(clipped)))
    }

    /// `text` indented by `indent` columns: one line as it is when it fits in `width` (aligned columns keep their
    /// spacing), otherwise wrapped at spaces into the columns left after the indent (at least 8).
    package static func indentedLines(_ text: String, width: Int, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        if CellWidth.of(text) + indent <= width { return [pad + text] }
        return wrap(text, width: max(8, width - indent)).map { pad + $0 }
    }

    /// Word-wraps `text` into lines of at most `width` columns. Explicit newlines start new lines; words
    /// longer than a line (or runs of CJK text without spaces) are broken between characters.
    package static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for rawParagraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            // Tabs become 4 spaces, and the paragraph's leading indentation is kept on its first line.
            var paragraph = ""
            for c in rawParagraph { if c == "\t" { paragraph += "    " } else { paragraph.append(c) } }
            let indent = String(paragraph.prefix { $0 == " " }.prefix(max(0, width - 1)))
            var line = indent, lineWidth = indent.count
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var rest = String(word)
                var wordWidth = CellWidth.of(rest)
                let gap = line.isEmpty || line == indent ? 0 : 1
                if lineWidth + gap + wordWidth <= width {
                    line += (gap == 1 ? " " : "") + rest
                    lineWidth += gap + wordWidth
                    continue
                }
                if !line.isEmpty && line != indent { lines.append(line) }
                line = ""
                lineWidth = 0
                while wordWidth > width {
                    let head = prefix(rest, width: width)
                    lines.append(head)
                    rest = String(rest.dropFirst(head.count))
                    wordWidth = CellWidth.of(rest)
                }
                line = rest
                lineWidth = wordWidth
            }
            lines.append(line)
        }
        return lines
    }
}
