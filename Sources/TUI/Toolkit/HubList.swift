/// How far a section (or a flow) of the wizard is.
package enum HubStatus: Hashable, Sendable {
    case done
    case needsAnswers
    case invalid
    /// Nothing to answer, and nothing known yet (the CPU check before the host was probed).
    case notChecked

    /// A word for the status, so it reads without colour.
    package var label: String {
        switch self {
        case .done: "done"
        case .needsAnswers: "needs answers"
        case .invalid: "invalid"
        case .notChecked: "not checked"
        }
    }

    package var glyph: String {
        switch self {
        case .done: "✓"
        case .needsAnswers: "•"
        case .invalid: "!"
        case .notChecked: "?"
        }
    }

    var style: Style {
        switch self {
        case .done: .success
        case .needsAnswers: .warning
        case .invalid: .error
        case .notChecked: .muted
        }
    }
}

/// One line of a hub: a flow or a section, its status and a one-line summary of its values.
package struct HubItem: Hashable, Sendable {
    package var id: String
    package var title: String
    package var status: HubStatus
    package var summary: String
    package init(id: String, title: String, status: HubStatus, summary: String) {
        self.id = id
        self.title = title
        self.status = status
        self.summary = summary
    }
}

/// The hub: a list of items, one selected; Enter opens it.
package struct HubList: Hashable, Sendable {
    package var items: [HubItem] { didSet { viewport = ListViewport(count: items.count, selected: viewport.selected) } }
    package var viewport: ListViewport
    /// Show the status glyph and word (a plain list of choices, such as the flows, has none).
    package var showsStatus: Bool

    package init(items: [HubItem], selected: Int = 0, showsStatus: Bool = true) {
        self.items = items
        self.viewport = ListViewport(count: items.count, selected: selected)
        self.showsStatus = showsStatus
    }

    package var selectedItem: HubItem? { items.indices.contains(viewport.selected) ? items[viewport.selected] : nil }

    package mutating func handle(_ key: Key, pageSize: Int = 10) -> WidgetResponse {
        if viewport.handle(key, pageSize: pageSize) { return .changed }
        if key == .enter, let item = selectedItem { return .submitted(item.id) }
        return .ignored
    }

    /// The selected item in full, wrapped: its title, status and whole summary (the rows cut them).
    package func detailLines(width: Int) -> [String] {
        guard let item = selectedItem, width > 8 else { return [] }
        let status = showsStatus ? " (\(item.status.label))" : ""
        return TextLayout.wrap("\(item.title)\(status): \(item.summary)", width: width)
    }

    static let detailHeight = 3

    /// Draws one row per item: marker, status glyph, title, status word, summary; below them, when there is
    /// room, the selected item in full.
    package func render(into frame: inout Frame, rect: Rect) {
        guard rect.height > 0 else { return }
        let detail = rect.height >= items.count + Self.detailHeight + 1 ? Array(detailLines(width: rect.width - 2).prefix(Self.detailHeight)) : []
        if !detail.isEmpty {
            let top = rect.bottom - detail.count - 1
            frame.put(String(repeating: "─", count: rect.width), row: top, column: rect.column, style: .muted)
            for (i, line) in detail.enumerated() {
                frame.put(line, row: top + 1 + i, column: rect.column + 1, style: .normal, maxWidth: rect.width - 1)
            }
        }
        renderRows(into: &frame, rect: detail.isEmpty ? rect
                   : Rect(row: rect.row, column: rect.column, width: rect.width, height: rect.height - detail.count - 1))
    }

    func renderRows(into frame: inout Frame, rect: Rect) {
        guard rect.height > 0 else { return }
        var viewport = self.viewport
        let titleWidth = min(max(items.map { CellWidth.of($0.title) }.max() ?? 0, 12), rect.width / 3)
        let statusWidth = 14
        for (line, index) in viewport.visibleRange(height: rect.height).enumerated() {
            let item = items[index]
            let row = rect.row + line
            let selected = index == viewport.selected
            var column = rect.column
            column += frame.put(selected ? "▸ " : "  ", row: row, column: column, style: .bold)
            if showsStatus { column += frame.put(item.status.glyph + " ", row: row, column: column, style: item.status.style) }
            let titleStyle: Style = selected ? .focus : .bold
            frame.put(TextLayout.pad(TextLayout.truncate(item.title, width: titleWidth), width: titleWidth),
                      row: row, column: column, style: titleStyle)
            column += titleWidth + 2
            if showsStatus {
                frame.put(TextLayout.pad(item.status.label, width: statusWidth), row: row, column: column, style: item.status.style)
                column += statusWidth + 1
            }
            let rest = rect.right - column
            if rest > 3 {
                frame.put(TextLayout.truncate(item.summary, width: rest), row: row, column: column, style: .muted)
            }
        }
    }
}
