import Foundation
import Testing
@testable import WizardCore

/// Serves each host's text from a real file `<dir>/<host>.cpuinfo` (what an operator saves with
/// `ssh HOST cat /proc/cpuinfo > HOST.cpuinfo`); a missing file is the host's failure.
private struct SavedCPUInfo: CPUInfoSource {
    let directory: URL

    func cpuinfoText(host: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(host + ".cpuinfo"), encoding: .utf8)
    }
}

@Suite("CPU probe entry point")
struct CPUProbeTests {
    @Test func probesEachHost() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cpu-probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try CPUFixtures.text("westmere-xeon-e5649-vdsm.txt").write(
            to: directory.appendingPathComponent("node1.cpuinfo"), atomically: true, encoding: .utf8)
        try CPUFixtures.text("conroe-core2-quad-launchpad-1757323.txt").write(
            to: directory.appendingPathComponent("node2.cpuinfo"), atomically: true, encoding: .utf8)
        try "Processor\t: ARMv7 Processor rev 4 (v7l)\nFeatures\t: half thumb fastmult vfp edsp neon\n".write(
            to: directory.appendingPathComponent("node4.cpuinfo"), atomically: true, encoding: .utf8)

        let results = ["node1", "node2", "node3", "node4"].map { CPUProbe.probe(host: $0, using: SavedCPUInfo(directory: directory)) }
        #expect(results.count == 4)
        #expect(try results[0].get().best?.vdsmName == "model_Westmere")
        #expect(try results[1].get().best?.vdsmName == "model_Conroe")
        #expect(try results[1].get().source == "node2")
        guard case .failure(let missing) = results[2], case .failure(let arm) = results[3] else {
            Issue.record("node3 (no file) and node4 (ARM) must fail")
            return
        }
        #expect(missing.host == "node3" && missing.message.hasPrefix("cat /proc/cpuinfo failed"))
        #expect(arm.host == "node4" && arm.message.contains("not an x86"))
        #expect(CPUProbe.command == ["cat", "/proc/cpuinfo"])
    }
}
