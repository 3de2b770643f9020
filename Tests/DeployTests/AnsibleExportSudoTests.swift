import Foundation
import LabHosts
import Testing
import Yams
@testable import AnsibleExport
@testable import Deploy

/// The Gluster plan on hosts that refuse root logins, exported and run by ansible-playbook through the lab's sudo
/// account: the root steps with `become` (sudo, the password from --become-password-file), the steps apply runs as
/// the login user without it; the same end state as `apply` through passwordless sudo on another lab.
@Suite("export ansible through sudo", .serialized, .timeLimit(.minutes(20)),
       .enabled(if: LabAccount.isAvailable && LabSudo.unavailableReason == nil,
                Comment(rawValue: LabAccount.unavailableReason ?? LabSudo.unavailableReason ?? "")))
struct AnsibleExportSudoTests {
    /// The become settings of site.yml's steps and inventory.yml's hosts.
    func becomes(_ dir: String) throws -> (hosts: [String: Bool], userSteps: Set<String>) {
        let inventory = try #require(try Yams.compose(yaml: String(contentsOfFile: dir + "/inventory.yml", encoding: .utf8)))
        var hosts: [String: Bool] = [:]
        for (name, vars) in inventory["all"]?["hosts"]?.mapping ?? [:] {
            hosts[name.string ?? ""] = vars["ansible_become"]?.bool ?? false
        }
        let site = try #require(try Yams.compose(yaml: String(contentsOfFile: dir + "/site.yml", encoding: .utf8)))
        var userSteps: Set<String> = []
        for play in site.sequence ?? [] {
            for task in play["tasks"]?.sequence ?? [] where task["vars"]?["ansible_become"]?.bool == false {
                userSteps.insert("\(task["vars"]?["ovw_step"]?["host"]?.string ?? "")/\(task["vars"]?["ovw_step"]?["id"]?.string ?? "")")
            }
        }
        return (hosts, userSteps)
    }

    @Test func glusterThroughSudoWithAPasswordRunsLikeApply() async throws {
        let viaApply = try GlusterExportLab(sudo: .withoutPassword)
        let applied = try await offThePool { try viaApply.wizard(["apply", "--plain"]) }
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")

        let g = try GlusterExportLab(sudo: .withPassword)
        let account = try #require(g.lab.account)
        let x = try AnsibleExportLab(g.lab)
        let dir = g.lab.cluster.root + "/gluster-sudo-export"
        let exported = try await offThePool { try x.export(["--answers", g.answers], to: dir, sshConfig: g.sshConfig) }
        #expect(exported.status == 0, "\(exported.stdout)\n\(exported.stderr)")
        #expect(exported.stdout.contains("--ask-become-pass"), "\(exported.stdout)")
        let plan = try AnsibleExportTests.planOf(g)
        try AnsibleExportTests.expectSameSteps(plan, exportedIn: dir)
        let (hosts, userSteps) = try becomes(dir)
        #expect(hosts == Dictionary(uniqueKeysWithValues: g.hosts.map { ($0, true) }))
        let expectedUserSteps = Set(plan.hosts.flatMap { host in host.steps.filter { !$0.runsAsRoot }.map { "\(host.name)/\($0.id)" } })
        #expect(userSteps == expectedUserSteps)
        #expect(try String(contentsOfFile: dir + "/site.yml", encoding: .utf8).contains("--ask-become-pass"))

        // The sudo password comes from a file of the operator's (as -K would ask it), outside the project.
        let passwordFile = g.lab.cluster.root + "/become-password"
        try (account.password + "\n").write(toFile: passwordFile, atomically: true, encoding: .utf8)
        chmod(passwordFile, 0o600)
        let first = try await offThePool { try x.playbook(dir, extra: ["--become-password-file", passwordFile]) }
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")

        // The same end state as apply's (reads left out, as in the root-login comparison).
        let reads = ["volume info", "volume status", "peer status", "systemctl is-"]
        let mine = g.endState().filter { line in !reads.contains { line.contains($0) } }
        let theirs = viaApply.endState().filter { line in !reads.contains { line.contains($0) } }
        #expect(mine.contains { $0.contains("volume create") } && mine.contains { $0.hasPrefix("etc-hosts: ") })
        #expect(mine == theirs, "\(zip(mine, theirs).filter { $0 != $1 }.prefix(4))")
        // Root made the files the root steps write, although the login is the account.
        var info = stat()
        #expect(stat(g.lab.cluster.root + "/etc-hosts", &info) == 0 && info.st_uid == 0)

        let second = try await offThePool { try x.playbook(dir, extra: ["--become-password-file", passwordFile]) }
        #expect(second.status == 0, "\(second.stdout)\n\(second.stderr)")
        #expect(AnsibleExportLab.changed(second.stdout) == Dictionary(uniqueKeysWithValues: g.hosts.map { ($0, 0) }), "\(second.stdout)")

        // Without the password, sudo refuses and the run stops at the first root step; nothing is changed.
        let without = try await offThePool { try x.playbook(dir) }
        #expect(without.status != 0)
        #expect(AnsibleExportLab.changed(without.stdout).values.allSatisfy { $0 == 0 }, "\(without.stdout)")

        for run in [first, second, without] {
            #expect(!run.stdout.contains(account.password) && !run.stderr.contains(account.password))
        }
        #expect(!((try? String(contentsOfFile: dir + "-ansible.log", encoding: .utf8)) ?? "").contains(account.password))
        #expect(AnsibleExportLab.filesHolding(account.password, under: dir).isEmpty)
    }
}
