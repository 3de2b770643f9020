/// A line of `gluster` output that the parsers cannot read, or an error gluster printed instead.
package struct GlusterOutputParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number in the text handed to the parser.
    package var line: Int
    package var message: String

    package var description: String { "line \(line): \(message)" }
}
