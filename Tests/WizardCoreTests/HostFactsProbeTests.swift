import Foundation
import Testing
@testable import WizardCore

@Suite struct HostFactsProbeTests {
    @Test func parsesTypedFactsAndTheCPU() throws {
        let cpuinfo = try String(contentsOf: Repo.root.appendingPathComponent("Tests/Fixtures/cpuinfo/conroe-core2-quad-launchpad-1757323.txt"),
                                 encoding: .utf8)
        let output = """
            host_fqdn=gs1.lofyer.org
            os_family=centos
            firewall_managers=iptables
            active_firewall_managers=
            new_database=true
            memory_mb=7821
            nics=eth0,eth1
            gateway=192.168.10.1
            sshd_port=2222
            ha_broker_conf=maybe
            \(HostFactsProbe.cpuinfoMarker)
            \(cpuinfo)
            """
        let facts = HostFactsProbe.parse(output, description: "probed on gs1")
        #expect(facts["host_fqdn"] == .string("gs1.lofyer.org"))
        #expect(facts["firewall_managers"] == .list(["iptables"]))
        #expect(facts["active_firewall_managers"] == .list([]))
        #expect(facts["new_database"] == .bool(true))
        #expect(facts["memory_mb"] == .int(7821))
        #expect(facts["sshd_port"] == .int(2222))
        #expect(facts["ha_broker_conf"] == nil, "a value the parser cannot read is left out")
        #expect(facts["cpu_models"] == .list(["model_Conroe"]))
        #expect(facts.description == "probed on gs1")
    }

    @Test func theScriptRunsUnderARealShell() throws {
        let (status, facts) = try Self.runScript()
        #expect(status == 0)
        #expect(facts.string("host_fqdn")?.isEmpty == false)
        if case .int(let mb)? = facts["memory_mb"] { #expect(mb > 0) } else { Issue.record("memory_mb missing") }
        #expect(facts.list("nics") != nil)
        #expect(facts["cpu_models"] != nil)
        #expect(facts["new_database"] == .bool(true))
    }

    /// Runs the probe script under /bin/sh on this machine (with `environment`, when given) and parses it.
    static func runScript(environment: [String: String]? = nil) throws -> (status: Int32, facts: HostFacts) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", HostFactsProbe.script]
        if let environment { p.environment = environment }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, HostFactsProbe.parse(String(decoding: data, as: UTF8.self), description: "local"))
    }
}
