/// Where an effective value came from, as the preview shows it (WizardCore.Provenance describes itself into one).
package struct SourceLabel: Hashable, Sendable {
    /// A few words for the list's narrow column.
    package var label: String
    /// The whole of it (a file's path and line), for the selected row's detail.
    package var full: String
    package init(_ label: String, full: String? = nil) {
        self.label = label
        self.full = full ?? label
    }
    package static let defaultValue = SourceLabel("default")
    package static let detected = SourceLabel("detected")
    package static let answerFile = SourceLabel("answer file")
    package static let operatorTyped = SourceLabel("typed")
}

/// One row of the configuration preview: a group heading or a value with its provenance.
package struct PreviewRow: Hashable, Sendable {
    package var id: String
    package var label: String
    package var value: String
    package var provenance: SourceLabel?
    /// A secret: the value is never drawn, only a mask.
    package var isMasked: Bool
    /// Why the value is missing or invalid; such rows are highlighted and reachable with `n`.
    package var problem: String?
    package var isHeading: Bool

    package init(id: String, label: String, value: String = "", provenance: SourceLabel? = nil,
                isMasked: Bool = false, problem: String? = nil, isHeading: Bool = false) {
        self.id = id
        self.label = label
        self.value = value
        self.provenance = provenance
        self.isMasked = isMasked
        self.problem = problem
        self.isHeading = isHeading
    }

    package static func heading(_ title: String) -> PreviewRow {
        PreviewRow(id: "heading:" + title, label: title, isHeading: true)
    }

    /// The value as shown: masked secrets show `********` whatever their length.
    package var shownValue: String { isMasked ? (value.isEmpty ? "" : "********") : value }
}

/// A scrolling list of preview rows with a selection; `n`/`p` jump to the next/previous problem.
package struct PreviewList: Hashable, Sendable {
    package var rows: [PreviewRow]
    package var viewport: ListViewport

    package init(rows: [PreviewRow], selected: Int = 0) {
        self.rows = rows
        self.viewport = ListViewport(count: rows.count, selected: selected)
    }

    package var problemCount: Int { rows.filter { $0.problem != nil }.count }
    package var selectedRow: PreviewRow? { rows.indices.contains(viewport.selected) ? rows[viewport.selected] : nil }

    /// Selects the next row with a problem after the selection (wrapping); false when there is none.
    @discardableResult
    package mutating func selectNextProblem(backwards: Bool = false) -> Bool {
        guard !rows.isEmpty else { return false }
        let n = rows.count
        for step in 1...n {
            let i = ((viewport.selected + (backwards ? -step : step)) % n + n) % n
            if rows[i].problem != nil { viewport.select(i); return true }
        }
        return false
    }

    package mutating func handle(_ key: Key, pageSize: Int = 10) -> WidgetResponse {
        switch key {
        case .character("n"): return selectNextProblem() ? .changed : .ignored
        case .character("p"): return selectNextProblem(backwards: true) ? .changed : .ignored
        case .enter:
            guard let row = selectedRow, !row.isHeading else { return .ignored }
            return .submitted(row.id)
        default:
            return viewport.handle(key, pageSize: pageSize) ? .changed : .ignored
        }
    }

    /// The selected row in full, wrapped to `width`: its label and whole value, then where it came from (or its
    /// problem). The list cuts long values, labels and file paths; this says them.
    package func detailLines(width: Int) -> [String] {
        guard let row = selectedRow, !row.isHeading, width > 8 else { return [] }
        let value = row.shownValue.isEmpty ? (row.problem == nil ? "(empty)" : "(no value)") : row.shownValue
        var lines = TextLayout.wrap("\(row.label): \(value)", width: width)
        let source = row.problem.map { "! \($0)" } ?? row.provenance.map { "[\($0.full)]" }
        guard let source else { return lines }
        // Where it came from goes on the value's last line when it fits there.
        if let last = lines.last, CellWidth.of(last) + 2 + CellWidth.of(source) <= width {
            lines[lines.count - 1] = last + "  " + source
        } else {
            lines += TextLayout.wrap(source, width: width)
        }
        return lines
    }

    /// Most lines the detail of the selected row takes below the list.
    static let detailHeight = 4

    /// Draws the rows: headings in bold, then `label  value  [provenance]`; a problem row is marked `!`
    /// and its reason replaces the provenance. A scroll position shows when the list is longer. Below the list
    /// the selected row is shown in full (wrapped), when the window has room for it.
    package func render(into frame: inout Frame, rect: Rect) {
        guard rect.height > 0, rect.width > 20 else { return }
        var listRect = rect
        let detail = rect.height >= 10 ? Array(detailLines(width: rect.width - 2).prefix(Self.detailHeight)) : []
        if !detail.isEmpty {
            listRect.height = rect.height - detail.count - 1
            let top = rect.row + listRect.height
            frame.put(String(repeating: "─", count: rect.width), row: top, column: rect.column, style: .muted)
            for (i, line) in detail.enumerated() {
                frame.put(line, row: top + 1 + i, column: rect.column + 1,
                          style: selectedRow?.problem != nil ? .error : .normal, maxWidth: rect.width - 1)
            }
        }
        renderList(into: &frame, rect: listRect)
    }

    func renderList(into frame: inout Frame, rect: Rect) {
        guard rect.height > 0 else { return }
        var viewport = self.viewport
        // A list longer than the window gives its last line to the scroll position.
        let overflows = rows.count > rect.height
        let range = viewport.visibleRange(height: overflows ? rect.height - 1 : rect.height)
        let labelWidth = min(max(rows.filter { !$0.isHeading }.map { CellWidth.of($0.label) }.max() ?? 0, 10), rect.width * 2 / 5)
        // The source column is as wide as its longest entry needs (up to a quarter): the value gets the rest.
        let sources = rows.filter { !$0.isHeading }.map { CellWidth.of($0.problem ?? $0.provenance.map { "[\($0.label)]" } ?? "") }
        let sourceWidth = min(max(sources.max() ?? 0, 9), 24, rect.width / 4)
        for (line, index) in range.enumerated() {
            let item = rows[index]
            let row = rect.row + line
            let selected = index == viewport.selected
            if item.isHeading {
                frame.put(TextLayout.truncate(item.label, width: rect.width - 2), row: row, column: rect.column,
                          style: selected ? .focus : Style([.bold, .underline]))
                continue
            }
            let marker = item.problem != nil ? "! " : "  "
            frame.put(marker, row: row, column: rect.column, style: .error)
            var column = rect.column + 2
            let base: Style = item.problem != nil ? .error : .normal
            let lineStyle: Style = selected ? Style(base.attributes.union(.reverse), role: .focus) : base
            let valueWidth = rect.width - 2 - labelWidth - 2 - sourceWidth - 1
            let text = TextLayout.pad(TextLayout.truncate(item.label, width: labelWidth), width: labelWidth) + "  "
                + TextLayout.pad(TextLayout.truncate(item.shownValue, width: valueWidth), width: valueWidth)
            column += frame.put(text, row: row, column: column, style: lineStyle)
            let source = item.problem ?? item.provenance.map { "[\($0.label)]" } ?? ""
            frame.put(" " + TextLayout.truncate(source, width: sourceWidth), row: row, column: column,
                      style: item.problem != nil ? .error : .muted)
        }
        if overflows {
            let position = "rows \(range.lowerBound + 1)-\(range.upperBound) of \(rows.count)"
            frame.put(position, row: rect.bottom - 1, column: rect.right - CellWidth.of(position), style: .muted)
        }
    }
}

