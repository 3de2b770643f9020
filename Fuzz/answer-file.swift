// libFuzzer target for the answer-file parser (built by Fuzz/run.sh, not by SwiftPM).
// Compiled in one module with Sources/OtopiKit/*.swift, so internal helpers are reachable.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func answerFileFuzzTest(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)

    // Typed values on their own: every line as `type:value`.
    let text = String(decoding: data, as: UTF8.self)
    for line in text.split(separator: "\n", maxSplits: 16, omittingEmptySubsequences: true).prefix(16) {
        if let value = try? OtopiValue.parse(String(line)) {
            _ = value.displayText
            _ = OtopiValue.boolSpellingProblem(String(line))
        }
    }

    let file: AnswerFile
    do {
        file = try AnswerFile.parse(data: data, path: "fuzz.conf")
    } catch {
        // Every problem names a line inside the file (0 only for whole-file problems).
        check(!error.problems.isEmpty, "an AnswerFileError without problems")
        for problem in error.problems {
            check(problem.line >= 0, "negative line number in \(problem)")
        }
        _ = error.description
        return 0
    }

    // Provenance over several files: the same file twice, later replacing earlier.
    let environment = OtopiEnvironment(files: [file, file])
    _ = environment.answeredKeys
    for (_, item) in environment.items {
        check(item.origin.line >= 1, "provenance without a line: \(item.origin)")
    }

    // Round trip: what the writer accepts must parse back to the same values.
    let values = file.environmentValues
    guard let rendered = try? AnswerFileWriter.render(values) else { return 0 }
    let back: AnswerFile
    do {
        back = try AnswerFile.parse(text: rendered, path: "rendered.conf")
    } catch {
        fatalError("rendered answer file does not parse: \(error)\n--- rendered ---\n\(rendered)")
    }
    let nonEmpty = values.filter { !$0.value.isEmpty }
    let backValues = back.environmentValues.filter { !$0.value.isEmpty }
    check(backValues == nonEmpty, "round trip changed values:\n\(nonEmpty)\nvs\n\(backValues)\n--- rendered ---\n\(rendered)")
    return 0
}

/// `precondition` drops its message under -O; a fuzz finding needs it.
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}
