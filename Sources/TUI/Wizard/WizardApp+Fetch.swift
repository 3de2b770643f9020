import Foundation
import WizardCore

/// The wizard and the facts a section fetches before its questions (the platform flow's engine answer file, the
/// engine's lists, the CPU check of the hosts to add): started when a question of such a section is opened and its
/// inputs changed since the last fetch, run on a worker thread, merged into the session when it comes back.
extension WizardApp {
    /// Runs after every event: starts the fetch the open question's section still needs.
    func fetchForSection(_ s: inout WizardState, _ effects: inout [AppEffect<Effect>]) {
        guard fetcher != nil, s.fetching == nil, s.overlay == nil, case .question(let key) = s.screen,
              let session = s.session, let question = session.flow.question(forKey: key),
              let section = session.flow.section(of: question),
              let source = session.pendingFetches(before: section).first else { return }
        s.fetching = source
        s.notice = Notice(Self.fetchingText(source))
        effects.append(.custom(.fetch(source, session, signature: session.fetchSignature(source))))
    }

    static func fetchingText(_ source: FlowFetchSource) -> String {
        switch source {
        case .engineAnswerFile: return "Reading the engine answer file…"
        case .engine: return "Asking the engine for its data centers and clusters (HTTPS, its CA pinned)…"
        case .hostCPUs: return "Checking the CPUs of the hosts to add over SSH…"
        }
    }

    func fetched(_ s: inout WizardState, _ source: FlowFetchSource, signature: String, _ result: FlowFetchResult,
                 _ effects: inout [AppEffect<Effect>]) {
        s.fetching = nil
        guard var session = s.session else { return }
        let before = session.answers
        session.apply(result, from: source, signature: signature)
        s.session = session
        // Saved when the fetch changed an answer (the FQDN from the engine answer file); facts are not saved.
        if session.answers != before { effects.append(.custom(.save(session, complete: false, to: s.answerFile))) }
        let worst: Notice.Kind = result.messages.contains { $0.level == .error } ? .error : .info
        s.notice = Notice(result.messages.map(\.text).joined(separator: " "), kind: worst)
        Self.refreshHub(&s)
        if let key = result.reask.first, session.flow.question(forKey: key) != nil {
            // A refused answer (a wrong admin password) is asked again, with the engine's reason under it.
            Self.open(&s, key: key)
            s.messages = result.messages.filter { $0.level == .error }
            return
        }
        guard case .question(let key) = s.screen, s.exchange?.stage == .main else { return }
        // The fetched facts give the open question its values and default. A question the fetch answered (the
        // FQDN from the engine answer file) or put out of use (the password that file holds) is passed over.
        let answeredByFetch = result.answers[key] != nil || result.overrides[key] != nil
        if let question = session.flow.question(forKey: key), session.isActive(question), !answeredByFetch {
            Self.open(&s, key: key)
        } else if let next = session.nextQuestion(includingConfirmation: false) {
            Self.open(&s, key: next.key)
        } else {
            Self.openPreview(&s)
        }
        s.messages = result.messages
    }
}
