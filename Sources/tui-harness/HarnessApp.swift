import TUI

/// A small questionnaire built only from TUI widgets, for the tmux end-to-end tests and the key
/// benchmark. It is not the wizard: its questions are fixed here, not read from Screens/.
struct HarnessSection: Hashable, Sendable {
    var title: String
    var form: QuestionForm
    /// Values accepted so far, by field id.
    var accepted: [String: String] = [:]

    var status: HubStatus {
        if form.fields.contains(where: { $0.error != nil }) { return .invalid }
        return form.fields.allSatisfy { accepted[$0.id] != nil } ? .done : .needsAnswers
    }

    var summary: String {
        form.fields.compactMap { field in
            accepted[field.id].map { field.kind == .secret ? "\(field.id)=********" : "\(field.id)=\($0)" }
        }.joined(separator: ", ")
    }
}

enum HarnessDialog: Hashable, Sendable {
    case quit
    case lowCPUs(section: Int, index: Int, value: String)
    case confirmPreview
}

enum HarnessScreen: Hashable, Sendable {
    case hub
    case section(Int)
    case preview
}

struct HarnessState {
    var screen: HarnessScreen = .hub
    var hub: HubList
    var sections: [HarnessSection]
    var preview = PreviewList(rows: [])
    var overlay: Overlay<HarnessDialog>?
    var notice: Notice?
    var size: Size
    var saves = 0

    init(size: Size) {
        self.size = size
        sections = [
            HarnessSection(title: "Network", form: QuestionForm(fields: [
                QuestionField(id: "fqdn", prompt: "Host fully qualified DNS name of this server:",
                              defaultValue: "localhost.localdomain",
                              help: "The name clients use to reach the engine; it must contain a dot."),
                QuestionField(id: "port", prompt: "HTTPS port:", defaultValue: "443", help: "A TCP port, 1 to 65535."),
                QuestionField(id: "org", prompt: "Organization name for certificate (组织名称):", defaultValue: "示例组织"),
            ])),
            HarnessSection(title: "Credentials", form: QuestionForm(fields: [
                QuestionField(id: "password", prompt: "Engine admin password:", kind: .secret,
                              help: "At least 6 characters; it is never shown."),
                QuestionField(id: "firewall", prompt: "Configure the firewall?", kind: .yesNo, defaultValue: "yes"),
            ])),
            HarnessSection(title: "Host", form: QuestionForm(fields: [
                QuestionField(id: "cpus", prompt: "Number of virtual CPUs for the engine VM:", defaultValue: "4",
                              help: "Fewer than 2 asks for a confirmation."),
                QuestionField(id: "storage", prompt: "Storage type:", kind: .choice(["nfs3", "nfs4", "glusterfs", "iscsi"]),
                              defaultValue: "nfs3"),
            ])),
        ]
        hub = HubList(items: [])
        refreshHub()
    }

    mutating func refreshHub() {
        var items = sections.enumerated().map { i, section in
            HubItem(id: "section:\(i)", title: section.title, status: section.status,
                    summary: section.summary.isEmpty ? "not answered yet" : section.summary)
        }
        items.append(HubItem(id: "preview", title: "Preview", status: sections.allSatisfy { $0.status == .done } ? .done : .needsAnswers,
                             summary: "every value and where it came from"))
        let selected = hub.viewport.selected
        hub = HubList(items: items, selected: selected)
    }

    var previewRows: [PreviewRow] {
        var rows: [PreviewRow] = []
        for section in sections {
            rows.append(.heading(section.title))
            for field in section.form.fields {
                let value = section.accepted[field.id]
                rows.append(PreviewRow(id: field.id, label: field.prompt.trimmingCharacters(),
                                       value: value ?? "", provenance: value == nil ? nil : .operatorTyped,
                                       isMasked: field.kind == .secret, problem: value == nil ? "not answered" : nil))
            }
        }
        return rows
    }

