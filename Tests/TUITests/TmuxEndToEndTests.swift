import Foundation
import Testing

/// The harness binary in a real terminal (tmux), driven by keys as an operator would.
@Suite(.serialized) final class TmuxEndToEndTests {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("tui-e2e-\(UUID().uuidString.prefix(8)).out").path

    deinit { try? FileManager.default.removeItem(atPath: out) }

    func start(width: Int = 80, height: Int = 24, environment: [String: String] = [:], redirect: String = "") throws -> TmuxSession {
        try TmuxSession(command: "\(BuiltProducts.harness) --save \(out)\(redirect)", width: width, height: height, environment: environment)
    }

    @Test func typeWrongValueFixItSaveAndQuit() throws {
        let tmux = try start()
        try tmux.waitFor("Network")
        try tmux.send("Enter")
        try tmux.waitFor("Host fully qualified DNS name")
        try tmux.type("bad name")
        try tmux.send("Enter")
        try tmux.waitFor("is not a fully qualified name")
        try tmux.send("C-u")
        try tmux.type("engine.例え.com")
        try tmux.send("Enter", "Enter")
        try tmux.send("C-u")
        try tmux.type("组织")
        try tmux.send("Enter")
        let hub = try tmux.waitFor("all answers accepted")
        #expect(hub.contains("fqdn=engine.例え.com, port=443, org=组织"))
        try tmux.send("C-s")
        try tmux.waitFor("Saved 3 answers")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "fqdn=engine.例え.com\nport=443\norg=组织\n")
        try tmux.send("C-c")
        try tmux.waitFor("Quit without finishing?")
        try tmux.send("Left", "Enter")
        let end = try tmux.waitForExit()
        #expect(end.code == 130)
        #expect(end.canonical)
    }

    @Test func escGoesBackAndTypedTextSurvives() throws {
        let tmux = try start()
        try tmux.waitFor("Network")
        try tmux.send("Enter")
        try tmux.type("half.typed")
        try tmux.send("Escape")
        try tmux.waitFor("▸ • Network")
        try tmux.send("Enter")
        let screen = try tmux.waitFor("[half.typed")
        #expect(screen.contains("section 1/3"))
        try tmux.send("C-c", "q")
        #expect(try tmux.waitForExit().code == 130)
    }

    @Test func resizeRelaysOutAndTooSmallShowsTheMinimum() throws {
        let tmux = try start(width: 100, height: 30)
        try tmux.waitFor("Network")
        try tmux.send("Enter")
        try tmux.type("kept.example")
        try tmux.waitFor("[kept.example")
        try tmux.resize(width: 60, height: 20)
        let small = try tmux.waitFor("Please enlarge it to at least 80x24 (now 60x20)")
        #expect(!small.contains("kept.example"))
        try tmux.resize(width: 120, height: 40)
        let big = try tmux.waitFor("kept.example")
        #expect(big.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.contains("^L Redraw") == true)
        #expect(big.split(separator: "\n").first?.contains("section 1/3") == true)
        try tmux.send("C-c", "q")
        #expect(try tmux.waitForExit().code == 130)
    }

    @Test func helpOverlayOpensWithF1AndClosesWithAnyKey() throws {
        let tmux = try start()
        try tmux.waitFor("Network")
        try tmux.send("F1")
        try tmux.waitFor("Help: Sections")
        try tmux.send("x")
        try tmux.send("?")
        try tmux.waitFor("Help: Sections")
        try tmux.send("Escape")
        try tmux.send("C-c", "q")
        #expect(try tmux.waitForExit().code == 130)
    }

    @Test(arguments: [("TERM", "dumb", "TERM=dumb cannot move the cursor"),
                      ("TERM", "bogus-term-xyz", "TERM=bogus-term-xyz is unknown")])
    func unusableTerminalsAreRefusedWithAHint(variable: String, value: String, message: String) throws {
        let tmux = try start(environment: [variable: value])
        let screen = try tmux.waitFor("EXIT=")
        #expect(screen.contains(message))
        #expect(screen.contains("ovirt-wizard plain"))
        #expect(try tmux.waitForExit().code == 2)
    }

    @Test func notATerminalIsRefused() throws {
        let tmux = try start(redirect: " </dev/null")
        let screen = try tmux.waitFor("EXIT=")
        #expect(screen.contains("standard input is not a terminal"))
        #expect(try tmux.waitForExit().code == 2)
    }

    @Test(arguments: [(SIGTERM, 143), (SIGHUP, 129), (SIGINT, 130)])
    func signalsLeaveTheTerminalUsable(signal: Int32, expected: Int) throws {
        let tmux = try start()
        try tmux.waitFor("Network")
        let pid = try #require(try tmux.pid(of: "tui-harness"))
        kill(pid, signal)
        let end = try tmux.waitForExit()
        #expect(end.code == expected)
        #expect(end.canonical)
    }

    @Test func aCrashLeavesTheTerminalUsable() throws {
        let tmux = try start()
        try tmux.waitFor("Network")
        try tmux.send("F12")
        let end = try tmux.waitForExit(timeout: 30)
        #expect(end.code == 132 || end.code == 133)
        #expect(end.canonical)
        let report = try tmux.capture(history: 5000)
        #expect(report.contains("Program crashed"))
        #expect(report.contains("F12 crashes on purpose"), "the fatal error's message, captured while curses ran, is shown")
    }

    @Test func noColorAndMonochromeUseAttributesOnly() throws {
        for environment in [["NO_COLOR": "1"], ["TERM": "vt100"]] {
            let tmux = try start(environment: environment)
            try tmux.waitFor("Network")
            let screen = try tmux.capture(escapes: true)
            #expect(screen.contains("\u{1b}[7m") || screen.contains(";7m"), "reverse video for the title and selection")
            #expect(Self.colourCodes(in: screen).isEmpty, "no colour with \(environment)")
            try tmux.send("C-c", "q")
            #expect(try tmux.waitForExit().code == 130)
        }
    }

    /// SGR colour parameters (30-37, 38, 40-47, 48, 90-97, 100-107) in a capture with escapes;
    /// 39 and 49 (default colours) are not colours.
    static func colourCodes(in screen: String) -> [String] {
        var found: [String] = []
        for part in screen.split(separator: "\u{1b}", omittingEmptySubsequences: false).dropFirst() where part.hasPrefix("[") {
            guard let end = part.firstIndex(of: "m") else { continue }
            for parameter in part[part.index(after: part.startIndex)..<end].split(separator: ";") {
                guard let n = Int(parameter) else { continue }
                if (30...38).contains(n) || (40...48).contains(n) || (90...107).contains(n) { found.append(String(parameter)) }
            }
        }
        return found
    }

    @Test func colourCodesAreRecognised() {
        #expect(Self.colourCodes(in: "\u{1b}[1;7mx\u{1b}[39m\u{1b}[49m").isEmpty)
        #expect(Self.colourCodes(in: "\u{1b}[36mx\u{1b}[0;7;34m") == ["36", "34"])
    }

    @Test func coloursAreUsedWhenAllowed() throws {
        let tmux = try start()
        try tmux.waitFor("Network")
        #expect(!Self.colourCodes(in: try tmux.capture(escapes: true)).isEmpty)
        try tmux.send("C-c", "q")
        #expect(try tmux.waitForExit().code == 130)
    }

    @Test func cLocaleFallsBackToUTF8() throws {
        let tmux = try start(environment: ["LANG": "C", "LC_ALL": "C"])
        try tmux.waitFor("Network")
        try tmux.send("Enter")
        let screen = try tmux.waitFor("组织名称")
        #expect(screen.contains("[示例组织"))
        try tmux.send("C-c", "q")
        #expect(try tmux.waitForExit().code == 130)
    }
}
