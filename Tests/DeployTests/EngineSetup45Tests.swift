import Foundation
import LabHosts
import Testing
@testable import Deploy

/// oVirt 4.5's engine-setup from answers typed as a new operator would: the probed EL9 host chooses the 4.5
/// dialog, the file it writes makes the fixture's 4.5 engine-setup (which stops at any question left open) ask
/// nothing, and `apply` prepares the host the 4.5 way (the CentOS Virt SIG's release package, dnf).
@Suite(.serialized, .timeLimit(.minutes(5)))
struct EngineSetup45Tests {
    static let password = "Xq7#vR2!mK9@pL4z"

    /// Target login, then Enter for every default; the FQDN is `localhost` (an address of every lab host).
    static func typedAnswers(_ lab: LabDeployment) -> String {
        let host = lab.cluster.hosts[0]
        var lines = [host.address, "root", "\(host.port)", lab.cluster.clientKey]
        lines += Array(repeating: "", count: 8)             // PRODUCT OPTIONS: every component as proposed
        lines += ["localhost"]                              // NETWORK: the engine's FQDN
        lines += Array(repeating: "", count: 6)             // DATABASE: DWH, Keycloak and engine, local and automatic
        lines += [password, password]                       // OVIRT ENGINE: the admin password and its confirmation
        lines += Array(repeating: "", count: 20)            // the rest as proposed, the preview confirmed
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func anEL9HostGetsThe45DialogAndItsFileRunsWithoutAQuestion() throws {
        let lab = try LabDeployment(hosts: 1)
        try lab.setFixture(0, "FIXTURE_RHEL=9\n")
        let file = lab.directory + "/engine-setup.conf"
        let dialog = try lab.wizard(["plain", "--flow", "engine-setup", "--output", file, "--known-hosts", lab.cluster.knownHostsPath],
                                    stdin: Self.typedAnswers(lab))
        let address = lab.cluster.hosts[0].address
        #expect(dialog.stdout.contains("[ INFO  ] \(address) runs redhat 9: the questions are those of engine-setup in oVirt 4.5"), "\(dialog.stdout)")
        #expect(dialog.stdout.contains("Configure Cinderlib integration (Currently in tech preview) (Yes, No) [No]: "))
        #expect(dialog.status == 0, "\(dialog.stdout)\n\(dialog.stderr)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("OVIRT_WIZARD/flowVersion=str:4.5"))
        #expect(text.contains("QUESTION/1/KEYCLOAK_USE_ENGINE_ADMIN_PASSWORD=str:yes"))
        lab.answerFiles = [file]

        let plan = try lab.wizard(["plan", "--answers", file] + lab.sshArguments)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("centos-release-ovirt45"))
        #expect(plan.stdout.contains("dnf install -y ovirt-engine"), "EL9 installs with dnf: \(plan.stdout)")
        #expect(!plan.stdout.contains(Self.password))

        let applied = try lab.wizard(["apply", "--plain", "--answers", file] + lab.sshArguments)
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        #expect(applied.stdout.contains("[\(address)] engine-setup stage 16/16: Termination"))
        #expect(applied.stdout.contains("[\(address)] finished"))
        // The host's log holds the tool's whole output: it ran through without a question.
        let log = try String(contentsOfFile: lab.files.log(host: address), encoding: .utf8)
        #expect(log.contains("Execution of setup completed successfully"), "\(log)")
        #expect(!log.contains("End of file"), "the 4.5 engine-setup asked nothing")
        #expect(!applied.stdout.contains(Self.password) && !applied.stderr.contains(Self.password))
        #expect(lab.runs(0).contains { $0.hasSuffix(" install -y centos-release-ovirt45") }, "\(lab.runs(0))")
        #expect(lab.runs(0).contains { $0.contains(" engine-setup --offline --config-append=") })
    }

    @Test func aFileMissingAnAnswerStopsThe45RunAtThatQuestion() throws {
        let lab = try LabDeployment(hosts: 1)
        try lab.setFixture(0, "FIXTURE_RHEL=9\n")
        let file = lab.directory + "/engine-setup.conf"
        _ = try lab.wizard(["plain", "--flow", "engine-setup", "--output", file, "--known-hosts", lab.cluster.knownHostsPath],
                           stdin: Self.typedAnswers(lab))
        // An operator removes an answer by hand: the tool would ask it, and the run says which question.
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.split(separator: "\n").filter { !$0.hasPrefix("OVESETUP_GRAFANA_CORE/enable=") }.joined(separator: "\n")
            .appending("\n").write(toFile: file, atomically: true, encoding: .utf8)
        lab.answerFiles = [file]
        let applied = try lab.wizard(["apply", "--plain", "--answers", file] + lab.sshArguments)
        #expect(applied.status == 1)
        #expect(applied.stdout.contains("Configure Grafana on this host (Yes, No) [Yes]: "), "\(applied.stdout)")
    }
}