    /// What Ctrl-S writes: one `id=value` line per accepted answer, secrets masked.
    var savedLines: [String] {
        sections.flatMap { section in
            section.form.fields.compactMap { field in
                section.accepted[field.id].map { "\(field.id)=\(field.kind == .secret ? "********" : $0)" }
            }
        }
    }
}

extension String {
    func trimmingCharacters() -> String {
        var s = self
        while s.last == ":" || s.last == " " || s.last == "?" { s.removeLast() }
        return s
    }
}

enum HarnessEffect {
    case save([String])
    case crash
}

struct HarnessApp: TUIApp {
    typealias State = HarnessState
    typealias Message = String
    typealias Effect = HarnessEffect

    let save: ([String]) -> String

    func update(_ state: HarnessState, _ event: AppEvent<String>) -> (HarnessState, [AppEffect<HarnessEffect>]) {
        var s = state
        var effects: [AppEffect<HarnessEffect>] = []
        switch event {
        case .resize(let size):
            s.size = size
            return (s, [])
        case .message(let text):
            s.notice = Notice(text, kind: .success)
            return (s, [])
        case .signal:
            return (s, [])
        case .key(let key):
            s.notice = nil
            if var overlay = s.overlay {
                let response = overlay.handle(key)
                s.overlay = response == .open ? overlay : nil
                if case .chose(let button, let purpose) = response { handleDialog(&s, purpose, button: button, effects: &effects) }
                return (s, effects)
            }
            if key == .function(12) { return (s, [.custom(.crash)]) }
            // Below the minimum size keys still reach the screen: type-ahead racing a resize is not lost.
            let textFocused: Bool
            if case .section(let i) = s.screen { textFocused = s.sections[i].form.focusedFieldTakesText } else { textFocused = false }
            if let action = GlobalKeys.action(for: key, textFieldFocused: textFocused) {
                switch action {
                case .help: s.overlay = .help(title: title(s), text: help(s))
                case .save: effects.append(.custom(.save(s.savedLines))); s.saves += 1
                case .quit: s.overlay = .quitConfirmation(purpose: .quit, detail: "Quit without finishing? Accepted answers stay saved only after Ctrl-S.")
                case .redraw: effects.append(.redrawAll)
                }
                return (s, effects)
            }
            switch s.screen {
            case .hub:
                if case .submitted(let id) = s.hub.handle(key, pageSize: max(1, s.size.rows - 4)) {
                    if id == "preview" { s.preview = PreviewList(rows: s.previewRows); s.screen = .preview }
                    else if let i = Int(id.dropFirst("section:".count)) { s.screen = .section(i) }
                }
            case .section(let i):
                switch s.sections[i].form.handle(key) {
                case .back: s.refreshHub(); s.screen = .hub
                case .submitted(let index, let value): submit(&s, section: i, index: index, value: value)
                case .none: break
                }
            case .preview:
                if key == .escape { s.screen = .hub; return (s, []) }
                if key == .character("w") {
                    s.overlay = .dialog(Dialog(title: "Write answers", message: "Write the \(s.savedLines.count) accepted answers now?"),
                                        purpose: .confirmPreview)
                    return (s, [])
                }
                if case .submitted(let id) = s.preview.handle(key, pageSize: max(1, s.size.rows - 5)) {
                    if let i = s.sections.firstIndex(where: { $0.form.fields.contains { $0.id == id } }),
                       let f = s.sections[i].form.fields.firstIndex(where: { $0.id == id }) {
                        s.sections[i].form.setFocus(f)
                        s.screen = .section(i)
                    }
                }
            }
        }
        return (s, effects)
    }

    private func handleDialog(_ s: inout HarnessState, _ purpose: HarnessDialog, button: Int, effects: inout [AppEffect<HarnessEffect>]) {
        switch purpose {
        case .quit:
            if button == 0 { effects.append(.quit(exitCode: 130)) }
        case .lowCPUs(let section, let index, let value):
            if button == 0 { accept(&s, section: section, index: index, value: value) }
            else { s.sections[section].form.reject(index: index, reason: "enter at least 2 CPUs, or confirm the lower number") }
        case .confirmPreview:
            if button == 0 { effects.append(.custom(.save(s.savedLines))); s.saves += 1 }
        }
    }

