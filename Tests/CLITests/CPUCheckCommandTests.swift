import Foundation
import Testing

/// Runs the built `ovirt-wizard cpu-check` as an operator would, on the real captures in Tests/Fixtures/cpuinfo.
@Suite("ovirt-wizard cpu-check")
struct CPUCheckCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cpuinfo")

    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The binary sits next to the test bundle in SwiftPM's build directory.
    static func binary() throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ovirt-wizard"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("ovirt-wizard"),
            Bundle.main.bundleURL.appendingPathComponent("ovirt-wizard"),
        ]
        return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
                            "ovirt-wizard binary not found next to the tests: \(candidates.map(\.path))")
    }

    static func run(_ arguments: [String], stdin: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus,
                   stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    @Test func jsonUsesVdsmNamesAndCore2GetsConroe() throws {
        let run = try Self.run(["cpu-check", "--cpuinfo", Self.fixture("conroe-core2-quad-launchpad-1757323.txt"), "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let inputs = try #require(document["inputs"] as? [[String: Any]])
        #expect(inputs.count == 1)
        #expect(inputs[0]["best"] as? String == "model_Conroe")
        #expect(inputs[0]["compatible"] as? [String] == ["model_Conroe"])
        #expect(inputs[0]["hardwareVirtualization"] as? Bool == true)
        let missing = try #require(inputs[0]["missing"] as? [String: [String]])
        #expect(missing["model_Penryn"] == ["sse4_1"])
        let cluster = try #require(document["cluster"] as? [String: Any])
        let cpu = try #require(cluster["cpu"] as? [String: Any])
        #expect(cpu["name"] as? String == "Intel Conroe Family")
        let hostedEngine = try #require(document["hostedEngine34"] as? [String: Any])
        #expect(hostedEngine["default"] as? String == "model_Conroe")
        #expect(document["clusterLevel"] as? String == "3.4")
    }

    @Test func jsonHasNullBestWhenNothingFits() throws {
        let run = try Self.run(["cpu-check", "--json", "--cpuinfo", Self.fixture("opteron-8354-nx-off-util-linux.txt")])
        #expect(run.status == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let inputs = try #require(document["inputs"] as? [[String: Any]])
        #expect(inputs[0]["best"] is NSNull)
        #expect((inputs[0]["compatible"] as? [String])?.isEmpty == true)
    }

    @Test func tableShowsSupportOrMissingFlagsAndTheRecommendation() throws {
        let run = try Self.run([
            "cpu-check", "--cluster-level", "3.4",
            "--cpuinfo", Self.fixture("westmere-xeon-e5649-vdsm.txt"),
            "--cpuinfo", Self.fixture("nehalem-ex-xeon-x7550-nosep-util-linux.txt"),
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        let westmereRow = try #require(lines.first { $0.hasPrefix("  model_Westmere ") })
        #expect(westmereRow.split(separator: " ", omittingEmptySubsequences: true).map(String.init) == ["model_Westmere", "yes", "aes"])
        #expect(lines.contains("Recommended cluster CPU for level 3.4: Intel Nehalem Family (model_Nehalem, VM CPU Nehalem)"))
        #expect(lines.contains { $0.contains("'sep' is not printed by this kernel") })
        #expect(lines.contains { $0.hasPrefix("hosted-engine 3.4 on westmere-xeon-e5649-vdsm.txt: offers model_Westmere, model_Nehalem") })
    }

    @Test func standardInputIsAnInput() throws {
        let text = try String(contentsOfFile: Self.fixture("opteron-g2-2216-ansible.txt"), encoding: .utf8)
        let run = try Self.run(["cpu-check", "--json", "--cpuinfo", "-"], stdin: text)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\"best\" : \"model_Opteron_G2\""))
        #expect(run.stdout.contains("\"source\" : \"stdin\""))
    }

    @Test func anUnreachableHostIsAnInputError() throws {
        let run = try Self.run(["cpu-check", "127.0.0.1:1", "--connect-timeout", "2", "--cpuinfo", Self.fixture("westmere-xeon-e5649-vdsm.txt")])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty, "no partial result")
        #expect(run.stderr.contains("cpu-check: 127.0.0.1:1: cat /proc/cpuinfo failed:"), "\(run.stderr)")
    }

    @Test func unreadableInputsNameFileAndLine() throws {
        let broken = Self.fixture("broken-wrapped-flags-ansible.txt")
        let run = try Self.run(["cpu-check", "--cpuinfo", broken, "--cpuinfo", "/nonexistent/cpuinfo"])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("cpu-check: \(broken):21: expected 'key : value'"))
        #expect(run.stderr.contains("cpu-check: /nonexistent/cpuinfo: cannot read: no such file"))
    }

    @Test func unknownLevelAndNoInputAreUsageErrors() throws {
        let level = try Self.run(["cpu-check", "--cluster-level", "3.9", "--cpuinfo", Self.fixture("westmere-xeon-e5649-vdsm.txt")])
        #expect(level.status == 64)
        #expect(level.stderr.contains("unknown cluster level '3.9'"))
        let none = try Self.run(["cpu-check"])
        #expect(none.status == 64)
        #expect(none.stderr.contains("give at least one HOST or --cpuinfo FILE"))
    }
}

extension CPUCheckCommandTests {
    @Test func answerFileCPUTypeAHostCannotRunIsFlagged() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cpu-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let answers = directory.appendingPathComponent("answers.conf")
        try "[environment:default]\nOVEHOSTED_VDSM/cpu=str:model_Westmere\n".write(to: answers, atomically: true, encoding: .utf8)

        let run = try Self.run([
            "cpu-check", "--answer-file", answers.path,
            "--cpuinfo", Self.fixture("westmere-xeon-e5649-vdsm.txt"),
            "--cpuinfo", Self.fixture("nehalem-ex-xeon-x7550-nosep-util-linux.txt"),
        ])
        #expect(run.status == 1)
        #expect(run.stdout.contains("Answer file \(answers.path):2: OVEHOSTED_VDSM/cpu=model_Westmere will fail:"))
        #expect(run.stdout.contains(
            "  - nehalem-ex-xeon-x7550-nosep-util-linux.txt: cannot run model_Westmere: missing aes; the best it runs is model_Nehalem"))

        try "[environment:default]\nOVEHOSTED_VDSM/cpu=str:model_Nehalem\n".write(to: answers, atomically: true, encoding: .utf8)
        let fine = try Self.run([
            "cpu-check", "--json", "--answer-file", answers.path,
            "--cpuinfo", Self.fixture("westmere-xeon-e5649-vdsm.txt"),
            "--cpuinfo", Self.fixture("nehalem-ex-xeon-x7550-nosep-util-linux.txt"),
        ])
        #expect(fine.status == 0, "\(fine.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(fine.stdout.utf8)) as? [String: Any])
        let answerFile = try #require(document["answerFile"] as? [String: Any])
        #expect(answerFile["cpu"] as? String == "model_Nehalem")
        #expect((answerFile["problems"] as? [Any])?.isEmpty == true)
    }

    @Test func brokenAnswerFileNamesFileAndLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cpu-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let answers = directory.appendingPathComponent("answers.conf")
        try "[environment:default]\nOVEHOSTED_VDSM/cpu=model_Westmere\n".write(to: answers, atomically: true, encoding: .utf8)
        let run = try Self.run(["cpu-check", "--answer-file", answers.path, "--cpuinfo", Self.fixture("westmere-xeon-e5649-vdsm.txt")])
        #expect(run.status == 2)
        #expect(run.stderr.contains("cpu-check: \(answers.path):2:"))
    }
}
