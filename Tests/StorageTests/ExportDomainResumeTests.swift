import Deploy
import Foundation
import LabHosts
import Testing
@testable import WizardCore

/// `export-domain create` runs through the deployment runner: a wizard killed (SIGKILL) in the middle of the
/// domain leaves a journal, and `--resume` finishes the domain without redoing a step whose effect the server
/// already shows, against a real sshd on loopback.
@Suite("export domain resumed after a kill", .serialized, .timeLimit(.minutes(5)))
struct ExportDomainResumeTests {
    @Test func aKilledRunResumesAndTheDomainVerifies() throws {
        let cluster = try LabCluster.start(hosts: 1)
        defer { cluster.stop() }
        let host = cluster.hosts[0]
        let exportRoot = cluster.root + "/nfs_exports"
        try FileManager.default.createDirectory(atPath: exportRoot, withIntermediateDirectories: false)
        let uuid = "37e0e64b-5445-4bc3-8675-ceff4637e8e3"
        let answers = cluster.root + "/export.conf"
        let lines = ["192.168.1.108", exportRoot, "Resumed", uuid, "Yes"]
        let plain = try StorageCLI.run(["plain", "--flow", "export-domain", "--offline", "--screens", ExportDomainOverSSHTests.screens,
                                        "--output", answers], input: Data((lines.joined(separator: "\n") + "\n").utf8))
        #expect(plain.status == 0, "\(plain.stdout)\(plain.stderr)")

        // The server's `ln` (first in the lab sessions' PATH) logs each file it puts in place; while the block file
        // exists, the link of the metadata file hangs, then fails: the wizard is killed during that step.
        let block = cluster.root + "/block-ln"
        let linked = cluster.root + "/linked.log"
        let metadata = "\(exportRoot)/\(uuid)/dom_md/metadata"
        let wrapper = host.binDirectory + "/ln"
        try """
            #!/bin/sh
            if [ "$3" = '\(metadata)' ] && [ -e '\(block)' ]; then
                while [ -e '\(block)' ]; do sleep 0.1; done
                exit 1
            fi
            /bin/ln "$@" && echo "$3" >> '\(linked)'
            """.write(toFile: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper, 0o755)
        _ = FileManager.default.createFile(atPath: block, contents: Data())

        let ssh = ["--plain", "--host", host.target, "-i", cluster.clientKey, "--known-hosts", cluster.knownHostsPath,
                   "--ssh-config", cluster.root + "/no-ssh-config"]
        let killed = try StorageCLI.start(["export-domain", "create", "--answers", answers] + ssh)
        let seen = killed.readStdout(until: "step 8/12 write \(metadata)", timeout: 60)
        #expect(seen.contains("step 8/12"), "\(seen)")
        kill(killed.process.processIdentifier, SIGKILL)
        killed.process.waitUntilExit()
        #expect(killed.process.terminationReason == .uncaughtSignal)
        try FileManager.default.removeItem(atPath: block)
        #expect(!FileManager.default.fileExists(atPath: metadata))

        // The journal of the killed run is there: without --resume the wizard refuses to start over it.
        let journal = answers + ".deploy/journal.jsonl"
        let again = try StorageCLI.run(["export-domain", "create", "--answers", answers] + ssh)
        #expect(again.status == 2, "\(again.stdout)\(again.stderr)")
        #expect(again.stderr.contains("--resume"), "\(again.stderr)")

        let resumed = try StorageCLI.run(["export-domain", "create", "--answers", answers, "--resume"] + ssh)
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.contains("created export domain \(uuid) in \(host.target):\(exportRoot) and verified it"), "\(resumed.stdout)")

        // The resumed run verified the 7 steps that were done and ran the other 5; every file was put in place
        // exactly once.
        let records = Journal.read(path: journal).records
        let lastStart = try #require(records.lastIndex { $0.kind == .runStarted })
        let ended = records[lastStart...].filter { $0.kind == .stepEnded }
        #expect(ended.map(\.index) == Array(1...12).map(Optional.some))
        #expect(ended.prefix(7).allSatisfy { $0.status == .verified }, "\(ended.map { "\($0.step ?? "") \(String(describing: $0.status))" })")
        #expect(ended.suffix(5).allSatisfy { $0.status == .done }, "\(ended.map { "\($0.step ?? "") \(String(describing: $0.status))" })")
        let links = try String(contentsOfFile: linked, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(links == ["ids", "inbox", "outbox", "leases", "metadata"].map { "\(exportRoot)/\(uuid)/dom_md/\($0)" })

        // vdsm's view of the result, and the verify command.
        guard case .valid(let values) = StorageDomainMetadataVerifier.verify(try LocalStorageWriter.readFile(metadata)).outcome else {
            Issue.record("metadata does not verify")
            return
        }
        #expect(values.values["DESCRIPTION"] == "Resumed" && values.values["SDUUID"] == uuid)
        #expect(try StorageCLI.run(["export-domain", "verify", metadata]).status == 0)
        let info = try ExportDomainOverSSHTests.stat(metadata)
        #expect(info.mode == 0o644 && info.uid == 36 && info.gid == 36, "\(info)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: exportRoot + "/\(uuid)/dom_md").sorted()
                == ["ids", "inbox", "leases", "metadata", "outbox"])
    }
}

extension StorageCLI {
    /// The built `ovirt-wizard` started with stdin from /dev/null; stdout is read by `readStdout`.
    final class Running {
        let process = Process()
        let output = Pipe()
        private var text = ""

        /// Reads standard output until it contains `marker` or `timeout` seconds passed; what was read.
        func readStdout(until marker: String, timeout: Double) -> String {
            let deadline = Date().addingTimeInterval(timeout)
            let handle = output.fileHandleForReading
            while !text.contains(marker) && Date() < deadline {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            return text
        }
    }

    static func start(_ arguments: [String]) throws -> Running {
        let running = Running()
        running.process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ovirt-wizard")
        running.process.arguments = arguments
        running.process.standardOutput = running.output
        running.process.standardError = FileHandle.nullDevice
        running.process.standardInput = FileHandle.nullDevice
        try running.process.run()
        return running
    }
}
