import Foundation
import Testing
@testable import TUI

/// A minimal app: counts keys, shows the last message, quits on q, redraws on Ctrl-L.
private struct CounterApp: TUIApp {
    struct State { var keys = 0; var last = ""; var size = Size(columns: 0, rows: 0); var saved = 0 }
    typealias Message = String
    enum Effect { case save }

    func update(_ state: State, _ event: AppEvent<String>) -> (State, [AppEffect<Effect>]) {
        var s = state
        switch event {
        case .key(.character("q")): return (s, [.quit(exitCode: 7)])
        case .key(.ctrlL): return (s, [.redrawAll])
        case .key(.ctrlS): return (s, [.custom(.save)])
        case .key: s.keys += 1
        case .resize(let size): s.size = size
        case .message(let m): s.last = m
        case .signal: break
        }
        return (s, [])
    }

    func view(_ state: State, _ size: Size) -> Frame {
        var frame = Frame(size: size)
        frame.put("keys \(state.keys) last \(state.last) size \(state.size)", row: 0, column: 0)
        return frame
    }

    func perform(_ effect: Effect, post: @escaping @Sendable (String) -> Void) {
        DispatchQueue.global().async { post("saved") }
    }
}

@Suite struct AppRunnerTests {
    @Test func keysUpdateTheStateAndEveryChangeIsDrawn() {
        let backend = MemoryBackend(size: Size(columns: 40, rows: 3))
        backend.type("ab")
        let runner = AppRunner(app: CounterApp(), state: .init(), backend: backend)
        #expect(runner.run(stopWhenIdle: true) == 0)
        #expect(runner.state.keys == 2)
        #expect(backend.lastFrame?.lines[0] == "keys 2 last  size 40x3")
        #expect(backend.drawCount == 3)
    }
    @Test func quitEffectStopsWithItsExitCode() {
        let backend = MemoryBackend(size: Size(columns: 40, rows: 3))
        backend.type("aqa")
        let runner = AppRunner(app: CounterApp(), state: .init(), backend: backend)
        #expect(runner.run() == 7)
        #expect(runner.state.keys == 1)
        #expect(backend.hasPendingKeys)
    }
    @Test func resizeReachesUpdateAndView() {
        let backend = MemoryBackend(size: Size(columns: 40, rows: 3))
        let runner = AppRunner(app: CounterApp(), state: .init(), backend: backend)
        backend.resize(to: Size(columns: 30, rows: 2))
        _ = runner.run(stopWhenIdle: true)
        #expect(runner.state.size == Size(columns: 30, rows: 2))
        #expect(backend.lastFrame?.size == Size(columns: 30, rows: 2))
    }
    @Test func redrawAllReachesTheBackend() {
        let backend = MemoryBackend(size: Size(columns: 40, rows: 3))
        backend.type([.ctrlL])
        _ = AppRunner(app: CounterApp(), state: .init(), backend: backend).run(stopWhenIdle: true)
        #expect(backend.fullRedrawCount == 1)
    }
    @Test func messagesFromOtherThreadsAreDrainedByTheLoop() {
        let backend = MemoryBackend(size: Size(columns: 40, rows: 3))
        let runner = AppRunner(app: CounterApp(), state: .init(), backend: backend)
        runner.tickMilliseconds = 1
        let inbox = runner.inbox
        let group = DispatchGroup()
        for i in 0..<50 { DispatchQueue.global().async(group: group) { inbox.post("m\(i)") } }
        group.wait()
        backend.type("q")
        #expect(runner.run() == 7)
        #expect(runner.state.last.hasPrefix("m"))
        #expect(runner.eventCount == 52)
    }
    @Test func customEffectsPostTheirResultBack() {
        let backend = MemoryBackend(size: Size(columns: 40, rows: 3))
        let runner = AppRunner(app: CounterApp(), state: .init(), backend: backend)
        runner.handle(.key(.ctrlS))
        let deadline = Date().addingTimeInterval(5)
        var messages: [String] = []
        while messages.isEmpty && Date() < deadline { messages = runner.inbox.drain(); Thread.sleep(forTimeInterval: 0.01) }
        #expect(messages == ["saved"])
    }
}
