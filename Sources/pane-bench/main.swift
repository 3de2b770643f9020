import Deploy
import Foundation
import SSHKit
import TUI

// pane-bench [--mb N] [--hosts N] [--backend memory|ncurses] [--log-open] [--secrets N] [--out FILE]
//
// Streams N MB (default 1000) of installer-like output through the deploy screen the way `apply` does:
// per host a thread splits 32 KiB reads into lines (LineBlockSplitter, as HostRun for plain commands), masks
// them, hands one `.outputLines` event per read to the EventBatcher and to a recap model (as DeployPanesRunner); the UI thread runs
// DeployPanesApp in AppRunner, drawing each batch to a 200x60 in-memory backend or to the real terminal
// (ncurses). Prints key=value lines (to --out with ncurses, which owns the terminal). Reports, never judges.
var megabytes = 1000
var hostCount = 1
var useNcurses = false
var logOpen = false
var outPath: String?
var secretCount = 2
var arguments = CommandLine.arguments.dropFirst()
func usage() -> Never {
    FileHandle.standardError.write("usage: pane-bench [--mb N] [--hosts N] [--backend memory|ncurses] [--log-open] [--secrets N] [--out FILE]\n".data(using: .utf8)!)
    exit(64)
}
while let argument = arguments.popFirst() {
    switch argument {
    case "--mb": megabytes = arguments.popFirst().flatMap(Int.init) ?? { usage() }()
    case "--hosts": hostCount = arguments.popFirst().flatMap(Int.init) ?? { usage() }()
    case "--backend":
        switch arguments.popFirst() {
        case "memory": useNcurses = false
        case "ncurses": useNcurses = true
        default: usage()
        }
    case "--log-open": logOpen = true
    case "--secrets": secretCount = arguments.popFirst().flatMap(Int.init) ?? { usage() }()
    case "--out": outPath = arguments.popFirst() ?? { usage() }()
    default: usage()
    }
}
guard megabytes > 0, hostCount > 0 else { usage() }

let totalBytes = megabytes * 1_000_000
let chunkBytes = 32 * 1024   // libssh2 hands channel data in reads of up to 32 KiB
let corpus = OutputCorpus()
let hosts = (1...hostCount).map { "host\($0).bench.test" }
// engine-setup and hosted-engine plans mask the answers' passwords in every line; `apply --plan` plans have none.
let masker = SecretMasker((0..<secretCount).map { "s3cret-pw-\($0)-Xy!" })
let logDirectory = FileManager.default.temporaryDirectory.path

let inbox = Inbox<DeployPanesApp.Message>()
let post: @Sendable (DeployPanesApp.Message) -> Void = { inbox.post($0) }
let batcher = EventBatcher()

let backend: BenchBackend
let ncurses: NcursesBackend?
if useNcurses {
    do {
        let real = try NcursesBackend(environment: ProcessInfo.processInfo.environment)
        ncurses = real
        backend = BenchBackend(real, pace: false)
    } catch {
        FileHandle.standardError.write("pane-bench: \(error)\n".data(using: .utf8)!)
        exit(2)
    }
} else {
    ncurses = nil
    backend = BenchBackend(MemoryBackend(size: Size(columns: 200, rows: 60)), pace: true)
}

let clock = Stopwatch()
let app = TimedApp(inner: DeployPanesApp(logPath: { "\(logDirectory)/\($0).log" }, cancel: {}), clock: clock)
var state = DeployPanesApp.State(hosts: hosts, now: Date())
if logOpen { state.logHost = hosts[0] }   // the first host's full log open and following, as after Enter
let runner = AppRunner(app: app, state: state, backend: backend, inbox: inbox)
backend.finished = { [unowned runner] in runner.state.finished }

