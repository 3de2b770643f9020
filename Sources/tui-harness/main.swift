import Foundation
import TUI

// tui-harness [--save FILE] [--rusage FILE]
// Runs HarnessApp full-screen. Ctrl-S writes the accepted answers to --save; --rusage receives
// "events=N user_us=U system_us=S" at exit for Benchmarks/keys.sh.
var savePath = "tui-harness.out"
var rusagePath: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--save": savePath = arguments.popFirst() ?? savePath
    case "--rusage": rusagePath = arguments.popFirst()
    default:
        FileHandle.standardError.write("tui-harness: unknown argument \(argument)\n".data(using: .utf8)!)
        exit(64)
    }
}

let environment = ProcessInfo.processInfo.environment
let path = savePath
let app = HarnessApp(save: { lines in
    do {
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return "Saved \(lines.count) answers to \(path)"
    } catch {
        return "Could not save to \(path): \(error.localizedDescription)"
    }
})
var events = 0
let code = TerminalSession.run(app, state: HarnessState(size: .minimum), environment: environment, program: "tui-harness") { runner in
    events = runner.eventCount
}
if let rusagePath {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    let user = Int(usage.ru_utime.tv_sec) * 1_000_000 + Int(usage.ru_utime.tv_usec)
    let system = Int(usage.ru_stime.tv_sec) * 1_000_000 + Int(usage.ru_stime.tv_usec)
    try? "events=\(events) user_us=\(user) system_us=\(system)\n".write(toFile: rusagePath, atomically: true, encoding: .utf8)
}
exit(code)
