/// One question as the flow engine hands it to a screen. Plain data: the engine fills it, the form shows it.
package struct QuestionField: Hashable, Sendable {
    package enum Kind: Hashable, Sendable {
        case text
        /// Hidden input (passwords); never rendered.
        case secret
        case yesNo
        case choice([String])
    }
    /// The otopi key (or any id the engine uses).
    package var id: String
    package var prompt: String
    package var kind: Kind
    package var defaultValue: String?
    /// The value already answered (from the answer file or typed earlier), shown for editing.
    package var value: String?
    /// Why the last value was refused, shown under the field.
    package var error: String?
    /// A longer explanation for the help overlay.
    package var help: String

    package init(id: String, prompt: String, kind: Kind = .text, defaultValue: String? = nil,
                value: String? = nil, error: String? = nil, help: String = "") {
        self.id = id
        self.prompt = prompt
        self.kind = kind
        self.defaultValue = defaultValue
        self.value = value
        self.error = error
        self.help = help
    }
}

/// What the question form did with a key.
package enum FormResponse: Hashable, Sendable {
    case none
    /// Enter on a field: the engine validates `value` for `fields[index]`, then calls `accept` or `reject`.
    case submitted(index: Int, value: String)
    /// Esc: back to the previous screen (what was typed stays in the form).
    case back
}

/// A screen of questions: a column of fields with one focused; editing state per field.
package struct QuestionForm: Hashable, Sendable {
    package private(set) var fields: [QuestionField]
    package private(set) var focus: Int
    private var texts: [TextField]
    private var choices: [ChoiceList]

    package init(fields: [QuestionField], focus: Int = 0) {
        self.fields = fields
        self.focus = fields.isEmpty ? 0 : min(max(0, focus), fields.count - 1)
        texts = fields.map { field in
            TextField(text: field.kind == .secret ? "" : (field.value ?? ""), isSecret: field.kind == .secret,
                      defaultValue: field.defaultValue)
        }
        choices = fields.map { field in
            switch field.kind {
            case .yesNo:
                let current = (field.value ?? field.defaultValue ?? "yes").lowercased()
                return ChoiceList.yesNo(defaultYes: current.hasPrefix("y") || current == "true")
            case .choice(let options):
                let current = field.value ?? field.defaultValue
                return ChoiceList(options: options, selected: current.flatMap { options.firstIndex(of: $0) } ?? 0)
            case .text, .secret:
                return ChoiceList(options: [])
            }
        }
    }

    /// The text typed so far in a text or secret field (what must never be lost on redraw or resize).
    package func typedText(at index: Int) -> String { texts[index].text }

    package mutating func focusNext() { if focus + 1 < fields.count { focus += 1 } }
    package mutating func focusPrevious() { if focus > 0 { focus -= 1 } }
    package mutating func setFocus(_ index: Int) { if fields.indices.contains(index) { focus = index } }

    /// The engine accepted the value: clears the error and moves to the next field.
    package mutating func accept(index: Int, value: String) {
        fields[index].error = nil
        fields[index].value = value
        if fields[index].kind != .secret { texts[index].set(value) }
        if index == focus { focusNext() }
    }

    /// The engine refused the value: the reason shows under the field, which keeps the focus and the text.
    package mutating func reject(index: Int, reason: String) {
        fields[index].error = reason
        focus = index
    }

    package mutating func handle(_ key: Key) -> FormResponse {
        guard fields.indices.contains(focus) else { return key == .escape ? .back : .none }
        let response: WidgetResponse
        switch fields[focus].kind {
        case .text, .secret: response = texts[focus].handle(key)
        case .yesNo, .choice: response = choices[focus].handle(key)
        }
        switch response {
        case .submitted(let value):
            let normalized = fields[focus].kind == .yesNo ? value.lowercased() : value
            return .submitted(index: focus, value: normalized)
        case .changed:
            return .none
        case .ignored:
            switch key {
            case .tab, .down: focusNext()
            case .backTab, .up: focusPrevious()
            case .escape: return .back
            default: break
            }
            return .none
        }
    }

    /// Whether the focused field takes printable keys as text (so `?` is typed, not help).
    package var focusedFieldTakesText: Bool {
        guard fields.indices.contains(focus) else { return false }
        return fields[focus].kind == .text || fields[focus].kind == .secret
    }

    /// Draws the fields top to bottom in `rect`, scrolled so the focused one is visible; each field is its
    /// prompt, the input, and the error (if any) on the line below. Returns the cursor position.
    @discardableResult
    package func render(into frame: inout Frame, rect: Rect) -> Point? {
        let promptWidth = rect.width
        let fieldWidth = min(rect.width, 60)
        // Lay every field out, then choose the first field so that the focused one fits.
        var heights: [Int] = []
        for (i, field) in fields.enumerated() {
            let promptLines = TextLayout.wrap(field.prompt, width: promptWidth).count
            let inputLines: Int
            switch field.kind {
            case .choice(let options): inputLines = options.count
            default: inputLines = 1
            }
            let errorLines = field.error.map { TextLayout.wrap("✗ " + $0, width: rect.width - 2).count } ?? 0
            heights.append(promptLines + inputLines + errorLines + (i + 1 < fields.count ? 1 : 0))
        }
        var first = 0
        while first < focus && heights[first...focus].reduce(0, +) > rect.height { first += 1 }
        var row = rect.row
        var cursor: Point? = nil
        if first > 0 { frame.put("↑ more above", row: rect.row, column: rect.right - 12, style: .muted) }
        for i in first..<fields.count {
            let field = fields[i]
            guard row < rect.bottom else {
                frame.put("↓ more below", row: rect.bottom - 1, column: rect.right - 12, style: .muted)
                break
            }
            let focused = i == focus
            for line in TextLayout.wrap(field.prompt, width: promptWidth) where row < rect.bottom {
                frame.put(line, row: row, column: rect.column, style: focused ? .bold : .normal)
                row += 1
            }
            guard row < rect.bottom else { break }
            switch field.kind {
            case .text, .secret:
                let point = texts[i].render(into: &frame, row: row, column: rect.column, width: fieldWidth, focused: focused)
                if focused { cursor = point }
                if field.kind == .text, texts[i].text.isEmpty, field.defaultValue != nil, rect.width > fieldWidth + 10 {
                    frame.put(" default", row: row, column: rect.column + fieldWidth, style: .muted)
                }
                row += 1
            case .yesNo, .choice:
                let used = choices[i].render(into: &frame, rect: Rect(row: row, column: rect.column + 1,
                                                                      width: rect.width - 1, height: rect.bottom - row),
                                             focused: focused)
                row += used
            }
            if let error = field.error {
                for line in TextLayout.wrap("✗ " + error, width: rect.width - 2) where row < rect.bottom {
                    frame.put(line, row: row, column: rect.column + 1, style: .error)
                    row += 1
                }
            }
            row += 1
        }
        return cursor
    }
}
