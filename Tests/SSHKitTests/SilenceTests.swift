import Foundation
import HostOps
import LabHosts
import Testing
@testable import SSHKit

/// A host that stops answering (sshd frozen with SIGSTOP: TCP stays up, keepalive replies stop) is declared
/// lost after `keepaliveInterval * keepaliveCountMax` seconds of silence while a command waits on it; a
/// connection that merely sat idle between commands is not.
@Suite("Silent hosts", .serialized, .timeLimit(.minutes(5)))
struct SilenceTests {
    func options(_ cluster: LabCluster) -> ConnectOptions {
        var options = labOptions(cluster)
        options.keepaliveInterval = 1
        options.keepaliveCountMax = 2
        return options
    }

    @Test func aFrozenHostFailsTheRunningCommand() throws {
        let cluster = try LabCluster.start(hosts: 1)
        defer { cluster.stop() }
        let connection = try connect(cluster, options: options(cluster))
        defer { connection.close() }
        let freezer = Thread {
            usleep(500_000)
            cluster.hosts[0].pause()
        }
        freezer.start()
        defer { cluster.hosts[0].resume() }
        do {
            _ = try connection.capture(RemoteCommand("sleep", "20"))
            Issue.record("the command on a frozen host returned")
        } catch let error as SSHError {
            guard case .connectionLost(let host, let detail) = error else {
                Issue.record("expected connectionLost, got \(error)")
                return
            }
            #expect(host == cluster.hosts[0].address)
            #expect(detail.contains("no reply for 4 s (2 keepalives every 1 s unanswered)"), "\(detail)")
        }
        // The connection stays failed: the next command does not wait again.
        #expect(throws: SSHError.self) { _ = try connection.capture(RemoteCommand("true")) }
    }

    @Test func anIdleConnectionIsNotSilent() throws {
        let cluster = try LabCluster.start(hosts: 1)
        defer { cluster.stop() }
        let connection = try connect(cluster, options: options(cluster))
        defer { connection.close() }
        #expect(try connection.capture(RemoteCommand("true")).result.succeeded)
        sleep(4)   // longer than the silence limit, with nothing asked of the host
        #expect(try connection.capture(RemoteCommand("echo", "still here")).stdout == "still here\n")
        // A quiet command longer than the limit is fine while keepalives are answered.
        #expect(try connection.capture(RemoteCommand("sleep", "4")).result.succeeded)
    }
}
