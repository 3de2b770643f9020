import Testing
import TUI
@testable import tui_harness

/// The harness app driven through the in-memory backend: the same update/view code the tmux tests
/// run, checked key by key.
@Suite struct HarnessFlowTests {
    func run(_ keys: [Key], size: Size = .minimum) -> (AppRunner<HarnessApp>, MemoryBackend) {
        let backend = MemoryBackend(size: size)
        backend.type(keys)
        let runner = AppRunner(app: HarnessApp(save: { "Saved \($0.count) answers" }), state: HarnessState(size: size), backend: backend)
        _ = runner.run(stopWhenIdle: true)
        return (runner, backend)
    }

    static func text(_ s: String) -> [Key] { s.map { Key.character($0) } }

    @Test func wrongValueShowsTheReasonAndKeepsTheText() {
        let (runner, backend) = run([.enter] + Self.text("bad name") + [.enter])
        let screen = backend.lastFrame!.lines.joined(separator: "\n")
        #expect(screen.contains("✗ \"bad name\" is not a fully qualified name"))
        #expect(runner.state.sections[0].form.typedText(at: 0) == "bad name")
        #expect(runner.state.sections[0].form.focus == 0)
    }

    @Test func answeringASectionMarksItDoneInTheHub() {
        let (runner, backend) = run([.enter] + Self.text("engine.lab") + [.enter, .enter, .enter])
        #expect(runner.state.screen == .hub)
        let lines = backend.lastFrame!.lines
        #expect(lines.contains { $0.contains("Network") && $0.contains("done") && $0.contains("fqdn=engine.lab, port=443, org=示例组织") })
        #expect(lines.contains { $0.contains("Network: all answers accepted") })
    }

    @Test func lowCPUCountAsksFirst() {
        var (runner, backend) = run([.down, .down, .enter])
        #expect(runner.state.screen == .section(2))
        (runner, backend) = run([.down, .down, .enter, .backspace] + Self.text("1") + [.enter])
        #expect(backend.lastFrame!.lines.joined().contains("Continue with"))
        (runner, backend) = run([.down, .down, .enter, .backspace] + Self.text("1") + [.enter, .character("y")])
        #expect(runner.state.sections[2].accepted["cpus"] == "1")
        (runner, backend) = run([.down, .down, .enter, .backspace] + Self.text("1") + [.enter, .enter])
        #expect(runner.state.sections[2].accepted["cpus"] == nil)
        #expect(runner.state.sections[2].form.fields[0].error?.contains("at least 2") == true)
    }

    @Test func passwordNeverReachesAFrameOrTheSavedLines() {
        let (runner, backend) = run([.down, .enter] + Self.text("sekrit-pw") + [.enter, .ctrlS])
        #expect(runner.state.sections[1].accepted["password"] == "sekrit-pw")
        #expect(!backend.lastFrame!.lines.joined().contains("sekrit"))
        #expect(runner.state.savedLines == ["password=********"])
    }

    @Test func ctrlCAsksAndStayKeepsGoing() {
        let backend = MemoryBackend(size: .minimum)
        backend.type([.ctrlC])
        let runner = AppRunner(app: HarnessApp(save: { _ in "" }), state: HarnessState(size: .minimum), backend: backend)
        _ = runner.run(stopWhenIdle: true)
        #expect(backend.lastFrame!.lines.joined().contains("Quit without finishing?"))
        backend.type([.enter])  // "Stay" is selected first
        #expect(runner.run(stopWhenIdle: true) == 0)
        backend.type([.ctrlC, .character("q")])
        #expect(runner.run() == 130)
    }

    @Test func shrinkingShowsTheEnlargeScreenAndGrowingRestoresTheFormWithTypeAhead() {
        let backend = MemoryBackend(size: .minimum)
        backend.type([.enter] + Self.text("typed.example"))
        backend.resize(to: Size(columns: 60, rows: 20))
        let runner = AppRunner(app: HarnessApp(save: { _ in "" }), state: HarnessState(size: .minimum), backend: backend)
        _ = runner.run(stopWhenIdle: true)
        #expect(backend.lastFrame!.lines.joined().contains("at least 80x24 (now 60x20)"))
        backend.type(".more")  // typed ahead while the screen is too small: kept
        backend.resize(to: Size(columns: 100, rows: 30))
        _ = runner.run(stopWhenIdle: true)
        #expect(backend.lastFrame!.size == Size(columns: 100, rows: 30))
        #expect(backend.lastFrame!.lines.contains { $0.contains("[typed.example.more ") }, "\(backend.lastFrame!.lines)")
    }

    @Test func previewShowsProvenanceAndJumpsToProblems() {
        let (runner, backend) = run([.enter] + Self.text("engine.lab") + [.enter, .enter, .enter, .end, .enter, .character("n")])
        #expect(runner.state.screen == .preview)
        let lines = backend.lastFrame!.lines
        #expect(lines.contains { $0.contains("Host fully") && $0.contains("engine.lab") && $0.contains("[typed]") })
        #expect(lines.contains { $0.contains("values need an answer") })
        #expect(runner.state.preview.selectedRow?.id == "password")
    }
}
