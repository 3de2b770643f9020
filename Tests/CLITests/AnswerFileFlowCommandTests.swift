import Foundation
import Testing

/// `plan` reads each file once and takes its tool from the flow it names; older files warn and still load.
@Suite struct AnswerFileFlowCommandTests {
    static let engine = """
        [environment:default]
        OVESETUP_CONFIG/fqdn=str:gs1.lofyer.org
        OVESETUP_CONFIG/adminPassword=str:s3cret-pw
        OVIRT_WIZARD/host=str:gs1.lofyer.org

        """

    @Test func aFileWithoutItsFlowWarnsOnceAndPlans() throws {
        let dir = try Wizard.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // One path for both runs: the uploaded file's header (and so its hash) names it.
        let path = dir.appendingPathComponent("answers.conf").path
        try Self.engine.write(toFile: path, atomically: true, encoding: .utf8)
        let legacy = try Wizard.run(["plan", "--no-probe", "--answers", path])
        #expect(legacy.status == 0, "\(legacy.stderr)")
        let warnings = legacy.stderr.split(separator: "\n").filter { $0.contains("names no flow") }
        #expect(warnings.count == 1 && warnings[0].contains(path), "\(legacy.stderr)")

        try (Self.engine + "OVIRT_WIZARD/flow=str:engine-setup\nOVIRT_WIZARD/flowVersion=str:3.4\n").write(toFile: path, atomically: true, encoding: .utf8)
        let named = try Wizard.run(["plan", "--no-probe", "--answers", path])
        #expect(named.status == 0, "\(named.stderr)")
        #expect(!named.stderr.contains("names no flow"))
        // The flow's identity lines are the wizard's own: the plan, and the uploaded file in it, are unchanged.
        #expect(named.stdout == legacy.stdout)
        #expect(!named.stdout.contains("s3cret-pw"))
    }

    @Test func anUnknownFlowNamesTheFileAndTheFlow() throws {
        let dir = try Wizard.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("x.conf").path
        try (Self.engine + "OVIRT_WIZARD/flow=str:engine-setup-9\n").write(toFile: path, atomically: true, encoding: .utf8)
        let r = try Wizard.run(["plan", "--no-probe", "--answers", path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(path): names the flow 'engine-setup-9', which is not in "), "\(r.stderr)")
    }

    /// The target login asks how a user other than root becomes root, and only then; no sudo password is asked
    /// or written by the dialog (it is asked when the plan runs).
    @Test func plainAsksHowAnotherUserBecomesRoot() throws {
        let dir = try Wizard.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A host that cannot be resolved: the login questions are asked, then the seed environment is used.
        let r = try Wizard.run(["plain", "--flow", "engine-setup"], stdin: "nonexistent.invalid\nadmin\n22\n\nsudo-pw\nsudo-password\nyes\n", in: dir)
        #expect(r.stdout.contains("How does that user run commands as root? (none, sudo, sudo-password) [sudo]: "), "\(r.stdout)")
        #expect(r.stdout.contains("Is the sudo password the SSH login password? (Yes, No) [No]: "), "\(r.stdout)")
        let text = try String(contentsOf: dir.appendingPathComponent("engine-setup.conf"), encoding: .utf8)
        #expect(text.contains("OVIRT_WIZARD/become=str:sudo-password\n"), "\(text)")
        #expect(text.contains("OVIRT_WIZARD/sudoPasswordIsLoginPassword=bool:True\n"), "\(text)")

        let root = try Wizard.run(["plain", "--flow", "engine-setup", "--output", "root.conf"], stdin: "nonexistent.invalid\nroot\n22\n\n", in: dir)
        #expect(!root.stdout.contains("as root?"), "\(root.stdout)")
        let rootText = try String(contentsOf: dir.appendingPathComponent("root.conf"), encoding: .utf8)
        #expect(!rootText.contains("OVIRT_WIZARD/become=str:"), "\(rootText)")
    }

    @Test func plainWritesTheFlowAndItsVersion() throws {
        for (flow, version) in [("engine-setup", "3.4"), ("hosted-engine", "3.4")] {
            let dir = try Wizard.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let r = try Wizard.run(["plain", "--flow", flow, "--offline", "--random-seed", "7"],
                                   stdin: try Wizard.fixture("\(flow)-3.4.answers"), in: dir)
            #expect(r.status == 0, "\(r.stderr)")
            let lines = try String(contentsOf: dir.appendingPathComponent("\(flow).conf"), encoding: .utf8).split(separator: "\n")
            #expect(lines.contains("OVIRT_WIZARD/flow=str:\(flow)"))
            #expect(lines.contains("OVIRT_WIZARD/flowVersion=str:\(version)"))
        }
    }
}
