import Testing
@testable import OtopiKit

@Suite struct OtopiValueTests {
    @Test func boolIsFalseOnlyForFourSpellings() throws {
        for text in ["f", "F", "false", "False"] {
            #expect(try OtopiValue.parse("bool:" + text) == .bool(false))
        }
        for text in ["True", "no", "0", "FALSE", "", " false", "n"] {
            #expect(try OtopiValue.parse("bool:" + text) == .bool(true), "bool:\(text)")
        }
    }

    @Test func intFollowsPython() throws {
        #expect(try OtopiValue.parse("int:5432") == .int(5432))
        #expect(try OtopiValue.parse("int: -12 ") == .int(-12))
        #expect(try OtopiValue.parse("int:+7") == .int(7))
        #expect(try OtopiValue.parse("int:1_000") == .int(1000))
        for bad in ["", "abc", "1.5", "_1", "1_", "1__0", "--1", "99999999999999999999"] {
            #expect(throws: OtopiValueError.invalidInt(bad)) { try OtopiValue.parse("int:" + bad) }
        }
    }

    @Test func strKeepsEverythingAfterFirstColon() throws {
        #expect(try OtopiValue.parse("str: x") == .string(" x"))
        #expect(try OtopiValue.parse("str:a:b:c") == .string("a:b:c"))
        #expect(try OtopiValue.parse("str:") == .string(""))
    }

    @Test func noneIgnoresTheRest() throws {
        #expect(try OtopiValue.parse("none:None") == .none)
        #expect(try OtopiValue.parse("none:True") == .none)
    }

    @Test func multiStrSplitsLines() throws {
        #expect(try OtopiValue.parse("multi-str:a\nb") == .multiString(["a", "b"]))
        #expect(try OtopiValue.parse("multi-str:\na") == .multiString(["", "a"]))
        #expect(try OtopiValue.parse("multi-str:") == .multiString([]))
    }

    @Test func typeErrors() {
        #expect(throws: OtopiValueError.missingType) { try OtopiValue.parse("hello") }
        #expect(throws: OtopiValueError.invalidType("boolean")) { try OtopiValue.parse("boolean:True") }
    }
}
