import OtopiKit
import WizardCore

/// Where the wizard is.
package enum WizardScreen: Sendable, Equatable {
    /// Choosing a flow (no `--flow` given).
    case flows
    /// The hub of the flow's sections.
    case hub
    /// One question, by otopi key.
    case question(String)
    case preview
    /// The answer-file lines the target host will receive (secrets masked), from the function the upload uses
    /// (`AnswerFileContract.renderForHost`).
    case answerLines
    /// The CPU check: the target host's CPU against the cluster CPU models.
    case cpuCheck
}

/// What a wizard dialog was opened for.
package enum WizardDialogPurpose: Hashable, Sendable {
    case quit
    /// The exchange's follow-up (below a minimum, weak password): Yes/No are typed back into it.
    case followUp(key: String)
    case confirmWrite
    case aborted
    /// An unknown host key of the target host: Accept records it in known_hosts.
    case hostKey
    case credential
    /// The answer file could not be written: the field holds another path to try.
    case answerFile
    /// The last message, in full (F2): the notice line cuts long ones.
    case message
}

/// An answer waiting for its host checks. The typed text (a password, for the database check) stays in memory
/// only; `what` never contains a hidden answer.
package struct PendingHostChecks: Sendable {
    package var id: Int
    package var key: String
    package var text: String
    package var requests: [HostCheckRequest]
    /// What is being checked, for the notice ("host gs1.example.com resolves").
    package var what: String
}

/// The whole state of the full-screen wizard: a flow session plus what the screens need.
package struct WizardState: Sendable {
    package var flows: [Flow]
    package var flowList: HubList
    package var session: FlowSession?
    /// Where the answers are saved: the uploaded file's header names it.
    package var answerFile = "answers.conf"
    package var screen: WizardScreen
    package var hub = HubList(items: [])
    package var preview = PreviewList(rows: [])
    package var pager = TextPager(lines: [])
    /// The question being asked and its editor.
    package var exchange: QuestionExchange?
    package var field = TextField()
    package var choice = ChoiceList(options: [])
    /// The otopi answer word typed on a choice question (`manual`, `no`); Enter submits it instead of the selection.
    package var choiceTyped = ""
    /// The question was opened with Enter on a preview row: answering it (and what it brings up) returns there.
    package var returnToPreview = false
    /// Messages of the last step of the exchange (errors, warnings), shown under the field.
    package var messages: [DialogMessage] = []
    /// Text typed into questions left without Enter, by key: restored when the question comes back.
    package var drafts: [String: String] = [:]
    /// The sessions of flows left for the flow list in this run, by flow id: entering one again continues it
    /// with every answer given so far, instead of reloading what the file held at start-up.
    package var leftSessions: [String: FlowSession] = [:]
    /// The last write of the answer file failed: what was accepted since is not on disk.
    package var unsaved = false
    /// The "cannot write the answer file" dialog was shown for this path (it is not shown again at every answer).
    package var saveFailureShown = false
    package var overlay: Overlay<WizardDialogPurpose>?
    package var notice: Notice?
    package var size = Size.minimum
    /// Set when the preview was confirmed and the answer file written.
    package var finished = false
    /// The target host: probe status, its CPU, the checker that runs there.
    package var probe = TargetProbeStatus(absence: "No host CPU is known yet: the target host is probed once its section is answered.")
    package var cpuCheck = CPUCheckScreen(hosts: [], level: "3.4")
    /// An answer whose host checks are running on a worker thread; the question waits for them.
    package var pendingChecks: PendingHostChecks?
    /// Numbers the check runs, so an outcome that arrives after the operator stopped waiting is dropped.
    package var checkSerial = 0
    /// A section's fetch running on a worker thread (the engine's lists, the hosts' CPUs).
    package var fetching: FlowFetchSource?

    /// `hostChoosesVersion`: the flows (by id) listed once whose version the probed target host chooses, with
    /// the versions it chooses from.
    package init(flows: [Flow], session: FlowSession?, hostChoosesVersion: [String: [String]] = [:]) {
        self.flows = flows
        self.flowList = HubList(items: [], showsStatus: false)
        self.session = session
        self.screen = session == nil ? .flows : .hub
        self.flowList = HubList(items: flows.map { flow in
            HubItem(id: flowRowID(flow), title: flow.id, status: .needsAnswers,
                    summary: Self.flowSummary(flow, versions: hostChoosesVersion[flow.id]))
        }, showsStatus: false)
    }

    /// The flow list's row of `flow`: its id, with the version when the list holds several versions of it.
    package func flowRowID(_ flow: Flow) -> String {
        flows.filter { $0.id == flow.id }.count > 1 ? "\(flow.id)-\(flow.version)" : flow.id
    }

    /// The row's text: the flow's title with its version said once, or, when the host chooses, that it does.
    static func flowSummary(_ flow: Flow, versions: [String]?) -> String {
        let said = "oVirt \(flow.version)"
        guard let versions else { return flow.title.contains(said) ? flow.title : "\(flow.title) (\(said))" }
        let choice = versions.joined(separator: "/") + " by host"
        return flow.title.contains(said) ? flow.title.replacingOccurrences(of: said, with: choice) : "\(flow.title) (\(choice))"
    }
}
