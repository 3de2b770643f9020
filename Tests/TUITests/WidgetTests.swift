import Testing
@testable import TUI

@Suite struct TextFieldTests {
    @Test func typingInsertsAtTheCursor() {
        var field = TextField()
        for c in "hllo" { _ = field.handle(.character(c)) }
        _ = field.handle(.home)
        _ = field.handle(.right)
        _ = field.handle(.character("e"))
        #expect(field.text == "hello")
        #expect(field.cursor == 2)
    }
    @Test func utf8IsEditedByCharacters() {
        var field = TextField(text: "组织x")
        _ = field.handle(.left)
        _ = field.handle(.backspace)
        #expect(field.text == "组x")
        _ = field.handle(.character("é"))
        #expect(field.text == "组éx")
        _ = field.handle(.delete)
        #expect(field.text == "组é")
    }
    @Test func backspaceAtStartAndDeleteAtEndDoNothing() {
        var field = TextField(text: "ab")
        _ = field.handle(.delete)
        _ = field.handle(.home)
        _ = field.handle(.backspace)
        #expect(field.text == "ab")
    }
    @Test func controlUAndKCut() {
        var field = TextField(text: "abcdef")
        _ = field.handle(.left); _ = field.handle(.left)
        _ = field.handle(.control("k"))
        #expect(field.text == "abcd")
        _ = field.handle(.left)
        _ = field.handle(.control("u"))
        #expect(field.text == "d")
        #expect(field.cursor == 0)
    }
    @Test func enterTakesTheDefaultWhenEmpty() {
        var field = TextField(defaultValue: "443")
        #expect(field.handle(.enter) == .submitted("443"))
        _ = field.handle(.character("8"))
        #expect(field.handle(.enter) == .submitted("8"))
    }
    @Test func otherKeysAreLeftToTheScreen() {
        var field = TextField()
        #expect(field.handle(.tab) == .ignored)
        #expect(field.handle(.escape) == .ignored)
        #expect(field.handle(.character("\u{7}")) == .ignored)
    }
    @Test func secretTextNeverReachesTheFrame() {
        var field = TextField(isSecret: true)
        for c in "s3cr3t-密码" { _ = field.handle(.character(c)) }
        var frame = Frame(size: Size(columns: 30, rows: 1))
        let cursor = field.render(into: &frame, row: 0, column: 0, width: 30, focused: true)
        #expect(frame.lines[0] == "[*********" + String(repeating: " ", count: 19) + "]")
        #expect(!frame.lines[0].contains("s3cr3t"))
        #expect(cursor == Point(row: 0, column: 10))
    }
    @Test func longTextScrollsToKeepTheCursorVisible() {
        let field = TextField(text: String(repeating: "a", count: 30) + "END")
        var frame = Frame(size: Size(columns: 12, rows: 1))
        let cursor = field.render(into: &frame, row: 0, column: 0, width: 12, focused: true)
        #expect(frame.lines[0] == "[aaaaaaEND ]")
        #expect(cursor == Point(row: 0, column: 10))
    }
    @Test func wideTextScrollsWithoutSplitting() {
        let field = TextField(text: "一二三四五六")
        var frame = Frame(size: Size(columns: 9, rows: 1))
        let cursor = field.render(into: &frame, row: 0, column: 0, width: 9, focused: true)
        #expect(frame.text(ofRow: 0) == "[四五六 ]")
        #expect(cursor == Point(row: 0, column: 7))
    }
}

@Suite struct ChoiceAndDialogTests {
    @Test func yesNoMovesWithArrowsAndLetters() {
        var choice = ChoiceList.yesNo(defaultYes: true)
        #expect(choice.handle(.right) == .changed)
        #expect(choice.selectedOption == "No")
        #expect(choice.handle(.right) == .ignored)
        _ = choice.handle(.character("y"))
        #expect(choice.handle(.enter) == .submitted("Yes"))
    }
    @Test func verticalChoiceUsesUpDown() {
        var choice = ChoiceList(options: ["nfs3", "nfs4", "glusterfs"])
        _ = choice.handle(.down); _ = choice.handle(.down)
        #expect(choice.selectedOption == "glusterfs")
        #expect(choice.handle(.down) == .ignored)
        #expect(choice.handle(.tab) == .ignored)
    }
    @Test func longVerticalChoiceScrollsToTheSelection() {
        var choice = ChoiceList(options: (1...10).map { "model \($0)" })
        _ = choice.handle(.end)
        var frame = Frame(size: Size(columns: 20, rows: 3))
        #expect(choice.render(into: &frame, rect: Rect(row: 0, column: 0, width: 20, height: 3), focused: true) == 3)
        #expect(frame.lines == ["( ) model 8", "( ) model 9", "(•) model 10"])
    }

    @Test func dialogChoosesCancelsAndTakesLetters() {
        var dialog = Dialog(title: "Confirm", message: "Continue with specified CPUs?", selected: 1)
        #expect(dialog.handle(.enter) == .chose(1))
        _ = dialog.handle(.left)
        #expect(dialog.handle(.enter) == .chose(0))
        #expect(dialog.handle(.escape) == .cancelled)
        #expect(dialog.handle(.character("n")) == .chose(1))
    }
}

@Suite struct QuestionFormTests {
    static let fields = [
        QuestionField(id: "fqdn", prompt: "Host FQDN:", defaultValue: "localhost"),
        QuestionField(id: "pw", prompt: "Password:", kind: .secret),
        QuestionField(id: "fw", prompt: "Firewall?", kind: .yesNo, defaultValue: "no"),
    ]

