import Testing
@testable import OtopiKit

/// Lines of the seed's engine-setup and hosted-engine runs (tutorial sections 11 and 12), one per line.
@Suite struct OtopiConsoleParserTests {
    static let engineSetupStages = [
        "Initializing", "Environment setup", "Environment packages setup", "Programs detection", "Environment setup",
        "Environment customization", "Setup validation", "Transaction setup", "Misc configuration", "Package installation",
        "Misc configuration", "Transaction commit", "Closing up", "Clean up", "Pre-termination", "Termination",
    ]

    @Test func stagesAreCountedByPositionNotName() {
        var parser = OtopiConsoleParser()
        var ordinals: [Int] = []
        for name in Self.engineSetupStages {
            if case let .stage(ordinal, parsed) = parser.feed("[ INFO  ] Stage: \(name)") {
                ordinals.append(ordinal)
                #expect(parsed == name)
            }
        }
        #expect(ordinals == Array(1...16))
        #expect(parser.fraction == 1)
        #expect(parser.currentStage == "Termination")
    }

    @Test func colouredLevelsAndOtherLines() {
        var parser = OtopiConsoleParser()
        #expect(parser.feed("\u{1B}[92m[ INFO  ]\u{1B}[0m Stage: Initializing") == .stage(ordinal: 1, name: "Initializing"))
        #expect(parser.feed("[WARNING] Failed to resolve ha.lofyer.org using DNS, it can be resolved only locally")
                == .log(.warning, "Failed to resolve ha.lofyer.org using DNS, it can be resolved only locally"))
        #expect(parser.feed("          Log file: /var/log/ovirt-engine/setup/ovirt-engine-setup-20140508054649.log")
                == .logFile("/var/log/ovirt-engine/setup/ovirt-engine-setup-20140508054649.log"))
        #expect(parser.feed("[ INFO  ] Generating answer file '/var/lib/ovirt-engine/setup/answers/20140508054842-setup.conf'")
                == .answerFile("/var/lib/ovirt-engine/setup/answers/20140508054842-setup.conf"))
        #expect(parser.answerFile == "/var/lib/ovirt-engine/setup/answers/20140508054842-setup.conf")
        #expect(parser.feed("          --== CONFIGURATION PREVIEW ==--") == .title("CONFIGURATION PREVIEW"))
        #expect(parser.feed("          Log file is located at /var/log/x.log") == .logFile("/var/log/x.log"))
        #expect(parser.logFile == "/var/log/x.log")
        #expect(parser.feed("[ INFO  ] Execution of setup completed successfully") == .succeeded)
        #expect(parser.feed("          Hosted Engine successfully set up") == .succeeded)
        #expect(parser.feed("         ") == .note(""))
        #expect(parser.feed("[ bogus ] text") == .note("[ bogus ] text"))
    }

    @Test func failedStage() {
        var parser = OtopiConsoleParser()
        #expect(parser.feed("[ ERROR ] Failed to execute stage 'Misc configuration': Command '/sbin/service' failed to execute")
                == .stageFailed(stage: "Misc configuration", reason: "Command '/sbin/service' failed to execute"))
        #expect(parser.feed("[ ERROR ] Execution of setup failed") == .failed)
    }

    @Test func hostedEngineLoopPrompt() {
        var tracker = OtopiPromptTracker()
        let lines = [
            "[ INFO  ] Creating VM",
            "          You can now connect to the VM with the following command:",
            "          \t/usr/bin/remote-viewer vnc://localhost:5900",
            "          Use temporary password \"2067OGHU\" to connect to vnc console.",
            "          The VM has been started.  Install the OS and shut down or reboot it.  To continue please make a selection:",
            "         ",
            "          (1) Continue setup - VM installation is complete",
            "          (2) Reboot the VM and restart installation",
            "          (3) Abort setup",
            "         ",
        ]
        var shown: [String] = []
        for line in lines { shown.append(tracker.take(line)) }
        #expect(shown[3] == "          Use temporary password \"********\" to connect to vnc console.")
        #expect(tracker.consolePassword == "2067OGHU")
        #expect(tracker.consoleCommand == "/usr/bin/remote-viewer vnc://localhost:5900")
        let prompt = tracker.prompt(partial: "          (1, 2, 3)[1]: ")
        #expect(prompt?.text == "(1, 2, 3)[1]:")
        #expect(prompt?.validValues == ["1", "2", "3"])
        #expect(prompt?.defaultAnswer == "1")
        #expect(prompt?.choices == [.init(value: "1", label: "Continue setup - VM installation is complete"),
                                    .init(value: "2", label: "Reboot the VM and restart installation"),
                                    .init(value: "3", label: "Abort setup")])
        #expect(prompt?.context.contains { $0.contains("2067OGHU") } == false)
        #expect(prompt?.accepts("") == true)
        #expect(prompt?.accepts("2") == true)
        #expect(prompt?.accepts("4") == false)
        // A log line ends the question's context.
        _ = tracker.take("[ ERROR ] Invalid value")
        #expect(tracker.prompt(partial: "          (1, 2, 3)[1]: ")?.choices.isEmpty == true)
    }

    @Test func otherPrompts() {
        let tracker = OtopiPromptTracker()
        let confirm = tracker.prompt(partial: "          Please confirm installation settings (OK, Cancel) [OK]: ")
        #expect(confirm?.validValues == ["OK", "Cancel"])
        #expect(confirm?.defaultAnswer == "OK")
        #expect(confirm?.accepts("ok") == true)
        let screen = tracker.prompt(partial: "          Do you want to continue anyway? (Yes, No)[No]: ")
        #expect(screen?.validValues == ["Yes", "No"])
        #expect(screen?.defaultAnswer == "No")
        let cpus = tracker.prompt(partial: "          Please specify the number of virtual CPUs for the VM [Defaults to minimum requirement: 2]: ")
        #expect(cpus?.defaultAnswer == nil)
        #expect(cpus?.validValues == [])
        let password = tracker.prompt(partial: "          Enter 'admin@internal' user password that will be used for accessing the Administrator Portal: ")
        #expect(password?.isHidden == true)
        // Output cut mid-line is not a prompt.
        #expect(tracker.prompt(partial: "[ INFO  ] Creating Stor") == nil)
        #expect(tracker.prompt(partial: "Loaded plugins: fastestmirror, prio") == nil)
    }
}
