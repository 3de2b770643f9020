import WizardCore

extension WizardApp {
    package func view(_ s: WizardState, _ size: Size) -> Frame {
        TooSmallScreen.guarded(size: size) { frame in
            let flowName = s.session.map { "\($0.flow.id) \($0.flow.version)" } ?? "ovirt-wizard"
            var hints = KeyHint.standard
            let location: String
            switch s.screen {
            case .flows: location = "flows"
            case .hub: location = "hub"
            case .question(let key):
                let active = s.session?.activeQuestions ?? []
                let index = active.firstIndex { $0.key == key }.map { $0 + 1 } ?? 0
                location = "question \(index)/\(active.count)"
            case .preview:
                location = "preview"
                hints = [KeyHint("↑↓", "Move"), KeyHint("n/p", "Problems"), KeyHint("Enter", "Change"), KeyHint("a", "File lines"),
                         KeyHint("c", "Confirm"), KeyHint("Esc", "Back"), KeyHint("F1", "Help"), KeyHint("^C", "Quit")]
            case .answerLines:
                location = "answer file"
                hints = [KeyHint("↑↓ PgUp PgDn", "Scroll"), KeyHint("←→", "Sideways"), KeyHint("Esc", "Back"), KeyHint("F1", "Help"),
                         KeyHint("^C", "Quit")]
            case .cpuCheck:
                location = "CPU check"
                hints = CPUCheckScreen.hints
            }
            // Where the host facts came from stays in view on the hub until something else is said.
            var notice = Self.shownNotice(s)
            if let full = notice, CellWidth.of(full.text) > size.columns - 2 {
                // A message that does not fit says so; F2 shows it whole.
                notice = Notice(TextLayout.truncate(full.text, width: size.columns - 2 - Self.moreHint.count) + Self.moreHint, kind: full.kind)
            }
            let title = s.session == nil ? "ovirt-wizard — \(Self.title(s))" : "ovirt-wizard: \(flowName) — \(Self.title(s))"
            var body = Chrome.render(into: &frame, title: title, location: location, notice: notice, hints: hints)
            // Host checks not run, and why: on every screen of the flow, wrapped, never cut.
            if s.screen != .flows, let banner = Self.hostBanner(s) {
                let lines = TextLayout.wrap(banner, width: body.width)
                for (i, line) in lines.enumerated() {
                    frame.put(line, row: body.row + i, column: body.column, style: s.session?.offline == true ? .warning : .error)
                }
                body = Rect(row: body.row + lines.count + 1, column: body.column, width: body.width, height: body.height - lines.count - 1)
            }
            switch s.screen {
            case .flows:
                frame.put("Choose what to deploy:", row: body.row, column: body.column, style: .bold)
                var row = body.row + 1
                for line in firstScreenLines(s).flatMap({ TextLayout.wrap($0, width: body.width) }) {
                    frame.put(line, row: row, column: body.column, style: .muted)
                    row += 1
                }
                s.flowList.render(into: &frame, rect: Rect(row: row + 1, column: body.column, width: body.width, height: body.bottom - row - 1))
            case .hub:
                var row = body.row
                for line in TextLayout.wrap(savedLine(s), width: body.width) {
                    frame.put(line, row: row, column: body.column, style: .muted)
                    row += 1
                }
                s.hub.render(into: &frame, rect: Rect(row: row + 1, column: body.column, width: body.width, height: body.bottom - row - 1))
            case .question:
                frame.cursor = renderQuestion(s, into: &frame, body: body)
            case .preview:
                let missing = s.preview.problemCount
                frame.put(missing == 0 ? "Every value is answered. c writes the answer file." : "\(missing) values need an answer: n jumps to them.",
                          row: body.row, column: body.column, style: missing == 0 ? .success : .warning)
                s.preview.render(into: &frame, rect: Rect(row: body.row + 2, column: body.column, width: body.width, height: body.height - 2))
            case .cpuCheck:
                s.cpuCheck.render(into: &frame, rect: body)
            case .answerLines:
                let cut = s.pager.hasCutLines(width: body.width)
                frame.put(cut ? "The answer file's lines (secrets masked); … marks a cut line: ←→ scroll"
                              : "These lines are written to the answer file (secrets masked here):",
                          row: body.row, column: body.column, style: .bold, maxWidth: body.width)
                s.pager.render(into: &frame, rect: Rect(row: body.row + 2, column: body.column, width: body.width, height: body.height - 2))
            }
            if let overlay = s.overlay {
                frame.cursor = nil
                overlay.render(into: &frame)
            }
        }
    }

    static let moreHint = " (F2: all)"

