import AnsibleExport
@testable import Deploy
import EngineAPI
import Foundation
import OtopiKit
import SSHKit
import Testing
import WizardCore

/// The seed's chapter 13 as a plan: the exports checked on their server before anything is sent, the cluster's
/// CPU before any host joins, each host's key, add and wait in its own plan (its pane), the data domain first.
@Suite struct PlatformPlannerTests {
    static func answers(_ changes: [String: String?] = [:]) throws -> PlatformAnswers {
        var lines = """
            OVIRT_WIZARD/flow=str:platform
            OVIRT_WIZARD/flowVersion=str:3.4
            OVIRT_WIZARD/host=str:node1.lab
            OVIRT_WIZARD/sshUser=str:root
            PLATFORM/engineFQDN=str:engine.lab.example
            PLATFORM/adminUser=str:admin@internal
            PLATFORM/adminPassword=str:Admin-pw-1
            PLATFORM/dataCenter=str:Default
            PLATFORM/cluster=str:Default
            PLATFORM/clusterCPU=str:Intel SandyBridge Family
            PLATFORM/hosts=str:node2.lab node3.lab node4.lab
            PLATFORM/hostNames=str:node2 node3 node4
            PLATFORM/hostAuth=str:password
            PLATFORM/hostRootPassword=str:Root-pw-1
            PLATFORM/dataDomainType=str:glusterfs
            PLATFORM/dataDomainName=str:data
            PLATFORM/dataDomainPath=str:node1.lab:/vol0
            PLATFORM/isoDomainName=str:iso
            PLATFORM/isoDomainPath=str:node1.lab:/iso
            PLATFORM/exportDomainName=str:export
            PLATFORM/exportDomainPath=str:nfs.lab:/export
            PLATFORM/confirmSettings=bool:True
            """.split(separator: "\n").map(String.init)
        for (key, value) in changes {
            lines.removeAll { $0.hasPrefix(key + "=") }
            if let value { lines.append("\(key)=\(value)") }
        }
        let env = OtopiEnvironment(files: [try AnswerFile.parse(text: "[environment:default]\n" + lines.joined(separator: "\n") + "\n", path: "p.conf")])
        return try PlatformAnswers(value: { env[$0]?.value })
    }

    static func target(_ version: EngineAPIVersion) -> EngineTarget {
        EngineTarget(endpoint: EngineEndpoint(fqdn: "engine.lab.example"),
                     credentials: EngineCredentials(user: "admin@internal", password: EnginePassword("Admin-pw-1")),
                     ca: nil, expectedVersion: version)
    }

    static func plan(_ a: PlatformAnswers, _ version: EngineAPIVersion = .v3) throws -> DeploymentPlan {
        try PlatformPlanner().plan(a, answerFile: "/tmp/p.conf", options: ConnectOptions(), engine: target(version))
    }

