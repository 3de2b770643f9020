import Deploy
import Foundation
import HostOps
import Testing
import SSHKit
@testable import WizardCore

@Suite struct ExportDomainLayoutTests {
    static let uuid = ExportDomainMetadataTests.seedUUID

    /// The seed's `echo 2d2d…0000 | xxd -r -p > leases`, its hex copied as printed.
    static let seedLeasesHex = "2d2d2d2d2d2d465245452d2d2d2d2d2d3030303030303030303030303030"
        + "3030" + String(repeating: "0", count: 1024 - 64)

    @Test func leasesBlockEqualsTheSeedsHex() {
        let block = SafeLease.freeBlock
        #expect(block.count == 512)
        let hex = block.map { String(format: "%02x", $0) }.joined()
        #expect(hex == Self.seedLeasesHex)
        #expect(String(decoding: block.prefix(32), as: UTF8.self) == "------FREE------0000000000000000")
        #expect(block.dropFirst(32).allSatisfy { $0 == 0 })
    }

    @Test func layoutHasEveryEntryWithVdsmModes() throws {
        let layout = try ExportDomainLayout(request: .init(sdUUID: Self.uuid, remotePath: "nfs:/exports"))
        let table = layout.entries.map { entry -> String in
            let size: String
            switch entry.kind {
            case .directory: size = "dir"
            case .file(let contents): size = "\(contents.count)"
            }
            return "\(entry.relativePath.dropFirst(Self.uuid.count)) \(HostOperation.octal(entry.mode)) \(size) \(entry.uid):\(entry.gid)"
        }
        #expect(table == [
            " 0755 dir 36:36",
            "/dom_md 0775 dir 36:36",
            "/dom_md/ids 0660 0 36:36",
            "/dom_md/inbox 0660 0 36:36",
            "/dom_md/outbox 0660 0 36:36",
            "/dom_md/leases 0660 512 36:36",
            "/dom_md/metadata 0644 \(layout.metadata.fileBytes.count) 36:36",
            "/images 0755 dir 36:36",
            "/master 0755 dir 36:36",
            "/master/vms 0755 dir 36:36",
            "/master/tasks 0755 dir 36:36",
        ])
    }

    @Test func operationsStartWithTheExportRootAndUseAbsolutePaths() throws {
        let layout = try ExportDomainLayout(request: .init(sdUUID: Self.uuid, remotePath: "nfs:/exports"))
        let operations = layout.operations(exportRoot: "/exports/")
        #expect(operations.first == .createDirectory(path: "/exports", mode: 0o755, uid: 36, gid: 36))
        #expect(operations.count == 12)
        #expect(operations.last == .createDirectory(path: "/exports/\(Self.uuid)/master/tasks", mode: 0o755, uid: 36, gid: 36))
        #expect(operations[1].summary == "mkdir /exports/\(Self.uuid)  (mode 0755, owner 36:36)")
    }

    @Test func sdUUIDMustMatchTheDirectory() throws {
        let metadata = try ExportDomainMetadataRequest(sdUUID: Self.uuid, remotePath: "nfs:/e").metadata().metadata
        #expect(throws: StorageDomainMetadataError.self) {
            try ExportDomainLayout(sdUUID: "11111111-2222-3333-4444-555555555555", metadata: metadata)
        }
    }

    @Test func writesTheDomainIntoALocalDirectory() throws {
        let root = try TemporaryDirectory()
        let layout = try ExportDomainLayout(request: .init(sdUUID: Self.uuid, remotePath: "192.168.1.108:/home/nfs_exports"))
        let writer = LocalStorageWriter.forCurrentUser()
        try writer.write(layout, exportRoot: root.path)

        let fm = FileManager.default
        let base = root.path + "/" + Self.uuid
        for entry in layout.entries {
            let path = root.path + "/" + entry.relativePath
            var info = stat()
            #expect(stat(path, &info) == 0, "\(path) missing")
            #expect(UInt32(info.st_mode) & 0o7777 == entry.mode, "\(entry.relativePath) mode \(HostOperation.octal(UInt32(info.st_mode) & 0o7777))")
            switch entry.kind {
            case .directory:
                #expect(info.st_mode & S_IFMT == S_IFDIR)
            case .file(let contents):
                #expect(info.st_mode & S_IFMT == S_IFREG)
                #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == contents)
            }
            if geteuid() == 0 {
                #expect(info.st_uid == 36 && info.st_gid == 36, "\(entry.relativePath) owner \(info.st_uid):\(info.st_gid)")
            }
        }
        // Nothing else was created.
        #expect(try fm.contentsOfDirectory(atPath: base + "/dom_md").sorted() == ["ids", "inbox", "leases", "metadata", "outbox"])
        #expect(try fm.contentsOfDirectory(atPath: root.path) == [Self.uuid])
        // The metadata on disk verifies, and the leases file is the seed's bytes.
        let onDisk = Array(try Data(contentsOf: URL(fileURLWithPath: base + "/dom_md/metadata")))
        #expect(StorageDomainMetadataVerifier.verify(onDisk).exitCode == 0)
        let leases = Array(try Data(contentsOf: URL(fileURLWithPath: base + "/dom_md/leases")))
        #expect(leases.map { String(format: "%02x", $0) }.joined() == Self.seedLeasesHex)
    }

    @Test func refusesAnExportThatAlreadyHoldsADomain() throws {
        let root = try TemporaryDirectory()
        let first = try ExportDomainLayout(request: .init(sdUUID: Self.uuid, remotePath: "nfs:/e"))
        try LocalStorageWriter(ownership: .skip).write(first, exportRoot: root.path)
        let second = try ExportDomainLayout(request: .init(sdUUID: "11111111-2222-3333-4444-555555555555", remotePath: "nfs:/e"))
        #expect(throws: LocalStorageWriterError.self) { try LocalStorageWriter(ownership: .skip).write(second, exportRoot: root.path) }
        // Writing the same domain twice never overwrites a file.
        #expect(throws: LocalStorageWriterError.self) { try LocalStorageWriter(ownership: .skip).apply(first.operations(exportRoot: root.path)) }
    }

    @Test(.enabled(if: geteuid() != 0, "root may chown; the check is for ordinary users"))
    func ownershipFailsLoudlyWhenNotPermitted() throws {
        let root = try TemporaryDirectory()
        #expect(throws: LocalStorageWriterError.self) {
            try LocalStorageWriter(ownership: .apply).apply([.createDirectory(path: root.path + "/d", mode: 0o755, uid: 36, gid: 36)])
        }
    }

    @Test func appendLineIfAbsentAppendsOnce() throws {
        let root = try TemporaryDirectory()
        let fstab = root.path + "/fstab"
        try Data("/dev/sda1 / xfs defaults 0 0".utf8).write(to: URL(fileURLWithPath: fstab))
        let op = HostOperation.appendLineIfAbsent(path: fstab, line: "/dev/sdb1\t/gluster_brick0\txfs\tdefaults\t0 0")
        try LocalStorageWriter(ownership: .skip).apply([op, op])
        #expect(try String(contentsOfFile: fstab, encoding: .utf8) == "/dev/sda1 / xfs defaults 0 0\n/dev/sdb1\t/gluster_brick0\txfs\tdefaults\t0 0\n")
    }

    @Test func runIsRefusedLocally() {
        #expect(throws: LocalStorageWriterError.self) { try LocalStorageWriter(ownership: .skip).apply([.run(argv: ["true"])]) }
    }
}

/// A fresh directory under the system temporary directory, removed when the value goes away.
final class TemporaryDirectory {
    let path: String

    init() throws {
        let template = NSTemporaryDirectory() + "storage-tests-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard mkdtemp(&bytes) != nil else { throw LocalStorageWriterError(path: template, message: "mkdtemp failed") }
        path = String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
