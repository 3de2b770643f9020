import Foundation
import Testing

/// The real `ovirt-wizard` binary in tmux: answering, SIGKILL and resume, the preview and the answer file.
@Suite(.serialized) final class WizardEndToEndTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wizard-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    var binary: String { BuiltProducts.directory.appendingPathComponent("ovirt-wizard").path }
    var answers: String { directory.appendingPathComponent("answers.conf").path }

    func wizard(environment: [String: String] = [:]) throws -> TmuxSession {
        try TmuxSession(command: "\(binary) --flow engine-setup --offline --answers \(answers)", environment: environment)
    }

    @Test func killedWithSIGKILLItResumesWhereItStopped() throws {
        let first = try wizard()
        try first.waitFor("NETWORK CONFIGURATION")
        try first.send("Enter")
        try first.waitFor("Host fully qualified DNS name")
        try first.send("C-u")
        try first.type("engine.lab.example.com")
        try first.send("Enter")
        try first.waitFor("configure the firewall")
        try first.send("Enter")
        try first.waitFor("Firewall manager")
        try first.send("Enter")
        // The walk goes on to the next section.
        try first.waitFor("Where is the Engine database located?")
        let pid = try #require(try first.pid(of: "ovirt-wizard"))
        kill(pid, SIGKILL)
        #expect(try first.waitForExit().code == 137)

        let attributes = try FileManager.default.attributesOfItem(atPath: answers)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let saved = try String(contentsOfFile: answers, encoding: .utf8)
        #expect(saved.contains("OVESETUP_CONFIG/fqdn=str:engine.lab.example.com"))

        let second = try wizard()
        let screen = try second.waitFor("Answers loaded")
        #expect(screen.contains("Where is the Engine database located?"))
        // Esc goes to the previous question, across sections; before the first one, the hub.
        try second.send("Escape")
        try second.waitFor("Firewall manager")
        try second.send("Escape")
        try second.waitFor("configure the firewall")
        try second.send("Escape")
        try second.waitFor("Host fully qualified DNS name")
        try second.send("Escape")
        let hub = try second.waitFor("✓ NETWORK CONFIGURATION")
        #expect(hub.contains("Host FQDN: engine.lab.example."))
        try second.send("C-c", "q")
        let end = try second.waitForExit()
        #expect(end.code == 130)
        #expect(end.canonical)
    }

    @Test func aHangUpLeavesTheTerminalUsableAndLosesNoAcceptedAnswer() throws {
        let tmux = try wizard()
        try tmux.waitFor("NETWORK CONFIGURATION")
        try tmux.send("Enter")
        try tmux.waitFor("Host fully qualified DNS name")
        try tmux.send("C-u")
        try tmux.type("hup.example.com")
        try tmux.send("Enter")
        try tmux.waitFor("configure the firewall")
        let pid = try #require(try tmux.pid(of: "ovirt-wizard"))
        kill(pid, SIGHUP)
        let end = try tmux.waitForExit()
        #expect(end.code == 129)
        #expect(end.canonical)
        #expect(try String(contentsOfFile: answers, encoding: .utf8).contains("OVESETUP_CONFIG/fqdn=str:hup.example.com"))
    }

    @Test func completedFlowWritesTheSameFileAsPlain() throws {
        let tmux = try wizard()
        try tmux.waitFor("NETWORK CONFIGURATION")
        var steps = 0
        while steps < 80 {
            steps += 1
            let screen = try tmux.capture()
            // The last answer opens the preview.
            if screen.contains("Every value is answered") { break }
            if screen.contains("Engine admin password") && !screen.contains("Confirm") && !screen.contains("weak") {
                try tmux.type("zzq")
                try tmux.send("Enter")
                try tmux.waitFor("Confirm engine admin password")
                try tmux.type("zzq")
                try tmux.send("Enter")
                try tmux.waitFor("Use weak password?")
                try tmux.send("y")
            } else {
                try tmux.send("Enter")
            }
            Thread.sleep(forTimeInterval: 0.15)
        }
        try tmux.waitFor("Every value is answered")
        try tmux.send("c")
        try tmux.waitFor("Write the answer file")
        try tmux.send("Enter")
        let end = try tmux.waitForExit()
        #expect(end.code == 0)
        #expect(try tmux.capture().contains("Answer file written to \(answers)"))

        // The same answers through the line dialog: defaults (the firewall manager has none and is typed),
        // the password twice, "Yes" to the weak one.
        let plainOut = directory.appendingPathComponent("plain.conf").path
        let input = directory.appendingPathComponent("input.txt").path
        let lines = ["", "", "iptables", "", "", "", "", "zzq", "zzq", "Yes"] + Array(repeating: "", count: 20)
        try lines.joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
        try ChildProcess.run(["/bin/sh", "-c", "cd \(directory.path) && \(binary) plain --flow engine-setup --offline --output \(plainOut) < \(input)"],
                             output: directory.appendingPathComponent("plain.log").path)
        func values(_ path: String) throws -> [String] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        }
        let (tui, plain) = (try values(answers), try values(plainOut))
        #expect(tui == plain, "only in one of them: \(Set(tui).symmetricDifference(plain).sorted())")
    }
}
