/// Splits a byte stream into lines and keeps the trailing partial line visible (a prompt waits there).
/// Public so that `pane-bench` feeds the panes through the same splitting as a host's output.
package struct PartialLineSplitter {
    package private(set) var partial: [UInt8] = []

    package init() {}

    package mutating func feed(_ bytes: [UInt8], emit: (String) -> Void) {
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            partial += bytes[start..<index]
            emit(Self.text(partial))
            partial.removeAll(keepingCapacity: true)
            start = index + 1
        }
        partial += bytes[start...]
    }

    var partialText: String { String(decoding: partial, as: UTF8.self) }

    mutating func takePartial() { partial.removeAll(keepingCapacity: true) }

    package mutating func finish(emit: (String) -> Void) {
        if !partial.isEmpty { emit(Self.text(partial)) }
        partial = []
    }

    static func text(_ bytes: [UInt8]) -> String {
        var slice = bytes[...]
        if slice.last == UInt8(ascii: "\r") { slice = slice.dropLast() }
        return String(decoding: slice, as: UTF8.self)
    }
}
