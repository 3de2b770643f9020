import Foundation
import Testing
@testable import WizardCore

/// Real `/proc/cpuinfo` captures in `Tests/Fixtures/cpuinfo/`; `SOURCES.md` there names where each comes from.
enum CPUFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // CPU
        .deletingLastPathComponent()  // WizardCoreTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Fixtures/cpuinfo")

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    static func report(_ name: String) throws -> HostCPUReport {
        HostCPUClassifier.classify(try CPUInfo(parsing: try text(name)), source: name)
    }

    static func names(_ report: HostCPUReport) -> [String] {
        report.compatible.map(\.vdsmName)
    }
}
