import Foundation
import LabHosts
import Testing

/// `apply --plain` on a real terminal against a lab host that refuses root logins, logged in as a user whose sudo
/// wants a password: the seed's engine-setup deployment runs end to end, the sudo password is asked once on the
/// terminal without echo, and it shows up nowhere: not in the pane, the outputs, the journal, the host log or `ps`.
@Suite("apply through sudo with a password typed on a real terminal", .serialized, .timeLimit(.minutes(3)),
       .enabled(if: LabAccount.isAvailable && LabSudo.unavailableReason == nil,
                Comment(rawValue: LabAccount.unavailableReason ?? LabSudo.unavailableReason ?? "")))
struct SudoPasswordInTerminalTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DeployTests/Fixtures").path

    let cluster: LabCluster
    let account: LabAccount
    let answers: String
    init() throws {
        cluster = try LabCluster.start(hosts: 1, authentication: .password, rootLogin: false)
        account = try cluster.addAccount(sudo: .withPassword)
        let host = cluster.hosts[0]
        for name in ["common.sh", "engine-setup", "yum", "dnf", "rpm"] {
            let target = host.binDirectory + "/" + name
            try FileManager.default.copyItem(atPath: Self.fixtures + "/" + name, toPath: target)
            chmod(target, name == "common.sh" ? 0o644 : 0o755)
        }
        // The fixture's "/" is shared by the user's reads and root's steps.
        let root = host.directory + "/root"
        for dir in [root, root + "/var/lib/rpm-fixture"] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            chmod(dir, 0o777)
        }
        FileManager.default.createFile(atPath: root + "/runs.log", contents: nil, attributes: [.posixPermissions: 0o666])
        let jump = cluster.root + "/jump"
        try FileManager.default.createDirectory(atPath: jump, withIntermediateDirectories: true)
        answers = jump + "/engine.conf"
        // The seed's engine-setup answers (section 11), logging in as the account.
        let text = """
            [environment:default]
            OVIRT_WIZARD/flow=str:engine-setup
            OVIRT_WIZARD/flowVersion=str:3.4
            OSETUP_RPMDISTRO/enableUpgrade=bool:False
            OVESETUP_APACHE/configureRootRedirection=bool:True
            OVESETUP_APACHE/configureSsl=bool:True
            OVESETUP_CONFIG/adminPassword=str:Adm1n-s3cret-pw
            OVESETUP_CONFIG/applicationMode=str:both
            OVESETUP_CONFIG/firewallManager=str:iptables
            OVESETUP_CONFIG/fqdn=str:localhost
            OVESETUP_CONFIG/storageType=str:nfs
            OVESETUP_CONFIG/updateFirewall=bool:True
            OVESETUP_CONFIG/websocketProxyConfig=bool:True
            OVESETUP_DB/host=str:localhost
            OVESETUP_DB/port=int:5432
            OVESETUP_DIALOG/confirmSettings=bool:True
            OVESETUP_PKI/organization=str:lofyer.org
            OVESETUP_PROVISIONING/postgresProvisioningEnabled=bool:True
            OVESETUP_SYSTEM/nfsConfigEnabled=bool:False
            OVIRT_WIZARD/dbLocation=str:local
            OVIRT_WIZARD/host=str:\(host.address)
            OVIRT_WIZARD/sshPort=int:\(host.port)
            OVIRT_WIZARD/sshUser=str:\(account.name)
            OVIRT_WIZARD/sshIdentity=str:\(cluster.clientKey)
            OVIRT_WIZARD/become=str:sudo-password

            """
        try text.write(toFile: answers, atomically: true, encoding: .utf8)
    }

    func file(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    @Test func theSudoPasswordIsAskedOnceAndAppearsNowhere() throws {
        let binary = BuiltProducts.directory.appendingPathComponent("ovirt-wizard").path
        let out = cluster.root + "/stdout", err = cluster.root + "/stderr"
        let home = cluster.root + "/operator-home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let command = "\(binary) apply --plain --answers \(answers) --known-hosts \(cluster.knownHostsPath) "
            + "--ssh-config \(cluster.root)/none --remote-dir \(cluster.root)/remote >\(out) 2>\(err)"
        let sampler = ProcessListSampler(secrets: [account.password])
        let tmux = try TmuxSession(command: command, width: 120, height: 30, environment: ["HOME": home, "SSH_AUTH_SOCK": ""])
        let prompt = "[sudo] password for \(account.name) on \(cluster.hosts[0].address)"
        try tmux.waitFor(prompt, timeout: 30)
        try tmux.type(account.password)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(!(try tmux.capture()).contains(account.password), "echo is off")
        try tmux.send("Enter")
        let end = try tmux.waitForExit(timeout: 90)
        let report = sampler.stop()
        #expect(end.code == 0, "stdout: \(file(out))\nstderr: \(file(err))")
        let pane = try tmux.capture(history: 200)
        #expect(pane.components(separatedBy: prompt).count == 2, "asked once: \(pane)")
        #expect(file(cluster.hosts[0].directory + "/root/runs.log").contains(" engine-setup --offline --config-append="))
        let deployment = answers + ".deploy"
        let written = ((FileManager.default.enumerator(atPath: deployment)?.allObjects as? [String]) ?? [])
            .map { file(deployment + "/" + $0) }.joined(separator: "\n")
        #expect(written.contains("run-engine-setup"))
        for (what, text) in [("pane", pane), ("stdout", file(out)), ("stderr", file(err)), ("journal and logs", written),
                             ("answer file", file(answers)), ("sshd log", cluster.hosts[0].log)] {
            #expect(!text.contains(account.password), "the sudo password is in the \(what)")
        }
        #expect(report.samples > 0 && report.sawSudo)
        #expect(report.hits.isEmpty, "\(report.hits)")
    }
}
