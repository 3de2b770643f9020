/// A terminal size in character cells.
public struct Size: Hashable, Sendable, CustomStringConvertible {
    public var columns: Int
    public var rows: Int
    public init(columns: Int, rows: Int) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
    }
    /// The size every screen of the wizard is designed for.
    public static let minimum = Size(columns: 80, rows: 24)
    public func fits(_ other: Size) -> Bool { columns >= other.columns && rows >= other.rows }
    public var description: String { "\(columns)x\(rows)" }
}

/// A cell position: row and column from the top-left corner, zero-based.
public struct Point: Hashable, Sendable {
    public var row: Int
    public var column: Int
    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }
}

/// A rectangle of cells.
public struct Rect: Hashable, Sendable {
    public var row: Int
    public var column: Int
    public var width: Int
    public var height: Int
    public init(row: Int, column: Int, width: Int, height: Int) {
        self.row = row
        self.column = column
        self.width = max(0, width)
        self.height = max(0, height)
    }
    public var bottom: Int { row + height }
    public var right: Int { column + width }
    /// The rectangle shrunk by `by` cells on every side.
    public func inset(_ by: Int) -> Rect {
        Rect(row: row + by, column: column + by, width: width - 2 * by, height: height - 2 * by)
    }
    /// A rectangle of at most `width` x `height` centred in this one.
    public func centered(width w: Int, height h: Int) -> Rect {
        let cw = min(w, width), ch = min(h, height)
        return Rect(row: row + (height - ch) / 2, column: column + (width - cw) / 2, width: cw, height: ch)
    }
}
