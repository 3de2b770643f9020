import Synchronization

/// Messages posted from other threads (SSH workers, timers) for the UI loop, which drains them every tick.
package final class Inbox<Message: Sendable>: Sendable {
    private let queue = Mutex<[Message]>([])
    package init() {}

    /// Posts a message; safe from any thread.
    package func post(_ message: Message) {
        queue.withLock { $0.append(message) }
    }

    /// Takes every message posted so far, oldest first.
    package func drain() -> [Message] {
        queue.withLock { messages in
            defer { messages.removeAll(keepingCapacity: true) }
            return messages
        }
    }
}
