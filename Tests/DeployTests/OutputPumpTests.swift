import Foundation
import SSHKit
import Synchronization
import Testing
@testable import Deploy

@Suite("output pump")
struct OutputPumpTests {
    /// Reads handled on the pump's thread, in order, all of them before `finish` returns.
    final class Seen: Sendable {
        let reads = Mutex<[(ExecStream, [UInt8])]>([])
        let threads = Mutex<Set<UInt>>([])
    }

    @Test("every read is handled in order, on another thread, before finish returns, even when the queue is full")
    func readsInOrder() {
        let seen = Seen()
        // A limit smaller than one read: every push after the first waits for the pump.
        let pump = OutputPump(limit: 3) { stream, bytes in
            seen.threads.withLock { _ = $0.insert(UInt(pthread_self())) }
            if bytes.first == 0 { usleep(1000) }   // a slow handler: the reader must wait, not drop
            seen.reads.withLock { $0.append((stream, bytes)) }
        }
        var sent: [(ExecStream, [UInt8])] = []
        for i in 0..<500 {
            let read = (i % 3 == 0 ? ExecStream.stderr : .stdout, [UInt8(i % 7), UInt8(i & 0xFF), UInt8(i >> 8), 1, 2])
            sent.append(read)
            pump.push(read.0, read.1)
        }
        pump.finish()
        let reads = seen.reads.withLock { $0 }
        #expect(reads.count == sent.count)
        #expect(zip(reads, sent).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 })
        let handlers = seen.threads.withLock { $0 }
        #expect(handlers.count == 1 && !handlers.contains(UInt(pthread_self())))
    }

    /// The pump's thread yields to the reader (SCHED_BATCH, nice +12); the reading thread keeps its own class and nice.
    @Test("the pump's thread runs as a batch thread at a lower priority than the reader's")
    func pumpYieldsToTheReader() {
        let seen = Mutex<(policy: Int32, nice: Int32)?>(nil)
        let readerBefore = (sched_getscheduler(0), getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))
        let pump = OutputPump { _, _ in
            errno = 0
            let nice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
            seen.withLock { $0 = (sched_getscheduler(0), errno == 0 ? nice : -100) }
        }
        pump.push(.stdout, [1])
        pump.finish()
        let pumpThread = seen.withLock { $0 }
        #expect(pumpThread?.policy == 3)   // SCHED_BATCH
        #expect(pumpThread?.nice == min(19, readerBefore.1 + OutputPump.pumpNice))
        #expect(sched_getscheduler(0) == readerBefore.0)
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) == readerBefore.1)
    }

    @Test("a command that prints nothing finishes at once and calls nothing")
    func nothingPrinted() {
        let seen = Seen()
        let pump = OutputPump { stream, bytes in seen.reads.withLock { $0.append((stream, bytes)) } }
        pump.finish()
        pump.finish()
        #expect(seen.reads.withLock { $0 }.isEmpty)
    }
}
