import Deploy
import Foundation
import HostOps
import SSHKit
import Synchronization
import WizardCore

/// What probing the wizard's target host gave, posted back to the UI loop.
package struct TargetProbeResult: Sendable {
    /// The target the probe was for (`user@host:port` as answered).
    package var target: String
    /// The probed facts; nil when the host could not be reached (the flow keeps its seed facts).
    package var facts: HostFacts?
    /// The host's CPU, for the CPU check screen.
    package var cpu: HostCPUReport?
    /// Runs the flows' host checks; nil keeps the offline checker.
    package var checker: (any HostChecker)?
    /// Where the facts came from, or why the seed environment is used.
    package var notice: Notice
    /// Why the CPU check screen has no CPU, when it has none.
    package var cpuAbsence: String?
    /// Why the host checks were not run (the host could not be probed); nil when it was.
    package var unreachable: String? = nil
    /// The version of the flow the probed host runs, when the host chooses it and it differs from the session's.
    package var chosenFlow: Flow? = nil
    /// Why no version of the flow runs on the probed host (its OS named), when the host chooses the version.
    package var versionRefused: String? = nil
}

/// Connects to the target host named by the wizard's own answers and probes it, on a worker thread. The
/// connection stays open for the host checks. An unknown host key is put to the operator as a dialog: the
/// worker waits until the UI loop calls `answerHostKey`; a changed key is refused by SSHKit.
package final class TargetHostProber: Sendable {
    let knownHosts: String?
    let acceptNew: Bool
    /// Set when the operator named a flow without its version: the probed host's OS chooses it (EL6: 3.4,
    /// EL8/EL9: 4.5), as `plain` does.
    let versionChoice: FlowCatalog?
    /// The flows (by id) whose version the host chooses; a flow the operator named with its version, or whose
    /// answer file records one, keeps it.
    let choosing: Set<String>
    private let connection = Mutex<SSHConnection?>(nil)
    private let hostKeyAnswer = Mutex<Bool?>(nil)
    private let hostKeyAnswered = DispatchSemaphore(value: 0)
    private let credentialAnswer = Mutex<Secret?>(nil)
    private let credentialAnswered = DispatchSemaphore(value: 0)

    package init(knownHosts: String?, acceptNew: Bool, versionChoice: FlowCatalog? = nil, choosing: Set<String> = []) {
        self.knownHosts = knownHosts
        self.acceptNew = acceptNew
        self.versionChoice = versionChoice
        self.choosing = choosing
    }

    /// The target the answers name, as the operator would write it; nil when no host is given.
    package static func target(of answers: Answers) -> String? {
        (try? TargetLogin(answers: answers)).flatMap { HostAccess($0, options: ConnectOptions()) }.map { "\($0.target)" }
    }

    /// Connects and probes; blocks, so call it off the UI thread. `askHostKey` tells the UI loop about an
    /// unknown key; the probe then waits for `answerHostKey`. `askCredential` likewise asks for a password
    /// (when no key was accepted) and waits for `answerCredential`.
    package func probe(_ session: FlowSession, askHostKey: @escaping @Sendable (UnknownHostKey) -> Void,
                      askCredential: @escaping @Sendable (CredentialRequest) -> Void) -> TargetProbeResult {
        var options = ConnectOptions()
        options.knownHostsPath = knownHosts
        if acceptNew {
            options.hostKeyPolicy = .acceptNew
        } else {
            options.hostKeyPolicy = .ask { [self] key in
                hostKeyAnswer.withLock { $0 = nil }
                askHostKey(key)
                hostKeyAnswered.wait()
                return hostKeyAnswer.withLock { $0 } ?? false
            }
        }
        // Curses owns the terminal, so a password is asked in a dialog; keys (agent, sshIdentity, ~/.ssh) come first.
        options.credentials = { [self] request in
            credentialAnswer.withLock { $0 = nil }
            askCredential(request)
            credentialAnswered.wait()
            return credentialAnswer.withLock { answer in
                defer { answer = nil }
                return answer
            }
        }
        let login: TargetLogin
        do {
            login = try TargetLogin(answers: session.answers)
        } catch {
            let why = "the target host's login is not valid: \(error)"
            return TargetProbeResult(target: "", facts: nil, cpu: nil, checker: nil,
                                     notice: Notice(Self.notProbed(why), kind: .error),
                                     cpuAbsence: "The target host's login is not valid: \(error)", unreachable: why)
        }
        guard let access = HostAccess(login, options: options) else {
            let why = "no target host is answered"
            return TargetProbeResult(target: "", facts: nil, cpu: nil, checker: nil, notice: Notice(Self.notProbed(why)),
                                     cpuAbsence: "No target host is answered yet.", unreachable: why)
        }
        let target = "\(access.target)"
        close()
        do {
            let opened = try access.connect()
            connection.withLock { $0 = opened }
            let facts = try HostProber.probe(opened)
            var cpu: HostCPUReport? = nil
            var cpuAbsence: String? = nil
            // The facts keep only the CPU's summary; the screen wants the whole report, so read cpuinfo once more.
            do {
                let output = try opened.capture(RemoteCommand(CPUProbe.command), options: ExecOptions(timeout: 30))
                switch CPUProbe.report(text: output.stdout, source: access.target.host) {
                case .success(let report): cpu = report
                case .failure(let error): cpuAbsence = error.description
                }
            } catch {
                cpuAbsence = "\(access.target.host): cat /proc/cpuinfo failed: \(error)"
            }
            var notice = Notice("Host facts \(facts.description); host checks run there.", kind: .success)
            if login.become != .none {
                // The deployment's root steps will run through sudo: checked now (its password asked in the masked
                // dialog, for this check only), so that a refusal is known before the preview.
                do {
                    try access.becomeRoot(opened)
                    notice.text += " \(opened.target.user) becomes root with sudo."
                } catch {
                    notice = Notice("Host facts \(facts.description); host checks run there. But \((error as? SSHError)?.description ?? "\(error)")", kind: .error)
                }
            }
            var result = TargetProbeResult(target: target, facts: facts, cpu: cpu, checker: SSHHostChecker(connection: opened),
                                           notice: notice, cpuAbsence: cpuAbsence)
            if let versionChoice, choosing.contains(session.flow.id) { Self.chooseVersion(&result, of: session.flow, host: access.target.host, in: versionChoice) }
            return result
        } catch {
            let reason = (error as? SSHError)?.description ?? "\(error)"
            return TargetProbeResult(
                target: target, facts: nil, cpu: nil,
                checker: OfflineChecker(reason: "\(access.target.host) could not be reached"),
                notice: Notice(Self.notProbed(reason), kind: .error),
                cpuAbsence: "\(access.target.host) could not be probed: \(reason)", unreachable: reason)
        }
    }

    /// The version of `flow` the probed host runs (or why none does), said in the result's notice.
    static func chooseVersion(_ result: inout TargetProbeResult, of flow: Flow, host: String, in catalog: FlowCatalog) {
        guard catalog.versions(of: flow.id).count > 1, let facts = result.facts else { return }
        guard let os = HostOS(facts: facts) else {
            result.notice.text += " The operating system of \(host) could not be told: the questions stay oVirt \(flow.version)'s."
            return
        }
        do {
            let chosen = try catalog.flow(id: flow.id, on: os, host: host)
            result.notice.text += " \(host) runs \(os): the questions are those of \(flow.tool) in oVirt \(chosen.version)."
            if chosen.version != flow.version { result.chosenFlow = chosen }
        } catch {
            result.versionRefused = error.description
            result.notice = Notice(error.description, kind: .error)
        }
    }

    /// What the wizard says when the host could not be probed: nothing is invented in its place.
    package static func notProbed(_ why: String) -> String {
        "Host checks were not run: \(why). No value is taken from the seed's example."
    }

    /// The operator's decision on an unknown host key.
    package func answerHostKey(_ accept: Bool) {
        hostKeyAnswer.withLock { $0 = accept }
        hostKeyAnswered.signal()
    }

    /// The operator's password or passphrase for the waiting probe; nil when they cancelled.
    package func answerCredential(_ secret: Secret?) {
        credentialAnswer.withLock { $0 = secret }
        credentialAnswered.signal()
    }

    /// Closes the connection of the last probe.
    package func close() {
        connection.withLock { $0?.close(); $0 = nil }
    }
}
