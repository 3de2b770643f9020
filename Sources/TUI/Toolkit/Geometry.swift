/// A terminal size in character cells.
package struct Size: Hashable, Sendable, CustomStringConvertible {
    package var columns: Int
    package var rows: Int
    package init(columns: Int, rows: Int) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
    }
    /// The size every screen of the wizard is designed for.
    package static let minimum = Size(columns: 80, rows: 24)
    package func fits(_ other: Size) -> Bool { columns >= other.columns && rows >= other.rows }
    package var description: String { "\(columns)x\(rows)" }
}

/// A cell position: row and column from the top-left corner, zero-based.
package struct Point: Hashable, Sendable {
    package var row: Int
    package var column: Int
    package init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }
}

/// A rectangle of cells.
package struct Rect: Hashable, Sendable {
    package var row: Int
    package var column: Int
    package var width: Int
    package var height: Int
    package init(row: Int, column: Int, width: Int, height: Int) {
        self.row = row
        self.column = column
        self.width = max(0, width)
        self.height = max(0, height)
    }
    package var bottom: Int { row + height }
    package var right: Int { column + width }
    /// The rectangle shrunk by `by` cells on every side.
    package func inset(_ by: Int) -> Rect {
        Rect(row: row + by, column: column + by, width: width - 2 * by, height: height - 2 * by)
    }
    /// A rectangle of at most `width` x `height` centred in this one.
    package func centered(width w: Int, height h: Int) -> Rect {
        let cw = min(w, width), ch = min(h, height)
        return Rect(row: row + (height - ch) / 2, column: column + (width - cw) / 2, width: cw, height: ch)
    }
}
