import Testing
@testable import TUI

/// What follows an Esc that terminfo did not know: Home and End in every common spelling, and anything else
/// an unknown sequence, never Esc (Back).
@Suite struct EscapeSequenceTests {
    func key(_ tail: String) -> EscapeSequence.Step { EscapeSequence.decode(Array(tail)) }

    @Test func homeAndEndInTheirCommonSpellings() {
        for home in ["[1~", "[7~", "[H", "OH", "[1;5H", "[7^"] { #expect(key(home) == .key(.home), "\(home)") }
        for end in ["[4~", "[8~", "[F", "OF", "[8$"] { #expect(key(end) == .key(.end), "\(end)") }
    }

    @Test func otherKeysAndUnknownSequences() {
        #expect(key("[A") == .key(.up))
        #expect(key("OB") == .key(.down))
        #expect(key("[3~") == .key(.delete))
        #expect(key("[5~") == .key(.pageUp))
        #expect(key("[15~") == .key(.function(5)))
        #expect(key("OP") == .key(.function(1)))
        #expect(key("[Z") == .key(.backTab))
        #expect(key("[2~") == .key(.unknownSequence("[2~")))
        #expect(key("[200~") == .key(.unknownSequence("[200~")))
        #expect(key("Ox") == .key(.unknownSequence("Ox")))
    }

    @Test func incompleteAndNotASequence() {
        #expect(key("") == .needMore)
        #expect(key("[") == .needMore)
        #expect(key("[1") == .needMore)
        #expect(key("O") == .needMore)
        #expect(key("x") == .notASequence, "Esc then a letter: two keys")
        #expect(key("\u{1B}") == .notASequence, "Esc Esc: two Escs")
    }
}
