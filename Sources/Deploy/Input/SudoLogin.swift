import SSHKit
import WizardCore

/// Sets up a connection whose login user becomes root through sudo: the sudo password (if sudo wants one) comes
/// from the operator through the connection's credentials (kept in memory by the caller's `CredentialCache`,
/// asked once per host and run) and is checked by running `id -u` as root. A wrong password is asked again (as
/// sudo itself allows three tries); anything else sudo refuses is one line naming the host.
struct SudoLogin {
    var become: TargetLogin.Become
    var options: ConnectOptions

    static let tries = 3

    func setUp(_ connection: SSHConnection) throws {
        let user = connection.target.user
        let host = connection.name
        switch become {
        case .none:
            return
        case .sudo:
            connection.become = Become(password: nil)
            try connection.verifyRoot()
        case .sudoPassword(let sameAsLogin):
            // The same question as the SSH login's password, when the operator said they are the same: the
            // cache then answers it with the password typed for the login (or asks it once, for both).
            let request: CredentialRequest = sameAsLogin ? .password(user: user, host: host) : .sudoPassword(user: user, host: host)
            for attempt in 1...Self.tries {
                guard let ask = options.credentials, let password = ask(request) else {
                    throw SSHError.sudoFailed(host: host, user: user, reason: "sudo needs \(user)'s password, but it could not be asked for here (no terminal to ask on)")
                }
                connection.become = Become(password: password)
                do {
                    try connection.verifyRoot()
                    options.credentialsChecked?(request, true)
                    return
                } catch let error as SSHError where Become.isWrongPassword(error) {
                    options.credentialsChecked?(request, false)
                    if attempt == Self.tries { throw error }
                }
            }
        }
    }
}
