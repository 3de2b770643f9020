// libFuzzer target for the otopi console, stage and prompt parsers (built by Fuzz/run.sh, not by SwiftPM).
// Compiled in one module with Sources/OtopiKit/*.swift, so internal helpers are reachable.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func otopiOutputFuzzTest(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    // Console output arrives as bytes from SSH; the runner decodes them leniently, as here.
    let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    // The last piece has no newline: it is what a prompt looks like.
    let partial = lines.removeLast()

    var parser = OtopiConsoleParser()
    var tracker = OtopiPromptTracker()
    var stages = 0
    for line in lines {
        let event = parser.feed(line)
        if case let .stage(ordinal, _) = event {
            stages += 1
            check(ordinal == stages, "stage ordinal \(ordinal) after \(stages) Stage lines")
        }
        let shown = tracker.take(line)
        // A console password never survives into what is shown.
        if let password = OtopiPromptTracker.consolePassword(in: line), !password.isEmpty, password != "********" {
            check(!shown.contains("Use temporary password \"\(password)\""), "console password not masked: \(shown)")
        }
        check(tracker.context.count <= OtopiPromptTracker.contextLimit, "prompt context grew past its limit")
    }
    let fraction = parser.fraction
    check(fraction >= 0 && fraction <= 1, "fraction \(fraction) outside 0…1")

    for candidate in [partial, "  " + partial, partial + ": "] {
        if let prompt = tracker.prompt(partial: candidate) {
            _ = prompt.accepts("")
            _ = prompt.accepts(prompt.defaultAnswer ?? "x")
            for value in prompt.validValues { _ = prompt.accepts(value) }
        }
    }
    return 0
}

/// `precondition` drops its message under -O; a fuzz finding needs it.
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}
