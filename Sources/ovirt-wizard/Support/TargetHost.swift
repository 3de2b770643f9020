import Deploy
import Foundation
import SSHKit
import WizardCore

/// The dialog's link to the target host: connects with the wizard's answers, probes the facts the questions
/// depend on, and keeps the connection for the host checks. When the host cannot be reached, it says why and
/// the dialog goes on without host facts (and without any value of the seed's example lab): a network problem
/// never blocks the questions, and nothing is invented in place of what the host would tell.
final class TargetHost: @unchecked Sendable {
    let knownHosts: String?
    let acceptNew: Bool
    private(set) var connection: SSHConnection?
    /// Set when the operator named a flow without its version: the probed host chooses it (EL6: oVirt 3.4,
    /// EL8/EL9: oVirt 4.5), and a host no version runs on stops the dialog.
    var versionChoice: FlowCatalog?

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
        let login: TargetLogin
        do {
            login = try TargetLogin(answers: session.answers)
        } catch {
            return .init(facts: nil, checker: OfflineChecker(reason: "\(error)"),
                         messages: Self.notProbed("the target host's login is not valid: \(error)"))
        }
        guard let access = HostAccess(login, options: options()) else {
            return .init(facts: nil, checker: OfflineChecker(reason: "no target host given"),
                         messages: Self.notProbed("no target host was given"))
        }
        do {
            let connection = try access.connect()
            self.connection = connection
            let facts = try HostProber.probe(connection)
            var probe = PlainDialog.TargetProbe(facts: facts, checker: SSHHostChecker(connection: connection),
                                                messages: [DialogMessage(.info, "Host facts \(facts.description)")])
            if let catalog = versionChoice { chooseVersion(&probe, of: session.flow, facts: facts, host: access.target.host, in: catalog) }
            return probe
        } catch {
            let reason = (error as? SSHError)?.description ?? "\(error)"
            return .init(facts: nil, checker: OfflineChecker(reason: "\(access.target.host) could not be reached"),
                         messages: Self.notProbed(reason))
        }
    }

    /// The version of `flow` the host runs, said in one line; the dialog switches to it or stops.
    func chooseVersion(_ probe: inout PlainDialog.TargetProbe, of flow: Flow, facts: HostFacts, host: String, in catalog: FlowCatalog) {
        guard catalog.versions(of: flow.id).count > 1 else { return }
        guard let os = HostOS(facts: facts) else {
            probe.messages.append(DialogMessage(.warning, "The operating system of \(host) could not be told: the questions are oVirt \(flow.version)'s"))
            return
        }
        do {
            let chosen = try catalog.flow(id: flow.id, on: os, host: host)
            probe.messages.append(DialogMessage(.info, "\(host) runs \(os): the questions are those of \(flow.tool) in oVirt \(chosen.version)"))
            if chosen.version != flow.version { probe.flow = chosen }
        } catch {
            probe.refused = error.description
        }
    }

    /// What the dialog says when the host could not be probed: why, and that nothing is put in its place.
    static func notProbed(_ why: String) -> [DialogMessage] {
        [DialogMessage(.warning, "Host checks were not run: \(why)"),
         DialogMessage(.warning, "No value is taken from the seed's example: questions the host would answer have no default")]
    }

    func close() {
        connection?.close()
        connection = nil
    }
}
