import Testing
@testable import OtopiKit

/// Inputs the fuzzers (`Fuzz/run.sh`) found to break a parser, each kept as a regression test.
@Suite struct FuzzRegressionTests {
    /// otopi-output: a line repeating the VNC note showed the second copy of the password unmasked.
    @Test func everyConsolePasswordOnALineIsMasked() {
        let line = "          Use temporary password \"2067OGHU\" to connect. Use temporary password \"2067OGHU\"x and \"Use temporary password \"B\""
        let masked = OtopiPromptTracker.maskConsolePassword(line)
        #expect(!masked.contains("2067OGHU"))
        #expect(!masked.contains("\"B\""))
        #expect(masked == "          Use temporary password \"********\" to connect. Use temporary password \"********\"x and \"Use temporary password \"********\"")
        var tracker = OtopiPromptTracker()
        #expect(!tracker.take(line).contains("2067OGHU"))
        #expect(tracker.context.allSatisfy { !$0.contains("2067OGHU") })
        // An opening quote without its closing one has nothing to mask, and the rest is kept as it was.
        #expect(OtopiPromptTracker.maskConsolePassword("Use temporary password \"abc") == "Use temporary password \"abc")
        #expect(OtopiPromptTracker.maskConsolePassword("a \"Use temporary password \"\" b") == "a \"Use temporary password \"********\" b")
    }
}
