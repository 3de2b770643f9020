import Foundation
import Testing
@testable import TUI
import WizardCore

/// The CPU check screen with real /proc/cpuinfo captures (Tests/Fixtures/cpuinfo, sources in SOURCES.md),
/// rendered at the reference sizes and compared with golden text, as the wizard and `cpu-check --tui` show it.
@Suite struct CPUCheckScreenTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cpuinfo")

    static func report(_ name: String) throws -> HostCPUReport {
        let text = try String(contentsOf: fixtures.appendingPathComponent(name + ".txt"), encoding: .utf8)
        return HostCPUClassifier.classify(try CPUInfo(parsing: text), source: name.components(separatedBy: "-").first!)
    }

    static func frame(_ state: CPUCheckApp.State, _ size: Size) -> Frame { CPUCheckApp().view(state, size) }

    @Test func oneHostMatchesItsGoldenTextAtEverySize() throws {
        let screen = CPUCheckScreen(hosts: [try Self.report("westmere-xeon-e5649-vdsm")], level: "3.4",
                                    origin: "probed on gs1 over SSH")
        for size in GoldenScreenTests.sizes {
            Golden.check(Self.frame(CPUCheckApp.State(screen: screen), size), "cpu-check-\(size)")
        }
        let text = Self.frame(CPUCheckApp.State(screen: screen), Size(columns: 120, rows: 40)).lines.joined(separator: "\n")
        #expect(text.contains("Recommended cluster CPU: Intel Westmere Family (model_Westmere"))
        #expect(text.contains("model_SandyBridge"), "the models the host lacks are listed with their flags")
    }

    @Test func manyHostsScrollAt80x24AndReachTheWarnings() throws {
        let hosts = try ["conroe-core2-quad-launchpad-1757323", "westmere-core-i5-m560-util-linux",
                         "haswell-notsx-core-i7-4800mq-ansible", "nested-ivybridge-e5-2680v2-novmx-ansible"].map(Self.report)
        var state = CPUCheckApp.State(screen: CPUCheckScreen(hosts: hosts, level: "3.4", origin: "read from files"))
        let size = Size(columns: 80, rows: 24)
        state.size = size
        let first = Self.frame(state, size)
        Golden.check(first, "cpu-check-hosts-80x24")
        #expect(first.lines.joined().contains("↓ more"))
        #expect(!first.lines.joined().contains("Warnings:"))
        let app = CPUCheckApp()
        for _ in 0..<3 { state = app.update(state, .key(.pageDown)).0 }
        let last = Self.frame(state, size).lines.joined(separator: "\n")
        #expect(last.contains("Warnings:"))
        #expect(last.contains("nested: no hardware virtualization"), "\(last)")
        // The lines are never cut: every line fits the body.
        for line in state.screen.lines(width: 78) { #expect(CellWidth.of(line.text) <= 78, "\(line.text)") }
    }

    @Test func leftAndRightChangeTheClusterLevelAndTheRecommendation() throws {
        var state = CPUCheckApp.State(screen: CPUCheckScreen(hosts: [try Self.report("haswell-notsx-core-i7-4800mq-ansible")], level: "3.4"))
        let app = CPUCheckApp()
        let at34 = state.screen.summary.cluster.cpu?.name
        #expect(at34 == "Intel SandyBridge Family")
        for _ in 0..<4 { state = app.update(state, .key(.right)).0 }
        #expect(state.screen.level != "3.4")
        #expect(state.screen.summary.cluster.cpu?.name != at34, "a later level offers Haswell for this host")
        for _ in 0..<40 { state = app.update(state, .key(.left)).0 }
        #expect(state.screen.level == ClusterCPULevels.levels.first)
        #expect(app.update(state, .key(.character("q"))).1.count == 1, "q leaves cpu-check --tui")
    }

    @Test func anAnsweredCPUTypeIsCheckedAgainstTheHosts() throws {
        var screen = CPUCheckScreen(hosts: [try Self.report("conroe-core2-quad-launchpad-1757323")], level: "3.4")
        screen.answeredCPU = "model_Conroe"
        #expect(screen.lines(width: 78).contains { $0.text == "Answered CPU type model_Conroe runs on conroe" && $0.style == .success })
        screen.answeredCPU = "model_Westmere"
        let text = screen.lines(width: 78).filter { $0.style == .error }.map(\.text).joined(separator: "\n")
        #expect(text.contains("Answered CPU type model_Westmere will fail:"))
        #expect(text.contains("conroe: cannot run model_Westmere: missing"), "\(text)")
    }

    @Test func withoutAHostItSaysWhy() {
        let screen = CPUCheckScreen(hosts: [], level: "3.4", absence: "Offline (--offline): no host is contacted.")
        let text = screen.lines(width: 78).map(\.text).joined(separator: "\n")
        #expect(text.contains("Offline (--offline): no host is contacted."))
        #expect(!text.contains("Recommended"))
    }
}
