import Deploy
import Foundation
import SSHKit
import WizardCore

/// The dialog's link to the target host: connects with the wizard's answers, probes the facts the questions
/// depend on, and keeps the connection for the host checks. When the host cannot be reached, it says why and
/// the dialog goes on with the seed environment: a network problem never blocks the questions.
final class TargetHost: @unchecked Sendable {
    let knownHosts: String?
    let acceptNew: Bool
    private(set) var connection: SSHConnection?

    init(knownHosts: String?, acceptNew: Bool) {
        self.knownHosts = knownHosts
        self.acceptNew = acceptNew
    }

    func options() -> ConnectOptions {
        var options = ConnectOptions()
        options.knownHostsPath = knownHosts
        options.askOperator(acceptNew: acceptNew)
        return options
    }

    func probe(_ session: FlowSession) -> PlainDialog.TargetProbe {
        let seed = session.flow.seedFacts.description
        let login: TargetLogin
        do {
            login = try TargetLogin(answers: session.answers)
        } catch {
            return .init(facts: nil, checker: OfflineChecker(reason: "\(error)"),
                         messages: [DialogMessage(.warning, "\(error): the questions that depend on the host use the \(seed)")])
        }
        guard let access = HostAccess(login, options: options()) else {
            return .init(facts: nil, checker: OfflineChecker(reason: "no target host given"),
                         messages: [DialogMessage(.warning, "No target host: the questions that depend on the host use the \(seed)")])
        }
        do {
            let connection = try access.connect()
            self.connection = connection
            let facts = try HostProber.probe(connection)
            return .init(facts: facts, checker: SSHHostChecker(connection: connection),
                         messages: [DialogMessage(.info, "Host facts \(facts.description)")])
        } catch {
            let reason = (error as? SSHError)?.description ?? "\(error)"
            return .init(facts: nil, checker: OfflineChecker(reason: "\(access.target.host) could not be reached"),
                         messages: [DialogMessage(.warning, "\(access.target.host): \(reason)"),
                                    DialogMessage(.warning, "The questions that depend on the host use the \(seed); host checks are not run")])
        }
    }

    func close() {
        connection?.close()
        connection = nil
    }
}
