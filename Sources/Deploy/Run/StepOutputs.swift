/// What a step learned while it ran: the tool's log and generated answer file on the host, the answer file
/// fetched to this machine. The journal keeps them, so that a resumed run knows them without running the step.
package struct StepOutputs: Sendable, Equatable {
    /// The tool's log file on the host.
    package var logFile: String?
    /// The answer file the tool generated, on the host.
    package var answerFile: String?
    /// That answer file, copied beside the local answer file.
    package var fetchedAnswerFile: String?
    /// The tool reported no generated answer file (so there is nothing to fetch).
    package var noAnswerFile = false
    /// The engine's web address from engine-setup's SUMMARY ("Web access is enabled at:"), https preferred.
    package var webAddress: String?

    package init(logFile: String? = nil, answerFile: String? = nil, fetchedAnswerFile: String? = nil, noAnswerFile: Bool = false,
                 webAddress: String? = nil) {
        self.logFile = logFile
        self.answerFile = answerFile
        self.fetchedAnswerFile = fetchedAnswerFile
        self.noAnswerFile = noAnswerFile
        self.webAddress = webAddress
    }

    package var isEmpty: Bool { self == StepOutputs() }

    /// The journal's form: the keys the journal has always used.
    init(journal: [String: String]) {
        logFile = journal["logFile"]
        answerFile = journal["answerFile"]
        fetchedAnswerFile = journal["fetchedAnswerFile"]
        noAnswerFile = journal["noAnswerFile"] == "true"
        webAddress = journal["webAddress"]
    }

    var journal: [String: String] {
        var out: [String: String] = [:]
        if let logFile { out["logFile"] = logFile }
        if let answerFile { out["answerFile"] = answerFile }
        if let fetchedAnswerFile { out["fetchedAnswerFile"] = fetchedAnswerFile }
        if noAnswerFile { out["noAnswerFile"] = "true" }
        if let webAddress { out["webAddress"] = webAddress }
        return out
    }

    /// Later values win (a journal's later end record of the same step).
    mutating func merge(_ other: StepOutputs) {
        logFile = other.logFile ?? logFile
        answerFile = other.answerFile ?? answerFile
        fetchedAnswerFile = other.fetchedAnswerFile ?? fetchedAnswerFile
        noAnswerFile = other.noAnswerFile || noAnswerFile
        webAddress = other.webAddress ?? webAddress
    }
}
