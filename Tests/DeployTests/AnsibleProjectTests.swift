import Foundation
import HostOps
import LabHosts
import SSHKit
import Testing
import Yams
@testable import AnsibleExport
@testable import Deploy

/// The export's parts that need no host: plays at the waits between hosts, and values that reach Ansible as text.
@Suite("export ansible: plays and YAML")
struct AnsibleProjectTests {
    static func step(_ id: String, waits: [StepReference] = []) -> PlanStep {
        PlanStep(id: id, title: id, action: .run(RemoteCommand(["echo", id]), otopi: false, interactive: false), changesHost: true,
                 probe: .rerun, skipIsSafe: false, skipNote: "", waitsFor: waits, timeout: 60)
    }

    static func host(_ name: String, _ steps: [PlanStep]) -> HostPlan {
        HostPlan(name: name, tool: .generic, access: HostAccess(target: SSHTarget(user: "root", host: name), options: ConnectOptions()),
                 answerFile: "plan.json", remoteDirectory: "/var/lib/ovirt-wizard/" + name, platform: .assumed("test"), steps: steps, secretValues: [])
    }

    /// A first host and an additional host that waits for all of it (hosted-engine's additional hosts), and a third
    /// host whose second step waits for one step of the second.
    @Test func waitsBetweenHostsBecomeLaterPlaysInPlanOrder() throws {
        let plan = DeploymentPlan(hosts: [
            Self.host("first", [Self.step("a1"), Self.step("a2")]),
            Self.host("additional", [Self.step("b1", waits: [StepReference(host: "first", step: nil)]), Self.step("b2")]),
            Self.host("other", [Self.step("c1"), Self.step("c2", waits: [StepReference(host: "additional", step: "b1")])]),
        ])
        let project = try AnsibleProject(plan: plan, sources: ["plan.json"])
        let plays = project.plays.plays.map { play in play.steps.map { "\($0.host)/\($0.step.id)" } }
        #expect(plays == [["first/a1", "first/a2", "other/c1"], ["additional/b1", "additional/b2"], ["other/c2"]])
        #expect(project.plays.plays.map(\.hosts) == [["first", "other"], ["additional"], ["other"]])
        // site.yml: the same order, each step once.
        let root = try #require(try Yams.compose(yaml: project.site))
        let names = (root.sequence ?? []).flatMap { play in (play["tasks"]?.sequence ?? []).compactMap { $0["vars"]?["ovw_step"]?["id"]?.string } }
        #expect(names == ["a1", "a2", "c1", "b1", "b2", "c2"])
    }

    @Test func aWaitForAStepThatIsNotInThePlanIsRefused() {
        let plan = DeploymentPlan(hosts: [Self.host("h", [Self.step("a", waits: [StepReference(host: "nowhere", step: "x")])])])
        #expect(throws: AnsibleExportProblem.self) { try AnsibleProject(plan: plan, sources: []) }
    }

    /// Command lines keep every character, and Ansible's template markers stay text (`!unsafe`).
    @Test func commandLinesSurviveYAMLExactly() throws {
        let argv = ["printf", "%s\n", "{{ lookup('env','HOME') }}", "tab\there", "quote\"back\\slash", "line\u{2028}sep", "é ✓"]
        let plan = DeploymentPlan(hosts: [Self.host("h", [PlanStep(id: "s", title: "s", action: .run(RemoteCommand(argv), otopi: false, interactive: false),
                                                                   changesHost: true, probe: .rerun, skipIsSafe: false, skipNote: "", waitsFor: [], timeout: nil)])])
        let site = try AnsibleProject(plan: plan, sources: []).site
        #expect(site.contains("!unsafe"))
        let root = try #require(try Yams.compose(yaml: site))
        let commands = root.sequence?.first?["tasks"]?.sequence?.first?["vars"]?["ovw_step"]?["commands"]?.sequence?.compactMap(\.string)
        #expect(commands == [RemoteCommand(argv).commandLine])
    }

    /// A multi-line script reads as a literal block and comes back exactly.
    @Test func scriptsAreLiteralBlocksAndComeBackExactly() throws {
        let texts = ["line one\n  indented 'two'\n\nafter a blank \"q\" {{ x }}", "ends with a newline\nyes\n", "trailing space \nline"]
        for text in texts {
            let yaml = YAMLValue.map([("list", .list([.unsafe(text)])), ("key", .unsafe(text))]).render()
            let root = try #require(try Yams.compose(yaml: yaml))
            #expect(root["key"]?.string == text, "\(yaml)")
            #expect(root["list"]?.sequence?.first?.string == text, "\(yaml)")
            #expect(yaml.contains("|") == !text.contains(" \n"), "\(yaml)")
        }
    }
}
