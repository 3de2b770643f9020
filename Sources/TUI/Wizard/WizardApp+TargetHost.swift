import Foundation
import SSHKit
import WizardCore

/// The wizard and its target host: probing once the target section is answered (or at start when a loaded
/// answer file names the host), the host-key dialog, the facts put into the session, and the CPU check screen.
extension WizardApp {
    static let cpuCheckItem = "cpu-check"
    static let answeredCPUKey = "OVEHOSTED_VDSM/cpu"
    static let answeredEngineCPUKey = "OVEHOSTED_VDSM/engineCpu"
    static let offlineAbsence = "Offline (--offline): no host is contacted, so no host CPU is known."

    /// Runs after every event: starts a probe when the answers name a target not probed yet, and opens the
    /// host-key dialog when a probe waits for one.
    func targetHost(_ s: inout WizardState, _ effects: inout [AppEffect<Effect>]) {
        if let key = s.probe.pendingHostKey, !s.probe.hostKeyShown, s.overlay == nil {
            s.probe.hostKeyShown = true
            let message = "\(key.hostDisplay) is not in \(key.knownHostsPath).\n"
                + "Its \(key.keyType) key fingerprint is \(key.fingerprint).\n"
                + "Compare it with `ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub` on the host. Accept the key and record it in known_hosts?"
            s.overlay = .dialog(Dialog(title: "Unknown host key", message: message, buttons: ["Accept", "Refuse"], selected: 1),
                                purpose: .hostKey)
        }
        if let request = s.probe.pendingCredential, !s.probe.credentialShown, s.overlay == nil {
            s.probe.credentialShown = true
            s.overlay = .dialog(Dialog(title: "Login to the target host", message: Self.credentialMessage(request),
                                       buttons: ["OK", "Cancel"], selected: 0, field: TextField(isSecret: true)),
                                purpose: .credential)
        }
        guard let session = s.session else { return }
        if session.offline {
            s.probe.absence = Self.offlineAbsence
            return
        }
        guard prober != nil, !s.probe.running else { return }
        // Probe as soon as the login is known (the first wizard section); later wizard questions
        // (host preparation) may depend on the tool's answers and must not hold the probe back.
        let own = session.flow.sections.first(where: \.isWizard)?.questions.filter(session.isActive) ?? []
        guard !own.isEmpty, !own.contains(where: session.needsAnswer),
              let target = TargetHostProber.target(of: session.answers), target != s.probe.target else { return }
        s.probe.target = target
        s.probe.running = true
        // The last host's connection closes when the probe starts; its checker and CPU no longer apply.
        s.probe.checker = nil
        s.probe.cpu = nil
        s.probe.absence = "Probing \(target) over SSH…"
        let said = "Connecting to \(target) over SSH to probe its facts…"
        s.notice = Notice(s.notice.map { $0.text + " " + said } ?? said, kind: s.notice?.kind ?? .info)
        effects.append(.custom(.probe(session)))
    }

    func startProbe(_ session: FlowSession, post: @escaping @Sendable (WizardMessage) -> Void) {
        guard let prober else { return }
        Thread.detachNewThread {
            let result = prober.probe(session, askHostKey: { post(.hostKey($0)) }, askCredential: { post(.credential($0)) })
            post(.probed(result))
        }
    }

    /// What the login dialog says; the typed text is shown as `*`s only.
    static func credentialMessage(_ request: CredentialRequest) -> String {
        switch request {
        case let .password(user, host):
            return "No key was accepted for \(user)@\(host). Its password (used for this session only, never saved):"
        case let .keyboardInteractive(user, host, prompt, _):
            return "\(user)@\(host) asks: \(prompt.trimmingCharacters(in: .whitespaces))"
        case let .keyPassphrase(path):
            return "The key \(path) is protected. Its passphrase (used for this session only):"
        case let .sudoPassword(user, host):
            return "The steps that need root run through sudo as \(user) on \(host). Its sudo password (used for this session only, never saved):"
        }
    }

    /// Hands the operator's answer (nil: cancelled) to the probe waiting for it.
    func answerCredential(_ s: inout WizardState, _ text: String?, _ effects: inout [AppEffect<Effect>]) {
        s.probe.pendingCredential = nil
        effects.append(.custom(.answerCredential(text.map(Secret.init))))
    }

