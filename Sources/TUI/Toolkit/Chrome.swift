/// A key and what it does, as shown in the status line and the help overlay.
package struct KeyHint: Hashable, Sendable {
    package var keys: String
    package var action: String
    package init(_ keys: String, _ action: String) {
        self.keys = keys
        self.action = action
    }

    /// The global keys every screen shows.
    package static let standard: [KeyHint] = [
        KeyHint("Tab/S-Tab/↑↓", "Move"), KeyHint("Enter", "Accept"), KeyHint("Esc", "Back"),
        KeyHint("F1/?", "Help"), KeyHint("^S", "Save"), KeyHint("^C", "Quit"), KeyHint("^L", "Redraw"),
    ]

    /// Longer descriptions for the help overlay.
    package static let standardHelp: [KeyHint] = [
        KeyHint("Tab, ↓", "next field or item"), KeyHint("Shift-Tab, ↑", "previous field or item"),
        KeyHint("←  →", "move in a text field; change a choice"),
        KeyHint("Enter", "accept the value (an empty field takes the default)"),
        KeyHint("Esc", "go back to the previous screen"), KeyHint("F1, ?", "this help (? only outside text fields)"),
        KeyHint("F2", "the last message in full, when the line above the keys cuts it"),
        KeyHint("Ctrl-S", "save the answers now"), KeyHint("Ctrl-C", "quit (asks first)"),
        KeyHint("Ctrl-L", "redraw the screen"),
    ]
}

/// A one-line notice above the status line (saved, refused, …).
package struct Notice: Hashable, Sendable {
    package enum Kind: Hashable, Sendable { case info, success, error }
    package var text: String
    package var kind: Kind
    package init(_ text: String, kind: Kind = .info) {
        self.text = text
        self.kind = kind
    }
}

/// The frame around every screen: a title bar, the body, a notice line and the status line of keys.
package enum Chrome {
    /// Draws the chrome and returns the body rectangle (between title and notice line, 1 column margin).
    @discardableResult
    package static func render(into frame: inout Frame, title: String, location: String = "",
                              notice: Notice? = nil, hints: [KeyHint] = KeyHint.standard) -> Rect {
        let width = frame.size.columns, rows = frame.size.rows
        guard rows >= 4 else { return Rect(row: 0, column: 0, width: width, height: rows) }
        frame.fill(Rect(row: 0, column: 0, width: width, height: 1), style: .title)
        let locationWidth = min(CellWidth.of(location), width / 2)
        let titleText = TextLayout.truncate(title, width: max(0, width - locationWidth - 3))
        frame.put(" " + titleText, row: 0, column: 0, style: Style([.reverse, .bold], role: .title))
        if !location.isEmpty {
            let shown = TextLayout.truncate(location, width: locationWidth)
            frame.put(shown, row: 0, column: width - CellWidth.of(shown) - 1, style: .title)
        }
        if let notice {
            let style: Style = switch notice.kind {
            case .info: .normal
            case .success: .success
            case .error: .error
            }
            frame.put(" " + TextLayout.truncate(notice.text, width: width - 2), row: rows - 2, column: 0, style: style)
        }
        renderStatus(into: &frame, row: rows - 1, hints: hints)
        return Rect(row: 2, column: 1, width: width - 2, height: rows - 4)
    }

    /// The status line: each key in bold, then its action; two spaces between pairs when they fit.
    package static func renderStatus(into frame: inout Frame, row: Int, hints: [KeyHint]) {
        let width = frame.size.columns
        frame.fill(Rect(row: row, column: 0, width: width, height: 1), style: .status)
        let tight = hints.reduce(0) { $0 + CellWidth.of($1.keys) + CellWidth.of($1.action) + 2 }
        let gap = tight + hints.count <= width ? 2 : 1
        var column = 1
        for hint in hints {
            let need = CellWidth.of(hint.keys) + 1 + CellWidth.of(hint.action)
            if column + need > width { break }
            column += frame.put(hint.keys, row: row, column: column, style: Style([.reverse, .bold], role: .status))
            column += 1
            column += frame.put(hint.action, row: row, column: column, style: .status)
            column += gap
        }
    }
}
