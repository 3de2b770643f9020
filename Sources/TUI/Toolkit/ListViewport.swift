/// Selection and scroll offset of a list taller than its window.
package struct ListViewport: Hashable, Sendable {
    package private(set) var selected: Int
    package private(set) var offset: Int
    package private(set) var count: Int

    package init(count: Int, selected: Int = 0) {
        self.count = max(0, count)
        self.selected = count == 0 ? 0 : min(max(0, selected), count - 1)
        self.offset = 0
    }

    package mutating func select(_ index: Int) {
        guard count > 0 else { return }
        selected = min(max(0, index), count - 1)
    }

    /// Moves the selection for arrow, page, Home and End keys; returns false for other keys.
    package mutating func handle(_ key: Key, pageSize: Int) -> Bool {
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
    package mutating func visibleRange(height: Int) -> Range<Int> {
        guard height > 0, count > 0 else { return 0..<0 }
        if selected < offset { offset = selected }
        if selected >= offset + height { offset = selected - height + 1 }
        offset = max(0, min(offset, count - height))
        return offset..<min(count, offset + height)
    }
}
