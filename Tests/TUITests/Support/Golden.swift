import Foundation
import Testing
import TUI

/// Golden text files for frames: `Tests/TUITests/Golden/NAME.txt` holds the text of every row, then a
/// map of the styles of every cell and its legend. `TUI_GOLDEN_RECORD=1 swift test --filter TUITests`
/// rewrites them; otherwise a mismatch fails with a line diff.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Golden")

    static var recording: Bool { ProcessInfo.processInfo.environment["TUI_GOLDEN_RECORD"] == "1" }

    /// The golden text of a frame.
    static func text(of frame: Frame) -> String {
        var legend: [Style: Character] = [.normal: "."]
        var order: [Style] = []
        let codes = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var styleRows: [String] = []
        for row in 0..<frame.size.rows {
            var line = ""
            for cell in frame.row(row) {
                if legend[cell.style] == nil {
                    legend[cell.style] = order.count < codes.count ? codes[order.count] : "#"
                    order.append(cell.style)
                }
                line.append(legend[cell.style]!)
            }
            while line.last == "." { line.removeLast() }
            styleRows.append(line)
        }
        var out = "size \(frame.size)"
        if let cursor = frame.cursor { out += " cursor \(cursor.row),\(cursor.column)" }
        out += "\n"
        let border = "+" + String(repeating: "-", count: frame.size.columns) + "+\n"
        out += border
        for row in 0..<frame.size.rows { out += "|" + frame.text(ofRow: row) + "|\n" }
        out += border + "styles\n"
        for line in styleRows { out += line + "\n" }
        out += "legend\n"
        for style in order { out += "\(legend[style]!) = \(describe(style))\n" }
        return out
    }

    static func describe(_ style: Style) -> String {
        var parts: [String] = []
        if style.attributes.contains(.bold) { parts.append("bold") }
        if style.attributes.contains(.reverse) { parts.append("reverse") }
        if style.attributes.contains(.underline) { parts.append("underline") }
        if style.attributes.contains(.dim) { parts.append("dim") }
        if parts.isEmpty { parts.append("plain") }
        return parts.joined(separator: "+") + " " + "\(style.role)"
    }

    /// Compares a frame with `Golden/NAME.txt` (or records it).
    static func check(_ frame: Frame, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let file = directory.appendingPathComponent(name + ".txt")
        let actual = text(of: frame)
        if recording {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? actual.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("no golden file \(file.path); record it with TUI_GOLDEN_RECORD=1", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            let lines: String = Golden.diff(expected, actual)
            Issue.record("frame differs from \(name).txt (TUI_GOLDEN_RECORD=1 re-records):\n\(lines)",
                         sourceLocation: sourceLocation)
        }
    }

    /// The differing lines, numbered, expected first.
    static func diff(_ expected: String, _ actual: String) -> String {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        for i in 0..<max(e.count, a.count) {
            let left = i < e.count ? String(e[i]) : "<missing>"
            let right = i < a.count ? String(a[i]) : "<missing>"
            if left != right { out.append(String(format: "%4d - %@\n     + %@", i + 1, left, right)) }
        }
        return out.joined(separator: "\n")
    }
}
