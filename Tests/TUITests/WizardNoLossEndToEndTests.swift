import Foundation
import Testing

/// No silent loss with the real binary in tmux at 80x24: keys while "Terminal too small" is shown, and Ctrl-C
/// before and after a resize.
@Suite(.serialized) final class WizardNoLossEndToEndTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("noloss-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    var binary: String { BuiltProducts.directory.appendingPathComponent("ovirt-wizard").path }
    var answers: String { directory.appendingPathComponent("answers.conf").path }

    func wizard() throws -> TmuxSession {
        try TmuxSession(command: "\(binary) --flow engine-setup --offline --answers \(answers)")
    }

    /// Opens the FQDN question and types a first answer, accepted and saved.
    func answerTheFQDN(_ tmux: TmuxSession) throws {
        try tmux.waitFor("NETWORK CONFIGURATION")
        try tmux.send("Enter")
        try tmux.waitFor("Host fully qualified DNS name")
        try tmux.send("C-u")
        try tmux.type("engine.lab.example.com")
        try tmux.send("Enter")
        try tmux.waitFor("configure the firewall")
    }

    /// Ctrl-C opens the Quit dialog, a second Ctrl-C quits: exit 130 with the terminal left in canonical mode.
    private func quitWithCtrlCTwice(_ tmux: TmuxSession) throws {
        try tmux.send("C-c")
        try tmux.waitFor("Quit the wizard?")
        try tmux.send("C-c")
        let end = try tmux.waitForExit()
        #expect(end.code == 130)
        #expect(end.canonical)
    }

    @Test func keysTypedWhileTooSmallChangeNothing() throws {
        let tmux = try wizard()
        try answerTheFQDN(tmux)
        try tmux.send("Escape")
        try tmux.waitFor("Host fully qualified DNS name")
        try tmux.resize(width: 60, height: 20)
        try tmux.waitFor("Terminal too small")
        try tmux.type("xyz")
        try tmux.send("Enter")
        try tmux.send("Escape")
        Thread.sleep(forTimeInterval: 0.5)
        try tmux.resize(width: 80, height: 24)
        let screen = try tmux.waitFor("Host fully qualified DNS name")
        #expect(!screen.contains("xyz"), "nothing typed while too small reached the field:\n\(screen)")
        let saved = try String(contentsOfFile: answers, encoding: .utf8)
        #expect(saved.contains("OVESETUP_CONFIG/fqdn=str:engine.lab.example.com\n"), "\(saved)")
        try tmux.send("C-c", "C-c")
        #expect(try tmux.waitForExit().code == 130)
    }

    @Test func ctrlCTwiceQuitsBeforeAResize() throws {
        let tmux = try wizard()
        try answerTheFQDN(tmux)
        try quitWithCtrlCTwice(tmux)
    }

    @Test func ctrlCTwiceQuitsAfterAResizeAsBefore() throws {
        let tmux = try wizard()
        try answerTheFQDN(tmux)
        try tmux.resize(width: 60, height: 20)
        try tmux.waitFor("Terminal too small")
        try tmux.resize(width: 100, height: 30)
        try tmux.waitFor("configure the firewall")
        try tmux.resize(width: 80, height: 24)
        try tmux.waitFor("configure the firewall")
        try quitWithCtrlCTwice(tmux)
        #expect(try String(contentsOfFile: answers, encoding: .utf8).contains("OVESETUP_CONFIG/fqdn=str:engine.lab.example.com"))
    }

    @Test func ctrlCWhileTooSmallQuitsAndSaves() throws {
        let tmux = try wizard()
        try answerTheFQDN(tmux)
        try tmux.resize(width: 60, height: 20)
        try tmux.waitFor("Ctrl-C quits")
        try tmux.send("C-c")
        let end = try tmux.waitForExit()
        #expect(end.code == 130)
        #expect(end.canonical)
        #expect(try String(contentsOfFile: answers, encoding: .utf8).contains("OVESETUP_CONFIG/fqdn=str:engine.lab.example.com"))
    }
}

extension WizardNoLossEndToEndTests {
    @Test func aSecondWizardOnTheSameAnswerFileIsRefusedNamingThePID() throws {
        let first = try wizard()
        try answerTheFQDN(first)
        let pid = try #require(try first.pid(of: "ovirt-wizard"))

        let second = try wizard()
        let refusal = try second.waitFor("EXIT=")
        #expect(refusal.contains("PID \(pid)"), "the full-screen wizard names the holder:\n\(refusal)")
        #expect(refusal.contains("is writing the answer file \(answers)"))
        #expect(try second.waitForExit().code == 3)

        let output = directory.appendingPathComponent("plain-output").path
        let status = try ChildProcess.run([binary, "plain", "--flow", "engine-setup", "--offline", "--output", answers], output: output)
        let said = try String(contentsOfFile: output, encoding: .utf8)
        #expect(status >> 8 & 0xff == 3, "exit code 3 (locked); wait status \(status)")
        #expect(said.contains("PID \(pid)"), "plain names the holder:\n\(said)")

        // The first wizard's answers were not touched, and once it quits the file is free again.
        #expect(try String(contentsOfFile: answers, encoding: .utf8).contains("OVESETUP_CONFIG/fqdn=str:engine.lab.example.com"))
        try first.send("C-c", "C-c")
        #expect(try first.waitForExit().code == 130)
        let third = try wizard()
        try third.waitFor("Answers loaded")
        try third.send("C-c", "C-c")
        #expect(try third.waitForExit().code == 130)
    }
}

