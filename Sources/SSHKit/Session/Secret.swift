/// A password or passphrase. Its printed forms are masked so it cannot reach a log, a pane or an error by accident.
package struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String
    package init(_ value: String) { self.value = value }
    package var description: String { "••••••" }
    package var debugDescription: String { "Secret(••••••)" }
    /// The clear text, for handing to libssh2 only.
    func withCString<R>(_ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        try value.withCString(body)
    }
    var isEmpty: Bool { value.isEmpty }
    /// The clear text as bytes, for writing to sudo's standard input only.
    var bytes: [UInt8] { Array(value.utf8) }
}

/// What the authenticator asks the operator for, when a terminal can ask.
package enum CredentialRequest: Sendable, Hashable {
    case password(user: String, host: String)
    /// One keyboard-interactive prompt as the server sent it (`echo` says whether the answer may be shown).
    case keyboardInteractive(user: String, host: String, prompt: String, echo: Bool)
    case keyPassphrase(path: String)
    /// The password `sudo` asks of `user` on `host` to run the plan's root steps (it reaches sudo on its stdin).
    case sudoPassword(user: String, host: String)
}
