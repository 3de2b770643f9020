import Foundation
import HostOps
import LabHosts
import SSHKit
import Testing
@testable import Deploy

/// engine-setup 4.5's read-only pre-checks on EL9 lab hosts (the fixtures of `HostedEngine45Tests.prepare`: the lab's
/// DNS, a made-up interface, /proc/meminfo, firewalld's state): the memory engine-setup checks itself, forward and
/// reverse DNS of the engine's FQDN, firewalld when engine-setup is to configure it. 3.4's plan keeps its one check.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct EngineSetup45PreChecksTests {
    static let password = "Es45-Adm1n!pw"

    @discardableResult
    static func writeAnswers(_ lab: LabDeployment, fqdn: String = "host0.lab.test", extra: String = "") throws -> String {
        try lab.write("""
            # ovirt-wizard answers for engine-setup (oVirt 4.5)
            [environment:default]
            OVIRT_WIZARD/flow=str:engine-setup
            OVIRT_WIZARD/flowVersion=str:4.5
            OVESETUP_CONFIG/fqdn=str:\(fqdn)
            OVESETUP_CONFIG/adminPassword=str:\(password)
            OVESETUP_DIALOG/confirmSettings=bool:True
            \(lab.targetKeys(0))\(extra)
            """, name: "engine-45.conf")
    }

    static let firewall = "OVESETUP_CONFIG/updateFirewall=bool:True\nOVESETUP_CONFIG/firewallManager=str:firewalld\n"

    /// MemTotal of the lab host, in kB.
    static func setMemory(_ lab: LabDeployment, totalKB: Int) throws {
        try "MemTotal:       \(totalKB) kB\nMemFree:        \(totalKB / 2) kB\nBuffers:          100000 kB\nCached:           400000 kB\n"
            .write(toFile: lab.cluster.hosts[0].directory + "/meminfo", atomically: true, encoding: .utf8)
    }

    /// Runs the plan's check `id` on the host: (passed, stdout, stderr).
    static func run(_ id: String, _ plan: DeploymentPlan, _ connection: SSHConnection) throws -> (Bool, String, String) {
        let step = try #require(plan.hosts[0].steps.first { $0.id == id })
        guard case .run(let command, _, _) = step.action else { throw LabProblem("\(id) is not a command") }
        let out = try connection.capture(command, options: ExecOptions(timeout: 60))
        return (out.result.succeeded, out.stdout, out.stderr)
    }

    struct LabProblem: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test func the45PlanChecksBeforeItChangesAnything() throws {
        let lab = try LabDeployment(hosts: 1)
        try HostedEngine45Tests.prepare(lab)
        try Self.writeAnswers(lab, extra: Self.firewall)
        let plan = try lab.plan()
        let steps = plan.hosts[0].steps
        #expect(steps.map(\.id) == ["check-os", "check-root", "check-memory", "check-fqdn", "check-firewalld", "add-repository",
                                    "install-packages", "prepare-directory", "upload-answers", "run-engine-setup", "fetch-results"])
        let firstChange = steps.firstIndex { $0.changesHost }!
        #expect(steps[..<firstChange].allSatisfy { !$0.changesHost })
        #expect(steps.filter { ["check-memory", "check-fqdn", "check-firewalld"].contains($0.id) }.allSatisfy { !$0.runsAsRoot && $0.skipIsSafe })
        let printed = try lab.wizard(["plan", "--answers", lab.answerFiles[0]] + lab.sshArguments)
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout.contains("Check the memory for the engine (at least 4096 MB, 16384 MB recommended)"), "\(printed.stdout)")
        #expect(printed.stdout.contains("Check DNS of the engine's name host0.lab.test (forward and reverse)"))
        #expect(printed.stdout.contains("Check that firewalld is running (engine-setup configures it)"))

        // No firewall to configure, the memory check turned off: neither check.
        try Self.writeAnswers(lab, extra: "OVESETUP_CONFIG/updateFirewall=bool:False\nOVESETUP_SYSTEM/memCheckEnabled=bool:False\n")
        lab.answerFiles = [lab.answerFiles.last!]
        #expect(try lab.plan().hosts[0].steps.filter { $0.id.hasPrefix("check-") }.map(\.id) == ["check-os", "check-root", "check-fqdn"])
    }

    @Test func the34PlanKeepsItsOneCheck() throws {
        let lab = try LabDeployment(hosts: 1)
        try lab.writeEngineSetupAnswers(0)
        let plan = try lab.plan()
        let steps = plan.hosts[0].steps
        #expect(steps.map(\.id) == ["check-os", "check-root", "check-fqdn", "add-repository", "install-packages", "prepare-directory",
                                    "upload-answers", "run-engine-setup", "fetch-results"])
        #expect(steps[2].title == "Check that localhost resolves to this host")
        let printed = try lab.wizard(["plan", "--answers", lab.answerFiles[0]] + lab.sshArguments)
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(!printed.stdout.contains("Check the memory for the engine") && !printed.stdout.contains("firewalld"), "\(printed.stdout)")
    }

    @Test func theChecksPassOnAGoodHostAndWarnBelowTheRecommendedMemory() throws {
        let lab = try LabDeployment(hosts: 1)
        try HostedEngine45Tests.prepare(lab)
        try Self.setMemory(lab, totalKB: 32_000_000)
        try Self.writeAnswers(lab, extra: Self.firewall)
        let plan = try lab.plan()
        let name = plan.hosts[0].name
        let connection = try lab.inputs()[0].access.connect()
        defer { connection.close() }
        var (ok, out, err) = try Self.run("check-memory", plan, connection)
        #expect(ok && out.contains("\(name): 31250 MB of memory (MemTotal): at least the 16384 MB recommended for the engine"), "\(out)\(err)")
        (ok, out, err) = try Self.run("check-fqdn", plan, connection)
        #expect(ok && out.contains("\(name): host0.lab.test resolves to 198.51.100.21, an address of this host, and back"), "\(out)\(err)")
        (ok, out, err) = try Self.run("check-firewalld", plan, connection)
        #expect(ok && out.contains("\(name): firewalld is active"), "\(out)\(err)")

        // 8 GB: enough to run, with a warning line in the step's output.
        try Self.setMemory(lab, totalKB: 8_000_000)
        (ok, out, err) = try Self.run("check-memory", plan, connection)
        #expect(ok && out.contains("WARNING: \(name): 7812 MB of memory (MemTotal): enough for the engine's minimum of 4096 MB, but less than the 16384 MB recommended"), "\(out)\(err)")
        // engine-setup's own threshold is 90% of the minimum: a 4 GB machine's MemTotal passes.
        try Self.setMemory(lab, totalKB: 3_800_000)
        (ok, out, err) = try Self.run("check-memory", plan, connection)
        #expect(ok, "\(out)\(err)")
    }

    @Test func eachCheckFailsWithTheHostWhatItFoundAndTheKey() throws {
        let lab = try LabDeployment(hosts: 1)
        try HostedEngine45Tests.prepare(lab, firewalld: false)
        try Self.setMemory(lab, totalKB: 3_000_000)
        let host = lab.cluster.hosts[0]
        // host0.lab.test resolves to this host's address, but the address names another host.
        try "198.51.100.21 host0-old.lab.test\n198.51.100.21 host0.lab.test\n".write(toFile: host.directory + "/hosts", atomically: true, encoding: .utf8)
        try Self.writeAnswers(lab, extra: Self.firewall)
        let plan = try lab.plan()
        let name = plan.hosts[0].name
        let connection = try lab.inputs()[0].access.connect()
        defer { connection.close() }
        var (ok, out, err) = try Self.run("check-memory", plan, connection)
        #expect(!ok && err.contains("\(name): 2929 MB of memory (MemTotal), but the engine needs at least 4096 MB (engine-setup stops below 90% of it): add memory to \(name), or set OVESETUP_SYSTEM/memCheckEnabled=bool:False to run engine-setup anyway"), "\(out)\(err)")
        (ok, out, err) = try Self.run("check-fqdn", plan, connection)
        #expect(!ok && err.contains("\(name): host0.lab.test resolves to 198.51.100.21, but 198.51.100.21 resolves back to host0-old.lab.test: add the reverse record (PTR) of 198.51.100.21"), "\(out)\(err)")
        (ok, out, err) = try Self.run("check-firewalld", plan, connection)
        #expect(!ok && err.contains("\(name): firewalld is not active: engine-setup is to configure it (OVESETUP_CONFIG/updateFirewall=bool:True): start it (systemctl enable --now firewalld), or set OVESETUP_CONFIG/updateFirewall=bool:False"), "\(out)\(err)")

        // A name that resolves elsewhere, and one that does not resolve.
        try "198.51.100.99 host0.lab.test\n".write(toFile: host.directory + "/hosts", atomically: true, encoding: .utf8)
        (ok, out, err) = try Self.run("check-fqdn", plan, connection)
        #expect(!ok && err.contains("\(name): the engine's name host0.lab.test resolves to 198.51.100.99, which is not an address of this host ("), "\(out)\(err)")
        #expect(err.contains("fix DNS or change OVESETUP_CONFIG/fqdn"), "\(err)")
        try "198.51.100.21 other.lab.test\n".write(toFile: host.directory + "/hosts", atomically: true, encoding: .utf8)
        (ok, out, err) = try Self.run("check-fqdn", plan, connection)
        #expect(!ok && err.contains("\(name): the engine's name host0.lab.test (OVESETUP_CONFIG/fqdn) did not resolve into an IP address"), "\(out)\(err)")

        // apply stops at the first failed check, before anything changed on the host.
        let applied = try lab.wizard(["apply", "--plain", "--answers", lab.answerFiles[0]] + lab.sshArguments)
        #expect(applied.status == 1)
        #expect(applied.stdout.contains("FAILED step 3/11 Check the memory for the engine"), "\(applied.stdout)")
        #expect(lab.runCount(0, "dnf") == 0 && lab.runCount(0, "engine-setup") == 0)
        #expect(!applied.stdout.contains(Self.password))
    }
}
