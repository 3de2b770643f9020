/// A question otopi is waiting on: its prompt is a trailing partial line (no newline), e.g.
/// `          (1, 2, 3)[1]: ` after hosted-engine's "(1) Continue setup … (3) Abort setup" notes.
package struct OtopiPrompt: Sendable, Equatable {
    package struct Choice: Sendable, Equatable {
        package var value: String
        package var label: String
        package init(value: String, label: String) {
            self.value = value
            self.label = label
        }
    }

    /// The prompt text without its indentation.
    package var text: String
    /// Note lines printed since the last log line (what the question is about), secrets already masked.
    package var context: [String]
    /// Numbered options from lines like `(1) Continue setup - VM installation is complete`.
    package var choices: [Choice]
    /// The values otopi accepts, from `(1, 2, 3)` or `(Yes, No)` in the prompt; empty for free text.
    package var validValues: [String]
    /// The answer an empty line gives, from `[1]` in the prompt.
    package var defaultAnswer: String?
    /// Passwords are typed without echo.
    package var isHidden: Bool

    package init(text: String, context: [String] = [], choices: [Choice] = [], validValues: [String] = [],
                defaultAnswer: String? = nil, isHidden: Bool = false) {
        self.text = text
        self.context = context
        self.choices = choices
        self.validValues = validValues
        self.defaultAnswer = defaultAnswer
        self.isHidden = isHidden
    }

    /// Whether `answer` is one otopi takes (case-insensitively for listed values; an empty line takes the default).
    package func accepts(_ answer: String) -> Bool {
        if answer.isEmpty { return defaultAnswer != nil || validValues.isEmpty }
        guard !validValues.isEmpty else { return true }
        return validValues.contains { $0.lowercased() == answer.lowercased() }
    }
}

/// Follows console lines to recognise prompts and the hosted-engine console notes. Pure.
package struct OtopiPromptTracker: Sendable {
    /// Notes since the last log line, oldest first (bounded).
    package private(set) var context: [String] = []
    /// The temporary VNC/SPICE password from the last "Use temporary password" note, for the operator only.
    package private(set) var consolePassword: String?
    /// The remote-viewer command from the last connection note.
    package private(set) var consoleCommand: String?
    static let contextLimit = 40

    package init() {}

    /// Takes one complete line; returns it with a console password masked (for logs and panes).
    package mutating func take(_ line: String) -> String {
        let text = Substring(OtopiConsoleParser.stripColor(line))
        if OtopiConsoleParser.logLine(text) != nil {
            context.removeAll()
            return Self.maskConsolePassword(line)
        }
        let note = text.trimmingLeadingSpaces()
        if let password = Self.consolePassword(in: note) { consolePassword = password }
        if note.hasPrefix("/usr/bin/remote-viewer ") { consoleCommand = note }
        let masked = Self.maskConsolePassword(note)
        if !masked.isEmpty {
            context.append(masked)
            if context.count > Self.contextLimit { context.removeFirst(context.count - Self.contextLimit) }
        }
        return Self.maskConsolePassword(line)
    }

    /// The prompt a trailing partial line shows, or nil when it does not look like one. otopi prompts are notes
    /// (indented) ending in `: ` or `? `, or hosted-engine's `(1, 2, 3)[1]: `.
    package func prompt(partial rawPartial: String) -> OtopiPrompt? {
        let partial = String(OtopiConsoleParser.stripColor(rawPartial))
        guard partial.hasSuffix(": ") || partial.hasSuffix("? ") || partial.hasSuffix("?") || partial.hasSuffix(":") else { return nil }
        let text = Substring(partial).trimmingLeadingSpaces()
        guard !text.isEmpty, partial.hasPrefix("  ") || text.hasPrefix("(") else { return nil }
        var prompt = OtopiPrompt(text: Substring(text).trimmingTrailingSpaces(), context: context)
        prompt.choices = context.compactMap(Self.choice)
        // `(…)[default]:` or `(…) [default]:` at the end of the prompt.
        if let open = text.lastIndex(of: "["), let close = text.lastIndex(of: "]"), open < close {
            let inside = String(text[text.index(after: open)..<close])
            if !inside.hasPrefix("Defaults to") && !inside.hasPrefix("Must be") { prompt.defaultAnswer = inside }
            let head = text[..<open]
            if let pOpen = head.lastIndex(of: "("), let pClose = head.lastIndex(of: ")"), pOpen < pClose,
               head[head.index(after: pClose)...].allSatisfy({ $0 == " " }) {
                prompt.validValues = head[head.index(after: pOpen)..<pClose].split(separator: ",")
                    .map { $0.trimmingCharacters(in: " ") }
            }
        } else if let pOpen = text.lastIndex(of: "("), let pClose = text.lastIndex(of: ")"), pOpen < pClose {
            let tail = text[text.index(after: pClose)...].trimmingCharacters(in: " ")
            if tail == ":" || tail == "?" {
                prompt.validValues = text[text.index(after: pOpen)..<pClose].split(separator: ",")
                    .map { $0.trimmingCharacters(in: " ") }
            }
        }
        prompt.isHidden = text.lowercased().contains("password")
        return prompt
    }

    static func choice(_ line: String) -> OtopiPrompt.Choice? {
        guard line.first == "(", let close = line.firstIndex(of: ")") else { return nil }
        let value = line[line.index(after: line.startIndex)..<close]
        guard !value.isEmpty, value.allSatisfy(\.isNumber) else { return nil }
        return OtopiPrompt.Choice(value: String(value), label: line[line.index(after: close)...].trimmingCharacters(in: " "))
    }

    /// The password in `Use temporary password "2067OGHU" to connect to vnc console.`
    package static func consolePassword(in note: String) -> String? {
        guard let range = note.range(of: "Use temporary password \"") else { return nil }
        let rest = note[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    /// The line with every temporary console password replaced by the mask (a line may repeat the note).
    package static func maskConsolePassword(_ line: String) -> String {
        var out = ""
        var rest = Substring(line)
        while let range = rest.firstRange(of: "Use temporary password \""),  // stdlib search: Foundation's range(of:) on a Substring bridges the whole base string each time
              let end = rest[range.upperBound...].firstIndex(of: "\"") {
            out += rest[..<range.upperBound] + Secrets.mask
            rest = rest[end...]
            // Continue after the closing quote, so it is not taken for the start of another password.
            out.append("\"")
            rest = rest.dropFirst()
        }
        return out + rest
    }
}

extension Substring {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
