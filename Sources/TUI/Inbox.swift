import Synchronization

/// Messages posted from other threads (SSH workers, timers) for the UI loop, which drains them every tick.
public final class Inbox<Message: Sendable>: Sendable {
    private let queue = Mutex<[Message]>([])
    public init() {}

    /// Posts a message; safe from any thread.
    public func post(_ message: Message) {
        queue.withLock { $0.append(message) }
    }

    /// Takes every message posted so far, oldest first.
    public func drain() -> [Message] {
        queue.withLock { messages in
            defer { messages.removeAll(keepingCapacity: true) }
            return messages
        }
    }
}
