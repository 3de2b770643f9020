import Foundation
import LabHosts
import Testing
@testable import SSHKit

@Suite("Exec against a real sshd", .serialized)
struct ExecTests {
    let cluster: LabCluster

    init() throws { cluster = try LabCluster.start(hosts: 1) }

    @Test func streamsStdoutAndStderrSeparately() throws {
        let connection = try connect(cluster)
        var lines: [(ExecStream, String)] = []
        let result = try connection.run(.script("echo out1; echo err1 >&2; printf 'no newline'")) { lines.append(($0, $1)) }
        #expect(result == ExecResult(exitStatus: 0, exitSignal: nil))
        #expect(lines.filter { $0.0 == .stdout }.map(\.1) == ["out1", "no newline"])
        #expect(lines.filter { $0.0 == .stderr }.map(\.1) == ["err1"])
    }
}
