/// A choice among a few options (yes/no, a list of values), moved with arrows, picked with Enter
/// or by typing an option's first letter.
package struct ChoiceList: Hashable, Sendable {
    package var options: [String]
    package private(set) var selected: Int
    /// Draw the options on one line (yes/no) instead of one per row.
    package var horizontal: Bool
    /// Nothing is chosen yet (no default to offer): the cursor shows where the arrows are, Enter chooses nothing
    /// until a key moves, picks (Space) or types a value.
    package var isUnset = false

    package init(options: [String], selected: Int = 0, horizontal: Bool = false) {
        self.options = options
        self.selected = options.isEmpty ? 0 : min(max(0, selected), options.count - 1)
        self.horizontal = horizontal
    }

    /// A Yes/No choice; `defaultYes` picks which is selected first.
    package static func yesNo(defaultYes: Bool) -> ChoiceList {
        ChoiceList(options: ["Yes", "No"], selected: defaultYes ? 0 : 1, horizontal: true)
    }

    package var selectedOption: String? { options.indices.contains(selected) ? options[selected] : nil }

    package mutating func select(_ option: String) {
        if let i = options.firstIndex(of: option) { selected = i; isUnset = false }
    }

    package mutating func handle(_ key: Key) -> WidgetResponse {
        if isUnset {
            if key == .enter { return .ignored }
            if key == .character(" ") { isUnset = false; return .changed }
        }
        let response = move(key)
        if response == .changed { isUnset = false }
        return response
    }

    mutating func move(_ key: Key) -> WidgetResponse {
        let previousKey: Key = horizontal ? .left : .up
        let nextKey: Key = horizontal ? .right : .down
        switch key {
        case previousKey:
            guard selected > 0 else { return .ignored }
            selected -= 1
        case nextKey:
            guard selected + 1 < options.count else { return .ignored }
            selected += 1
        case .home: selected = 0
        case .end: selected = max(0, options.count - 1)
        case .character(" "): return .changed
        case .character(let c):
            let letter = String(c).lowercased()
            guard let i = options.firstIndex(where: { $0.lowercased().hasPrefix(letter) }) else { return .ignored }
            selected = i
        case .enter:
            return selectedOption.map { .submitted($0) } ?? .ignored
        default:
            return .ignored
        }
        return .changed
    }

    /// Draws `(•) option` markers, on one row or one row per option. Returns the rows used.
    @discardableResult
    package func render(into frame: inout Frame, rect: Rect, focused: Bool) -> Int {
        var row = rect.row, column = rect.column
        // A vertical list taller than its space scrolls so that the selection stays visible.
        let first = horizontal || options.count <= rect.height ? 0 : max(0, min(selected - rect.height + 1, options.count - rect.height))
        for (i, option) in options.enumerated() where i >= first {
            let isSelected = i == selected
            let label = (isSelected && !isUnset ? "(•) " : "( ) ") + option
            let style: Style = isSelected ? (focused ? .focus : .bold) : .normal
            if horizontal {
                if column + CellWidth.of(label) > rect.right { break }
                column += frame.put(label, row: row, column: column, style: style) + 3
            } else {
                guard row < rect.bottom else { break }
                frame.put(label, row: row, column: column, style: style, maxWidth: rect.width)
                row += 1
            }
        }
        return horizontal ? 1 : row - rect.row
    }
}