    /// The validation a flow engine would do, for the harness's own questions.
    private func submit(_ s: inout HarnessState, section: Int, index: Int, value: String) {
        let field = s.sections[section].form.fields[index]
        var problem: String? = nil
        switch field.id {
        case "fqdn":
            if !value.contains(".") || value.contains(" ") { problem = "\"\(value)\" is not a fully qualified name (it needs a dot and no spaces)" }
        case "port":
            if Int(value).map({ !(1...65535).contains($0) }) ?? true { problem = "\"\(value)\" is not a port number from 1 to 65535" }
        case "password":
            if value.count < 6 { problem = "the password must have at least 6 characters" }
        case "cpus":
            guard let n = Int(value), n > 0 else { problem = "\"\(value)\" is not a positive whole number"; break }
            if n < 2 {
                s.overlay = .dialog(Dialog(title: "Confirm", message: "The engine VM should have at least 2 CPUs. Continue with specified CPUs?",
                                           buttons: ["Yes", "No"], selected: 1),
                                    purpose: .lowCPUs(section: section, index: index, value: value))
                return
            }
        default: break
        }
        if let problem { s.sections[section].form.reject(index: index, reason: problem); return }
        accept(&s, section: section, index: index, value: value)
    }

    private func accept(_ s: inout HarnessState, section: Int, index: Int, value: String) {
        s.sections[section].form.accept(index: index, value: value)
        s.sections[section].accepted[s.sections[section].form.fields[index].id] = value
        s.refreshHub()
        if s.sections[section].status == .done && index == s.sections[section].form.fields.count - 1 {
            s.screen = .hub
            s.notice = Notice("\(s.sections[section].title): all answers accepted", kind: .success)
        }
    }

    private func title(_ s: HarnessState) -> String {
        switch s.screen {
        case .hub: "Sections"
        case .section(let i): s.sections[i].title
        case .preview: "Preview"
        }
    }

    private func help(_ s: HarnessState) -> String {
        switch s.screen {
        case .hub: "Choose a section with the arrows and open it with Enter. Each shows whether it is done."
        case .section(let i): s.sections[i].form.fields[s.sections[i].form.focus].help
        case .preview: "Every value and where it came from. n and p jump to values that need an answer; w writes."
        }
    }

    func view(_ s: HarnessState, _ size: Size) -> Frame {
        TooSmallScreen.guarded(size: size) { frame in
            let location: String
            switch s.screen {
            case .hub: location = "hub"
            case .section(let i): location = "section \(i + 1)/\(s.sections.count)"
            case .preview: location = "preview"
            }
            let body = Chrome.render(into: &frame, title: "tui-harness: \(title(s))", location: location, notice: s.notice)
            switch s.screen {
            case .hub:
                s.hub.render(into: &frame, rect: body)
            case .section(let i):
                frame.cursor = s.sections[i].form.render(into: &frame, rect: body)
            case .preview:
                let problems = s.preview.problemCount
                frame.put(problems == 0 ? "All values answered. w writes them." : "\(problems) values need an answer (n: next).",
                          row: body.row, column: body.column, style: problems == 0 ? .success : .warning)
                s.preview.render(into: &frame, rect: Rect(row: body.row + 2, column: body.column, width: body.width, height: body.height - 2))
            }
            if let overlay = s.overlay {
                frame.cursor = nil
                overlay.render(into: &frame)
            }
        }
    }

    func perform(_ effect: HarnessEffect, post: @escaping @Sendable (String) -> Void) {
        switch effect {
        case .save(let lines): post(save(lines))
        case .crash: fatalError("tui-harness: F12 crashes on purpose to test the crash guard")
        }
    }
}
