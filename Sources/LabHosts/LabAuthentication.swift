/// Which login methods a lab sshd offers besides public keys. Password and keyboard-interactive need a real
/// account with a password (see `LabAccount`) and PAM, as on a production host.
package struct LabAuthentication: Sendable, Equatable {
    package var password: Bool
    package var keyboardInteractive: Bool

    package init(password: Bool, keyboardInteractive: Bool) {
        self.password = password
        self.keyboardInteractive = keyboardInteractive
    }

    package static let keysOnly = LabAuthentication(password: false, keyboardInteractive: false)
    /// The `password` method (checked through PAM); keyboard-interactive is off.
    package static let password = LabAuthentication(password: true, keyboardInteractive: false)
    /// Keyboard-interactive through PAM (the server sends a "Password: " prompt); the `password` method is off.
    package static let keyboardInteractive = LabAuthentication(password: false, keyboardInteractive: true)

    var needsAccount: Bool { password || keyboardInteractive }

    /// The sshd_config lines for these methods.
    var sshdSettings: String {
        guard needsAccount else {
            return "UsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no"
        }
        return "UsePAM yes\nPasswordAuthentication \(password ? "yes" : "no")\n"
            + "KbdInteractiveAuthentication \(keyboardInteractive ? "yes" : "no")"
    }
}
