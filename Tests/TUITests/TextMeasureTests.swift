import Testing
@testable import TUI

@Suite struct CellWidthTests {
    @Test func asciiIsOneColumn() { #expect(CellWidth.of("engine.example.com") == 18) }
    @Test func cjkTakesTwoColumns() {
        #expect(CellWidth.of("组织名称") == 8)
        #expect(CellWidth.of(Character("中")) == 2)
    }
    @Test func combiningMarksAddNoColumn() {
        #expect(CellWidth.of("e\u{301}") == 1)
        #expect(CellWidth.of("café\u{301}") == 4)
    }
    @Test func controlCharactersAreNotPrintable() {
        #expect(!CellWidth.isPrintable("\u{7}"))
        #expect(CellWidth.isPrintable("✓"))
        #expect(CellWidth.of(Character("✓")) == 1)
    }
}

@Suite struct TextLayoutTests {
    @Test func prefixNeverSplitsAWideCharacter() {
        #expect(TextLayout.prefix("ab中文", width: 3) == "ab")
        #expect(TextLayout.prefix("ab中文", width: 4) == "ab中")
    }
    @Test func truncateAddsAnEllipsisOnlyWhenCut() {
        #expect(TextLayout.truncate("short", width: 10) == "short")
        #expect(TextLayout.truncate("a longer text", width: 8) == "a longe…")
        #expect(CellWidth.of(TextLayout.truncate("示例组织名称", width: 6)) <= 6)
    }
    @Test func padFillsToTheColumnWidth() {
        #expect(TextLayout.pad("中", width: 4) == "中  ")
        #expect(TextLayout.pad("toolong", width: 4) == "tool")
    }
    @Test func wrapBreaksAtSpacesAndInsideLongWords() {
        #expect(TextLayout.wrap("Continue with specified CPUs?", width: 14) == ["Continue with", "specified", "CPUs?"])
        #expect(TextLayout.wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
        #expect(TextLayout.wrap("一二三四五", width: 4) == ["一二", "三四", "五"])
        #expect(TextLayout.wrap("one\n\ntwo", width: 10) == ["one", "", "two"])
        #expect(TextLayout.wrap("\t- model_Conroe: Intel", width: 40) == ["    - model_Conroe: Intel"])
    }
}

@Suite struct FrameTests {
    @Test func putClipsToMaxWidthAndFrame() {
        var frame = Frame(size: Size(columns: 10, rows: 2))
        #expect(frame.put("hello world", row: 0, column: 0, maxWidth: 5) == 5)
        #expect(frame.lines[0] == "hello")
        #expect(frame.put("abcdef", row: 1, column: 7) == 3)
        #expect(frame.lines[1] == "       abc")
    }
    @Test func aWideCharacterAtTheRightEdgeBecomesASpace() {
        var frame = Frame(size: Size(columns: 5, rows: 1))
        frame.put("abcd中", row: 0, column: 0)
        #expect(frame.text(ofRow: 0) == "abcd ")
        #expect(!frame[0, 4].isContinuation)
    }
    @Test func wideCharactersOccupyTwoCells() {
        var frame = Frame(size: Size(columns: 6, rows: 1))
        frame.put("中文x", row: 0, column: 0)
        #expect(frame[0, 1].isContinuation && frame[0, 3].isContinuation)
        #expect(frame.text(ofRow: 0) == "中文x ")
    }
    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var frame = Frame(size: Size(columns: 6, rows: 1))
        frame.put("中文", row: 0, column: 0)
        frame.put("x", row: 0, column: 1)
        #expect(frame.text(ofRow: 0) == " x文  ")
        frame.put("y", row: 0, column: 2)
        #expect(frame.text(ofRow: 0) == " xy   ")
    }
    @Test func controlCharactersShowAsQuestionMarks() {
        var frame = Frame(size: Size(columns: 6, rows: 1))
        frame.put("a\u{1b}b", row: 0, column: 0)
        #expect(frame.lines[0] == "a?b")
    }
    @Test func boxDrawsBorderAndTitle() {
        var frame = Frame(size: Size(columns: 12, rows: 3))
        frame.box(Rect(row: 0, column: 0, width: 12, height: 3), title: "Hi")
        #expect(frame.lines == ["┌─ Hi ─────┐", "│          │", "└──────────┘"])
    }
}