/// Lines of plain text in a scrolling window (the answer-file lines a host will receive). Lines wider than the
/// window are never cut silently: they end in `…`, and ←/→ scroll sideways (a line scrolled into starts with `…`).
package struct TextPager: Hashable, Sendable {
    package var lines: [String]
    package private(set) var top: Int = 0
    /// Columns scrolled to the right.
    package private(set) var left: Int = 0
    /// How far one ←/→ moves.
    static let sideStep = 20

    package init(lines: [String]) { self.lines = lines }

    var widest: Int { lines.map { CellWidth.of($0) }.max() ?? 0 }

    package mutating func handle(_ key: Key, pageSize: Int, width: Int = 80) -> Bool {
        let last = max(0, lines.count - pageSize)
        switch key {
        case .up: top = max(0, top - 1)
        case .down: top = min(last, top + 1)
        case .pageUp: top = max(0, top - max(1, pageSize - 1))
        case .pageDown: top = min(last, top + max(1, pageSize - 1))
        case .home: top = 0; left = 0
        case .end: top = last
        case .right: left = min(max(0, widest - width + 2), left + Self.sideStep)
        case .left: left = max(0, left - Self.sideStep)
        default: return false
        }
        return true
    }

    /// Whether some line is wider than `width` (the view then says how to read it).
    package func hasCutLines(width: Int) -> Bool { widest > width }

    package func render(into frame: inout Frame, rect: Rect, style: Style = .normal) {
        let start = min(top, max(0, lines.count - rect.height))
        for (i, line) in lines.dropFirst(start).prefix(rect.height).enumerated() {
            var shown = line
            if left > 0 {
                let skipped = TextLayout.prefix(line, width: left)
                shown = skipped.count < line.count ? "…" + String(line.dropFirst(skipped.count + 1)) : ""
            }
            frame.put(TextLayout.truncate(shown, width: rect.width), row: rect.row + i, column: rect.column, style: style,
                      maxWidth: rect.width)
        }
    }
}
