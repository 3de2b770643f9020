/// Terminal attributes. Every screen must stay readable with attributes alone (monochrome, `NO_COLOR`).
public struct Attributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = Attributes(rawValue: 1 << 0)
    public static let reverse = Attributes(rawValue: 1 << 1)
    public static let underline = Attributes(rawValue: 1 << 2)
    public static let dim = Attributes(rawValue: 1 << 3)
}

/// What a cell means; a colour terminal maps each role to a colour pair, a monochrome one ignores it.
public enum ColorRole: UInt8, Hashable, Sendable, CaseIterable {
    case normal, title, status, focus, error, warning, success, muted, highlight, dialog
}

/// The look of one cell: attributes plus a colour role.
public struct Style: Hashable, Sendable {
    public var attributes: Attributes
    public var role: ColorRole
    public init(_ attributes: Attributes = [], role: ColorRole = .normal) {
        self.attributes = attributes
        self.role = role
    }
    public static let normal = Style()
    public static let bold = Style(.bold)
    public static let title = Style(.reverse, role: .title)
    public static let status = Style(.reverse, role: .status)
    public static let focus = Style(.reverse, role: .focus)
    public static let error = Style(.bold, role: .error)
    public static let warning = Style(.bold, role: .warning)
    public static let success = Style([], role: .success)
    public static let muted = Style(.dim, role: .muted)
    public static let highlight = Style([.bold, .underline], role: .highlight)
    public static let dialog = Style([], role: .dialog)
}
