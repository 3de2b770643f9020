/// What a widget did with a key.
package enum WidgetResponse: Hashable, Sendable {
    /// The key changed the widget (text edited, cursor or selection moved).
    case changed
    /// Enter: the value to accept (for an empty text field with a default, the default).
    case submitted(String)
    /// The key means nothing to this widget; the screen may use it (Tab, Esc, …).
    case ignored
}

/// An editable one-line text value with a cursor, edited by grapheme clusters (so UTF-8 and CJK
/// input is never split). In secret mode it is shown as `*`s and its text never reaches a frame.
package struct TextField: Hashable, Sendable {
    package private(set) var text: String
    /// The cursor as an offset in characters, 0...text.count.
    package private(set) var cursor: Int
    package var isSecret: Bool
    /// Shown (dimmed) while the field is empty; Enter on an empty field takes it.
    package var defaultValue: String?

    package init(text: String = "", isSecret: Bool = false, defaultValue: String? = nil) {
        self.text = text
        self.cursor = text.count
        self.isSecret = isSecret
        self.defaultValue = defaultValue
    }

    /// Replaces the text and puts the cursor at its end.
    package mutating func set(_ newText: String) {
        text = newText
        cursor = newText.count
    }

    private func index(_ offset: Int) -> String.Index { text.index(text.startIndex, offsetBy: offset) }

    package mutating func handle(_ key: Key) -> WidgetResponse {
        switch key {
        case .character(let c):
            guard CellWidth.isPrintable(c) else { return .ignored }
            text.insert(c, at: index(cursor))
            cursor += 1
        case .backspace:
            guard cursor > 0 else { return .changed }
            text.remove(at: index(cursor - 1))
            cursor -= 1
        case .delete, .control("d"):
            guard cursor < text.count else { return .changed }
            text.remove(at: index(cursor))
        case .left, .control("b"): cursor = max(0, cursor - 1)
        case .right, .control("f"): cursor = min(text.count, cursor + 1)
        case .home, .control("a"): cursor = 0
        case .end, .control("e"): cursor = text.count
        case .control("u"):
            text.removeSubrange(text.startIndex..<index(cursor))
            cursor = 0
        case .control("k"):
            text.removeSubrange(index(cursor)..<text.endIndex)
        case .enter:
            if text.isEmpty, let defaultValue { return .submitted(defaultValue) }
            return .submitted(text)
        default:
            return .ignored
        }
        return .changed
    }

    /// What the field shows instead of the text: the text, or one `*` per character in secret mode.
    package var displayText: String {
        isSecret ? String(repeating: "*", count: text.count) : text
    }

    /// Draws `[text]` in `width` columns (brackets included) at a position, scrolled so the cursor is
    /// visible. Returns where the terminal cursor belongs when `focused`, else nil.
    @discardableResult
    package func render(into frame: inout Frame, row: Int, column: Int, width: Int, focused: Bool) -> Point? {
        guard width >= 3 else { return nil }
        let inner = width - 2
        let fieldStyle: Style = focused ? Style(.underline, role: .focus) : Style(.underline)
        frame.put("[", row: row, column: column, style: focused ? .bold : .normal)
        frame.put("]", row: row, column: column + width - 1, style: focused ? .bold : .normal)
        frame.fill(Rect(row: row, column: column + 1, width: inner, height: 1), style: fieldStyle)
        if text.isEmpty, let defaultValue, !isSecret {
            frame.put(defaultValue, row: row, column: column + 1, style: Style([.dim, .underline], role: .muted), maxWidth: inner)
            return focused ? Point(row: row, column: column + 1) : nil
        }
        let shown = displayText
        let beforeCursor = String(shown.prefix(cursor))
        let beforeWidth = CellWidth.of(beforeCursor)
        // Keep one column free for the cursor at the end of the text.
        let visible: String
        let cursorColumn: Int
        if beforeWidth < inner {
            visible = TextLayout.prefix(shown, width: inner)
            cursorColumn = beforeWidth
        } else {
            let head = TextLayout.suffix(beforeCursor, width: inner - 1)
            let tail = TextLayout.prefix(String(shown.dropFirst(cursor)), width: inner - CellWidth.of(head))
            visible = head + tail
            cursorColumn = CellWidth.of(head)
        }
        frame.put(visible, row: row, column: column + 1, style: fieldStyle, maxWidth: inner)
        return focused ? Point(row: row, column: column + 1 + cursorColumn) : nil
    }
}
