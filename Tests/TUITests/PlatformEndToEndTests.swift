import Foundation
import LabHosts
import Testing

/// The platform flow of the real binary in tmux at 80x24, against the fixture engine (API v3) and a lab sshd as
/// the engine host: the engine's CA is read over SSH and pinned, its data centers are listed, a refused password is
/// asked again, and Esc walks back without losing what was typed.
@Suite(.serialized, .timeLimit(.minutes(5)))
final class PlatformEndToEndTests {
    let cluster: LabCluster
    let engine: LabEngine
    let directory: URL

    init() throws {
        cluster = try LabCluster.start(hosts: 1)
        engine = try LabEngine(api: .v3)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("platform-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The engine host's /etc/pki/ovirt-engine, served from its work directory by a `cat` in its PATH.
        let host = cluster.hosts[0]
        let pki = host.workDirectory + "/etc-pki-ovirt-engine"
        try FileManager.default.createDirectory(atPath: pki, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: engine.caPath, toPath: pki + "/ca.pem")
        let shim = host.binDirectory + "/cat"
        try """
            #!/bin/sh
            case "$1" in
            /etc/pki/ovirt-engine/*)
                file="\(pki)/${1#/etc/pki/ovirt-engine/}"
                [ -f "$file" ] || { echo "cat: $1: No such file or directory" >&2; exit 1; }
                exec /bin/cat "$file" ;;
            esac
            exec /bin/cat "$@"

            """.write(toFile: shim, atomically: true, encoding: .utf8)
        chmod(shim, 0o755)
    }

    deinit {
        engine.stop()
        cluster.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    var binary: String { BuiltProducts.directory.appendingPathComponent("ovirt-wizard").path }

    @Test func theEnginesDataCentersAreListedAfterARefusedPasswordIsTypedAgain() throws {
        let host = cluster.hosts[0]
        let answers = directory.appendingPathComponent("platform.conf").path
        let store = directory.appendingPathComponent("ca-store").path
        let tmux = try TmuxSession(command: "\(binary) --flow platform-3.4 --answers \(answers) --known-hosts \(cluster.knownHostsPath) "
                                   + "--engine-address \(engine.address) --engine-port \(engine.port) --ca-store \(store)",
                                   environment: ["HOME": cluster.root, "SSH_AUTH_SOCK": "", "TERM": "xterm"])
        try tmux.waitFor("SSH TO THE ENGINE HOST")
        try tmux.send("Enter")
        try tmux.waitFor("Engine host to log in to")
        try tmux.type(host.address)
        try tmux.send("Enter")
        try tmux.waitFor("SSH user")
        try tmux.send("Enter")
        try tmux.waitFor("SSH port")
        try tmux.send("C-u")
        try tmux.type("\(host.port)")
        try tmux.send("Enter")
        try tmux.waitFor("SSH private key")
        try tmux.type(cluster.clientKey)
        try tmux.send("Enter")
        // The engine host is probed first (its facts re-open the question on screen): wait for it.
        try tmux.waitFor("Host facts probed on \(host.address)", timeout: 30)
        try tmux.waitFor("engine-setup or hosted-engine answer file")
        try tmux.send("Enter")
        try tmux.waitFor("Engine FQDN")
        try tmux.send("C-u")
        try tmux.type(engine.fqdn)
        try tmux.send("Enter")
        try tmux.waitFor("Engine admin user")
        try tmux.send("Enter")
        try tmux.waitFor("Password of the engine admin user")
        try tmux.type("Not-It-42")
        try tmux.send("Enter")
        // The data center's section asks the engine, which refuses the password: it is asked again, with the reason.
        let refused = try tmux.waitFor("refused the login of", timeout: 30)
        #expect(refused.contains("Password of the engine admin user"), "\(refused)")
        #expect(!refused.contains("Not-It-42"))
        try tmux.type(engine.password)
        try tmux.send("Enter")
        let listed = try tmux.waitFor("(•) Default", timeout: 30)
        #expect(listed.contains("Data center (Default) [Default]"), "\(listed)")
        #expect(listed.contains("has the data centers: Default"), "\(listed)")
        #expect(FileManager.default.fileExists(atPath: store + "/engine.test.pem"), "the CA read over SSH is pinned")
        // Esc twice: back to the password, then the admin user, which keeps its answer.
        try tmux.send("Escape")
        try tmux.waitFor("Password of the engine admin user")
        try tmux.send("Escape")
        let user = try tmux.waitFor("Engine admin user")
        #expect(user.contains("admin@internal"))
        try tmux.send("C-c", "q")
        let saved = try String(contentsOfFile: answers, encoding: .utf8)
        #expect(saved.contains("PLATFORM/engineFQDN=str:engine.test"))
        #expect(saved.contains("PLATFORM/adminPassword=str:\(engine.password)"))
    }
}
