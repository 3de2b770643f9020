/// What one line of otopi's human-dialect console output means (`reference/engine-setup-otopi.md` §3).
package enum OtopiConsoleEvent: Sendable, Equatable {
    /// `[ INFO  ] Stage: <name>`, numbered by position (1 = the first Stage line seen), since otopi ≤ 1.7
    /// repeats stage names ("Environment setup", "Misc configuration").
    case stage(ordinal: Int, name: String)
    /// `[ ERROR ] Failed to execute stage '<stage>': <reason>`.
    case stageFailed(stage: String, reason: String)
    /// `[ INFO  ] Execution of setup completed successfully` (engine-setup) or `Hosted Engine successfully set up`.
    case succeeded
    /// `[ ERROR ] Execution of setup failed`.
    case failed
    /// Any other log line.
    case log(OtopiLogLevel, String)
    /// `Log file: <path>` or `Log file is located at <path>`.
    case logFile(String)
    /// `Generating answer file '<path>'`.
    case answerFile(String)
    /// A `--== TITLE ==--` note.
    case title(String)
    /// Any other note or plain line (indentation removed).
    case note(String)
}

package enum OtopiLogLevel: String, Sendable, Equatable {
    case info = "INFO", warning = "WARNING", error = "ERROR", critical = "CRITICAL"
}

/// Reads otopi console lines one at a time. Pure and incremental: feed it lines as they arrive.
package struct OtopiConsoleParser: Sendable {
    /// A successful engine-setup or hosted-engine run prints this many `Stage:` lines (Initializing … Termination).
    package static let stagesOnSuccess = 16

    /// Stage lines seen so far.
    package private(set) var stagesSeen = 0
    package private(set) var currentStage: String?
    package private(set) var logFile: String?
    package private(set) var answerFile: String?

    package init() {}

    /// The meaning of one complete line (without its newline).
    package mutating func feed(_ rawLine: String) -> OtopiConsoleEvent {
        let line = Self.stripColor(rawLine)
        if let (level, message) = Self.logLine(line) {
            if level == .info, message.hasPrefix("Stage: ") {
                stagesSeen += 1
                let name = String(message.dropFirst("Stage: ".count))
                currentStage = name
                return .stage(ordinal: stagesSeen, name: name)
            }
            if level == .error, message.hasPrefix("Failed to execute stage '"),
               let close = message.range(of: "': ") ?? message.range(of: "'", options: .backwards) {
                let start = message.index(message.startIndex, offsetBy: "Failed to execute stage '".count)
                let stage = start <= close.lowerBound ? String(message[start..<close.lowerBound]) : ""
                return .stageFailed(stage: stage, reason: String(message[close.upperBound...]))
            }
            if message == "Execution of setup completed successfully" || message == "Hosted Engine successfully set up" {
                return .succeeded
            }
            if level == .error && message == "Execution of setup failed" { return .failed }
            if message.hasPrefix("Generating answer file '"), let path = Self.quoted(message) {
                answerFile = path
                return .answerFile(path)
            }
            return .log(level, message)
        }
        let text = line.trimmingLeadingSpaces()
        if text == "Hosted Engine successfully set up" { return .succeeded }
        for prefix in ["Log file is located at ", "Log file: "] where text.hasPrefix(prefix) {
            let path = String(text.dropFirst(prefix.count))
            logFile = path
            return .logFile(path)
        }
        if text.hasPrefix("--== "), text.hasSuffix(" ==--") {
            return .title(String(text.dropFirst(5).dropLast(5)))
        }
        return .note(text)
    }

    /// Fraction of a successful run done, from the Stage lines (0…1).
    package var fraction: Double {
        min(1, Double(stagesSeen) / Double(Self.stagesOnSuccess))
    }

    /// `[LEVEL] message` with the level centred in brackets, or nil.
    static func logLine(_ line: Substring) -> (OtopiLogLevel, String)? {
        guard line.first == "[", let close = line.firstIndex(of: "]") else { return nil }
        let name = line[line.index(after: line.startIndex)..<close].trimmingCharacters(in: " ")
        guard let level = OtopiLogLevel(rawValue: name) else { return nil }
        var rest = line[line.index(after: close)...]
        if rest.first == " " { rest = rest.dropFirst() }
        return (level, String(rest))
    }

    static func quoted(_ text: String) -> String? {
        guard let first = text.firstIndex(of: "'"), let last = text.lastIndex(of: "'"), first < last else { return nil }
        return String(text[text.index(after: first)..<last])
    }

    /// Removes ANSI colour sequences (`ESC [ … m`), which otopi puts around the level on a terminal.
    package static func stripColor(_ line: String) -> Substring {
        guard line.contains("\u{1B}") else { return Substring(line) }
        var out = ""
        var iterator = line.makeIterator()
        while let c = iterator.next() {
            if c == "\u{1B}" {
                guard let next = iterator.next(), next == "[" else { continue }
                while let d = iterator.next(), d != "m" {}
                continue
            }
            out.append(c)
        }
        return Substring(out)
    }
}

extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        var s = self
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }

    func trimmingLeadingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" })
    }
}
