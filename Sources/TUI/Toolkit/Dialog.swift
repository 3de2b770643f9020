/// What a dialog did with a key.
package enum DialogResponse: Hashable, Sendable {
    case none
    /// A button was chosen (its index).
    case chose(Int)
    /// Esc: the dialog was dismissed without a choice.
    case cancelled
}

/// A modal question over the current screen ("Continue with specified CPUs?", "Quit without saving?"), or,
/// with a `field`, a one-line answer to type (a password: the field in secret mode never reaches a frame).
package struct Dialog: Hashable, Sendable {
    package var title: String
    package var message: String
    package var buttons: [String]
    package private(set) var selected: Int
    /// The text to type, when the dialog asks for one. Keys edit it; Tab moves between the buttons.
    package private(set) var field: TextField?
    /// The button Ctrl-C chooses (the Quit dialog's Quit: Ctrl-C twice quits), or nil when Ctrl-C does nothing here.
    package var ctrlCChooses: Int?

    package init(title: String, message: String, buttons: [String] = ["Yes", "No"], selected: Int = 0, field: TextField? = nil) {
        self.title = title
        self.message = message
        self.buttons = buttons
        self.selected = buttons.isEmpty ? 0 : min(max(0, selected), buttons.count - 1)
        self.field = field
    }

    package mutating func handle(_ key: Key) -> DialogResponse {
        if key == .ctrlC, let button = ctrlCChooses, buttons.indices.contains(button) { return .chose(button) }
        if var typed = field {
            // Letters are text here, not button shortcuts; arrows move the cursor.
            switch key {
            case .tab, .down: selected = (selected + 1) % max(1, buttons.count)
            case .backTab, .up: selected = (selected + max(1, buttons.count) - 1) % max(1, buttons.count)
            case .enter: return buttons.isEmpty ? .cancelled : .chose(selected)
            case .escape: return .cancelled
            default:
                _ = typed.handle(key)
                field = typed
            }
            return .none
        }
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
    package func render(into frame: inout Frame, area: Rect) {
        let maxInner = min(area.width - 4, 66)
        guard maxInner >= 10 else { return }
        let lines = TextLayout.wrap(message, width: maxInner - 2)
        let buttonRow = buttons.map { "< \($0) >" }.joined(separator: "  ")
        // A field wants room to type: at least 30 columns when the terminal has them.
        let fieldWidth = field == nil ? 0 : min(maxInner - 2, 30)
        let contentWidth = max(lines.map(CellWidth.of).max() ?? 0, CellWidth.of(buttonRow), CellWidth.of(title) + 4, fieldWidth)
        let width = min(maxInner, contentWidth + 2) + 2
        let fieldRows = field == nil ? 0 : 2
        let height = min(area.height, lines.count + 5 + fieldRows)
        let rect = area.centered(width: width, height: height)
        frame.box(rect, style: .dialog, title: title)
        // Border, blank, message, [blank, field,] blank, buttons, border.
        for (i, line) in lines.enumerated() where rect.row + 2 + i < rect.bottom - 3 - fieldRows {
            frame.put(line, row: rect.row + 2 + i, column: rect.column + 2, style: .dialog, maxWidth: rect.width - 4)
        }
        if let field {
            frame.cursor = field.render(into: &frame, row: rect.bottom - 4, column: rect.column + 2, width: rect.width - 4, focused: true)
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
package enum HelpOverlay {
    package static func render(into frame: inout Frame, title: String, text: String,
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
        if lines.count + 2 > area.height {
            // Too long for the window: the way out stays on screen, and the cut is marked.
            lines = Array(lines.prefix(max(0, area.height - 3))) + ["… (cut here) Press any key to close this help."]
        }
        let height = min(area.height, lines.count + 2)
        let rect = area.centered(width: width, height: height)
        frame.box(rect, style: .dialog, title: "Help: " + title)
        for (i, line) in lines.prefix(rect.height - 2).enumerated() {
            let style: Style = line == "Keys" ? .bold : .dialog
            frame.put(line, row: rect.row + 1 + i, column: rect.column + 2, style: style, maxWidth: inner)
        }
    }
}
