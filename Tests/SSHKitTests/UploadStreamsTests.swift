import Testing
@testable import SSHKit

/// How many connections a large upload uses, from the round trip and the channel window the host grants.
@Suite struct UploadStreamsTests {
    static let sshdWindow = 2 << 20   // OpenSSH's session channel window

    @Test(arguments: [
        (Duration.microseconds(100), sshdWindow as Int?, 2),   // loopback: the CPU minimum
        (.milliseconds(10), sshdWindow, 2),            // 256 MB/s x 10 ms = 2.6 MB: two windows
        (.milliseconds(20), sshdWindow, 3),            // 5.1 MB
        (.milliseconds(50), sshdWindow, 7),            // 12.8 MB
        (.milliseconds(100), sshdWindow, 8),           // 25.6 MB: capped by sshd's MaxStartups
        (.milliseconds(50), 16 << 20, 2),              // a host granting a large window needs no more
        (.milliseconds(50), nil, 7),                   // sshd grants none before a command runs: 2 MiB assumed
        (.seconds(2), 1, 8),                           // a tiny window: as many as allowed
    ])
    func countCoversTheLink(roundTrip: Duration, window: Int?, expected: Int) {
        #expect(UploadStreams.count(for: LinkProbe(roundTrip: roundTrip, window: window)) == expected)
    }
}
