/// Selection and scroll offset of a list taller than its window.
public struct ListViewport: Hashable, Sendable {
    public private(set) var selected: Int
    public private(set) var offset: Int
    public private(set) var count: Int

    public init(count: Int, selected: Int = 0) {
        self.count = max(0, count)
        self.selected = count == 0 ? 0 : min(max(0, selected), count - 1)
        self.offset = 0
    }

    public mutating func select(_ index: Int) {
        guard count > 0 else { return }
        selected = min(max(0, index), count - 1)
    }

    /// Moves the selection for arrow, page, Home and End keys; returns false for other keys.
    public mutating func handle(_ key: Key, pageSize: Int) -> Bool {
        switch key {
        case .up, .backTab: select(selected - 1)
        case .down, .tab: select(selected + 1)
        case .pageUp: select(selected - max(1, pageSize - 1))
        case .pageDown: select(selected + max(1, pageSize - 1))
        case .home: select(0)
        case .end: select(count - 1)
        default: return false
        }
        return true
    }

    /// The rows to show in a window of `height` rows, scrolled the least to keep the selection visible.
    public mutating func visibleRange(height: Int) -> Range<Int> {
        guard height > 0, count > 0 else { return 0..<0 }
        if selected < offset { offset = selected }
        if selected >= offset + height { offset = selected - height + 1 }
        offset = max(0, min(offset, count - height))
        return offset..<min(count, offset + height)
    }
}
