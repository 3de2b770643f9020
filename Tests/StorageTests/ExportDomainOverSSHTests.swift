import Deploy
import Foundation
import LabHosts
import Testing
@testable import WizardCore

/// The whole path an operator takes: the export-domain flow answered through `plain`, then
/// `export-domain create --answers FILE --host …` against a real OpenSSH sshd on loopback, which creates
/// the domain in a directory of the lab host (this machine) that is then inspected from here.
@Suite("export domain over SSH", .serialized, .timeLimit(.minutes(5)))
struct ExportDomainOverSSHTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let screens = repository.appendingPathComponent("Screens").path

    let cluster: LabCluster
    let exportRoot: String

    init() throws {
        cluster = try LabCluster.start(hosts: 1)
        exportRoot = cluster.root + "/nfs_exports"
        try FileManager.default.createDirectory(atPath: exportRoot, withIntermediateDirectories: false)
    }

    var ssh: [String] {
        ["--host", cluster.hosts[0].target, "-i", cluster.clientKey, "--known-hosts", cluster.knownHostsPath,
         "--ssh-config", cluster.root + "/no-ssh-config"]
    }

    /// Answers the flow as an operator piping lines would; returns the answer file.
    func answerFile(description: String, uuid: String) throws -> String {
        let path = cluster.root + "/export-\(uuid).conf"
        let lines = ["192.168.1.108", exportRoot, description, uuid, "Yes"]
        let r = try StorageCLI.run(["plain", "--flow", "export-domain", "--offline", "--screens", Self.screens, "--output", path],
                                   input: Data((lines.joined(separator: "\n") + "\n").utf8))
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        return path
    }

    @Test func createsVerifiesAndRefusesASecondDomain() throws {
        defer { cluster.stop() }
        let uuid = "37e0e64b-5445-4bc3-8675-ceff4637e8e3"
        let answers = try answerFile(description: "导出域 Export", uuid: uuid)
        let made = try StorageCLI.run(["export-domain", "create", "--answers", answers] + ssh)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("created export domain \(uuid) in \(cluster.hosts[0].target):\(exportRoot) and verified it"))

        // What vdsm would find, looked at directly on the lab host's file system.
        let layout = try ExportDomainLayout(request: ExportDomainMetadataRequest(
            sdUUID: uuid, remotePath: "192.168.1.108:\(exportRoot)", description: "导出域 Export"))
        for operation in layout.operations(exportRoot: exportRoot) {
            switch operation {
            case let .createDirectory(path, mode, uid, gid):
                let info = try Self.stat(path)
                #expect(info.isDirectory, "\(path)")
                #expect(info.mode == mode && info.uid == uid && info.gid == gid, "\(path): \(info)")
            case let .writeFile(path, contents, mode, uid, gid):
                let info = try Self.stat(path)
                #expect(!info.isDirectory && info.size == contents.count, "\(path): \(info)")
                #expect(info.mode == mode && info.uid == 36 && info.gid == 36 && uid == 36 && gid == 36, "\(path): \(info)")
                #expect(try LocalStorageWriter.readFile(path) == contents, "\(path)")
            default:
                Issue.record("unexpected operation \(operation)")
            }
        }
        let leases = try LocalStorageWriter.readFile("\(exportRoot)/\(uuid)/dom_md/leases")
        #expect(leases.count == 512 && leases == SafeLease.freeBlock)
        let metadataPath = "\(exportRoot)/\(uuid)/dom_md/metadata"
        guard case .valid(let metadata) = StorageDomainMetadataVerifier.verify(try LocalStorageWriter.readFile(metadataPath)).outcome else {
            Issue.record("metadata does not verify")
            return
        }
        #expect(metadata.values["DESCRIPTION"] == "导出域 Export")
        #expect(metadata.values["REMOTE_PATH"] == "192.168.1.108:\(exportRoot)")
        let verified = try StorageCLI.run(["export-domain", "verify", metadataPath])
        #expect(verified.status == 0, "\(verified.stderr)")

        // A second domain in the same export would be invisible to vdsm: refused before anything is written.
        let other = "0f0e0d0c-0b0a-4908-8706-050403020100"
        let second = try StorageCLI.run(["export-domain", "create", "--answers", try answerFile(description: "Second", uuid: other)] + ssh)
        #expect(second.status == 1)
        #expect(second.stderr.contains("\(exportRoot) already holds \(uuid)"), "\(second.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(exportRoot)/\(other)"))
    }

    @Test func aMissingExportDirectoryIsNamed() throws {
        defer { cluster.stop() }
        let r = try StorageCLI.run(["export-domain", "create", "--uuid", "37e0e64b-5445-4bc3-8675-ceff4637e8e3",
                                    "--remote-path", "nfs:/nope", "--export-dir", cluster.root + "/nope"] + ssh)
        #expect(r.status == 1)
        #expect(r.stderr.contains("cannot list the export directory \(cluster.root)/nope"), "\(r.stderr)")
    }

    @Test func anUnknownHostKeyIsRefusedWithoutAcceptNew() throws {
        defer { cluster.stop() }
        let empty = cluster.root + "/empty_known_hosts"
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        let r = try StorageCLI.run(["export-domain", "create", "--uuid", "37e0e64b-5445-4bc3-8675-ceff4637e8e3",
                                    "--remote-path", "nfs:/x", "--export-dir", exportRoot,
                                    "--host", cluster.hosts[0].target, "-i", cluster.clientKey, "--known-hosts", empty,
                                    "--ssh-config", cluster.root + "/no-ssh-config"])
        #expect(r.status == 255)
        #expect(r.stderr.contains("SHA256:"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: exportRoot).isEmpty)
    }

    struct FileInfo: CustomStringConvertible {
        var mode: UInt32, uid: UInt32, gid: UInt32, size: Int, isDirectory: Bool
        var description: String { "mode \(String(mode, radix: 8)) owner \(uid):\(gid) size \(size)\(isDirectory ? " dir" : "")" }
    }

    static func stat(_ path: String) throws -> FileInfo {
        let a = try FileManager.default.attributesOfItem(atPath: path)
        return FileInfo(mode: UInt32((a[.posixPermissions] as? NSNumber)?.uint32Value ?? 0),
                        uid: (a[.ownerAccountID] as? NSNumber)?.uint32Value ?? 0,
                        gid: (a[.groupOwnerAccountID] as? NSNumber)?.uint32Value ?? 0,
                        size: (a[.size] as? NSNumber)?.intValue ?? -1,
                        isDirectory: (a[.type] as? FileAttributeType) == .typeDirectory)
    }
}

