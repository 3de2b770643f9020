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
                hints = [KeyHint("↑↓ PgUp PgDn", "Scroll"), KeyHint("Esc", "Back"), KeyHint("F1", "Help"), KeyHint("^C", "Quit")]
            case .cpuCheck:
                location = "CPU check"
                hints = CPUCheckScreen.hints
            }
            // Where the host facts came from stays in view on the hub until something else is said.
            var notice = s.notice
            if notice == nil, s.screen == .hub { notice = Self.factsNotice(s) }
            let body = Chrome.render(into: &frame, title: "ovirt-wizard: \(flowName) — \(Self.title(s))", location: location,
                                     notice: notice, hints: hints)
            switch s.screen {
            case .flows:
                frame.put("Choose what to deploy:", row: body.row, column: body.column, style: .bold)
                s.flowList.render(into: &frame, rect: Rect(row: body.row + 2, column: body.column, width: body.width, height: body.height - 2))
            case .hub:
                s.hub.render(into: &frame, rect: body)
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
                frame.put("These lines are written to the answer file (secrets masked here):", row: body.row, column: body.column, style: .bold)
                s.pager.render(into: &frame, rect: Rect(row: body.row + 2, column: body.column, width: body.width, height: body.height - 2))
            }
            if let overlay = s.overlay {
                frame.cursor = nil
                overlay.render(into: &frame)
            }
        }
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
            frame.put("… (F1 shows the rest)", row: row - 1, column: body.column, style: .muted)
        }
        if !noteLines.isEmpty { row += 1 }
        for line in TextLayout.wrap(prompt.text.trimmingTrailingPromptPunctuation(), width: width) where row < body.bottom {
            frame.put(line, row: row, column: body.column, style: .bold)
            row += 1
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
                row += s.choice.render(into: &frame, rect: Rect(row: row, column: body.column + 1, width: width - 1, height: body.bottom - row),
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
        for message in s.messages {
            let style: Style = message.level == .error ? .error : (message.level == .warning ? .warning : .normal)
            let mark = message.level == .error ? "✗ " : (message.level == .warning ? "! " : "")
            // A refused choice names the values, as otopi's prompt does when it asks again.
            let text = message.text == "Invalid value" && !prompt.validValues.isEmpty
                ? "\(message.text): \(prompt.validValuesHint)" : message.text
            for line in TextLayout.wrap(mark + text, width: width - 1) where row < body.bottom {
                frame.put(line, row: row, column: body.column + 1, style: style)
                row += 1
            }
        }
        return cursor
    }
}
