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

    /// Section headers were looked up by a linear search (quadratic in the number of sections); with a
    /// dictionary the duplicate is still found and named with its first line.
    @Test func manySectionsAndALateDuplicate() throws {
        let text = (0..<20_000).map { "[s\($0)]\nk=v\n" }.joined() + "[s7]\n"
        #expect(throws: AnswerFileError.self) { _ = try AnswerFile.parse(text: text, path: "many.conf") }
        do {
            _ = try AnswerFile.parse(text: text, path: "many.conf")
        } catch {
            #expect(error.problems.map(\.description) == ["many.conf:40001: section [s7] appears again (first at line 15); merge the two"])
        }
        let file = try AnswerFile.parse(text: String(text.dropLast("[s7]\n".count)), path: "many.conf")
        #expect(file.sections.count == 20_000)
        #expect(file.sections[19_999].name == "s19999")
    }

    /// Many password notes on one line are all masked (this search was quadratic in the line length).
    @Test func manyPasswordNotesOnOneLine() {
        let line = String(repeating: "Use temporary password \"secret\" ", count: 5_000)
        let masked = OtopiPromptTracker.maskConsolePassword(line)
        #expect(!masked.contains("secret"))
        #expect(masked == String(repeating: "Use temporary password \"********\" ", count: 5_000))
    }
}
