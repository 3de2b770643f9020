import Foundation

/// A throwaway local account with a random password, so a lab sshd can test password and keyboard-interactive
/// authentication for real. Creating one needs root (`useradd`, `chpasswd`); CI runs the tests as root.
/// The account is deleted (with its home) by `delete()` or when the object goes away; accounts left behind by a
/// test process that crashed are swept the next time one is created (their comment names the creating PID).
package final class LabAccount: @unchecked Sendable {
    package let name: String
    /// The clear-text password: tests type it and then check that it appears nowhere.
    package let password: String
    package let home: String
    /// What the account may do with sudo (a file in /etc/sudoers.d, removed with the account).
    package let sudo: LabSudo
    private var deleted = false
    private let lock = NSLock()

    static let namePrefix = "ovwpw"
    static let commentPrefix = "ovirt-wizard lab account pid="
    static let tools = ["/usr/sbin/useradd", "/usr/sbin/userdel", "/usr/sbin/chpasswd"]

    /// Why accounts cannot be created here, or nil when they can.
    package static var unavailableReason: String? {
        if getuid() != 0 { return "creating a throwaway account (useradd, chpasswd) needs root; CI runs the tests as root" }
        if let missing = tools.first(where: { !FileManager.default.isExecutableFile(atPath: $0) }) {
            return "\(missing) is missing (Debian package passwd)"
        }
        if !FileManager.default.fileExists(atPath: "/etc/pam.d/sshd") {
            return "/etc/pam.d/sshd is missing (keyboard-interactive needs PAM; Debian package openssh-server)"
        }
        return nil
    }

    package static var isAvailable: Bool { unavailableReason == nil }

    /// Creates the account; `scratch` is a root-only directory for the one file that carries the password to
    /// `chpasswd` (on its stdin, never on a command line).
    init(scratch: String, sudo: LabSudo = .none) throws {
        if let reason = Self.unavailableReason { throw LabProcess.Failure(description: reason) }
        if sudo != .none, let reason = LabSudo.unavailableReason { throw LabProcess.Failure(description: reason) }
        self.sudo = sudo
        Self.sweepStale()
        name = Self.namePrefix + Self.random(8, from: "abcdefghijklmnopqrstuvwxyz0123456789")
        password = "pw-" + Self.random(20, from: "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789") + "-9"
        home = "/tmp/" + name
        try LabProcess.run("/usr/sbin/useradd", ["-m", "-d", home, "-s", "/bin/sh",
                                                 "-c", Self.commentPrefix + "\(getpid())", name])
        do {
            let input = scratch + "/chpasswd-\(name)"
            defer { unlink(input) }
            guard FileManager.default.createFile(atPath: input, contents: Data("\(name):\(password)\n".utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw LabProcess.Failure(description: "cannot write \(input)")
            }
            try LabProcess.run("/usr/sbin/chpasswd", [], stdin: input)
            try sudo.install(for: name)
        } catch {
            delete()
            throw error
        }
    }

    deinit { delete() }

    /// Lets `privateKeyPath`'s public half log in as this account (`~/.ssh/authorized_keys`, owned by it).
    package func authorize(keyAt privateKeyPath: String) throws {
        let pub = try String(contentsOfFile: privateKeyPath + ".pub", encoding: .utf8)
        let dir = home + "/.ssh"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let file = dir + "/authorized_keys"
        let old = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        try (old + pub).write(toFile: file, atomically: true, encoding: .utf8)
        guard let entry = getpwnam(name) else { throw LabProcess.Failure(description: "account \(name) vanished") }
        for path in [dir, file] { chown(path, entry.pointee.pw_uid, entry.pointee.pw_gid) }
    }

    /// Removes the account and its home. Safe to call more than once. Its sessions must have ended (the lab
    /// stops its sshd first); `-f` removes it anyway.
    package func delete() {
        lock.withLock {
            guard !deleted else { return }
            deleted = true
            LabSudo.uninstall(for: name)
            Self.remove(name)
        }
    }

    private static func remove(_ name: String) {
        // userdel -r warns (and exits 12) when there is no mail spool; what matters is that the account is gone.
        _ = try? LabProcess.run("/usr/sbin/userdel", ["-r", "-f", name])
        if getpwnam(name) != nil { _ = try? LabProcess.run("/usr/sbin/userdel", ["-f", name]) }
    }

    /// Deletes lab accounts whose creating process no longer runs.
    static func sweepStale() {
        guard let passwd = try? String(contentsOfFile: "/etc/passwd", encoding: .utf8) else { return }
        for line in passwd.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count > 4, fields[0].hasPrefix(namePrefix), fields[4].hasPrefix(commentPrefix),
                  let pid = Int32(fields[4].dropFirst(commentPrefix.count)) else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                LabSudo.uninstall(for: String(fields[0]))
                remove(String(fields[0]))
            }
        }
    }

    private static func random(_ count: Int, from alphabet: String) -> String {
        let characters = Array(alphabet)
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in characters[Int(generator.next(upperBound: UInt(characters.count)))] })
    }
}
