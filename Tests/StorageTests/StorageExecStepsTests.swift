import Foundation
import Testing
@testable import WizardCore

/// The exec form of the operations, run for real with local programs (what a remote runner would
/// start over SSH), must produce exactly what the local writer produces.
@Suite struct StorageExecStepsTests {
    static func execute(_ steps: [StorageExecStep]) throws -> Int32 {
        // A step that fails before reading its input (e.g. the noclobber refusal) closes the pipe;
        // that must be an error to read from the exit status, not a SIGPIPE that kills the tests.
        signal(SIGPIPE, SIG_IGN)
        for step in steps {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = step.argv
            let input = Pipe()
            process.standardInput = input
            process.standardError = FileHandle.nullDevice
            try process.run()
            try? input.fileHandleForWriting.write(contentsOf: Data(step.stdin))
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
            if process.terminationStatus != 0 { return process.terminationStatus }
        }
        return 0
    }

    /// Path → "mode size owner contents-hash" for everything under `root`.
    static func snapshot(_ root: String) throws -> [String: String] {
        var result: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)!
        while let relative = enumerator.nextObject() as? String {
            var info = stat()
            #expect(lstat(root + "/" + relative, &info) == 0)
            var text = "\(octal(UInt32(info.st_mode))) \(info.st_uid):\(info.st_gid)"
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
        let status = try Self.execute(layout.operations(exportRoot: viaExec.path).flatMap(\.execSteps))
        #expect(status == 0)
        let expected = try Self.snapshot(viaWriter.path)
        #expect(expected.count == 11)
        #expect(try Self.snapshot(viaExec.path) == expected)
        // And again: files are never overwritten, so the second run fails.
        #expect(try Self.execute(layout.operations(exportRoot: viaExec.path).flatMap(\.execSteps)) != 0)
    }

    @Test func appendLineIfAbsentViaShell() throws {
        let root = try TemporaryDirectory()
        let fstab = root.path + "/fstab"
        try Data("/dev/sda1 / xfs defaults 0 0".utf8).write(to: URL(fileURLWithPath: fstab))
        // A line with shell metacharacters arrives as data, never as code.
        let line = "/dev/sdb1\t/gluster_brick0\txfs\tdefaults\t0 0 $(touch \(root.path)/pwned) `id` '\"; *"
        let op = StorageOperation.appendLineIfAbsent(path: fstab, line: line)
        #expect(try Self.execute(op.execSteps + op.execSteps) == 0)
        #expect(try String(contentsOfFile: fstab, encoding: .utf8) == "/dev/sda1 / xfs defaults 0 0\n" + line + "\n")
        #expect(!FileManager.default.fileExists(atPath: root.path + "/pwned"))
    }

    @Test func writeFileRefusesToOverwrite() throws {
        let root = try TemporaryDirectory()
        let path = root.path + "/existing"
        try Data("keep".utf8).write(to: URL(fileURLWithPath: path))
        let op = StorageOperation.writeFile(path: path, contents: Array("new".utf8), mode: 0o644, uid: 0, gid: 0)
        #expect(try Self.execute(op.execSteps) != 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep")
    }
}
