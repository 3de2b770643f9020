/// A line of `gluster` output that the parsers cannot read, or an error gluster printed instead.
public struct GlusterOutputParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number in the text handed to the parser.
    public var line: Int
    public var message: String

    public var description: String { "line \(line): \(message)" }
}
