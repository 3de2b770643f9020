/// What a dialog did with a key.
public enum DialogResponse: Hashable, Sendable {
    case none
    /// A button was chosen (its index).
    case chose(Int)
    /// Esc: the dialog was dismissed without a choice.
    case cancelled
}

/// A modal question over the current screen ("Continue with specified CPUs?", "Quit without saving?").
public struct Dialog: Hashable, Sendable {
    public var title: String
    public var message: String
    public var buttons: [String]
    public private(set) var selected: Int

    public init(title: String, message: String, buttons: [String] = ["Yes", "No"], selected: Int = 0) {
        self.title = title
        self.message = message
        self.buttons = buttons
        self.selected = buttons.isEmpty ? 0 : min(max(0, selected), buttons.count - 1)
    }

    public mutating func handle(_ key: Key) -> DialogResponse {
        switch key {
        case .left, .backTab, .up: selected = max(0, selected - 1)
        case .right, .tab, .down: selected = min(buttons.count - 1, selected + 1)
        case .enter: return buttons.isEmpty ? .cancelled : .chose(selected)
        case .escape: return .cancelled
        case .character(let c):
            let letter = String(c).lowercased()
            if let i = buttons.firstIndex(where: { $0.lowercased().hasPrefix(letter) }) { return .chose(i) }
        default: break
        }
        return .none
    }

    /// Draws the dialog centred in `area` (usually the whole frame), on top of what is there.
    public func render(into frame: inout Frame, area: Rect) {
        let maxInner = min(area.width - 4, 66)
        guard maxInner >= 10 else { return }
        let lines = TextLayout.wrap(message, width: maxInner - 2)
        let buttonRow = buttons.map { "< \($0) >" }.joined(separator: "  ")
        let contentWidth = max(lines.map(CellWidth.of).max() ?? 0, CellWidth.of(buttonRow), CellWidth.of(title) + 4)
        let width = min(maxInner, contentWidth + 2) + 2
        let height = min(area.height, lines.count + 5)
        let rect = area.centered(width: width, height: height)
        frame.box(rect, style: .dialog, title: title)
        // Border, blank, message, blank, buttons, border.
        for (i, line) in lines.enumerated() where rect.row + 2 + i < rect.bottom - 3 {
            frame.put(line, row: rect.row + 2 + i, column: rect.column + 2, style: .dialog, maxWidth: rect.width - 4)
        }
        var column = rect.column + (rect.width - CellWidth.of(buttonRow)) / 2
        for (i, button) in buttons.enumerated() {
            let label = "< \(button) >"
            column += frame.put(label, row: rect.bottom - 2, column: column, style: i == selected ? .focus : .dialog)
            column += 2
        }
    }
}

/// The help overlay (F1 or `?`): the screen's own help, then the global keys. Any key closes it.
public enum HelpOverlay {
    public static func render(into frame: inout Frame, title: String, text: String,
                              keys: [KeyHint] = KeyHint.standardHelp) {
        let area = frame.bounds.inset(1)
        let width = min(area.width, 76)
        let inner = width - 4
        var lines = text.isEmpty ? [] : TextLayout.wrap(text, width: inner) + [""]
        lines.append("Keys")
        let keyWidth = keys.map { CellWidth.of($0.keys) }.max() ?? 0
        for hint in keys {
            // Not wrapped: wrapping would collapse the padding that aligns the actions.
            lines.append(TextLayout.truncate(TextLayout.pad(hint.keys, width: keyWidth) + "  " + hint.action, width: inner))
        }
        lines += ["", "Press any key to close this help."]
        let height = min(area.height, lines.count + 2)
        let rect = area.centered(width: width, height: height)
        frame.box(rect, style: .dialog, title: "Help: " + title)
        for (i, line) in lines.prefix(rect.height - 2).enumerated() {
            let style: Style = line == "Keys" ? .bold : .dialog
            frame.put(line, row: rect.row + 1 + i, column: rect.column + 2, style: style, maxWidth: inner)
        }
    }
}
