import Foundation

/// What a lab account may do with sudo: the rule written to `/etc/sudoers.d/<account>` (checked with
/// `visudo -c` before it is used, removed with the account). Every rule keeps the session's PATH, so that the
/// lab host's fixture commands (first in PATH) are what root runs too.
package enum LabSudo: Sendable, Equatable {
    /// No sudoers entry at all ("not in the sudoers file").
    case none
    /// `NOPASSWD: ALL`.
    case withoutPassword
    /// `ALL` with the account's password.
    case withPassword
    /// As `withPassword`, with `requiretty` (sudo refuses to run without a terminal).
    case withPasswordRequiringTTY

    static let directory = "/etc/sudoers.d"
    static let visudo = "/usr/sbin/visudo"

    /// Why sudo rules cannot be set up here, or nil (the Debian package `sudo`, installed by .ci/run).
    package static var unavailableReason: String? {
        if !FileManager.default.isExecutableFile(atPath: "/usr/bin/sudo") || !FileManager.default.isExecutableFile(atPath: visudo) {
            return "sudo is not installed (Debian package sudo; .ci/run installs it)"
        }
        if !FileManager.default.fileExists(atPath: directory) { return "\(directory) is missing" }
        return nil
    }

    func rules(for name: String) -> String? {
        let keepPath = "Defaults:\(name) !secure_path, env_keep += \"PATH\", !lecture\n"
        switch self {
        case .none: return nil
        case .withoutPassword: return keepPath + "\(name) ALL=(ALL:ALL) NOPASSWD: ALL\n"
        case .withPassword: return keepPath + "\(name) ALL=(ALL:ALL) ALL\n"
        case .withPasswordRequiringTTY: return keepPath + "Defaults:\(name) requiretty\n\(name) ALL=(ALL:ALL) ALL\n"
        }
    }

    static func path(for name: String) -> String { directory + "/" + name }

    func install(for name: String) throws {
        guard let text = rules(for: name) else { return }
        let path = Self.path(for: name)
        let staged = path + ".new"
        guard FileManager.default.createFile(atPath: staged, contents: Data(text.utf8), attributes: [.posixPermissions: 0o440]) else {
            throw LabProcess.Failure(description: "cannot write \(staged)")
        }
        do {
            try LabProcess.run(Self.visudo, ["-c", "-q", "-f", staged])
        } catch {
            unlink(staged)
            throw error
        }
        // sudo skips names with a dot, so the checked file only counts once it has its real name.
        guard rename(staged, path) == 0 else {
            unlink(staged)
            throw LabProcess.Failure(description: "cannot rename \(staged) to \(path)")
        }
    }

    static func uninstall(for name: String) {
        unlink(path(for: name))
        unlink(path(for: name) + ".new")
    }
}
