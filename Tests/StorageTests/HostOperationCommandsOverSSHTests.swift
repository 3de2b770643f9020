import Foundation
import HostOps
import LabHosts
import SSHKit
import Testing
@testable import WizardCore

/// The command lines of host operations sent through the one quoting to a real sshd: the scripts that take
/// their values as positional parameters must arrive word for word (tabs, quotes, `$(…)` in values).
@Suite("host operation commands over SSH", .serialized, .timeLimit(.minutes(5)))
struct HostOperationCommandsOverSSHTests {
    func run(_ operation: HostOperation, on ssh: SSHConnection) throws {
        for (index, command) in operation.commands.enumerated() {
            let output = try ssh.capture(command, options: ExecOptions(stdin: index == 0 ? operation.input : []))
            #expect(output.result.succeeded, "\(command): \(output.stderr)")
        }
    }

    @Test func hostsLinesAreAppendedOnceAndValuesStayInert() throws {
        let cluster = try LabCluster.start(hosts: 1)
        defer { cluster.stop() }
        var options = ConnectOptions()
        options.knownHostsPath = cluster.knownHostsPath
        options.configPath = cluster.root + "/no-ssh-config"
        options.homeDirectory = cluster.root
        options.identityFiles = [cluster.clientKey]
        options.useAgent = false
        let ssh = try SSHConnection.connect(SSHTarget(parsing: cluster.hosts[0].target), options: options)
        defer { ssh.close() }

        // A hosts file whose last line has no newline, as an editor may leave it.
        let hosts = cluster.root + "/hosts"
        try Data("127.0.0.1\tlocalhost".utf8).write(to: URL(fileURLWithPath: hosts))
        let line = "192.168.10.101\tgs1.example.com"
        let nasty = "10.0.0.9\tit's $(touch \(cluster.root)/pwned) `id` \"q\""
        for operation: HostOperation in [.appendLineIfAbsent(path: hosts, line: line), .appendLineIfAbsent(path: hosts, line: line),
                                            .appendLineIfAbsent(path: hosts, line: nasty)] {
            try run(operation, on: ssh)
        }
        #expect(try String(contentsOfFile: hosts, encoding: .utf8) == "127.0.0.1\tlocalhost\n\(line)\n\(nasty)\n")
        #expect(!FileManager.default.fileExists(atPath: cluster.root + "/pwned"))

        // A file is never overwritten: the second write fails and the first content stays.
        let file = cluster.root + "/it's a file"
        try run(.writeFile(path: file, contents: Array("one\n".utf8), mode: 0o640, uid: 36, gid: 36), on: ssh)
        let again = HostOperation.writeFile(path: file, contents: Array("two\n".utf8), mode: 0o640, uid: 36, gid: 36)
        let refused = try ssh.capture(again.commands[0], options: ExecOptions(stdin: again.input))
        #expect(!refused.result.succeeded)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "one\n")
    }
}
