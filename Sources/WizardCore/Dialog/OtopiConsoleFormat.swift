/// How otopi's human dialog lays out its lines (`otopi src/plugins/otopi/dialog/human.py`).
package enum OtopiConsoleFormat {
    /// A note line: 10 spaces then the text; an empty note line is 9 spaces.
    package static func note(_ text: String) -> String {
        text.isEmpty ? String(repeating: " ", count: 9) : String(repeating: " ", count: 10) + text
    }

    /// A section title: blank, `--== TITLE ==--`, blank.
    package static func title(_ title: String) -> [String] {
        [note(""), note("--== \(title) ==--"), note("")]
    }

    /// A log line: the level centred in 7 characters in brackets; only the brackets are coloured on a terminal.
    package static func log(_ message: DialogMessage, color: Bool) -> String {
        let (name, code): (String, String)
        switch message.level {
        case .info: (name, code) = (" INFO  ", "\u{1B}[92m")
        case .warning: (name, code) = ("WARNING", "\u{1B}[93m")
        case .error: (name, code) = (" ERROR ", "\u{1B}[0;31m")
        case .note: return note(message.text)
        }
        let bracket = "[\(name)]"
        return (color ? code + bracket + "\u{1B}[0m" : bracket) + " " + message.text
    }

    /// The prompt as otopi prints it, waiting on the same line.
    package static func prompt(_ text: String) -> String {
        String(repeating: " ", count: 10) + text
    }
}
