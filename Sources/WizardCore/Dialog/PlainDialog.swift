import Foundation
import OtopiKit

/// Line input and output for the plain dialog; the executable gives it the terminal or a pipe.
package protocol DialogIO: AnyObject {
    /// Writes text as it is (no newline added).
    func write(_ text: String)
    /// Reads one line without its newline; nil at end of input. `hidden` turns echo off on a terminal.
    func readLine(hidden: Bool) -> String?
    /// Colour the log brackets (a terminal, and NO_COLOR unset).
    var color: Bool { get }
}

/// otopi's human dialog over a flow: section titles, prompts, `[default]`s, `[ ERROR ]` and re-ask,
/// the CONFIGURATION PREVIEW and its confirmation. The executable writes the answer file from the result.
package struct PlainDialog {
    package enum Outcome: Sendable, Equatable {
        /// Every question answered and the preview confirmed.
        case confirmed
        /// An answer ended the dialog (otopi's own message).
        case aborted(String)
        /// Input ended while a question was waiting.
        case endOfInput(question: String)
    }

    package var session: FlowSession
    package var checker: HostChecker
    /// Called after every accepted answer (the executable keeps a copy for Ctrl-C and autosave).
    package var onProgress: (FlowSession) -> Void
    /// Called once the wizard's own sections are answered, before the tool's questions: the executable connects
    /// to the target host and returns its facts and a checker, or says why it could not.
    package var onTargetKnown: ((FlowSession) -> TargetProbe)?
    /// Fetches what a section needs before its questions (`FlowSection.fetch`): the engine's lists, the hosts' CPUs.
    /// Called offline too: the fetcher says plainly what it did not fetch.
    package var onFetch: ((FlowFetchSource, FlowSession) -> FlowFetchResult)?

    /// What probing the target host gave.
    package struct TargetProbe {
        package var facts: HostFacts?
        package var checker: HostChecker?
        package var messages: [DialogMessage]
        /// The version of the flow the host runs, when it is not the one the dialog started with.
        package var flow: Flow?
        /// Why no version of the flow runs on the host: the dialog stops, the answers so far are kept.
        package var refused: String?
        package init(facts: HostFacts?, checker: HostChecker?, messages: [DialogMessage], flow: Flow? = nil, refused: String? = nil) {
            self.facts = facts
            self.checker = checker
            self.messages = messages
            self.flow = flow
            self.refused = refused
        }
    }

    package init(session: FlowSession, checker: HostChecker, onProgress: @escaping (FlowSession) -> Void = { _ in }) {
        self.session = session
        self.checker = checker
        self.onProgress = onProgress
    }

    package mutating func run(io: some DialogIO) -> Outcome {
        func log(_ m: DialogMessage) { io.write(OtopiConsoleFormat.log(m, color: io.color) + "\n") }

        var probed = false
        var index = 0
        while index < session.flow.sections.count {
            var section = session.flow.sections[index]
            index += 1
            if !section.isWizard && !probed && !session.offline, let onTargetKnown {
                probed = true
                let probe = onTargetKnown(session)
                probe.messages.forEach(log)
                if let refused = probe.refused {
                    log(DialogMessage(.error, refused))
                    return .aborted(refused)
                }
                if let other = probe.flow {
                    // The host runs another oVirt version: go on with its questions, after the same target section.
                    session = session.switching(to: other)
                    onProgress(session)
                    guard let first = session.flow.sections.firstIndex(where: { !$0.isWizard }) else { break }
                    section = session.flow.sections[first]
                    index = first + 1
                }
                // What the probe could not tell stays unknown: the seed lab's values never fill it in.
                if let facts = probe.facts { session.setFacts(session.flow.unprobedFacts.overlaid(with: facts), probed: true) }
                if let checker = probe.checker { self.checker = checker }
            }
            if session.showsTitle(section), let title = section.title {
                for line in OtopiConsoleFormat.title(title) { io.write(line + "\n") }
                for note in section.notes { io.write(OtopiConsoleFormat.note(note) + "\n") }
            }
            if let back = fetch(before: section, log: log) {
                // A source refused an answer (a wrong admin password): its question is asked again.
                index = back
                continue
            }
            for question in section.questions where session.needsAnswer(question) {
                if let outcome = ask(question, io: io, log: log) { return outcome }
            }
        }

        if !session.unchecked.isEmpty {
            log(DialogMessage(.info, "Not checked, because the target host could not be asked:"))
            for item in session.unchecked {
                io.write(OtopiConsoleFormat.note("- \(item.what) (\(item.reason))") + "\n")
            }
        }
        let preview = session.preview()
        for line in OtopiConsoleFormat.title(preview.title) { io.write(line + "\n") }
        for line in preview.lines { io.write(OtopiConsoleFormat.note(line) + "\n") }
        if !preview.wizardRows.isEmpty {
            io.write(OtopiConsoleFormat.note("") + "\n")
            let target = preview.wizardRows.map { "\($0.label): \($0.text ?? "missing")" }.joined(separator: ", ")
            io.write(OtopiConsoleFormat.note("(ovirt-wizard) \(target)") + "\n")
        }
        if !preview.hostBlocks.isEmpty {
            io.write(OtopiConsoleFormat.note("") + "\n")
            io.write(OtopiConsoleFormat.note("(ovirt-wizard) hosts of the hosted engine, deployed in this order:") + "\n")
            for block in preview.hostBlocks {
                io.write(OtopiConsoleFormat.note(block.title) + "\n")
                for line in block.lines { io.write(OtopiConsoleFormat.note("    " + line) + "\n") }
            }
        }
        let confirm = session.flow.preview.confirm
        if session.needsAnswer(confirm), let outcome = ask(confirm, io: io, log: log) {
            return outcome
        }
        return .confirmed
    }

    /// Runs the section's fetches whose inputs changed; the index of the section to go back to when a source
    /// refused an answer.
    mutating func fetch(before section: FlowSection, log: (DialogMessage) -> Void) -> Int? {
        guard let onFetch else { return nil }
        for source in session.pendingFetches(before: section) {
            let signature = session.fetchSignature(source)
            let result = onFetch(source, session)
            result.messages.forEach(log)
            session.apply(result, from: source, signature: signature)
            onProgress(session)
            if let key = result.reask.first, let question = session.flow.question(forKey: key),
               let owner = session.flow.section(of: question),
               let back = session.flow.sections.firstIndex(where: { $0.id == owner.id }) {
                return back
            }
        }
        return nil
    }

    mutating func ask(_ question: Question, io: some DialogIO, log: (DialogMessage) -> Void) -> Outcome? {
        if let rejected = session.rejection(for: question) {
            let shown = session.isSecret(question.key) ? Secrets.mask : rejected.value.displayText
            log(DialogMessage(.error, "\(rejected.origin): \(question.key)=\(shown) was not used: \(rejected.reason)"))
        }
        var exchange = session.exchange(for: question)
        var showNotes = true
        while true {
            let prompt = exchange.prompt
            if showNotes {
                for m in prompt.before { log(m) }
                for note in prompt.notes { io.write(OtopiConsoleFormat.note(note) + "\n") }
            }
            io.write(OtopiConsoleFormat.prompt(prompt.text))
            guard let line = io.readLine(hidden: prompt.hidden) else {
                io.write("\n")
                log(DialogMessage(.error, "End of input while waiting for an answer to: \(question.label)"))
                return .endOfInput(question: question.key)
            }
            let step = exchange.submit(line, checker: checker, answers: session.answers)
            switch step {
            case .ask(let messages):
                messages.forEach(log)
                // otopi prints the notes again only when the whole question starts over
                showNotes = exchange.stage == .main && !messages.isEmpty && question.notes.count > 1
            case .accepted(let messages, let values, let unchecked):
                session.accept(values, unchecked: unchecked)
                messages.forEach(log)
                onProgress(session)
                return nil
            case .abort(let messages, let reason):
                messages.forEach(log)
                log(DialogMessage(.error, reason))
                return .aborted(reason)
            }
        }
    }
}
