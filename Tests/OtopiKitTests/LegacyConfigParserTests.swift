import Testing
@testable import OtopiKit

/// otopi 1.2 reads with Python 2's ConfigParser.ConfigParser. Each expectation was checked against Python 2.7.18
/// (`ConfigParser.ConfigParser()`, `optionxform = str`, `items('environment:default')`).
@Suite struct LegacyConfigParserTests {
    @Test func aSemicolonAfterWhiteSpaceStartsAComment() {
        #expect(LegacyConfigParserRules.misreading(of: "str:Kx9q ;Zr8w!") == .inlineComment(readAs: "str:Kx9q"))
        #expect(LegacyConfigParserRules.misreading(of: "str:x\t;y") == .inlineComment(readAs: "str:x"))
        #expect(LegacyConfigParserRules.misreading(of: "str: ;x") == .inlineComment(readAs: "str:"))
    }

    @Test func onlyTheFirstSemicolonCounts() {
        // Python 2 looks at the first ';' only: 'a;b ;c' is read whole.
        #expect(LegacyConfigParserRules.misreading(of: "str:a;b ;c") == nil)
        #expect(LegacyConfigParserRules.misreading(of: "str:;x") == nil)
        #expect(LegacyConfigParserRules.misreading(of: "str:p;q") == nil)
        // A no-break space is not white space to Python 2's byte strings.
        #expect(LegacyConfigParserRules.misreading(of: "str:x\u{A0};y") == nil)
        // Continuation lines are never cut.
        #expect(LegacyConfigParserRules.misreading(of: "multi-str:a\nb ;c") == nil)
    }

    @Test func percentParenIsInterpolatedAndCannotComeBack() {
        #expect(LegacyConfigParserRules.misreading(of: "str:Pa%(x)s;w0rd Zq") == .interpolation)
        #expect(LegacyConfigParserRules.misreading(of: "str:a%%(b") == .interpolation)
        #expect(LegacyConfigParserRules.misreading(of: "multi-str:a\n%(b)s") == .interpolation)
        // Without '%(' nothing is interpolated: a bare '%' is literal.
        #expect(LegacyConfigParserRules.misreading(of: "str:50%") == nil)
        #expect(LegacyConfigParserRules.misreading(of: "str:x%") == nil)
    }

    @Test func theWriterRefusesWithTheReasonInsteadOfWritingSilently() {
        #expect(throws: AnswerFileWriter.Unrepresentable.self) {
            try AnswerFileWriter.render(["OVESETUP_CONFIG/adminPassword": .string("Kx9q ;Zr8w!")])
        }
        let reason = AnswerFileWriter.problem(with: .string("Kx9q ;Zr8w!"))
        #expect(reason?.contains("comment") == true)
        #expect(reason?.contains("Kx9q") == false, "the reason never repeats the value (it may be a password)")
        #expect(AnswerFileWriter.problem(with: .string("Pa%(x)s;w0rd Zq"))?.contains("%(") == true)
        #expect(AnswerFileWriter.problem(with: .multiString(["a", "%(b)s"])) != nil)
        #expect(AnswerFileWriter.problem(with: .string("50% a;b ;c")) == nil)
        #expect(throws: Never.self) { try AnswerFileWriter.render(["K": .string("50% a;b ;c")]) }
    }
}
