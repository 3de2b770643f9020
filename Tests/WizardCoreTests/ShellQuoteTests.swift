import Testing
@testable import WizardCore

@Suite struct ShellQuoteTests {
    @Test func plainWordsStayAsTheyAre() {
        #expect(ShellQuote.line(["gluster", "--mode=script", "volume", "create", "gluster-vol1", "gs1.example.com:/gluster_brick0"])
            == "gluster --mode=script volume create gluster-vol1 gs1.example.com:/gluster_brick0")
    }

    @Test func everythingElseIsSingleQuoted() {
        #expect(ShellQuote.word("") == "''")
        #expect(ShellQuote.word("a b") == "'a b'")
        #expect(ShellQuote.word("it's") == "'it'\\''s'")
        #expect(ShellQuote.word("$(rm -rf /)") == "'$(rm -rf /)'")
        #expect(ShellQuote.word("a\tb\nc") == "'a\tb\nc'")
        #expect(ShellQuote.word("导出") == "'导出'")
        #expect(ShellQuote.word("*") == "'*'")
    }
}
