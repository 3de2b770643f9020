import Foundation

/// Answers the operator typed (passwords, keyboard-interactive answers, key passphrases), asked one question at
/// a time and kept in memory for this run, so connecting to a host again (the probe, then the run; extra upload
/// streams; several hosts at once) does not ask again or interleave prompts on one terminal. An answer the
/// server rejected is forgotten, so the next connection asks anew.
package final class CredentialCache: @unchecked Sendable {
    private let asking: @Sendable (CredentialRequest) -> Secret?
    /// Held while a question is on the terminal: other connections wait for that answer instead of asking too.
    private let questionLock = NSLock()
    private let lock = NSLock()
    private var answers: [CredentialRequest: Secret] = [:]

    /// `asking` puts one question to the operator (nil: no answer, e.g. end of input).
    package init(asking: @escaping @Sendable (CredentialRequest) -> Secret?) {
        self.asking = asking
    }

    /// A remembered answer to this exact question, else the operator's.
    package func ask(_ request: CredentialRequest) -> Secret? {
        questionLock.withLock {
            if let known = replay(request) { return known }
            guard let answer = asking(request) else { return nil }
            lock.withLock { answers[request] = answer }
            return answer
        }
    }

    /// Only a remembered answer, never a question: for connections made while nobody can be asked (the
    /// terminal belongs to a full-screen view).
    package func replay(_ request: CredentialRequest) -> Secret? {
        lock.withLock { answers[request] }
    }

    /// The server's verdict on an answer; a rejected one is dropped.
    package func checked(_ request: CredentialRequest, accepted: Bool) {
        if !accepted { lock.withLock { answers[request] = nil } }
    }
}

extension ConnectOptions {
    /// Takes passwords and passphrases from `cache`; with `mayAsk` false only answers given earlier are used.
    package mutating func useCredentials(_ cache: CredentialCache, mayAsk: Bool = true) {
        credentials = mayAsk ? cache.ask : cache.replay
        credentialsChecked = cache.checked
    }
}