    @Test func tabAndArrowsMoveBetweenFields() {
        var form = QuestionForm(fields: Self.fields)
        _ = form.handle(.tab); #expect(form.focus == 1)
        _ = form.handle(.down); #expect(form.focus == 2)
        _ = form.handle(.tab); #expect(form.focus == 2)
        _ = form.handle(.backTab); #expect(form.focus == 1)
        _ = form.handle(.up); #expect(form.focus == 0)
    }
    @Test func enterSubmitsAndTheEngineDecides() {
        var form = QuestionForm(fields: Self.fields)
        #expect(form.handle(.enter) == .submitted(index: 0, value: "localhost"))
        form.reject(index: 0, reason: "needs a dot")
        #expect(form.focus == 0)
        #expect(form.fields[0].error == "needs a dot")
        for c in "engine.lab" { _ = form.handle(.character(c)) }
        #expect(form.handle(.enter) == .submitted(index: 0, value: "engine.lab"))
        form.accept(index: 0, value: "engine.lab")
        #expect(form.fields[0].error == nil)
        #expect(form.focus == 1)
    }
    @Test func yesNoSubmitsLowercaseAndStartsAtTheDefault() {
        var form = QuestionForm(fields: Self.fields, focus: 2)
        #expect(form.handle(.enter) == .submitted(index: 2, value: "no"))
        #expect(!form.focusedFieldTakesText)
    }
    @Test func escapeGoesBackAndKeepsTypedText() {
        var form = QuestionForm(fields: Self.fields)
        for c in "typed" { _ = form.handle(.character(c)) }
        #expect(form.handle(.escape) == .back)
        #expect(form.typedText(at: 0) == "typed")
    }
    @Test func secretValueIsNotPrefilled() {
        var fields = Self.fields
        fields[1].value = "old-secret"
        let form = QuestionForm(fields: fields)
        #expect(form.typedText(at: 1) == "")
    }
}

@Suite struct ListTests {
    @Test func viewportScrollsTheLeastToShowTheSelection() {
        var viewport = ListViewport(count: 20)
        #expect(viewport.visibleRange(height: 5) == 0..<5)
        viewport.select(7)
        #expect(viewport.visibleRange(height: 5) == 3..<8)
        viewport.select(5)
        #expect(viewport.visibleRange(height: 5) == 3..<8)
        _ = viewport.handle(.end, pageSize: 5)
        #expect(viewport.visibleRange(height: 5) == 15..<20)
    }
    @Test func previewJumpsToProblemsAndWraps() {
        var list = PreviewList(rows: [
            .heading("Network"),
            PreviewRow(id: "a", label: "A", value: "1", provenance: .defaultValue),
            PreviewRow(id: "b", label: "B", problem: "missing"),
            PreviewRow(id: "c", label: "C", value: "x", isMasked: true),
            PreviewRow(id: "d", label: "D", problem: "invalid"),
        ])
        #expect(list.problemCount == 2)
        _ = list.handle(.character("n")); #expect(list.selectedRow?.id == "b")
        _ = list.handle(.character("n")); #expect(list.selectedRow?.id == "d")
        _ = list.handle(.character("n")); #expect(list.selectedRow?.id == "b")
        _ = list.handle(.character("p")); #expect(list.selectedRow?.id == "d")
        #expect(list.handle(.enter) == .submitted("d"))
        #expect(list.rows[3].shownValue == "********")
    }
    @Test func hubEnterOpensTheSelectedItem() {
        var hub = HubList(items: [
            HubItem(id: "one", title: "One", status: .done, summary: ""),
            HubItem(id: "two", title: "Two", status: .invalid, summary: ""),
        ])
        _ = hub.handle(.down)
        #expect(hub.handle(.enter) == .submitted("two"))
        #expect(hub.handle(.character("x")) == .ignored)
    }
}

@Suite struct DialogFieldTests {
    @Test func lettersTypeIntoTheFieldInsteadOfChoosingButtons() {
        var dialog = Dialog(title: "Login", message: "Password:", buttons: ["OK", "Cancel"], field: TextField(isSecret: true))
        for c in "cancel" { #expect(dialog.handle(.character(c)) == .none) }
        #expect(dialog.field?.text == "cancel")
        #expect(dialog.handle(.tab) == .none)
        #expect(dialog.selected == 1)
        #expect(dialog.handle(.backTab) == .none)
        #expect(dialog.handle(.enter) == .chose(0))
        #expect(dialog.handle(.escape) == .cancelled)
    }

    @Test func aSecretFieldShowsStarsAndPutsTheCursorInIt() {
        var dialog = Dialog(title: "Login", message: "Password for root@h1:", buttons: ["OK", "Cancel"], field: TextField(isSecret: true))
        for c in "hunter2" { _ = dialog.handle(.character(c)) }
        var frame = Frame(size: Size(columns: 80, rows: 24))
        dialog.render(into: &frame, area: frame.bounds)
        let text = frame.lines.joined(separator: "\n")
        #expect(text.contains("*******"))
        #expect(!text.contains("hunter2"))
        #expect(text.contains("< OK >"))
        let cursor = frame.cursor
        #expect(cursor != nil)
        if let cursor { #expect(frame.lines[cursor.row].contains("*******")) }
    }
}
