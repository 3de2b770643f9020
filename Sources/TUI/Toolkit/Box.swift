extension Frame {
    /// Draws a single-line box around `rect` (the border is part of the rect), clearing its inside,
    /// with an optional title in the top border.
    package mutating func box(_ rect: Rect, style: Style = .normal, title: String? = nil, titleStyle: Style = .bold) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        fill(rect, style: style)
        let inner = rect.width - 2
        let horizontal = String(repeating: "─", count: inner)
        put("┌" + horizontal + "┐", row: rect.row, column: rect.column, style: style)
        put("└" + horizontal + "┘", row: rect.bottom - 1, column: rect.column, style: style)
        for r in (rect.row + 1)..<(rect.bottom - 1) {
            put("│", row: r, column: rect.column, style: style)
            put("│", row: r, column: rect.right - 1, style: style)
        }
        if let title, inner > 4 {
            put(" " + TextLayout.truncate(title, width: inner - 4) + " ", row: rect.row, column: rect.column + 2, style: titleStyle)
        }
    }
}
