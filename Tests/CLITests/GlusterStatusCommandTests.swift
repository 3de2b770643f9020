import Foundation
import LabHosts
import Testing

/// `gluster status VOLUME` against a real sshd on loopback whose PATH starts with a `gluster` fixture script
/// replaying the seed's saved GlusterFS 3.5 outputs (Tests/StorageTests/Fixtures), and from saved files.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct GlusterStatusCommandTests {
    static let fixtures = Wizard.repo.appendingPathComponent("Tests/StorageTests/Fixtures")
    static let seedInfo = fixtures.appendingPathComponent("seed-volume-info-3.5.txt").path
    static let seedStatus = fixtures.appendingPathComponent("seed-volume-status-3.5.txt").path

    /// The seed's status with its copy-and-paste slip fixed: the second gs2 pair is gs4's, as the bricks say.
    static func healthyStatus() throws -> String {
        let seed = try String(contentsOfFile: seedStatus, encoding: .utf8)
        var lines = seed.components(separatedBy: "\n")
        let second = try #require(lines.indices.filter { lines[$0].hasPrefix("NFS Server on gs2.example.com") }.dropFirst().first)
        lines[second] = lines[second].replacingOccurrences(of: "gs2", with: "gs4")
        lines[second + 1] = lines[second + 1].replacingOccurrences(of: "gs2", with: "gs4")
        return lines.joined(separator: "\n")
    }

    let cluster: LabCluster
    init() throws { cluster = try LabCluster.start(hosts: 1) }

    var host: LabHost { cluster.hosts[0] }

    /// Installs the fake `gluster` on the lab host; it answers only `--mode=script volume info|status gluster-vol1`.
    func installGluster(info: String, status: String) throws {
        let script = """
            #!/bin/sh
            # Test fixture: replays saved `gluster volume info/status` outputs of the seed tutorial.
            [ "$1" = "--mode=script" ] && [ "$2" = volume ] || { echo "fixture: unexpected arguments: $*" >&2; exit 64; }
            if [ "$4" != gluster-vol1 ]; then echo "Volume $4 does not exist" >&2; exit 1; fi
            case "$3" in
              info) exec cat '\(info)' ;;
              status) exec cat '\(status)' ;;
              *) echo "fixture: unexpected arguments: $*" >&2; exit 64 ;;
            esac

            """
        let path = host.binDirectory + "/gluster"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    func run(_ extra: [String], knownHosts: String? = nil) throws -> Wizard.Result {
        try Wizard.run(["gluster", "status", "gluster-vol1", "--host", host.target, "--known-hosts", knownHosts ?? cluster.knownHostsPath,
                        "-i", cluster.clientKey] + extra, environment: ["HOME": cluster.root, "SSH_AUTH_SOCK": ""])
    }

    @Test func aHealthyVolumeExitsZero() throws {
        let status = host.directory + "/healthy-status.txt"
        try Self.healthyStatus().write(toFile: status, atomically: true, encoding: .utf8)
        try installGluster(info: Self.seedInfo, status: status)
        let r = try run([])
        #expect(r.status == 0, "\(r.stderr)\n\(r.stdout)")
        #expect(r.stdout.contains("Volume gluster-vol1: Distributed-Striped-Replicate, Started, bricks 2 x 2 x 2 = 8, transport tcp"))
        #expect(r.stdout.contains("Bricks online: 8 of 8"))
        #expect(r.stdout.contains("gs1.example.com (localhost)"), "localhost is the one brick host named nowhere else")
        #expect(r.stdout.contains("Healthy"))
        let row = try #require(r.lines.first { $0.contains("/gluster_brick1") && $0.contains("gs4") })
        #expect(row.split(separator: " ").map(String.init) == ["8", "gs4.example.com", "/gluster_brick1", "49153", "Y", "1986"])

        let j = try run(["--json"])
        #expect(j.status == 0, "\(j.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        #expect(json["bricksOnline"] as? Int == 8)
        #expect(json["healthy"] as? Bool == true)
        #expect(json["localhost"] as? String == "gs1.example.com")
        let hosts = try #require(json["hosts"] as? [[String: Any]])
        #expect(hosts.map { $0["host"] as? String } == ["gs1.example.com", "gs2.example.com", "gs3.example.com", "gs4.example.com"])
    }

    @Test func theSeedsOutputExitsOneWithItsFindings() throws {
        try installGluster(info: Self.seedInfo, status: Self.seedStatus)
        let r = try run([])
        #expect(r.status == 1, "\(r.stderr)\n\(r.stdout)")
        #expect(r.stdout.contains("Bricks online: 8 of 8"))
        #expect(r.stdout.contains("NFS Server on gs2.example.com is listed twice (first on line 14)"), "\(r.stdout)")
        #expect(r.stdout.contains("Self-heal Daemon on gs2.example.com is listed twice"))
        #expect(r.stdout.contains("no online Self-heal Daemon is listed for gs4.example.com"))
        // Which host is "localhost" is ambiguous here (gs1 and gs4 are named nowhere); --gluster-name settles it.
        let named = try run(["--gluster-name", "gs1.example.com"])
        #expect(named.status == 1)
        #expect(!named.stdout.contains("listed for gs1.example.com"), "\(named.stdout)")
        #expect(named.stdout.contains("listed for gs4.example.com"))
    }

    @Test func anUnknownVolumeNamesTheHostAndGlustersReason() throws {
        try installGluster(info: Self.seedInfo, status: Self.seedStatus)
        let r = try Wizard.run(["gluster", "status", "nosuch", "--host", host.target, "--known-hosts", cluster.knownHostsPath,
                                "-i", cluster.clientKey], environment: ["HOME": cluster.root, "SSH_AUTH_SOCK": ""])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(host.target): gluster volume info nosuch failed (exit status 1): Volume nosuch does not exist"), "\(r.stderr)")
    }

    @Test func garbledOutputIsAParseErrorNamingHostAndLine() throws {
        let status = host.directory + "/garbled-status.txt"
        try "Status of volume: gluster-vol1\nsomething else\n".write(toFile: status, atomically: true, encoding: .utf8)
        try installGluster(info: Self.seedInfo, status: status)
        let r = try run([])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(host.target): gluster volume status gluster-vol1: line 2:"), "\(r.stderr)")
    }

    @Test func anUnknownHostKeyIsRefused() throws {
        try installGluster(info: Self.seedInfo, status: Self.seedStatus)
        let dir = try Wizard.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("known_hosts").path
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        let r = try run([], knownHosts: empty)
        #expect(r.status == 2)
        #expect(r.stderr.contains("host key is not known"), "\(r.stderr)")
        #expect(r.stderr.contains("SHA256:"))
        #expect(r.stdout.isEmpty)
        #expect(try String(contentsOfFile: empty, encoding: .utf8).isEmpty, "nothing was recorded without --accept-new")
    }

    @Test func savedOutputsAreReadOffline() throws {
        let r = try Wizard.run(["gluster", "status", "gluster-vol1", "--info-file", Self.seedInfo, "--status-file", Self.seedStatus])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stdout.contains("read from \(Self.seedInfo)"))
        let missing = try Wizard.run(["gluster", "status", "gluster-vol1", "--info-file", "/nonexistent/info", "--status-file", Self.seedStatus])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/info: cannot be read"), "\(missing.stderr)")
        let other = try Wizard.run(["gluster", "status", "data", "--info-file", Self.seedInfo, "--status-file", Self.seedStatus])
        #expect(other.status == 2)
        #expect(other.stderr.contains("no volume data (volumes: gluster-vol1)"), "\(other.stderr)")
    }
}
