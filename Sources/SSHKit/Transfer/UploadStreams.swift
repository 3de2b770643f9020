import CLibssh2
import Foundation
import Synchronization

/// What one upload channel can have in flight on this link: the host's channel window, and the round trip after
/// which the host's window adjustments arrive. One channel moves at most `window / roundTrip` bytes a second
/// (OpenSSH's sshd grants 2 MiB: 200 MB/s at 10 ms, 20 MB/s at 100 ms), which is what caps `scp` on a long link.
package struct LinkProbe: Sendable, Equatable {
    package var roundTrip: Duration
    /// The window the host granted a fresh channel, when it granted one at once. OpenSSH's sshd opens a session
    /// channel with none and grants its 2 MiB only once a command runs: nil then, and 2 MiB is assumed.
    package var window: Int?

    package init(roundTrip: Duration, window: Int?) {
        self.roundTrip = roundTrip
        self.window = window
    }
}

/// How many connections a large upload spreads over, from what the link was measured to allow.
package enum UploadStreams {
    /// Fewer bytes left to send go over the one connection: extra handshakes would cost more than they save.
    static let minimumFileBytes: Int64 = 64 << 20
    /// Connections the caller handed in (already open) share the bytes left from this much on.
    static let minimumSharedBytes: Int64 = 16 << 20
    /// The rate the streams together should be able to carry. Above what libssh2 1.10 encrypts here (about 250 MB/s
    /// on 2 cores), so that the window is never what limits an upload; a slower link is limited by TCP as for scp.
    static let targetBytesPerSecond = 256e6
    /// At least 2: libssh2 1.10 encrypts block by block, so one connection is bound to one core's worth of CPU.
    static let minimum = 2
    /// At most 8 connections being set up at once: sshd's default MaxStartups (10) drops further unauthenticated
    /// connections at random.
    static let maximum = 8
    /// OpenSSH's session channel window (CHAN_SES_WINDOW_DEFAULT), for a host that did not say.
    static let assumedWindow = 2 << 20

    /// Enough connections that their windows cover `targetBytesPerSecond` times the round trip.
    package static func count(for link: LinkProbe) -> Int {
        let seconds = Double(link.roundTrip.components.seconds) + Double(link.roundTrip.components.attoseconds) / 1e18
        let inFlight = targetBytesPerSecond * seconds
        let needed = Int((inFlight / Double(max(link.window ?? assumedWindow, 32 * 1024))).rounded(.up))
        return min(maximum, max(minimum, needed))
    }
}

extension SSHConnection {
    /// Measures the link by opening two session channels, one after the other (one round trip each: sshd confirms
    /// without starting anything), and reads the window the host grants a fresh channel; then closes them. The
    /// shorter open counts: the first reply can wait up to 40 ms on loopback (sshd's Nagle behind our delayed ACK of
    /// its last message). Caller holds the lock.
    func probeLinkLocked() throws -> LinkProbe {
        let deadline = Deadline(seconds: 30)
        let session = session
        var roundTrip = Duration.seconds(3600)
        var window: Int?
        for _ in 0..<2 {
            let opening = ContinuousClock.now
            let channel = try retrying("opening a channel to measure the link", deadline: deadline) { shim_channel_open_session(session) }
            roundTrip = min(roundTrip, ContinuousClock.now - opening)
            // What we may send before the host's first window adjustment (the initial value libssh2 offers is ours).
            let granted = Int(libssh2_channel_window_write_ex(channel, nil))
            window = granted > 0 ? granted : nil
            let rc = try retrying("closing the channel that measured the link", deadline: deadline) { libssh2_channel_free(channel) }
            if rc != 0 { throw failure(rc, doing: "closing the channel that measured the link") }
        }
        return LinkProbe(roundTrip: roundTrip, window: window)
    }

    /// Opens up to `count` more connections to this host, as this one was opened, at the same time (each handshake
    /// waits on the host). The host key must be the one known_hosts holds now (this connection's, accepted or
    /// recorded already). One that cannot be opened is simply not used.
    func openSiblings(_ count: Int) -> [SSHConnection] {
        guard count > 0 else { return [] }
        var strict = connectOptions
        strict.hostKeyPolicy = .strict
        let options = strict
        let opened = OpenedConnections()
        let group = DispatchGroup()
        let target = requested
        for _ in 0..<count {
            group.enter()
            Thread {
                defer { group.leave() }
                if let sibling = try? SSHConnection.connect(target, options: options) { opened.list.withLock { $0.append(sibling) } }
            }.start()
        }
        group.wait()
        return opened.list.withLock { $0 }
    }
}

/// The connections an upload spreads over besides its own: the caller's, or else siblings opened once the resume
/// check has said how many bytes are left, so that a resumed upload with little left neither measures the link
/// nor opens connections it would not use. Used by the thread that holds the uploading connection's lock.
final class UploadHelpers {
    private let given: [SSHConnection]
    private let streams: Int?
    /// The siblings this upload opened: closed when it ends.
    private(set) var opened: [SSHConnection] = []
    /// The link measured to size the siblings, when it was measured.
    private(set) var link: LinkProbe?

    /// `given`: the caller's connections (none: open siblings when worth it); `streams`: `UploadOptions.streams`.
    init(given: [SSHConnection], streams: Int?) {
        self.given = given
        self.streams = streams
    }

    /// The connections besides `connection` that send parts of the `remaining` bytes: the caller's when 16 MiB or
    /// more are left; without any, for 64 MiB or more left, siblings opened now, as many as `streams` asks or the
    /// measured link needs. Call once per upload; caller holds `connection`'s lock.
    func connections(besides connection: SSHConnection, remaining: Int64) throws -> [SSHConnection] {
        guard given.isEmpty else {
            return remaining >= UploadStreams.minimumSharedBytes ? given.filter { $0 !== connection } : []
        }
        guard streams != 1, remaining >= UploadStreams.minimumFileBytes else { return [] }
        let probe = try connection.probeLinkLocked()
        link = probe
        opened = connection.openSiblings(streams.map { $0 - 1 } ?? UploadStreams.count(for: probe) - 1)
        return opened
    }

    func close() { opened.forEach { $0.close() } }
}

/// The connections the threads of `openSiblings` managed to open.
private final class OpenedConnections: Sendable {
    let list = Mutex<[SSHConnection]>([])
}
