import Foundation
import Testing

/// Runs the built `ovirt-wizard` binary as an operator would.
@Suite struct StorageCommandTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func binary() -> URL {
        // The test bundle sits next to the products in the build directory.
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ovirt-wizard")
    }

    static func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = binary()
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryFile(_ contents: String) throws -> String {
        let path = NSTemporaryDirectory() + "storage-cli-\(UUID().uuidString)"
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let seedArguments = ["export-domain", "metadata", "--uuid", "37e0e64b-5445-4bc3-8675-ceff4637e8e3",
                                "--remote-path", "192.168.1.108:/home/nfs_exports"]

    @Test func metadataPrintsTheSeedsFile() throws {
        let result = try Self.run(Self.seedArguments)
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("CLASS=Backup\nDESCRIPTION=Export\n"))
        #expect(result.stdout.hasSuffix("VERSION=0\n_SHA_CKSUM=5737f1270bf93fdd660fea819655b01a34c315b9\n"))
        #expect(result.stderr.isEmpty)
    }

    @Test func metadataThenVerifyRoundTripsANonASCIIDescription() throws {
        let made = try Self.run(Self.seedArguments + ["--description", "导出域"])
        #expect(made.status == 0)
        #expect(made.stderr.contains("warning: the description is not ASCII"))
        let file = try Self.temporaryFile(made.stdout)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let checked = try Self.run(["export-domain", "verify", file])
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stdout.contains("is correct"))
    }

    @Test func verifyNamesTheExpectedValueWhenWrong() throws {
        let made = try Self.run(Self.seedArguments)
        let file = try Self.temporaryFile(made.stdout.replacingOccurrences(of: "DESCRIPTION=Export", with: "DESCRIPTION=export"))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let checked = try Self.run(["export-domain", "verify", file])
        #expect(checked.status == 1)
        #expect(checked.stdout == "_SHA_CKSUM=460728abc069920b9aa04329c9af0b2be34700a3\n")
        #expect(checked.stderr.contains("\(file):15: _SHA_CKSUM is 5737f1270bf93fdd660fea819655b01a34c315b9 but vdsm computes 460728abc069920b9aa04329c9af0b2be34700a3"))
    }

    @Test func verifyReportsMalformedAndUnreadableFilesWithExit2() throws {
        let file = try Self.temporaryFile("CLASS=Backup\nnot a key value line\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let malformed = try Self.run(["export-domain", "verify", file])
        #expect(malformed.status == 2)
        #expect(malformed.stderr.contains("\(file):2: has no '='"))
        let missing = try Self.run(["export-domain", "verify", file + ".absent"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("\(file).absent: cannot open: No such file or directory"))
    }

    @Test func metadataRejectsABadUUID() throws {
        let result = try Self.run(["export-domain", "metadata", "--uuid", "not-a-uuid", "--remote-path", "nfs:/e"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("is not a storage domain UUID"))
        #expect(result.stdout.isEmpty)
    }

    @Test func createWritesAVerifiableDomain() throws {
        let root = NSTemporaryDirectory() + "storage-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: root) }
        var arguments = ["export-domain", "create", "--uuid", "37e0e64b-5445-4bc3-8675-ceff4637e8e3",
                         "--remote-path", "nfs:/exports", "--export-dir", root]
        if geteuid() != 0 { arguments.append("--no-chown") }
        let result = try Self.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let metadata = root + "/37e0e64b-5445-4bc3-8675-ceff4637e8e3/dom_md/metadata"
        #expect(try Self.run(["export-domain", "verify", metadata]).status == 0)
        // A second domain in the same export is refused.
        arguments[3] = "11111111-2222-3333-4444-555555555555"
        let second = try Self.run(arguments)
        #expect(second.status == 1)
        #expect(second.stderr.contains("already holds 37e0e64b-5445-4bc3-8675-ceff4637e8e3"))
    }

    static let seedFirstOrder = ["host1:/brick1", "host1:/brick2", "host2:/brick1", "host2:/brick2",
                                 "host3:/brick1", "host3:/brick2", "host4:/brick1", "host4:/brick2"]

    @Test func glusterPlanForTheSeed() throws {
        let result = try Self.run(["gluster", "plan", "--type", "distributed-striped-replicate", "--replica", "2", "--stripe", "2",
                                   "--brick-size", "5GB", "--force"] + Self.seedFirstOrder.flatMap { ["--host", $0] })
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Volume gluster-vol1: Distributed-Striped-Replicate, bricks 2 x 2 x 2 = 8, transport tcp"))
        #expect(result.stdout.contains("Capacity: 20 GB usable of 40 GB raw"))
        #expect(result.stdout.contains("replica set 1 (host1:/brick1 host1:/brick2) entirely on host1"))
        #expect(result.stdout.contains("removed stripe volumes in version 6"))
        // The steps, through the printer of `ovirt-wizard plan`: the volume commands run on host1.
        #expect(result.stdout.contains("\nhost1: gluster from the command line\n"))
        #expect(result.stdout.contains("     run:    gluster --mode=script volume create gluster-vol1 stripe 2 replica 2 host1:/brick1 host2:/brick1 host3:/brick1 host4:/brick1 host1:/brick2 host2:/brick2 host3:/brick2 host4:/brick2 force\n"))
        #expect(result.stdout.contains("     run:    gluster --mode=script volume set gluster-vol1 storage.owner-gid 36\n"))
        let host1 = try #require(result.stdout.range(of: "\nhost1: ")), host2 = try #require(result.stdout.range(of: "\nhost2: "))
        let volumeCreate = try #require(result.stdout.range(of: "volume create gluster-vol1"))
        #expect(host1.upperBound < volumeCreate.lowerBound && volumeCreate.lowerBound < host2.lowerBound)
    }

    @Test func glusterPlanShowsDiskConfirmations() throws {
        let base = ["gluster", "plan", "--type", "replicate", "--replica", "3", "--volume", "engine",
                    "--host", "gs1:/dev/sdb", "--host", "gs2:/dev/sdb", "--host", "gs3:/dev/sdb"]
        let unconfirmed = try Self.run(base)
        #expect(unconfirmed.status == 0)
        #expect(unconfirmed.stdout.contains("[gs1] /dev/sdb → /dev/sdb1 at /gluster_brick0  [NOT CONFIRMED]"))
        #expect(unconfirmed.stdout.contains("mkfs.xfs -f -i size=512 /dev/sdb1"))
        let confirmed = try Self.run(base + ["--confirm-destroy", "gs1:/dev/sdb"])
        #expect(confirmed.stdout.contains("[gs1] /dev/sdb → /dev/sdb1 at /gluster_brick0  [confirmed]"))
        #expect(confirmed.stdout.contains("[gs2] /dev/sdb → /dev/sdb1 at /gluster_brick0  [NOT CONFIRMED]"))
        let typo = try Self.run(base + ["--confirm-destroy", "gs1:/dev/sdc"])
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("--confirm-destroy gs1:/dev/sdc names no disk of this plan"))
    }

    @Test func glusterPlanRefusesAReplicaOnOneHost() throws {
        let result = try Self.run(["gluster", "plan", "--type", "replicate", "--replica", "2", "--host", "gs1:/b/1", "--host", "gs1:/b/2"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no order of these bricks keeps every replica set alive when one host fails"))
        #expect(result.stdout.isEmpty)
    }
}
