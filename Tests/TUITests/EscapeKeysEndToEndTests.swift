import Foundation
import Testing

/// PuTTY's and rxvt's Home/End under TERM=xterm, whose terminfo spells them otherwise: in tmux at 80x24 they
/// move the cursor in a text field and are never taken as Esc (which would leave the question).
@Suite(.serialized) final class EscapeKeysEndToEndTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    var binary: String { BuiltProducts.directory.appendingPathComponent("ovirt-wizard").path }
    var answers: String { directory.appendingPathComponent("answers.conf").path }

    /// Raw bytes into the pane, as the terminal would send them.
    func sendBytes(_ tmux: TmuxSession, _ bytes: [UInt8]) throws {
        try tmux.tmux(["send-keys", "-t", "e2e", "-H"] + bytes.map { String(format: "%02x", $0) })
    }

    @Test(arguments: ["xterm", "xterm-256color"])
    func puttyHomeAndEndEditTheFieldAndAreNotEsc(term: String) throws {
        let tmux = try TmuxSession(command: "\(binary) --flow engine-setup --offline --answers \(answers)",
                                   environment: ["TERM": term])
        try tmux.waitFor("NETWORK CONFIGURATION")
        try tmux.send("Enter")
        try tmux.waitFor("Host fully qualified DNS name")
        try tmux.send("C-u")
        try tmux.type("lab.example.com")
        try tmux.waitFor("[lab.example.com")
        try sendBytes(tmux, Array("\u{1B}[1~".utf8))   // PuTTY Home
        try tmux.type("engine.")
        try sendBytes(tmux, Array("\u{1B}[4~".utf8))   // PuTTY End
        try tmux.type("x")
        try sendBytes(tmux, Array("\u{1B}[7~".utf8))   // rxvt Home
        try tmux.type("e")
        try sendBytes(tmux, Array("\u{1B}[8~".utf8))   // rxvt End
        let screen = try tmux.waitFor("[eengine.lab.example.comx")
        #expect(screen.contains("Host fully qualified DNS name"), "still on the question: no key was taken as Esc")
        #expect(!screen.contains("[1~") && !screen.contains("[4~"), "no part of a sequence was typed into the field")
        try tmux.send("Enter")
        try tmux.waitFor("configure the firewall")
        #expect(try String(contentsOfFile: answers, encoding: .utf8).contains("OVESETUP_CONFIG/fqdn=str:eengine.lab.example.comx"))
        // Esc alone still goes back.
        try tmux.send("Escape")
        try tmux.waitFor("Host fully qualified DNS name")
        try tmux.send("C-c", "q")
        #expect(try tmux.waitForExit().code == 130)
    }
}