/// What one producer thread did.
final class ProducerResult: @unchecked Sendable {
    var lines = 0
    var bytes = 0
    var cpuNanos: UInt64 = 0
}
let results = hosts.map { _ in ProducerResult() }
let group = DispatchGroup()
let started = Date()
var startUsage = rusage()
getrusage(Int32(RUSAGE_SELF.rawValue), &startUsage)
batcher.start(post: post)
for (i, host) in hosts.enumerated() {
    let result = results[i]
    let share = totalBytes / hostCount
    group.enter()
    Thread {
        let t0 = threadCPU()
        var recap = DeploymentProgress(hostNames: [host])   // DeployPanesRunner keeps this for the final recap
        func emit(_ event: RunEvent) {
            batcher.add(event)
            recap.apply(event)
        }
        emit(.hostStarted(host: host, tool: .generic, steps: 1))
        emit(.stepStarted(host: host, index: 1, total: 1, step: "stream", title: "Stream \(share / 1_000_000) MB of output", action: "yes | head", digest: "stream"))
        var splitter = LineBlockSplitter()
        let take: (OutputLines?) -> Void = { block in
            guard let block else { return }
            emit(.outputLines(host: host, lines: masker.mask(block)))
            result.lines += block.count
        }
        var offset = (i * 7919) % corpus.block.count   // hosts start at different places in the block
        var sent = 0
        while sent < share {
            let n = min(chunkBytes, share - sent, corpus.block.count - offset)
            take(splitter.feed(Array(corpus.block[offset..<(offset + n)])))
            sent += n
            offset = (offset + n) % corpus.block.count
        }
        take(splitter.finish())
        emit(.stepFinished(host: host, index: 1, total: 1, step: "stream", status: .done, seconds: 0, detail: nil, end: StepEnd(digest: "stream")))
        emit(.hostFinished(host: host, outcome: .succeeded))
        result.bytes = sent
        result.cpuNanos = threadCPU() - t0
        group.leave()
    }.start()
}
Thread {
    group.wait()
    batcher.stop(post: post)
    post(.finished)
}.start()

let uiStart = threadCPU()
let code = runner.run()
let uiNanos = threadCPU() - uiStart
ncurses?.close()
var endUsage = rusage()
getrusage(Int32(RUSAGE_SELF.rawValue), &endUsage)

func micros(_ t: timeval) -> Double { Double(t.tv_sec) * 1e6 + Double(t.tv_usec) }
let processCPU = (micros(endUsage.ru_utime) + micros(endUsage.ru_stime) - micros(startUsage.ru_utime) - micros(startUsage.ru_stime)) / 1e6
let seconds = (clock.finishedAt ?? Date()).timeIntervalSince(started)
let bytes = results.reduce(0) { $0 + $1.bytes }
let lines = results.reduce(0) { $0 + $1.lines }
let shown = runner.state.progress.hosts.reduce(0) { $0 + $1.lineCount }
let producerCPU = Double(results.reduce(0) { $0 + $1.cpuNanos }) / 1e9
let frames = backend.frames
var report: [(String, String)] = [
    ("backend", useNcurses ? "ncurses" : "memory"),
    ("size", "\(backend.size.columns)x\(backend.size.rows)"),
    ("hosts", "\(hostCount)"),
    ("log_open", "\(logOpen)"),
    ("secrets", "\(secretCount)"),
    ("bytes", "\(bytes)"),
    ("lines", "\(lines)"),
    ("lines_in_panes", "\(shown)"),
    ("seconds", String(format: "%.3f", seconds)),
    ("mb_per_s", String(format: "%.1f", Double(bytes) / 1e6 / seconds)),
    ("lines_per_s", String(format: "%.0f", Double(lines) / seconds)),
    ("frames", "\(frames)"),
    ("fps", String(format: "%.1f", Double(frames) / seconds)),
    ("process_cpu_s", String(format: "%.3f", processCPU)),
    ("producer_cpu_s", String(format: "%.3f", producerCPU)),
    ("ui_cpu_s", String(format: "%.3f", Double(uiNanos) / 1e9)),
    ("ui_update_cpu_s", String(format: "%.3f", Double(clock.update) / 1e9)),
    ("ui_cpu_ms_per_frame", String(format: "%.3f", Double(uiNanos) / 1e6 / Double(max(1, frames)))),
    ("view_ms_per_frame", String(format: "%.3f", Double(clock.view) / 1e6 / Double(max(1, frames)))),
    ("draw_ms_per_frame", String(format: "%.3f", Double(backend.drawNanos) / 1e6 / Double(max(1, frames)))),
    ("max_rss_mb", String(format: "%.0f", Double(endUsage.ru_maxrss) / 1024)),
    ("exit", "\(code)"),
]
_ = report
let text = report.map { "\($0.0)=\($0.1)" }.joined(separator: "\n") + "\n"
if let outPath {
    try? text.write(toFile: outPath, atomically: true, encoding: .utf8)
} else {
    print(text, terminator: "")
}
