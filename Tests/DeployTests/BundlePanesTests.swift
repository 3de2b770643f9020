import Foundation
import Synchronization
import Testing
import TUI
@testable import Deploy

/// `b` in apply's panes: the support bundle from the failure dialog and from the recap, once at a time.
@Suite struct BundlePanesTests {
    static func isBundle(_ effects: [AppEffect<DeployPanesApp.Effect>]) -> Bool {
        effects.contains { if case .custom(.makeBundle) = $0 { return true }; return false }
    }

    @Test func failureDialogAndRecapMakeTheBundle() {
        let calls = Mutex(0)
        let app = DeployPanesApp(logPath: { "/logs/\($0).log" }, cancel: {}, makeBundle: { report in
            calls.withLock { $0 += 1 }
            report("support bundle: 1/4 hosts")
            return "support bundle written: /tmp/b.tar.gz"
        })
        var s = PanesViewTests.state()
        s.canBundle = true
        let failure = s.progress.host("gs4.lofyer.org")!.failure!
        s.dialogs = [.failure(failure, reply: { _ in })]
        var frame = DeployPanesView.render(s, size: Size(columns: 80, rows: 24), logPath: { _ in "" })
        #expect(frame.lines.joined(separator: "\n").contains("a abort this host  l log  b bundle"))

        var effects: [AppEffect<DeployPanesApp.Effect>]
        (s, effects) = app.update(s, .key(.character("b")))
        #expect(Self.isBundle(effects))
        #expect(s.dialogs.count == 1, "the dialog stays open while the bundle is made")
        #expect(s.bundleRunning)
        (s, effects) = app.update(s, .key(.character("b")))
        #expect(!Self.isBundle(effects), "one bundle at a time")

        // The effect runs the maker on its own thread; its lines come back as messages.
        let posted = Mutex<[DeployPanesApp.Message]>([])
        let done = DispatchSemaphore(value: 0)
        app.perform(.makeBundle) { message in
            posted.withLock { $0.append(message) }
            if case .bundle(_, finished: true) = message { done.signal() }
        }
        done.wait()
        #expect(calls.withLock { $0 } == 1)
        for message in posted.withLock({ $0 }) { (s, _) = app.update(s, .message(message)) }
        #expect(!s.bundleRunning)
        #expect(s.bundleStatus == "support bundle written: /tmp/b.tar.gz")
        frame = DeployPanesView.render(s, size: Size(columns: 80, rows: 24), logPath: { _ in "" })
        #expect(frame.lines.joined(separator: "\n").contains("support bundle written: /tmp/b.tar.gz"))

        // The recap (every host ended): its key line offers the bundle, then shows its result.
        s.dialogs = []
        s.finished = true
        s.bundleStatus = nil
        frame = DeployPanesView.render(s, size: Size(columns: 80, rows: 24), logPath: { _ in "" })
        #expect(frame.lines[23].contains("b support bundle  q quit"))
        (s, effects) = app.update(s, .key(.character("b")))
        #expect(Self.isBundle(effects))
        frame = DeployPanesView.render(s, size: Size(columns: 80, rows: 24), logPath: { _ in "" })
        #expect(frame.lines[23].contains("q quit  support bundle: starting"))
    }

    @Test func withoutAMakerTheKeyIsNotOffered() {
        let app = DeployPanesApp(logPath: { "/logs/\($0).log" }, cancel: {})
        var s = PanesViewTests.state()
        s.finished = true
        let frame = DeployPanesView.render(s, size: Size(columns: 80, rows: 24), logPath: { _ in "" })
        #expect(!frame.lines.joined(separator: "\n").contains("bundle"))
        let (after, effects) = app.update(s, .key(.character("b")))
        #expect(!Self.isBundle(effects) && !after.bundleRunning)
    }
}
