import Foundation
import OtopiKit
import SSHKit
import WizardCore

/// The full-screen wizard over a `FlowSession`: a hub of sections, one screen per question generated from
/// the flow data (text, password, yes/no and choice), follow-ups as dialogs, the preview with provenance,
/// and the answer file saved after every accepted answer.
package struct WizardApp: TUIApp {
    package typealias State = WizardState
    package typealias Message = WizardMessage
    /// Below it the view says "Terminal too small" and keys do not reach `update`.
    package var minimumSize: Size { .minimum }

    package enum Effect {
        /// Write the answers to the path (complete after the preview was confirmed).
        case save(FlowSession, complete: Bool, to: String)
        /// Connect to the target host the answers name and probe it, off the UI thread.
        case probe(FlowSession)
        /// The operator's decision on an unknown host key, handed to the waiting probe.
        case answerHostKey(Bool)
        /// The operator's password or passphrase (nil: none given), handed to the waiting probe.
        case answerCredential(Secret?)
        /// Run an answer's host checks on a worker thread; the outcome comes back as `.checked`.
        case runChecks(PendingHostChecks, checker: any HostChecker, answers: Answers)
        /// Fetch what a section needs on a worker thread; the outcome comes back as `.fetched`.
        case fetch(FlowFetchSource, FlowSession, signature: String)
    }

    package let checker: any HostChecker
    /// Makes the session of a flow chosen in the flow list (answer files loaded).
    package let startFlow: @Sendable (Flow) -> FlowSession
    /// Writes the answers to the path and says where, or why not (a notice of kind `.error`).
    package let save: @Sendable (FlowSession, Bool, String) -> Notice
    /// Probes the target host once its section is answered; nil never contacts a host.
    package let prober: TargetHostProber?
    /// The answer file of a flow chosen in the flow list (each flow has its own); nil keeps the state's.
    package let answerFileOf: @Sendable (Flow) -> String?
    /// Fetches what a section needs before its questions (`FlowSection.fetch`); nil fetches nothing.
    package var fetcher: (@Sendable (FlowFetchSource, FlowSession) -> FlowFetchResult)?

    package init(checker: any HostChecker, startFlow: @escaping @Sendable (Flow) -> FlowSession,
                save: @escaping @Sendable (FlowSession, Bool, String) -> Notice, prober: TargetHostProber? = nil,
                answerFileOf: @escaping @Sendable (Flow) -> String? = { _ in nil }) {
        self.answerFileOf = answerFileOf
        self.checker = checker
        self.startFlow = startFlow
        self.save = save
        self.prober = prober
    }

    /// The state to start with: the flow list, or the flow's first question needing an answer when
    /// answers were loaded (resume), else its hub.
    package static func initialState(flows: [Flow], session: FlowSession?, answerFile: String = "answers.conf",
                                     hostChoosesVersion: [String: [String]] = [:]) -> WizardState {
        var state = WizardState(flows: flows, session: session, hostChoosesVersion: hostChoosesVersion)
        state.answerFile = answerFile
        if session != nil { WizardApp.enterFlow(&state) }
        return state
    }

    static func enterFlow(_ s: inout WizardState) {
        guard let session = s.session else { return }
        refreshHub(&s)
        let loaded = session.answers.items.values.contains { if case .file = $0.provenance { return true } else { return false } }
        if loaded, let next = session.nextQuestion(includingConfirmation: false) {
            open(&s, key: next.key)
            s.notice = Notice("Answers loaded; continuing at the first question that needs an answer.")
        } else {
            s.screen = .hub
        }
    }

    package func perform(_ effect: Effect, post: @escaping @Sendable (WizardMessage) -> Void) {
        switch effect {
        case .save(let session, let complete, let path): post(.saved(path: path, save(session, complete, path)))
        case .probe(let session): startProbe(session, post: post)
        case .answerHostKey(let accept): prober?.answerHostKey(accept)
        case .answerCredential(let secret): prober?.answerCredential(secret)
        case .fetch(let source, let session, let signature):
            guard let fetcher else { return }
            Thread.detachNewThread { post(.fetched(source, signature: signature, fetcher(source, session))) }
        case .runChecks(let pending, let checker, let answers):
            Thread.detachNewThread {
                post(.checked(id: pending.id, PrecomputedChecker(running: pending.requests, with: checker, answers: answers)))
            }
        }
    }

    // MARK: - update

    package func update(_ state: WizardState, _ event: AppEvent<WizardMessage>) -> (WizardState, [AppEffect<Effect>]) {
        var s = state
        var effects: [AppEffect<Effect>] = []
        switch event {
        case .resize(let size):
            s.size = size
        case .message(.notice(let notice)):
            s.notice = notice
            if s.finished { effects.append(.quit(exitCode: notice.kind == .error ? 1 : 0)) }
        case .message(.saved(let path, let notice)):
            saved(&s, path: path, notice, &effects)
        case .message(.hostKey(let key)):
            s.probe.pendingHostKey = key
            s.probe.hostKeyShown = false
        case .message(.credential(let request)):
            s.probe.pendingCredential = request
            s.probe.credentialShown = false
        case .message(.probed(let result)):
            probed(&s, result)
        case .message(.fetched(let source, let signature, let result)):
            fetched(&s, source, signature: signature, result, &effects)
        case .message(.checked(let id, let outcomes)):
            // A stale outcome (the operator stopped waiting, or moved on) is dropped.
            if let pending = s.pendingChecks, pending.id == id, s.screen == .question(pending.key) {
                s.pendingChecks = nil
                s.notice = nil
                submit(&s, pending.key, pending.text, &effects, outcomes: outcomes)
            }
        case .signal:
            // Accepted answers are already saved; save once more so a hang-up loses nothing.
            if let session = s.session { effects.append(.custom(.save(session, complete: false, to: s.answerFile))) }
        case .key(let key):
            handleKey(&s, key, &effects)
        }
        targetHost(&s, &effects)
        fetchForSection(&s, &effects)
        return (s, effects)
    }

    func handleKey(_ s: inout WizardState, _ key: Key, _ effects: inout [AppEffect<Effect>]) {
        if key == .function(2), s.overlay == nil, let notice = Self.shownNotice(s) {
            // The notice line cuts long messages; F2 shows the last one whole.
            s.overlay = .dialog(Dialog(title: "Message", message: notice.text, buttons: ["OK"]), purpose: .message)
            return
        }
        s.notice = nil
        if var overlay = s.overlay {
            let response = overlay.handle(key)
            s.overlay = response == .open ? overlay : nil
            switch response {
            case .chose(0, .credential):
                // The typed secret goes straight to the waiting probe; the state keeps no copy.
                if case .dialog(let dialog, _) = overlay { answerCredential(&s, dialog.field?.text, &effects) }
            case .chose(0, .answerFile):
                if case .dialog(let dialog, _) = overlay { useAnswerFile(&s, dialog.field?.text ?? "", &effects) }
            case .chose(let button, let purpose): dialogChosen(&s, purpose, button: button, &effects)
            case .cancelled(.followUp(let key)): answerFollowUp(&s, key: key, yes: false, &effects)
            case .cancelled(.hostKey): dialogChosen(&s, .hostKey, button: 1, &effects)
            case .cancelled(.credential): answerCredential(&s, nil, &effects)
            default: break
            }
            return
        }
        if let pending = s.pendingChecks, case .question(pending.key) = s.screen {
            // The answer is being checked on the host: only Esc (stop waiting) and the global keys count.
            if key == .escape {
                s.pendingChecks = nil
                s.notice = Notice("Stopped waiting for the check on the host; the answer was not accepted. Enter tries again.")
                return
            }
            if let action = GlobalKeys.action(for: key, textFieldFocused: true), action != .help {
                globalAction(&s, action, &effects)
            } else {
                s.notice = Self.checkingNotice(pending)
            }
            return
        }
        let textFocused: Bool
        if case .question = s.screen { textFocused = s.choice.options.isEmpty } else { textFocused = false }
        if let action = GlobalKeys.action(for: key, textFieldFocused: textFocused) {
            globalAction(&s, action, &effects)
            return
        }
        switch s.screen {
        case .flows:
            if case .submitted(let row) = s.flowList.handle(key), let flow = s.flows.first(where: { s.flowRowID($0) == row }) {
                // One file holds one flow's answers: a flow whose file already holds another flow's answers of this
                // session is not started over it.
                let file = answerFileOf(flow) ?? s.answerFile
                if let other = s.leftSessions.values.first(where: { $0.flow.id != flow.id && (answerFileOf($0.flow) ?? s.answerFile) == file }) {
                    s.notice = Notice("\(file) holds the \(other.flow.id) answers of this session; start the wizard again with "
                                      + "--flow \(flow.id) --answers \(flow.id).conf for this flow.", kind: .error)
                    return
                }
                if let path = answerFileOf(flow), path != s.answerFile {
                    s.answerFile = path
                    s.unsaved = false
                    s.saveFailureShown = false
                }
                if let left = s.leftSessions.removeValue(forKey: flow.id) {
                    s.session = left
                    s.screen = .hub
                    Self.refreshHub(&s)
                } else {
                    s.session = startFlow(flow)
                    Self.enterFlow(&s)
                }
            }
        case .hub:
            switch s.hub.handle(key, pageSize: max(1, s.size.rows - 4)) {
            case .submitted("preview"): Self.openPreview(&s)
            case .submitted(Self.cpuCheckItem): Self.openCPUCheck(&s)
            case .submitted(let id): openSection(&s, id: id)
            default:
                if key == .escape, s.flows.count > 1 || s.session == nil {
                    if let session = s.session { s.leftSessions[session.flow.id] = session }
                    s.screen = .flows
                }
            }
        case .question(let qKey):
            questionKey(&s, qKey, key, &effects)
        case .preview:
            switch key {
            case .escape: s.screen = .hub; Self.refreshHub(&s)
            case .character("a"):
                s.pager = TextPager(lines: Self.answerLines(s))
                s.screen = .answerLines
            case .character("c"):
                guard let session = s.session else { return }
                if let refused = s.probe.versionRefused {
                    s.notice = Notice(refused + " Name another target host before writing the answer file.", kind: .error)
                } else if !session.preview().missing.isEmpty {
                    s.notice = Notice("Some values still need an answer (n jumps to them).", kind: .error)
                } else {
                    s.overlay = .dialog(Dialog(title: "Confirm", message: "Write the answer file with these values?",
                                               buttons: ["Write", "Cancel"]), purpose: .confirmWrite)
                }
            default:
                if case .submitted(let key) = s.preview.handle(key, pageSize: max(1, s.size.rows - 6)),
                   s.session?.flow.question(forKey: key) != nil {
                    Self.open(&s, key: key)
                    s.returnToPreview = true
                }
            }
        case .cpuCheck:
            if key == .escape { s.screen = .hub; Self.refreshHub(&s) }
            else { _ = s.cpuCheck.handle(key, size: s.size) }
        case .answerLines:
            if key == .escape || key == .character("a") { s.screen = .preview }
            else { _ = s.pager.handle(key, pageSize: max(1, s.size.rows - 6), width: s.size.columns - 2) }
        }
    }

    func openSection(_ s: inout WizardState, id: String) {
        s.returnToPreview = false
        guard let session = s.session, let section = session.flow.sections.first(where: { $0.id == id }) else { return }
        let active = section.questions.filter(session.isActive)
        guard let target = active.first(where: session.needsAnswer) ?? active.first else {
            s.notice = Notice("Nothing to ask in this section with the answers given so far.")
            return
        }
        Self.open(&s, key: target.key)
    }

    /// Opens a question screen: a new exchange, the editor pre-filled with a draft or the current answer.
    static func open(_ s: inout WizardState, key: String) {
        guard let session = s.session, let question = session.flow.question(forKey: key) else { return }
        let exchange = session.exchange(for: question)
        s.exchange = exchange
        s.screen = .question(key)
        s.messages = []
        s.choiceTyped = ""
        if let rejected = session.rejection(for: question) {
            let shown = session.isSecret(key) ? Secrets.mask : rejected.value.displayText
            s.messages = [DialogMessage(.error, "\(rejected.origin): \(shown) was not used: \(rejected.reason)")]
        }
        resetEditor(&s, current: session.answers[key].map { question.isHidden ? "" : editable($0.value, question) })
    }

    static func editable(_ value: OtopiValue, _ question: Question) -> String {
        if question.kind == .boolean, case .bool(let b) = value {
            let isTrue = question.invert ? !b : b
            return isTrue ? question.booleanLabels.0 : question.booleanLabels.1
        }
        return value.displayText
    }

    static func resetEditor(_ s: inout WizardState, current: String?) {
        guard case .question(let key) = s.screen, let prompt = s.exchange?.prompt else { return }
        if !prompt.validValues.isEmpty && !prompt.hidden {
            var choice = ChoiceList(options: prompt.validValues, horizontal: prompt.validValues.count <= 3)
            let wanted = current ?? prompt.defaultText
            if let wanted, let i = prompt.validValues.firstIndex(where: { $0.lowercased() == wanted.lowercased() }) {
                choice = ChoiceList(options: prompt.validValues, selected: i, horizontal: choice.horizontal)
            } else if wanted == nil, let session = s.session, let question = session.flow.question(forKey: key),
                      session.lacksHostValues(question) {
                // The host would have said which values it has: nothing is chosen for the operator.
                choice.isUnset = true
            }
            s.choice = choice
            s.field = TextField()
        } else {
            s.choice = ChoiceList(options: [])
            let draft = s.exchange?.stage == .main ? s.drafts[key] : nil
            s.field = TextField(text: draft ?? current ?? "", isSecret: prompt.hidden, defaultValue: prompt.defaultText)
        }
    }

    func questionKey(_ s: inout WizardState, _ qKey: String, _ key: Key, _ effects: inout [AppEffect<Effect>]) {
        if !s.choice.options.isEmpty, let prompt = s.exchange?.prompt {
            // otopi's habit: the answer word (or the start of only one value) typed, then Enter. The dialog's own
            // matching (`RenderedPrompt.match`) moves the selection and decides at Enter.
            switch key {
            case .character(let c) where c != " " && CellWidth.isPrintable(c):
                s.choiceTyped.append(c)
                if let chosen = prompt.choice(for: s.choiceTyped) { s.choice.select(chosen) }
                return
            case .backspace where !s.choiceTyped.isEmpty:
                s.choiceTyped.removeLast()
                if let chosen = prompt.choice(for: s.choiceTyped) { s.choice.select(chosen) }
                return
            case .enter where !s.choiceTyped.isEmpty:
                let typed = s.choiceTyped
                s.choiceTyped = ""
                submit(&s, qKey, typed, &effects)
                return
            default:
                s.choiceTyped = ""
            }
        }
        let response = s.choice.options.isEmpty ? s.field.handle(key) : s.choice.handle(key)
        switch response {
        case .changed:
            // Drafts keep typed text across navigation; passwords are not kept (a refused one is retyped).
            if s.choice.options.isEmpty && s.exchange?.stage == .main && !s.field.isSecret { s.drafts[qKey] = s.field.text }
        case .submitted(let text):
            // Enter on an untouched default is sent as an empty answer, so the engine records it as the default.
            let prompt = s.exchange?.prompt
            let isDefault = s.choice.options.isEmpty ? s.field.text.isEmpty
                : prompt?.defaultText.map { $0.lowercased() == text.lowercased() } ?? false
            submit(&s, qKey, isDefault ? "" : text, &effects)
        case .ignored:
            switch key {
            case .enter where s.choice.isUnset:
                s.messages = [DialogMessage(.error, "No value is chosen: the host was not probed, so none is offered. "
                                            + "Choose one with the arrows (or type it), then Enter.")]
            case .escape: back(&s, from: qKey)
            case .tab, .down: move(&s, from: qKey, by: 1)
            case .backTab, .up: move(&s, from: qKey, by: -1)
            default: break
            }
        }
    }

    /// Esc on a question: the previous question that applies, across sections (the preview, when the question
    /// was opened from it); before the first one, the hub.
    func back(_ s: inout WizardState, from key: String) {
        if s.returnToPreview {
            Self.openPreview(&s)
            return
        }
        guard let session = s.session else { return }
        let active = session.flow.sections.flatMap(\.questions).filter(session.isActive)
        if let i = active.firstIndex(where: { $0.key == key }), i > 0 {
            Self.open(&s, key: active[i - 1].key)
        } else {
            s.screen = .hub
            Self.refreshHub(&s)
        }
    }

    /// Tab / Shift-Tab: the next or previous question of the section that applies, without accepting.
    func move(_ s: inout WizardState, from key: String, by step: Int) {
        guard let session = s.session, let question = session.flow.question(forKey: key),
              let section = session.flow.section(of: question) else { return }
        let active = section.questions.filter(session.isActive)
        guard let i = active.firstIndex(where: { $0.key == key }), active.indices.contains(i + step) else { return }
        Self.open(&s, key: active[i + step].key)
    }

    func globalAction(_ s: inout WizardState, _ action: GlobalAction, _ effects: inout [AppEffect<Effect>]) {
        switch action {
        case .help: s.overlay = .help(title: Self.title(s), text: Self.help(s))
        case .save:
            if let session = s.session { effects.append(.custom(.save(session, complete: false, to: s.answerFile))) }
            else { s.notice = Notice("Choose a flow first; there is nothing to save yet.") }
        case .quit:
            s.overlay = .quitConfirmation(purpose: .quit, detail: Self.quitDetail(s))
        case .redraw: effects.append(.redrawAll)
        }
    }

    static func checkingNotice(_ pending: PendingHostChecks) -> Notice {
        Notice("Checking on the target host: \(pending.what)… Esc stops waiting.")
    }

    /// Submits typed text to the exchange. Host checks never run on this thread: without `outcomes`, a dry run on
    /// a copy of the exchange lists the checks the answer needs; they run on a worker and the submission is
    /// repeated with their outcomes when `.checked` arrives.
    func submit(_ s: inout WizardState, _ qKey: String, _ text: String, _ effects: inout [AppEffect<Effect>],
                outcomes: PrecomputedChecker? = nil) {
        guard var session = s.session, var exchange = s.exchange else { return }
        let live = s.probe.checker ?? checker
        if outcomes == nil, !(live is OfflineChecker) {
            var dryRun = exchange
            let recorder = HostCheckRecorder()
            _ = dryRun.submit(text, checker: recorder, answers: session.answers)
            let requests = recorder.requests
            if !requests.isEmpty {
                s.checkSerial += 1
                let hidden = exchange.prompt.hidden
                let what = requests.map { HostCheckDescriptions.describe($0.check, value: hidden ? Secrets.mask : $0.value) }
                    .joined(separator: ", ")
                let pending = PendingHostChecks(id: s.checkSerial, key: qKey, text: text, requests: requests, what: what)
                s.pendingChecks = pending
                s.notice = Self.checkingNotice(pending)
                effects.append(.custom(.runChecks(pending, checker: live, answers: session.answers)))
                return
            }
        }
        let step = exchange.submit(text, checker: outcomes ?? live, answers: session.answers)
        s.exchange = exchange
        switch step {
        case .ask(let messages):
            s.messages = messages
            switch exchange.stage {
            case .weakPassword, .belowMinimum:
                let prompt = exchange.prompt
                let detail = (messages.map(\.text) + [prompt.text.trimmingTrailingPromptPunctuation()]).joined(separator: "\n")
                s.overlay = .dialog(Dialog(title: "Confirm", message: detail, buttons: ["Yes", "No"],
                                           selected: prompt.defaultText?.lowercased() == "yes" ? 0 : 1),
                                    purpose: .followUp(key: qKey))
            case .main, .confirmPassword:
                Self.resetEditor(&s, current: nil)
            }
        case .accepted(let messages, let values, let unchecked):
            session.accept(values, unchecked: unchecked)
            s.session = session
            s.drafts[qKey] = nil
            effects.append(.custom(.save(session, complete: false, to: s.answerFile)))
            advance(&s, after: qKey, messages: messages)
        case .abort(let messages, let reason):
            s.messages = messages
            s.overlay = .dialog(Dialog(title: "Stopped", message: reason, buttons: ["Quit"]), purpose: .aborted)
        }
    }

    func answerFollowUp(_ s: inout WizardState, key: String, yes: Bool, _ effects: inout [AppEffect<Effect>]) {
        submit(&s, key, yes ? "Yes" : "No", &effects)
        if case .question = s.screen, s.exchange?.stage == .main, s.overlay == nil { Self.resetEditor(&s, current: nil) }
    }

    /// After an answer: the next question that needs one, in this section and then in the following ones, so the
    /// walk is linear as otopi's; once none is left, the preview. A question changed from the preview goes back
    /// there (after any question the change brought up).
    func advance(_ s: inout WizardState, after key: String, messages: [DialogMessage]) {
        guard let session = s.session, let question = session.flow.question(forKey: key),
              let section = session.flow.section(of: question) else { return }
        if let next = section.questions.first(where: session.needsAnswer) {
            let fromPreview = s.returnToPreview
            Self.open(&s, key: next.key)
            s.returnToPreview = fromPreview
            s.messages = messages
            return
        }
        let said = messages.map(\.text).joined(separator: " ")
        let done = Notice(said.isEmpty ? "\(Self.sectionName(section, active: [])): done; answers saved." : said, kind: .success)
        if s.returnToPreview {
            Self.openPreview(&s)
            s.notice = done
            return
        }
        let sections = session.flow.sections
        if let here = sections.firstIndex(where: { $0.id == section.id }),
           let next = (sections[(here + 1)...] + sections[..<here]).lazy.flatMap(\.questions).first(where: session.needsAnswer) {
            Self.open(&s, key: next.key)
            s.messages = messages
            s.notice = done
            return
        }
        if session.nextQuestion(includingConfirmation: false) == nil {
            Self.openPreview(&s)
            s.notice = done
            return
        }
        Self.refreshHub(&s)
        s.screen = .hub
        s.notice = done
        // The next section to do, or the preview once every section is done.
        // The CPU check asks nothing, so it is never "the next section to do".
        s.hub.viewport.select(s.hub.items.firstIndex(where: { $0.status != .done && $0.id != Self.cpuCheckItem }) ?? s.hub.items.count - 1)
    }

    func dialogChosen(_ s: inout WizardState, _ purpose: WizardDialogPurpose, button: Int, _ effects: inout [AppEffect<Effect>]) {
        switch purpose {
        case .quit:
            if button == 0 { effects.append(.quit(exitCode: 130)) }
        case .followUp(let key):
            answerFollowUp(&s, key: key, yes: button == 0, &effects)
        case .aborted:
            effects.append(.quit(exitCode: 1))
        case .hostKey:
            s.probe.pendingHostKey = nil
            effects.append(.custom(.answerHostKey(button == 0)))
        case .credential:
            answerCredential(&s, nil, &effects)
        case .answerFile, .message:
            break
        case .confirmWrite:
            guard button == 0, var session = s.session else { return }
            let confirm = session.flow.preview.confirm
            if session.needsAnswer(confirm) {
                var exchange = session.exchange(for: confirm)
                let label = exchange.prompt.defaultText ?? exchange.prompt.validValues.first ?? "OK"
                if case .accepted(_, let values, let unchecked) = exchange.submit(label, checker: s.probe.checker ?? checker, answers: session.answers) {
                    session.accept(values, unchecked: unchecked)
                }
            }
            s.session = session
            s.finished = true
            effects.append(.custom(.save(session, complete: true, to: s.answerFile)))
        }
    }

    // MARK: - models for the screens

    static func refreshHub(_ s: inout WizardState) {
        guard let session = s.session else { return }
        var items: [HubItem] = []
        for section in session.flow.sections {
            let active = section.questions.filter(session.isActive)
            guard !active.isEmpty else { continue }
            let status: HubStatus
            if active.contains(where: { session.rejection(for: $0) != nil }) { status = .invalid }
            else if active.contains(where: session.needsAnswer) { status = .needsAnswers }
            else { status = .done }
            let summary = active.compactMap { q -> String? in
                guard let answer = session.answers[q.key], !answer.value.isNone else { return nil }
                return "\(q.label): " + (session.isSecret(q.key) ? Secrets.mask : answer.value.displayText)
            }.joined(separator: ", ")
            let missing = active.filter(session.needsAnswer).count
            items.append(HubItem(id: section.id, title: sectionName(section, active: active), status: status,
                                 summary: summary.isEmpty ? (missing == 1 ? "1 question" : "\(missing) questions") : summary))
        }
        items.append(cpuCheckHubItem(s))
        let missing = session.preview().missing.count
        items.append(HubItem(id: "preview", title: "Preview", status: missing == 0 ? .done : .needsAnswers,
                             summary: missing == 0 ? "review every value, then confirm to write the answer file"
                                                   : "\(missing) values still need an answer"))
        let selected = s.hub.viewport.selected
        s.hub = HubList(items: items, selected: selected)
    }

    /// Provenance for the preview: a short word in the list ("typed (file)"), the whole (the file's path and line)
    /// in the selected row's detail.
    static func sourceLabel(_ provenance: Provenance) -> SourceLabel {
        if case .file(_, _, let given?) = provenance { return SourceLabel("\(given.shortName) (file)", full: provenance.description) }
        return SourceLabel(provenance.shortName, full: provenance.description)
    }

    /// A section as the operator reads it: its otopi title or, for a section otopi prints no title for, what it
    /// asks (never its id, such as `init`).
    static func sectionName(_ section: FlowSection, active: [Question]) -> String {
        section.title ?? (active.isEmpty ? section.questions : active).map(\.label).joined(separator: ", ")
    }

    static func openPreview(_ s: inout WizardState) {
        guard let session = s.session else { return }
        s.returnToPreview = false
        let preview = session.preview()
        func row(_ r: Preview.Row) -> PreviewRow {
            PreviewRow(id: r.key, label: r.label, value: r.text ?? "", provenance: r.provenance.map(sourceLabel),
                       isMasked: r.isSecret, problem: r.problem)
        }
        var rows = [PreviewRow.heading(preview.title)] + preview.rows.map(row)
        if !preview.wizardRows.isEmpty { rows += [.heading("Target host (ovirt-wizard)")] + preview.wizardRows.map(row) }
        if !preview.missing.isEmpty { rows += [.heading("Needs an answer")] + preview.missing.map(row) }
        rows += hostBlockRows(preview.hostBlocks)
        s.preview = PreviewList(rows: rows, selected: 1)
        s.screen = .preview
    }

    /// The additional hosts of a hosted engine: a heading per host, its answer-file lines as KEY and value.
    static func hostBlockRows(_ blocks: [Preview.HostBlock]) -> [PreviewRow] {
        blocks.flatMap { block -> [PreviewRow] in
            [.heading(block.title)] + block.lines.enumerated().map { index, line in
                let id = "host-block:\(block.title):\(index)"
                // `KEY=TYPE:VALUE` lines, and `what: text` lines, split into the label and value columns.
                if let colon = line.range(of: ": "), !line[..<colon.lowerBound].contains("=") {
                    return PreviewRow(id: id, label: String(line[..<colon.lowerBound]), value: String(line[colon.upperBound...]))
                }
                guard let eq = line.firstIndex(of: "=") else { return PreviewRow(id: id, label: line, value: "") }
                return PreviewRow(id: id, label: String(line[..<eq]), value: String(line[line.index(after: eq)...]))
            }
        }
    }

    /// What the target host will receive, secrets masked: the same `AnswerFileContract.renderForHost` the
    /// upload uses. Flows read back by an `ovirt-wizard` command (gluster, export-domain) show their local file.
    static func answerLines(_ s: WizardState) -> [String] {
        guard let session = s.session else { return [] }
        let text: String
        do {
            if session.flow.isSentToHost {
                let host = (try? TargetLogin(answers: session.answers))?.host ?? "(no target host yet)"
                text = try AnswerFileContract.renderForHost(AnswerFileKind(flow: session.flow),
                                                            sections: [.default: AnswerFileContract.localValues(session)],
                                                            source: s.answerFile, host: host).masked
            } else {
                text = try AnswerFileContract.renderLocal(session, complete: session.missingQuestions.isEmpty, masked: true)
            }
        } catch {
            text = "the answers cannot be written as an otopi file yet: \(error)"
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for block in session.preview().hostBlocks.dropFirst() {
            lines += ["", "# \(block.title)"] + block.lines
        }
        return lines
    }

    static func title(_ s: WizardState) -> String {
        switch s.screen {
        case .flows: return "Choose a flow"
        case .hub: return s.session?.flow.title ?? "Sections"
        case .question(let key):
            guard let session = s.session, let q = session.flow.question(forKey: key) else { return key }
            return session.flow.section(of: q).map { sectionName($0, active: session.flow.section(of: q)?.questions.filter(session.isActive) ?? []) } ?? q.label
        case .preview: return "Configuration preview"
        case .answerLines: return "Answer file lines"
        case .cpuCheck: return "CPU check"
        }
    }

    static func help(_ s: WizardState) -> String {
        switch s.screen {
        case .flows: return "Choose what to deploy with the arrows, then Enter."
        case .hub: return "Each section shows whether it is done. Enter opens it; Preview shows every value before writing."
        case .question(let key):
            guard let session = s.session, let q = session.flow.question(forKey: key) else { return "" }
            let section = session.flow.section(of: q)
            let choosing = s.choice.options.isEmpty ? nil
                : "Type the answer word, or the start of only one value, then Enter (as at otopi's prompt); or choose with the arrows."
            return [q.help, section?.help, choosing, "Otopi key: \(q.key)"].compactMap { $0 }.joined(separator: "\n\n")
        case .preview: return "Every value and where it came from. n/p jump to values that need an answer, Enter changes the selected one, a shows the answer-file lines, c confirms and writes the file."
        case .answerLines: return "The exact lines the target host receives (secrets masked here). A line wider than the screen ends in …: ← and → scroll sideways (a line scrolled into starts with …). Esc or a goes back."
        case .cpuCheck: return CPUCheckScreen.help
        }
    }
}

extension String {
    /// A prompt without otopi's trailing ": " (dialogs show it as a question).
    func trimmingTrailingPromptPunctuation() -> String {
        var s = self
        while s.last == " " || s.last == ":" { s.removeLast() }
        return s
    }
}

// MARK: - an answer file that cannot be written

extension WizardApp {
    /// What a write of the answer file came to. The first failure for a path opens a dialog that says so and asks
    /// for another path; until a write succeeds, the Quit dialog says the answers are not saved.
    func saved(_ s: inout WizardState, path: String, _ notice: Notice, _ effects: inout [AppEffect<Effect>]) {
        s.notice = notice
        guard path == s.answerFile else { return }
        if notice.kind != .error {
            s.unsaved = false
            s.saveFailureShown = false
            if s.finished { effects.append(.quit(exitCode: 0)) }
            return
        }
        // A confirmed file that could not be written stays confirmed: the next path gets the complete file.
        s.unsaved = true
        guard !s.saveFailureShown, s.overlay == nil else { return }
        s.saveFailureShown = true
        s.overlay = .dialog(Dialog(title: "Answers NOT saved",
                                   message: "\(notice.text)\nNothing you answer is kept until the answer file can be written. "
                                       + "Type another path for it (Enter), or Esc to go on without saving.",
                                   buttons: ["Save there", "Not now"], selected: 0, field: TextField(text: path)),
                            purpose: .answerFile)
    }

    /// Another path for the answer file: every answer of the session is written there at once.
    func useAnswerFile(_ s: inout WizardState, _ typed: String, _ effects: inout [AppEffect<Effect>]) {
        let trimmed = typed.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return }
        let path = URL(fileURLWithPath: trimmed).standardizedFileURL.path
        s.answerFile = path
        s.saveFailureShown = false
        if let session = s.session { effects.append(.custom(.save(session, complete: s.finished, to: path))) }
    }

    /// The Quit dialog's text: it says the answers are saved only when the last write succeeded.
    static func quitDetail(_ s: WizardState) -> String {
        if s.unsaved {
            return "Quit the wizard? The answers could NOT be written to \(s.answerFile); what was answered is lost if you quit. "
                + "Stay and press Ctrl-S after fixing the folder, or answer on to get the dialog for another path."
        }
        return "Quit the wizard? Every accepted answer is already saved"
            + (s.session == nil ? "." : "; start again with the same --answers file to continue.")
    }
}