extension WizardNoLossEndToEndTests {
    @Test func anUnwritableAnswerFileIsSaidAndAnotherPathTakesTheAnswers() throws {
        let missing = directory.appendingPathComponent("no-such-folder/answers.conf").path
        let tmux = try TmuxSession(command: "\(binary) --flow engine-setup --offline --answers \(missing)")
        try answerTheFQDN(tmux)
        try tmux.waitFor("Answers NOT saved")
        try tmux.send("C-u")
        try tmux.type(answers)
        try tmux.send("Enter")
        try tmux.waitFor("Saved to \(answers)")
        #expect(try String(contentsOfFile: answers, encoding: .utf8).contains("OVESETUP_CONFIG/fqdn=str:engine.lab.example.com"))
        try tmux.send("C-c")
        let quit = try tmux.waitFor("Quit the wizard?")
        #expect(quit.contains("already saved"))
        try tmux.send("C-c")
        let end = try tmux.waitForExit()
        #expect(end.code == 130)
        #expect(try tmux.capture().contains("Answers so far are saved in \(answers)"))
    }

    @Test func quittingWithAnswersThatCouldNotBeWrittenSaysTheyAreLost() throws {
        let missing = directory.appendingPathComponent("no-such-folder/answers.conf").path
        let tmux = try TmuxSession(command: "\(binary) --flow engine-setup --offline --answers \(missing)")
        try answerTheFQDN(tmux)
        try tmux.waitFor("Answers NOT saved")
        try tmux.send("Escape")
        try tmux.send("C-c")
        let quit = try tmux.waitFor("Quit the wizard?")
        #expect(quit.contains("could NOT be written"))
        try tmux.send("C-c")
        #expect(try tmux.waitForExit().code == 130)
        let screen = try tmux.capture()
        #expect(screen.contains("could NOT be saved"), "\(screen)")
        #expect(!screen.contains("Answers so far are saved"))
    }
}

extension WizardNoLossEndToEndTests {
    @Test func theFullScreenWizardRefusesAFileOfAnotherFlowAndOffersOnlyItsOwnFlowWithoutFlow() throws {
        let first = try wizard()
        try answerTheFQDN(first)
        try first.send("C-c", "C-c")
        #expect(try first.waitForExit().code == 130)
        let before = try String(contentsOfFile: answers, encoding: .utf8)

        let other = try TmuxSession(command: "\(binary) --flow hosted-engine --offline --answers \(answers)")
        let refusal = try other.waitFor("EXIT=")
        #expect(refusal.contains("was written for the engine-setup flow, not hosted-engine"), "\(refusal)")
        #expect(try other.waitForExit().code == 2)
        #expect(try String(contentsOfFile: answers, encoding: .utf8) == before, "left as it is")

        // Without --flow the file's own flow opens, and Esc on its hub does not offer another flow for this file.
        let list = try TmuxSession(command: "\(binary) --offline --answers \(answers)")
        try list.waitFor("Answers loaded")
        try list.send("Escape", "Escape", "Escape", "Escape", "Escape", "Escape")
        Thread.sleep(forTimeInterval: 0.5)
        #expect(!(try list.capture()).contains("Choose what to deploy"))
        try list.send("C-c", "C-c")
        #expect(try list.waitForExit().code == 130)
    }
}

extension WizardNoLossEndToEndTests {
    @Test func withoutAnswersEachFlowWritesItsOwnFile() throws {
        for flow in ["engine-setup", "hosted-engine"] {
            // Started in the folder, so the default file lands there (exec: the wizard is the shell's child, as elsewhere).
            let inFolder = "cd \(TmuxSession.quote(directory.path)) && exec \(binary) --flow \(flow) --offline"
            let tmux = try TmuxSession(command: "/bin/sh -c \(TmuxSession.quote(inFolder))")
            try tmux.waitFor("hub")
            try tmux.send("C-s")
            try tmux.waitFor("Saved to")
            try tmux.send("C-c", "C-c")
            #expect(try tmux.waitForExit().code == 130)
        }
        for flow in ["engine-setup", "hosted-engine"] {
            let text = try String(contentsOfFile: directory.appendingPathComponent("\(flow).conf").path, encoding: .utf8)
            #expect(text.contains("OVIRT_WIZARD/flow=str:\(flow)"))
        }
        #expect(!FileManager.default.fileExists(atPath: answers))
    }
}