/// Runs the built `ovirt-wizard` binary, stdin from `input` or /dev/null.
enum StorageCLI {
    static func run(_ arguments: [String], input: Data? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ovirt-wizard")
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        try process.run()
        if let input {
            inPipe.fileHandleForWriting.write(input)
            try inPipe.fileHandleForWriting.close()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}

/// The flow answered online: its wizard section names the NFS server to log in to, and `create --answers`
/// connects there without --host.
@Suite("export domain from an online answer file", .serialized, .timeLimit(.minutes(5)))
struct ExportDomainFromOnlineAnswersTests {
    @Test func theAnswerFileNamesTheServerToLogInTo() throws {
        let cluster = try LabCluster.start(hosts: 1)
        defer { cluster.stop() }
        let host = cluster.hosts[0]
        let exportRoot = cluster.root + "/exports"
        try FileManager.default.createDirectory(atPath: exportRoot, withIntermediateDirectories: false)
        let file = cluster.root + "/export.conf"
        let uuid = "0f0e0d0c-0b0a-4908-8706-050403020100"
        let lines = [host.address, NSUserName(), String(host.port), cluster.clientKey,
                     "nfs.example.com", exportRoot, "", uuid, "Yes"]
        let plain = try StorageCLI.run(["plain", "--flow", "export-domain", "--screens", ExportDomainOverSSHTests.screens,
                                        "--known-hosts", cluster.knownHostsPath, "--output", file],
                                       input: Data((lines.joined(separator: "\n") + "\n").utf8))
        #expect(plain.status == 0, "\(plain.stdout)\(plain.stderr)")
        let made = try StorageCLI.run(["export-domain", "create", "--answers", file, "--known-hosts", cluster.knownHostsPath,
                                       "--ssh-config", cluster.root + "/no-ssh-config"])
        #expect(made.status == 0, "\(made.stdout)\(made.stderr)")
        #expect(made.stdout.contains("[\(NSUserName())@\(host.address):\(host.port)] verify file contents and the metadata checksum"), "\(made.stdout)")
        let metadata = try LocalStorageWriter.readFile("\(exportRoot)/\(uuid)/dom_md/metadata")
        guard case .valid(let values) = StorageDomainMetadataVerifier.verify(metadata).outcome else {
            Issue.record("metadata does not verify")
            return
        }
        #expect(values.values["REMOTE_PATH"] == "nfs.example.com:\(exportRoot)")
    }
}
