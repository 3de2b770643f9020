import Deploy
import Foundation
import HostOps
import Testing
@testable import WizardCore

/// The command lines of the operations, run for real with local programs (what the runner starts over
/// SSH), must produce exactly what the local writer produces.
@Suite struct HostOperationCommandsTests {
    static func execute(_ operations: [HostOperation]) throws -> Int32 {
        // A step that fails before reading its input (e.g. the refusal to overwrite) closes the pipe;
        // that must be an error to read from the exit status, not a SIGPIPE that kills the tests.
        signal(SIGPIPE, SIG_IGN)
        for operation in operations {
            for (index, command) in operation.commands.enumerated() {
                let status = try execute(command.argv, input: index == 0 ? operation.input : [])
                if status != 0 { return status }
            }
        }
        return 0
    }

    static func execute(_ argv: [String], input bytes: [UInt8]) throws -> Int32 {
        do {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = argv
            let input = Pipe()
            process.standardInput = input
            process.standardError = FileHandle.nullDevice
            try process.run()
            try? input.fileHandleForWriting.write(contentsOf: Data(bytes))
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    /// Path → "mode size owner contents-hash" for everything under `root`.
    static func snapshot(_ root: String) throws -> [String: String] {
        var result: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)!
        while let relative = enumerator.nextObject() as? String {
            var info = stat()
            #expect(lstat(root + "/" + relative, &info) == 0)
            var text = "\(HostOperation.octal(UInt32(info.st_mode))) \(info.st_uid):\(info.st_gid)"
            if info.st_mode & S_IFMT == S_IFREG {
                text += " " + (try Data(contentsOf: URL(fileURLWithPath: root + "/" + relative))).base64EncodedString()
            }
            result[relative] = text
        }
        return result
    }

    @Test(.enabled(if: geteuid() == 0, "chown to 36:36 needs root"))
    func execStepsBuildTheSameExportDomainAsTheLocalWriter() throws {
        let layout = try ExportDomainLayout(request: .init(sdUUID: ExportDomainMetadataTests.seedUUID, remotePath: "nfs:/e", description: "导出"))
        let viaWriter = try TemporaryDirectory()
        let viaExec = try TemporaryDirectory()
        try LocalStorageWriter(ownership: .apply).apply(layout.operations(exportRoot: viaWriter.path))
        let operations = layout.operations(exportRoot: viaExec.path)
        // Every probe fails before (nothing there yet, the export root aside) and passes after.
        for operation in operations.dropFirst() {
            #expect(try Self.execute(operation.probe!.argv, input: []) != 0, "\(operation.summary)")
        }
        let status = try Self.execute(operations)
        #expect(status == 0)
        for operation in operations {
            #expect(try Self.execute(operation.probe!.argv, input: []) == 0, "\(operation.summary)")
        }
        let expected = try Self.snapshot(viaWriter.path)
        #expect(expected.count == 11)
        #expect(try Self.snapshot(viaExec.path) == expected)
        // And again, as a resumed run does: a file that holds exactly these bytes counts as written, and
        // nothing changes.
        #expect(try Self.execute(operations) == 0)
        #expect(try Self.snapshot(viaExec.path) == expected)
    }

    @Test func theWriteProbeComparesTheBytesWithCksum() throws {
        let root = try TemporaryDirectory()
        let path = root.path + "/leases"
        let op = HostOperation.writeFile(path: path, contents: SafeLease.freeBlock, mode: 0o600, uid: getuid(), gid: getgid())
        #expect(try Self.execute([op]) == 0)
        #expect(try Self.execute(op.probe!.argv, input: []) == 0)
        // One byte changed, same size: the probe sees it.
        var bytes = SafeLease.freeBlock
        bytes[100] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        #expect(try Self.execute(op.probe!.argv, input: []) != 0)
    }

    @Test func cksumMatchesThePOSIXTool() throws {
        for bytes in [[], Array("hello\n".utf8), SafeLease.freeBlock, (0..<70_000).map { UInt8($0 % 251) }] as [[UInt8]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["cksum"]
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            try input.fileHandleForWriting.write(contentsOf: Data(bytes))
            try input.fileHandleForWriting.close()
            let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(printed == FileChecksum.cksumLine(bytes) + "\n")
        }
    }

    @Test func appendLineIfAbsentViaShell() throws {
        let root = try TemporaryDirectory()
        let fstab = root.path + "/fstab"
        try Data("/dev/sda1 / xfs defaults 0 0".utf8).write(to: URL(fileURLWithPath: fstab))
        // A line with shell metacharacters arrives as data, never as code.
        let line = "/dev/sdb1\t/gluster_brick0\txfs\tdefaults\t0 0 $(touch \(root.path)/pwned) `id` '\"; *"
        let op = HostOperation.appendLineIfAbsent(path: fstab, line: line)
        #expect(try Self.execute([op, op]) == 0)
        #expect(try String(contentsOfFile: fstab, encoding: .utf8) == "/dev/sda1 / xfs defaults 0 0\n" + line + "\n")
        #expect(!FileManager.default.fileExists(atPath: root.path + "/pwned"))
    }

    @Test func writeFileRefusesToOverwrite() throws {
        let root = try TemporaryDirectory()
        let path = root.path + "/existing"
        try Data("keep".utf8).write(to: URL(fileURLWithPath: path))
        let op = HostOperation.writeFile(path: path, contents: Array("new".utf8), mode: 0o644, uid: 0, gid: 0)
        #expect(try Self.execute([op]) != 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep")
    }
}
