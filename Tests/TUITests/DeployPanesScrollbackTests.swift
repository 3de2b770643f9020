import Deploy
import Foundation
import SSHKit
import Testing
import TUI
import WizardCore

/// The full-screen log of a host keeps a bounded number of lines in memory while a step streams (the whole
/// output is in the host's log file), and opening a long log reads only its end.
@Suite struct DeployPanesScrollbackTests {
    static let host = "h1.example.test"
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    static func stream(_ app: DeployPanesApp, _ state: inout DeployPanesApp.State, from first: Int, count: Int) {
        let batch = (first..<(first + count)).map { RunEvent.output(host: host, line: "line \($0)") }
        (state, _) = app.update(state, .message(.events(batch, now: now)))
    }

    @Test func theOpenLogKeepsOnlyTheNewestLinesWhileAStepStreams() {
        let app = DeployPanesApp(logPath: { "/logs/\($0).log" }, logLineLimit: 50, cancel: {})
        var s = DeployPanesApp.State(hosts: [Self.host], now: Self.now)
        s.logHost = Self.host
        for batch in 0..<30 {
            Self.stream(app, &s, from: batch * 7 + 1, count: 7)
            #expect(s.logLines.count <= 50)
        }
        #expect(s.logLines.count == 50)
        #expect(s.logLines.first == "line 161")
        #expect(s.logLines.last == "line 210")
        #expect(s.logHasEarlierLines)
        #expect(s.progress.host(Self.host)?.lineCount == 210)   // the pane still counts every line
        let frame = DeployPanesView.render(s, size: Size(columns: 200, rows: 60), logPath: { "/logs/\($0).log" })
        #expect(frame.lines[1] == "line 161")
        #expect(frame.lines[50] == "line 210")
        #expect(frame.lines[58] == " lines 1-50 of 50 (following); only the newest 50 lines are kept here, the whole log is in the file")
    }

    @Test func aShortLogIsKeptWholeAndSaysNothingAboutEarlierLines() {
        let app = DeployPanesApp(logPath: { "/logs/\($0).log" }, logLineLimit: 50, cancel: {})
        var s = DeployPanesApp.State(hosts: [Self.host], now: Self.now)
        s.logHost = Self.host
        Self.stream(app, &s, from: 1, count: 50)
        #expect(s.logLines.count == 50)
        #expect(!s.logHasEarlierLines)
        let frame = DeployPanesView.render(s, size: Size(columns: 80, rows: 24), logPath: { "/logs/\($0).log" })
        #expect(frame.lines[22] == " lines 30-50 of 50 (following)")
    }

    @Test func aLogScrolledBackKeepsShowingTheSameLinesWhileOlderOnesAreDropped() {
        let app = DeployPanesApp(logPath: { "/logs/\($0).log" }, logLineLimit: 50, cancel: {})
        var s = DeployPanesApp.State(hosts: [Self.host], now: Self.now)
        (s, _) = app.update(s, .resize(Size(columns: 80, rows: 24)))
        s.logHost = Self.host
        Self.stream(app, &s, from: 1, count: 50)
        (s, _) = app.update(s, .key(.home))
        for _ in 0..<20 { (s, _) = app.update(s, .key(.down)) }
        #expect(s.logTop == 20)
        #expect(s.logLines[20] == "line 21")
        Self.stream(app, &s, from: 51, count: 10)
        #expect(s.logTop == 10)
        #expect(s.logLines[10] == "line 21")
        let frame = DeployPanesView.render(s, size: Size(columns: 80, rows: 24), logPath: { "/logs/\($0).log" })
        #expect(frame.lines[1] == "line 21")
    }

    @Test func openingALongLogReadsOnlyItsLastLines() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("panes-tail-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("\(Self.host).log").path
        var bytes = Data()
        for n in 1...1000 {
            bytes.append(contentsOf: Array("line \(n)".utf8))
            if n == 990 { bytes.append(contentsOf: [0xFF, 0xC3, 0x28]) }   // invalid UTF-8 must not empty the view
            bytes.append(UInt8(ascii: "\n"))
        }
        try bytes.write(to: URL(fileURLWithPath: path))

        // Blocks smaller than the tail, so the backwards reading crosses block and line boundaries.
        let tail = LogFileTail.read(path: path, lines: 100, blockSize: 256)
        #expect(tail.lines.count == 100)
        #expect(tail.lines.first == "line 901")
        #expect(tail.lines.last == "line 1000")
        #expect(tail.lines[89] == "line 990\u{FFFD}\u{FFFD}(")
        #expect(tail.earlier)

        let whole = LogFileTail.read(path: path, lines: 5000, blockSize: 256)
        #expect(whole.lines.count == 1000)
        #expect(whole.lines.first == "line 1")
        #expect(!whole.earlier)
        #expect(LogFileTail.read(path: directory.appendingPathComponent("missing.log").path, lines: 10) == ([], false))

        // Through the app: Enter on the pane loads the log's end, bounded by the limit.
        let app = DeployPanesApp(logPath: { directory.appendingPathComponent("\($0).log").path }, logLineLimit: 100, cancel: {})
        var s = DeployPanesApp.State(hosts: [Self.host], now: Self.now)
        let effects: [AppEffect<DeployPanesApp.Effect>]
        (s, effects) = app.update(s, .key(.enter))
        guard case .custom(let load)? = effects.first else {
            Issue.record("Enter did not ask to load the log")
            return
        }
        let inbox = Inbox<DeployPanesApp.Message>()
        app.perform(load, post: { inbox.post($0) })
        var messages: [DeployPanesApp.Message] = []
        for _ in 0..<500 where messages.isEmpty {
            messages = inbox.drain()
            if messages.isEmpty { usleep(10_000) }
        }
        for message in messages { (s, _) = app.update(s, .message(message)) }
        #expect(s.logLines.count == 100)
        #expect(s.logLines.last == "line 1000")
        #expect(s.logHasEarlierLines)
    }
}

