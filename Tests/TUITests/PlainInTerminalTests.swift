import Foundation
import Testing

/// `ovirt-wizard plain` on a real terminal: passwords are not echoed; Ctrl-C saves and restores the terminal.
@Suite(.serialized) struct PlainInTerminalTests {
    @Test func passwordsAreHiddenAndCtrlCSaves() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plain-tty-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("a.conf").path
        let binary = BuiltProducts.directory.appendingPathComponent("ovirt-wizard").path
        let tmux = try TmuxSession(command: "\(binary) plain --flow engine-setup --offline --output \(out)",
                                   width: 100, height: 30)
        try tmux.waitFor("Host fully qualified DNS name of this server [gs1.lofyer.org]:")
        try tmux.send("Enter")
        try tmux.send("Enter")
        try tmux.waitFor("Firewall manager to configure (iptables):")
        try tmux.type("iptables")
        for _ in 0..<5 { try tmux.send("Enter") }
        try tmux.waitFor("Engine admin password:")
        try tmux.type("Hidden-Pw9")
        try tmux.send("Enter")
        try tmux.waitFor("Confirm engine admin password:")
        try tmux.send("C-c")
        let end = try tmux.waitForExit()
        #expect(end.code == 130)
        #expect(end.canonical, "the terminal is back in canonical mode")
        let screen = try tmux.capture(history: 200)
        #expect(!screen.contains("Hidden-Pw9"))
        #expect(screen.contains("Interrupted; the answers given so far are saved in '\(out)' (incomplete)"))
        let saved = try String(contentsOfFile: out, encoding: .utf8)
        #expect(saved.contains("OVESETUP_CONFIG/applicationMode=str:both"))
        #expect(!saved.contains("Hidden-Pw9"), "an unconfirmed password is not saved")
    }
}
