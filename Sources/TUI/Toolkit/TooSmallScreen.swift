/// The screen shown instead of a broken layout when the terminal is below the minimum size.
package enum TooSmallScreen {
    /// The message, one sentence per line.
    package static func message(size: Size, minimum: Size = .minimum) -> [String] {
        ["Terminal too small.",
         "Please enlarge it to at least \(minimum.columns)x\(minimum.rows) (now \(size.columns)x\(size.rows)).",
         "Nothing typed is lost. Ctrl-C quits."]
    }

    package static func render(size: Size, minimum: Size = .minimum) -> Frame {
        var frame = Frame(size: size)
        let lines = message(size: size, minimum: minimum).flatMap { TextLayout.wrap($0, width: max(1, size.columns - 2)) }
        let top = max(0, (size.rows - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < size.rows {
            let column = max(0, (size.columns - CellWidth.of(line)) / 2)
            frame.put(line, row: top + i, column: column, style: i == 0 ? .bold : .normal)
        }
        return frame
    }
}