    /// The notice line: what was said last, or on the hub where the host facts came from.
    static func shownNotice(_ s: WizardState) -> Notice? {
        if let notice = s.notice { return notice }
        return s.screen == .hub ? factsNotice(s) : nil
    }

    /// The first screen says where the answers go and whether any host will be contacted.
    func firstScreenLines(_ s: WizardState) -> [String] {
        let file = s.flowList.selectedItem.flatMap { row in s.flows.first { s.flowRowID($0) == row.id } }.flatMap(answerFileOf) ?? s.answerFile
        return ["Answers are saved to \(file) after every answer (the selected flow's file).",
                prober == nil ? "No host is contacted (--offline): defaults come from the seed's example lab."
                              : "The target host is contacted over SSH once you name it (its host key is checked)."]
    }

    /// The hub's first line: the answer file, and (unless the banner says more) whether hosts are contacted.
    func savedLine(_ s: WizardState) -> String {
        let file = "Answers: \(s.answerFile) (saved after every answer)"
        if Self.hostBanner(s) != nil { return file + "." }
        return file + (prober == nil ? "; no host is contacted." : "; the target host is contacted over SSH.")
    }

    func renderQuestion(_ s: WizardState, into frame: inout Frame, body: Rect) -> Point? {
        guard let prompt = s.exchange?.prompt else { return nil }
        var row = body.row
        let width = body.width
        for message in prompt.before + [] {
            for line in TextLayout.wrap("[\(message.level.rawValue.uppercased())] \(message.text)", width: width) where row < body.bottom {
                frame.put(line, row: row, column: body.column, style: message.level == .error ? .error : .muted)
                row += 1
            }
        }
        let notesSpace = max(0, body.bottom - row - 8)
        let noteLines = prompt.notes.flatMap { TextLayout.wrap($0, width: width) }
        for line in noteLines.prefix(notesSpace) {
            frame.put(line, row: row, column: body.column, style: .muted)
            row += 1
        }
        if noteLines.count > notesSpace, notesSpace > 0 {
            frame.put(TextLayout.pad("… (F1 shows the rest)", width: width), row: row - 1, column: body.column, style: .muted)
        }
        if !noteLines.isEmpty { row += 1 }
        for line in TextLayout.wrap(prompt.text.trimmingTrailingPromptPunctuation(), width: width) where row < body.bottom {
            frame.put(line, row: row, column: body.column, style: .bold)
            row += 1
        }
        // The messages (why an answer was refused) always keep their rows: a long choice list scrolls instead.
        let messageLines: [(String, Style)] = s.messages.flatMap { message -> [(String, Style)] in
            let style: Style = message.level == .error ? .error : (message.level == .warning ? .warning : .normal)
            let mark = message.level == .error ? "✗ " : (message.level == .warning ? "! " : "")
            // A refused choice names the values, as otopi's prompt does when it asks again.
            let text = message.text == "Invalid value" && !prompt.validValues.isEmpty
                ? "\(message.text): \(prompt.validValuesHint)" : message.text
            return TextLayout.wrap(mark + text, width: width - 1).map { ($0, style) }
        }
        var cursor: Point? = nil
        if row < body.bottom {
            if s.choice.options.isEmpty {
                let fieldWidth = min(width, 60)
                cursor = s.field.render(into: &frame, row: row, column: body.column, width: fieldWidth, focused: true)
                if s.field.text.isEmpty, prompt.defaultText != nil, !prompt.hidden, width > fieldWidth + 24 {
                    frame.put(" default: Enter takes it", row: row, column: body.column + fieldWidth, style: .muted)
                }
                row += 1
            } else {
                let typedLine = s.choiceTyped.isEmpty ? 0 : 1
                let room = max(min(3, body.bottom - row), body.bottom - row - messageLines.count - typedLine)
                row += s.choice.render(into: &frame, rect: Rect(row: row, column: body.column + 1, width: width - 1, height: room),
                                       focused: true)
                if !s.choiceTyped.isEmpty, row < body.bottom {
                    // The otopi answer word being typed; Enter gives it to the dialog as otopi would take it.
                    let chosen = prompt.choice(for: s.choiceTyped)
                    let said = "Typed: \(s.choiceTyped)  " + (chosen.map { "(Enter chooses \($0))" } ?? "(no single value starts so)")
                    frame.put(said, row: row, column: body.column + 1, style: .muted, maxWidth: width - 1)
                    row += 1
                }
            }
        }
        for (line, style) in messageLines where row < body.bottom {
            frame.put(line, row: row, column: body.column + 1, style: style)
            row += 1
        }
        return cursor
    }
}