/// A host pane's tail stays bounded however long a step prints, and shows the newest lines.
@Suite struct DeployPaneTailTests {
    @Test func aPaneShowsTheNewestLinesAndKeepsABoundedTail() {
        let host = DeployPanesScrollbackTests.host
        let app = DeployPanesApp(logPath: { "/logs/\($0).log" }, cancel: {})
        var s = DeployPanesApp.State(hosts: [host], now: DeployPanesScrollbackTests.now)
        (s, _) = app.update(s, .message(.events([.hostStarted(host: host, tool: .generic, steps: 1),
                                                 .stepStarted(host: host, index: 1, total: 1, step: "s", title: "Stream", action: "yes", digest: "s")],
                                                now: DeployPanesScrollbackTests.now)))
        let limit = DeploymentProgress.tailLimit
        for batch in 0..<25 {
            DeployPanesScrollbackTests.stream(app, &s, from: batch * 97 + 1, count: 97)
            let tail = s.progress.host(host)!.tail
            #expect(tail.count <= 2 * limit)
            #expect(tail.count >= min(limit, (batch + 1) * 97))
            #expect(tail.last == "line \((batch + 1) * 97)")
        }
        #expect(s.progress.host(host)!.lineCount == 25 * 97)
        let frame = DeployPanesView.render(s, size: Size(columns: 200, rows: 60), logPath: { "/logs/\($0).log" })
        #expect(frame.lines[57].contains("line 2425"))
        #expect(frame.lines[56].contains("line 2424"))
    }
}

/// Plain commands hand their output to the panes a read at a time (`.outputLines`): the panes and the open log
/// must come out exactly as with one `.output` per line, also when a batch holds more lines than the log keeps.
@Suite struct DeployPanesOutputBlockTests {
    @Test func blocksOfLinesShowTheSameAsOneEventPerLine() {
        let host = DeployPanesScrollbackTests.host
        let now = DeployPanesScrollbackTests.now
        let app = DeployPanesApp(logPath: { "/logs/\($0).log" }, logLineLimit: 50, cancel: {})
        var perLine = DeployPanesApp.State(hosts: [host], now: now)
        (perLine, _) = app.update(perLine, .resize(Size(columns: 80, rows: 24)))
        perLine.logHost = host
        var inBlocks = perLine
        var generator = SplitMix64(seed: 7)
        var next = 1
        // Batches of 0-130 lines in blocks of 1-40, a note now and then; the log scrolled back half-way through.
        for batch in 0..<60 {
            if batch == 30 {
                (perLine, _) = app.update(perLine, .key(.home))
                (inBlocks, _) = app.update(inBlocks, .key(.home))
                for _ in 0..<7 {
                    (perLine, _) = app.update(perLine, .key(.down))
                    (inBlocks, _) = app.update(inBlocks, .key(.down))
                }
            }
            var lineEvents: [RunEvent] = []
            var blockEvents: [RunEvent] = []
            var left = Int(generator.next() % 131)
            while left > 0 {
                let size = min(left, 1 + Int(generator.next() % 40))
                let lines = (next..<(next + size)).map { "line \($0)" }
                lineEvents += lines.map { RunEvent.output(host: host, line: $0) }
                blockEvents.append(.outputLines(host: host, lines: OutputLines(lines)))
                next += size
                left -= size
                if generator.next() % 5 == 0 {
                    lineEvents.append(.note(host: host, text: "note \(next)"))
                    blockEvents.append(.note(host: host, text: "note \(next)"))
                }
            }
            (perLine, _) = app.update(perLine, .message(.events(lineEvents, now: now)))
            (inBlocks, _) = app.update(inBlocks, .message(.events(blockEvents, now: now)))
            #expect(inBlocks.logLines == perLine.logLines)
            #expect(inBlocks.logTop == perLine.logTop)
            #expect(inBlocks.logHasEarlierLines == perLine.logHasEarlierLines)
            #expect(inBlocks.progress.host(host)?.lineCount == perLine.progress.host(host)?.lineCount)
            #expect(inBlocks.progress.host(host)?.tail == perLine.progress.host(host)?.tail)
        }
        #expect(perLine.logTop != nil)
        #expect(inBlocks.progress.host(host)?.tail.count == DeploymentProgress.tailLimit)
        #expect(inBlocks.progress.host(host)?.tail.last == "line \(next - 1)" || inBlocks.progress.host(host)?.tail.last?.hasPrefix("ovirt-wizard: note") == true)
        let size = Size(columns: 200, rows: 60)
        inBlocks.logHost = nil
        perLine.logHost = nil
        #expect(DeployPanesView.render(inBlocks, size: size, logPath: { "/logs/\($0).log" }).lines
                == DeployPanesView.render(perLine, size: size, logPath: { "/logs/\($0).log" }).lines)
    }
}
