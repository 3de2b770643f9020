/// One cell of a frame: a grapheme cluster and its style.
///
/// A wide character (2 columns) lives in its first cell; the cell to its right is a continuation
/// (`isContinuation`), which backends skip and the golden text omits.
package struct Cell: Hashable, Sendable {
    package var character: Character
    package var style: Style
    package var isContinuation: Bool
    package init(_ character: Character = " ", style: Style = .normal, isContinuation: Bool = false) {
        self.character = character
        self.style = style
        self.isContinuation = isContinuation
    }
    package static let blank = Cell()
}

/// A full screen of cells that views draw into and backends paint. Pure value: no terminal involved.
package struct Frame: Hashable, Sendable {
    package let size: Size
    package private(set) var cells: [Cell]
    /// Where the terminal cursor should be shown (a text field being edited), or nil to hide it.
    package var cursor: Point?

    package init(size: Size) {
        self.size = size
        self.cells = Array(repeating: .blank, count: size.columns * size.rows)
    }

    package var bounds: Rect { Rect(row: 0, column: 0, width: size.columns, height: size.rows) }

    package subscript(row: Int, column: Int) -> Cell {
        cells[row * size.columns + column]
    }

    /// The cells of one row.
    package func row(_ row: Int) -> ArraySlice<Cell> {
        cells[(row * size.columns)..<((row + 1) * size.columns)]
    }

    /// Writes `text` at a position, clipped to `maxWidth` columns and to the frame; a wide character that
    /// does not fit whole is replaced by spaces, never split. Control characters show as `?`.
    /// Returns the number of columns written.
    @discardableResult
    package mutating func put(_ text: String, row: Int, column: Int, style: Style = .normal, maxWidth: Int? = nil) -> Int {
        guard row >= 0, row < size.rows else { return 0 }
        let limit = min(size.columns, column + (maxWidth ?? size.columns))
        var col = column
        for character in text {
            guard col < limit else { break }
            let printable = CellWidth.isPrintable(character)
            let shown: Character = printable ? character : "?"
            let width = printable ? CellWidth.of(character) : 1
            if col < 0 { col += width; continue }
            if col + width > limit {
                // The wide character would be cut: pad the remaining columns instead.
                while col < limit { setCell(Cell(" ", style: style), row: row, column: col); col += 1 }
                break
            }
            setCell(Cell(shown, style: style), row: row, column: col)
            if width == 2 { setCell(Cell(" ", style: style, isContinuation: true), row: row, column: col + 1) }
            col += width
        }
        return max(0, col - column)
    }

    /// Fills a rectangle with a character (spaces by default) in a style.
    package mutating func fill(_ rect: Rect, with character: Character = " ", style: Style = .normal) {
        let r0 = max(0, rect.row), r1 = min(size.rows, rect.bottom)
        let c0 = max(0, rect.column), c1 = min(size.columns, rect.right)
        guard r0 < r1, c0 < c1 else { return }
        for r in r0..<r1 { for c in c0..<c1 { setCell(Cell(character, style: style), row: r, column: c) } }
    }

    /// Changes the style of existing cells in a rectangle, keeping their characters.
    package mutating func restyle(_ rect: Rect, _ transform: (Style) -> Style) {
        let r0 = max(0, rect.row), r1 = min(size.rows, rect.bottom)
        let c0 = max(0, rect.column), c1 = min(size.columns, rect.right)
        guard r0 < r1, c0 < c1 else { return }
        for r in r0..<r1 { for c in c0..<c1 { cells[r * size.columns + c].style = transform(cells[r * size.columns + c].style) } }
    }

    /// Sets one cell, repairing wide characters it overwrites half of.
    private mutating func setCell(_ cell: Cell, row: Int, column: Int) {
        let index = row * size.columns + column
        // Overwriting the continuation of a wide character: blank its first half.
        if cells[index].isContinuation && column > 0 && !cell.isContinuation {
            cells[index - 1] = Cell(" ", style: cells[index - 1].style)
        }
        // Overwriting the first half of a wide character: blank its continuation.
        if !cells[index].isContinuation && column + 1 < size.columns && cells[index + 1].isContinuation {
            cells[index + 1] = Cell(" ", style: cells[index + 1].style)
        }
        cells[index] = cell
    }

    /// The visible text of one row (continuation cells omitted), trailing spaces kept.
    package func text(ofRow row: Int) -> String {
        var line = ""
        for cell in self.row(row) where !cell.isContinuation { line.append(cell.character) }
        return line
    }

    /// The visible text of every row, trailing spaces trimmed.
    package var lines: [String] {
        (0..<size.rows).map { r in
            var line = text(ofRow: r)
            while line.last == " " { line.removeLast() }
            return line
        }
    }
}