    func probed(_ s: inout WizardState, _ result: TargetProbeResult) {
        s.probe.running = false
        s.probe.pendingHostKey = nil
        s.probe.pendingCredential = nil
        switch s.overlay {
        case .dialog(_, .hostKey)?, .dialog(_, .credential)?: s.overlay = nil
        default: break
        }
        // The operator named another host meanwhile: `targetHost` starts its probe; this result is stale.
        guard var session = s.session, TargetHostProber.target(of: session.answers) == result.target else { return }
        s.probe.versionRefused = result.versionRefused
        if let chosen = result.chosenFlow {
            // The host runs another oVirt version: its questions, with every answer that question set shares.
            session = session.switching(to: chosen)
        }
        if let facts = result.facts {
            // What the probe could not tell stays unknown: the seed lab's values never fill it in.
            session.setFacts(session.flow.unprobedFacts.overlaid(with: facts), probed: true)
            s.probe.unreachable = nil
        } else {
            // Another host may have been probed before; its facts do not describe this one.
            if session.factsProbed { session.forgetHostFacts() }
            s.probe.unreachable = result.unreachable
        }
        s.session = session
        s.probe.checker = result.checker
        s.probe.cpu = result.cpu
        s.probe.cpuOrigin = result.facts?.description
        s.probe.absence = result.cpuAbsence ?? s.probe.absence
        s.notice = result.notice
        Self.refreshHub(&s)
        switch s.screen {
        case .question(let key):
            // Defaults may come from the facts: ask again with the probed ones (typed text is kept as a draft).
            if s.exchange?.stage == .main { Self.open(&s, key: key) }
        case .cpuCheck:
            Self.openCPUCheck(&s)
        default:
            break
        }
    }

    /// The hub's standing line: where the host facts come from, or why they are the seed's.
    static func factsNotice(_ s: WizardState) -> Notice? {
        guard let session = s.session, !session.offline else { return nil }
        if s.probe.running { return Notice(s.probe.absence) }
        if session.factsProbed { return Notice("Host facts: \(session.facts.description)") }
        // The banner says why the host could not be probed.
        if s.probe.unreachable != nil { return nil }
        return Notice("Host facts: none yet; the target host is probed once its section is answered")
    }

    /// The standing line above every screen of a flow: host checks not run, and why. It is never cut: the view
    /// wraps it.
    static func hostBanner(_ s: WizardState) -> String? {
        guard let session = s.session else { return nil }
        if session.offline {
            return "--offline: no host is contacted, host checks are not run; [seed example] marks the seed lab's values."
        }
        if let why = s.probe.unreachable, !session.factsProbed, !s.probe.running { return TargetHostProber.notProbed(why) }
        if let refused = s.probe.versionRefused, !s.probe.running { return refused + " Name another target host." }
        return nil
    }

    static func cpuCheckHubItem(_ s: WizardState) -> HubItem {
        guard let session = s.session, !session.offline else {
            return HubItem(id: cpuCheckItem, title: "CPU check", status: .notChecked, summary: offlineAbsence)
        }
        guard let cpu = s.probe.cpu else {
            return HubItem(id: cpuCheckItem, title: "CPU check", status: .notChecked, summary: s.probe.absence)
        }
        let summary = CPUCheckSummary(hosts: [cpu], level: clusterLevel(session))
        let cluster = summary.cluster.cpu.map { "cluster CPU \($0.name)" } ?? "no cluster CPU of level \(summary.level)"
        let answerFails = session.answers[answeredCPUKey]?.value.stringValue.map {
            !CPUAnswerCheck.check(cpu: $0, engineCpu: session.answers[answeredEngineCPUKey]?.value.stringValue, hosts: [cpu]).isEmpty
        } ?? false
        return HubItem(id: cpuCheckItem, title: "CPU check", status: summary.hasBlockingProblem || answerFails ? .invalid : .done,
                       summary: "\(cpu.source): best \(cpu.best?.vdsmName ?? "none"), \(cluster)")
    }

    /// The compatibility level the flow's version offers (3.4 for the seed's flows).
    static func clusterLevel(_ session: FlowSession) -> String {
        ClusterCPULevels.cpus(level: session.flow.version) != nil ? session.flow.version : ClusterCPULevels.levels.last ?? "3.4"
    }

    static func openCPUCheck(_ s: inout WizardState) {
        let level = s.screen == .cpuCheck ? s.cpuCheck.level : s.session.map(clusterLevel) ?? "3.4"
        s.cpuCheck = CPUCheckScreen(hosts: s.probe.cpu.map { [$0] } ?? [], level: level, origin: s.probe.cpuOrigin,
                                    absence: s.probe.absence)
        s.cpuCheck.answeredCPU = s.session?.answers[answeredCPUKey]?.value.stringValue
        s.cpuCheck.answeredEngineCPU = s.session?.answers[answeredEngineCPUKey]?.value.stringValue
        s.screen = .cpuCheck
    }
}
