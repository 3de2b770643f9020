import HostOps

/// How a connection whose login user is not root runs the commands that need root: through `sudo`, which
/// reads the password (when it asks for one) on its standard input. The password is never in a command line,
/// an environment variable or a file on the host, so `ps` there cannot show it.
package struct Become: Sendable, CustomStringConvertible {
    /// The password sudo asks for; nil when the login user's sudo needs none (`NOPASSWD`), and then sudo runs
    /// with `-n` so that a password request fails at once instead of waiting.
    package var password: Secret?

    package init(password: Secret?) {
        self.password = password
    }

    package var description: String { password == nil ? "sudo (no password)" : "sudo (password)" }

    /// What sudo writes before it reads a password (`-p`); the wizard recognises it in sudo's output and
    /// answers it. No `%` (sudo would expand it).
    static let prompt = "[ovirt-wizard: sudo password]"

    /// Printed by the root shell as soon as sudo let it start, with its process group, before the command runs:
    /// what came before it is sudo's own talk, and the process group is what a timeout or Ctrl-C signals (as root).
    static let startedTag = "\u{1F}ovirt-wizard-root-pgid="

    /// The root shell sudo starts: it reports its process group, then runs `$1` (named `$2` in `ps`). Reading
    /// /proc/self/stat with the `read` builtin costs no process; the command's name field has no spaces.
    static let wrapper = #"read -r p c s pp g x </proc/self/stat; printf '\037ovirt-wizard-root-pgid=%s\n' "$g" >&2; exec /bin/sh -c "$1" "${2:-sh}""#

    /// `commandLine` run as root through sudo (`LC_ALL=C` so that its messages can be recognised).
    func commandLine(_ commandLine: String, name: String = "sh") -> String {
        var argv = ["env", "LC_ALL=C", "sudo"]
        argv += password == nil ? ["-n"] : ["-S", "-p", Self.prompt]
        argv += ["--", "/bin/sh", "-c", Self.wrapper, "sh", commandLine, name]
        return ShellQuote.join(argv)
    }

    static func wrongPassword(_ user: String) -> String { "sudo did not accept the password given for \(user) (wrong sudo password)" }

    /// Whether `error` is sudo refusing the password (which may be asked again).
    package static func isWrongPassword(_ error: any Error) -> Bool {
        guard case let .sudoFailed(_, user, reason)? = error as? SSHError else { return false }
        return reason == wrongPassword(user)
    }

    /// Why sudo did not start the command, from what it printed, as one line that names the host and the user.
    static func failure(host: String, user: String, output: String, passwordSent: Bool, prompts: Int) -> SSHError {
        let text = output.replacingOccurrences(of: prompt, with: "")
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let said = text.joined(separator: " / ")
        let reason: String
        if said.contains("must have a tty") {
            reason = "sudo requires a terminal for \(user) (sudoers 'requiretty'): allow it without one, e.g. 'Defaults:\(user) !requiretty' in /etc/sudoers.d"
        } else if said.contains("not in the sudoers file") || said.contains("is not allowed to run sudo") || said.contains("may not run sudo") {
            reason = "\(user) may not run commands as root with sudo (not in sudoers): add \(user) to sudoers on the host, or log in as root"
        } else if prompts > 1 || said.contains("incorrect password") || said.contains("Sorry, try again") {
            reason = wrongPassword(user)
        } else if said.contains("a password is required") || (prompts > 0 && !passwordSent) {
            reason = "sudo asks \(user) for a password: set OVIRT_WIZARD/become=str:sudo-password (the password is asked when the plan runs)"
        } else if said.contains("command not found") || said.contains("sudo: not found") {
            reason = "sudo is not installed on the host: install it, or log in as root"
        } else {
            reason = "sudo did not start the command" + (said.isEmpty ? "" : ": " + said)
        }
        return .sudoFailed(host: host, user: user, reason: reason)
    }
}

/// Watches the stream sudo writes its prompt and messages to, until the root shell reports that it started.
/// Before that, nothing is the command's output; afterwards bytes pass through unchanged.
struct SudoGate {
    enum Step: Equatable {
        /// Nothing to do yet.
        case waiting
        /// sudo asks for the password: write it (once), followed by a newline.
        case sendPassword
        /// The root shell started; `rest` is output that followed its line.
        case started(pgid: Int32, rest: [UInt8])
    }

    private var pending: [UInt8] = []
    /// What sudo printed (its prompts removed), for the reason when it fails.
    private(set) var said: [UInt8] = []
    private(set) var prompts = 0
    private(set) var isOpen = false
    private static let promptBytes = Array(Become.prompt.utf8)
    private static let tagBytes = Array(Become.startedTag.utf8)

    /// Takes bytes of the watched stream while the gate is closed.
    mutating func feed(_ bytes: [UInt8]) -> Step {
        pending += bytes
        if let at = RunnerFrameParser.find(Self.tagBytes, in: pending, from: 0),
           let newline = pending[(at + Self.tagBytes.count)...].firstIndex(of: UInt8(ascii: "\n")) {
            said += pending[..<at]
            let digits = String(decoding: pending[(at + Self.tagBytes.count)..<newline], as: UTF8.self)
            let rest = Array(pending[(newline + 1)...])
            pending = []
            isOpen = true
            return .started(pgid: Int32(digits) ?? 0, rest: rest)
        }
        if let at = RunnerFrameParser.find(Self.promptBytes, in: pending, from: 0) {
            said += pending[..<at]
            pending.removeFirst(at + Self.promptBytes.count)
            prompts += 1
            return .sendPassword
        }
        return .waiting
    }

    /// Everything sudo printed, for `Become.failure`.
    var output: String { String(decoding: said + pending, as: UTF8.self) }
}
