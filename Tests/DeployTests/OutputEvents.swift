import Deploy
import SSHKit

extension RunEvent {
    /// The output lines the event carries: one for `.output`, each of a read's lines for `.outputLines`.
    var printedLines: [(line: String, stream: ExecStream)] {
        switch self {
        case let .output(_, line, stream): return [(line, stream)]
        case let .outputLines(_, lines, stream): return lines.lines.map { ($0, stream) }
        default: return []
        }
    }
}
