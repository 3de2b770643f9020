/// Terminal attributes. Every screen must stay readable with attributes alone (monochrome, `NO_COLOR`).
package struct Attributes: OptionSet, Hashable, Sendable {
    package let rawValue: UInt8
    package init(rawValue: UInt8) { self.rawValue = rawValue }
    package static let bold = Attributes(rawValue: 1 << 0)
    package static let reverse = Attributes(rawValue: 1 << 1)
    package static let underline = Attributes(rawValue: 1 << 2)
    package static let dim = Attributes(rawValue: 1 << 3)
}

/// What a cell means; a colour terminal maps each role to a colour pair, a monochrome one ignores it.
package enum ColorRole: UInt8, Hashable, Sendable, CaseIterable {
    case normal, title, status, focus, error, warning, success, muted, highlight, dialog
}

/// The look of one cell: attributes plus a colour role.
package struct Style: Hashable, Sendable {
    package var attributes: Attributes
    package var role: ColorRole
    package init(_ attributes: Attributes = [], role: ColorRole = .normal) {
        self.attributes = attributes
        self.role = role
    }
    package static let normal = Style()
    package static let bold = Style(.bold)
    package static let title = Style(.reverse, role: .title)
    package static let status = Style(.reverse, role: .status)
    package static let focus = Style(.reverse, role: .focus)
    package static let error = Style(.bold, role: .error)
    package static let warning = Style(.bold, role: .warning)
    package static let success = Style([], role: .success)
    package static let muted = Style(.dim, role: .muted)
    package static let highlight = Style([.bold, .underline], role: .highlight)
    package static let dialog = Style([], role: .dialog)
}
