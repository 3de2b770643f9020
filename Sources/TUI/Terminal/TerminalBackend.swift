/// Where frames are painted and keys come from. The app loop only talks to this protocol, so screens
/// can run on a real terminal (`NcursesBackend`) or in memory (`MemoryBackend`, for tests).
package protocol TerminalBackend: AnyObject {
    /// The current size of the terminal.
    var size: Size { get }
    /// Paints a frame (only what changed since the last one needs to reach the terminal).
    func draw(_ frame: Frame)
    /// Throws away what the terminal shows and paints the last frame again in full (Ctrl-L).
    func redrawAll()
    /// Waits up to `timeoutMilliseconds` for a key; nil when none came.
    func readKey(timeoutMilliseconds: Int) -> Key?
}

/// A terminal in memory: keys are queued by the test, frames are kept for inspection.
package final class MemoryBackend: TerminalBackend {
    package private(set) var size: Size
    package private(set) var lastFrame: Frame?
    package private(set) var drawCount = 0
    package private(set) var fullRedrawCount = 0
    /// Keys in order; a resize carries the size it takes effect with when read, as with ncurses.
    private var pendingKeys: [(key: Key, size: Size?)] = []

    package init(size: Size) { self.size = size }

    /// Queues keys as if the operator typed them.
    package func type(_ keys: [Key]) { pendingKeys.append(contentsOf: keys.map { ($0, nil) }) }

    /// Queues every character of `text` as a key.
    package func type(_ text: String) { type(text.map { Key.character($0) }) }

    /// Queues a resize: when the loop reads it, the size changes and `.resize` is returned (as ncurses
    /// does after SIGWINCH).
    package func resize(to newSize: Size) {
        pendingKeys.append((.resize, newSize))
    }

    package var hasPendingKeys: Bool { !pendingKeys.isEmpty }

    package func draw(_ frame: Frame) {
        lastFrame = frame
        drawCount += 1
    }

    package func redrawAll() { fullRedrawCount += 1 }

    package func readKey(timeoutMilliseconds: Int) -> Key? {
        guard !pendingKeys.isEmpty else { return nil }
        let next = pendingKeys.removeFirst()
        if let newSize = next.size { size = newSize }
        return next.key
    }
}
