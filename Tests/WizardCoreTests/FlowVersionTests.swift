import Foundation
import Testing
@testable import WizardCore

/// The probed host chooses the oVirt version of a flow: EL6 (and Fedora 19/20) → 3.4, EL8/EL9 → 4.5.
@Suite struct FlowVersionTests {
    let catalog = FlowCatalog.load(directory: Repo.screens)

    @Test func bothEngineSetupVersionsLoadAndANameAloneIsTheSeedsVersion() throws {
        #expect(catalog.problems.isEmpty, "\(catalog.problems)")
        #expect(catalog.versions(of: "engine-setup").map(\.version) == ["3.4", "4.5"])
        #expect(catalog.flow(named: "engine-setup")?.version == "3.4")
        #expect(catalog.flow(named: "engine-setup-4.5")?.version == "4.5")
        #expect(catalog.flow(named: "engine-setup-4.4") == nil)
    }

    @Test(arguments: [
        (HostOS(family: "centos", major: 6, name: "CentOS release 6.5 (Final)"), "3.4"),
        (HostOS(family: "redhat", major: 6), "3.4"),
        (HostOS(family: "fedora", major: 20), "3.4"),
        (HostOS(family: "centos", major: 9, name: "CentOS Stream release 9"), "4.5"),
        (HostOS(family: "redhat", major: 8, name: "Rocky Linux release 8.9 (Green Obsidian)"), "4.5"),
        (HostOS(family: "centos", major: 8, variant: "ovirt-node"), "4.5"),
    ])
    func theHostDecidesTheEngineSetupVersion(os: HostOS, version: String) throws {
        #expect(try catalog.flow(id: "engine-setup", on: os, host: "h1").version == version)
    }

    @Test func aHostNoVersionRunsOnIsRefusedWithTheReason() throws {
        for os in [HostOS(family: "debian", major: 12), HostOS(family: "centos", major: 7, name: "CentOS Linux release 7.9.2009 (Core)")] {
            do {
                let flow = try catalog.flow(id: "engine-setup", on: os, host: "node1.example.com")
                Issue.record("\(os) chose \(flow.version)")
            } catch {
                let text = error.description
                #expect(text.hasPrefix("node1.example.com runs \(os.description): no engine-setup flow the wizard knows runs there"), "\(text)")
                #expect(text.contains("oVirt 3.4 needs EL 6 (centos, redhat) or Fedora 19, 20"), "\(text)")
                #expect(text.contains("oVirt 4.5 needs EL 8, 9 (centos, redhat)"), "\(text)")
            }
        }
        #expect(try catalog.flow(id: "hosted-engine", on: HostOS(family: "centos", major: 9), host: "he1").version == "4.5")
        #expect(try catalog.flow(id: "hosted-engine", on: HostOS(family: "centos", major: 6), host: "he1").version == "3.4")
        #expect(throws: FlowCatalog.VersionRefused.self) {
            try catalog.flow(id: "hosted-engine", on: HostOS(family: "centos", major: 7), host: "he1")
        }
    }

    @Test func flowsOfTheWizardsOwnToolsRunAnywhere() throws {
        #expect(try catalog.flow(id: "gluster", on: HostOS(family: "debian", major: 12), host: "g1").id == "gluster")
    }

    @Test func theProbeTellsTheFamilyAndMajorVersionFromRPMsMacros() throws {
        // A fake rpm that answers as EL9's does, on this (Debian) machine: the macros win over os-release's ID.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rpm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let rpm = dir.appendingPathComponent("rpm")
        try "#!/bin/sh\ncase \"$2\" in *rhel*) echo 9;; *) echo;; esac\n".write(to: rpm, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: rpm.path)
        let withRPM = try probe(path: "\(dir.path):/usr/bin:/bin")
        #expect(HostOS(facts: withRPM) == HostOS(family: "redhat", major: 9, name: withRPM.string("os_release"),
                                                 variant: withRPM.string("os_variant").flatMap { $0.isEmpty ? nil : $0 }))
        let withoutRPM = try probe(path: "/usr/bin:/bin")
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/rpm") { return }
        let osRelease = try String(contentsOfFile: "/etc/os-release", encoding: .utf8)
        let id = osRelease.split(separator: "\n").first { $0.hasPrefix("ID=") }.map { $0.dropFirst(3).replacingOccurrences(of: "\"", with: "") }
        #expect(withoutRPM.string("os_family") == id)
        #expect(withoutRPM.string("os_major").flatMap(Int.init) != nil)
    }

    func probe(path: String) throws -> HostFacts {
        try HostFactsProbeTests.runScript(environment: ["PATH": path]).facts
    }
}
