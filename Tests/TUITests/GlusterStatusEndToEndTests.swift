import Foundation
import LabHosts
import Testing

/// `gluster status --tui` in a real terminal (tmux) against a lab sshd whose PATH starts with a `gluster`
/// fixture replaying the seed's saved GlusterFS 3.5 outputs.
@Suite(.serialized, .timeLimit(.minutes(5)))
final class GlusterStatusEndToEndTests {
    let cluster: LabCluster

    init() throws { cluster = try LabCluster.start(hosts: 1) }
    deinit { cluster.stop() }

    var binary: String { BuiltProducts.directory.appendingPathComponent("ovirt-wizard").path }

    @Test func theScreenOpensScrollsToTheWarningsAndExitsOne() throws {
        let host = cluster.hosts[0]
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("StorageTests/Fixtures")
        let script = """
            #!/bin/sh
            # Test fixture: replays the seed's saved `gluster volume info/status` outputs.
            [ "$1" = "--mode=script" ] && [ "$2" = volume ] && [ "$4" = gluster-vol1 ] || { echo "fixture: unexpected: $*" >&2; exit 64; }
            case "$3" in
              info) exec cat '\(fixtures.appendingPathComponent("seed-volume-info-3.5.txt").path)' ;;
              status) exec cat '\(fixtures.appendingPathComponent("seed-volume-status-3.5.txt").path)' ;;
            esac
            exit 64

            """
        let path = host.binDirectory + "/gluster"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)

        let tmux = try TmuxSession(command: "\(binary) gluster status gluster-vol1 --tui --host \(host.target) "
                                       + "--known-hosts \(cluster.knownHostsPath) -i \(cluster.clientKey)",
                                   environment: ["HOME": cluster.root, "SSH_AUTH_SOCK": ""])
        let first = try tmux.waitFor("Gluster volume gluster-vol1", timeout: 30)
        #expect(first.contains("4 warnings"))
        #expect(first.contains("gluster on \(host.target) over SSH"))
        #expect(first.contains("8  gs4.example.com  /gluster_brick1  49153  Y       1986"))
        try tmux.send("NPage")
        try tmux.send("NPage")
        let last = try tmux.waitFor("Warnings:")
        #expect(last.contains("no online Self-heal Daemon is listed for gs4.example.com"))
        try tmux.send("q")
        let exit = try tmux.waitForExit()
        #expect(exit.code == 1)
        #expect(exit.canonical, "the terminal is restored")
    }
}