    @Test func theSeedsPlatformIsOnePlanPerHostInTheEnginesOrder() throws {
        let plan = try Self.plan(try Self.answers())
        #expect(plan.hosts.map(\.name) == ["node1.lab", "nfs.lab", "node2.lab", "node3.lab", "node4.lab"])
        #expect(plan.hosts.allSatisfy { $0.tool == .platform })
        let engineHost = try #require(plan.host(named: "node1.lab"))
        #expect(engineHost.steps.map(\.id) == ["check-export-data", "check-export-iso", "set-cluster-cpu",
                                               "add-domain-data", "attach-domain-data", "add-domain-iso", "attach-domain-iso",
                                               "add-domain-export", "attach-domain-export"])
        #expect(plan.host(named: "nfs.lab")?.steps.map(\.id) == ["check-export-export"])
        for node in ["node2.lab", "node3.lab", "node4.lab"] {
            let host = try #require(plan.host(named: node))
            #expect(host.steps.map(\.id) == ["add-host", "wait-host-up"])
            // No host joins before the cluster's CPU is set.
            #expect(host.steps[0].waitsFor == [StepReference(host: "node1.lab", step: "set-cluster-cpu")])
        }
        // Nothing is sent before every export was checked.
        let cpu = engineHost.steps[2]
        #expect(Set(cpu.waitsFor.map(\.description)) == ["node1.lab/check-export-data", "node1.lab/check-export-iso", "nfs.lab/check-export-export"])
        // The data domain is created once every host is up; the ISO and export domains follow it on the same host.
        let data = engineHost.steps[3]
        #expect(Set(data.waitsFor.map(\.description)).isSuperset(of: ["node2.lab/wait-host-up", "node3.lab/wait-host-up", "node4.lab/wait-host-up"]))
        #expect(plan.engine?.expectedVersion == .v3)
    }

    @Test func sshKeyAuthInstallsTheEnginesKeyFirst() throws {
        let plan = try Self.plan(try Self.answers([PlatformAnswers.hostAuthKey: "str:sshkey", PlatformAnswers.hostRootPasswordKey: nil]))
        let node2 = try #require(plan.host(named: "node2.lab"))
        #expect(node2.steps.map(\.id) == ["install-engine-key", "add-host", "wait-host-up"])
        guard case .engine(.addHost(let spec), _) = node2.steps[1].action, case .publicKey = spec.authentication else {
            Issue.record("add-host does not log in with the engine's key")
            return
        }
    }

    @Test(arguments: [EngineAPIVersion.v3, .v4])
    func theRequestsAreShownAsSentWithThePasswordMasked(version: EngineAPIVersion) throws {
        let plan = try Self.plan(try Self.answers(), version)
        let steps = plan.hosts.flatMap(\.steps)
        let shown = steps.compactMap { step -> String? in
            guard case let .engine(e, v) = step.action else { return nil }
            return e.request(version: v).joined(separator: "\n")
        }.joined(separator: "\n")
        #expect(!shown.contains("Root-pw-1") && !shown.contains("Admin-pw-1"))
        #expect(!steps.map(\.digest).joined().isEmpty)
        let add = try #require(plan.host(named: "node2.lab")?.steps.first { $0.id == "add-host" })
        guard case let .engine(addHost, v) = add.action else { Issue.record("add-host is not an engine step"); return }
        let request = addHost.request(version: v)
        #expect(request[0] == "POST /ovirt-engine/api/hosts" + (version == .v4 ? "?reboot=false" : ""))
        #expect(request[1].contains("<root_password>\(Secrets.mask)</root_password>"))
        #expect(request[1].contains("<override_iptables>true</override_iptables>"))
        #expect(request[1].contains("<reboot_after_installation>false</reboot_after_installation>") == (version == .v3))
        let export = try #require(plan.host(named: "node1.lab")?.steps.first { $0.id == "add-domain-export" })
        guard case let .engine(addExport, _) = export.action else { Issue.record("add-domain-export is not an engine step"); return }
        // The export domain made by export-domain create is imported: v4 says so, 3.4 does it by itself.
        #expect(addExport.request(version: version)[1].contains("<import>true</import>") == (version == .v4))
        let cpu = try #require(plan.host(named: "node1.lab")?.steps.first { $0.id == "set-cluster-cpu" })
        guard case let .engine(setCPU, _) = cpu.action else { Issue.record("set-cluster-cpu is not an engine step"); return }
        #expect(setCPU.request(version: version)[1] == (version == .v3 ? #"<cluster><cpu id="Intel SandyBridge Family"/></cluster>"#
                                                                      : "<cluster><cpu><type>Intel SandyBridge Family</type></cpu></cluster>"))
    }

    @Test func anUnconfirmedPreviewIsNotPlanned() throws {
        #expect(throws: PlatformPlanner.Problem.self) {
            try Self.plan(try Self.answers([PlatformAnswers.confirmSettingsKey: nil]))
        }
    }

    @Test func noClusterCPUAndNoOptionalDomainsLeaveThemOut() throws {
        let plan = try Self.plan(try Self.answers([PlatformAnswers.clusterCPUKey: "none:None", PlatformAnswers.isoDomainNameKey: "str:none",
                                                   PlatformAnswers.exportDomainNameKey: "none:None"]))
        #expect(plan.host(named: "node1.lab")?.steps.map(\.id) == ["check-export-data", "add-domain-data", "attach-domain-data"])
        #expect(plan.host(named: "node2.lab")?.steps.first?.waitsFor == [StepReference(host: "node1.lab", step: "check-export-data")])
    }

    @Test func exportAnsibleRefusesTheEngineStepsByName() throws {
        let plan = try Self.plan(try Self.answers())
        do {
            _ = try AnsibleProject(plan: plan, sources: ["/tmp/p.conf"])
            Issue.record("a platform plan was exported to Ansible")
        } catch {
            #expect("\(error)".contains("node1.lab/set-cluster-cpu"))
            #expect("\(error)".contains("node2.lab/add-host"))
            #expect("\(error)".contains("export ansible does not write yet"))
        }
    }
}
