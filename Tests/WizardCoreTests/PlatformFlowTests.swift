import Foundation
import OtopiKit
import Testing
@testable import WizardCore

/// The platform flow (issue #15): both versions load from Screens/, ask every key of the answer-file contract,
/// refuse what can be wrong, take the engine's values from its answer file without asking the password twice, and
/// merge what the engine and the hosts' CPU check tell.
@Suite struct PlatformFlowTests {
    let catalog = FlowCatalog.load(directory: Repo.screens)

    /// Every key of the platform answer-file contract, in the order the flow asks them (the CPU after the hosts it is
    /// checked on).
    static let contractKeys = [
        "PLATFORM/engineAnswerFile", "PLATFORM/engineFQDN", "PLATFORM/enginePort", "PLATFORM/adminUser",
        "PLATFORM/adminPassword", "PLATFORM/dataCenter", "PLATFORM/cluster", "PLATFORM/hosts", "PLATFORM/hostNames",
        "PLATFORM/hostAuth", "PLATFORM/hostRootPassword", "PLATFORM/clusterCPU", "PLATFORM/dataDomainType",
        "PLATFORM/dataDomainName", "PLATFORM/dataDomainPath", "PLATFORM/isoDomainName", "PLATFORM/isoDomainPath",
        "PLATFORM/exportDomainName", "PLATFORM/exportDomainPath", "PLATFORM/confirmSettings",
    ]

    @Test func bothVersionsLoadWithTheContractsKeysAndTheirFetches() throws {
        #expect(catalog.problems.isEmpty, "\(catalog.problems)")
        #expect(catalog.versions(of: "platform").map(\.version) == ["3.4", "4.5"])
        for flow in catalog.versions(of: "platform") {
            let keys = flow.questions.map(\.key).filter { $0.hasPrefix("PLATFORM/") }
            #expect(keys == Self.contractKeys, "\(flow.source)")
            #expect(flow.isSecret("PLATFORM/adminPassword") && flow.isSecret("PLATFORM/hostRootPassword"))
            #expect(!flow.isSecret("PLATFORM/engineFQDN"))
            #expect(flow.sections.flatMap(\.fetch) == [.engineAnswerFile, .engine, .hostCPUs])
            // Each fetch comes after every question its inputs name.
            for section in flow.sections where !section.fetch.isEmpty {
                let before = Set(flow.sections.prefix { $0.id != section.id }.flatMap(\.questions).map(\.key))
                for source in section.fetch {
                    for input in source.inputs where flow.question(forKey: input) != nil {
                        #expect(before.contains(input), "\(section.id): \(input) is asked after the fetch of \(source)")
                    }
                }
            }
        }
        #expect(try catalog.flow(id: "platform", on: HostOS(family: "centos", major: 6), host: "gs1").version == "3.4")
        #expect(try catalog.flow(id: "platform", on: HostOS(family: "centos", major: 9), host: "engine").version == "4.5")
    }

    @Test func anUnknownFetchSourceIsRefusedWithItsLine() throws {
        let yaml = """
            flow: x
            title: x
            tool: x
            version: "1"
            seed_facts: {description: none}
            sections:
              - id: s
                fetch: [engine, the_moon]
                questions: []
            preview:
              title: P
              width: 10
              items: []
              confirm: {key: X/confirm, kind: boolean, prompt: "ok? ", default: "Yes"}
            """
        #expect(throws: FlowFileError.self) { try FlowLoader.parse(yaml: yaml, path: "x.yaml") }
        do {
            _ = try FlowLoader.parse(yaml: yaml, path: "x.yaml")
        } catch {
            #expect(error.description.hasPrefix("x.yaml:8: sections[0].fetch[1]: unknown fetch source 'the_moon'"), "\(error)")
        }
    }

    // MARK: - validators

    func check(_ name: String, _ value: String, asking: String? = nil, _ answers: [String: String] = [:]) -> ValidationResult {
        var context = ValidationContext(checkLocalFile: { _ in nil }, answer: { answers[$0] })
        context.asking = asking
        return Validators.validate(name, value, context: context)
    }

    @Test func theHostsToAddAndTheirNames() {
        #expect(check("platform_hosts", "node2.lab node3.lab 192.168.1.14") == .ok)
        #expect(check("platform_hosts", "node2.lab NODE2.lab") == .error("NODE2.lab is named twice"))
        #expect(check("platform_hosts", "node2.lab bad_host!") == .error("bad_host! is not a host name or address, optionally as user@host:port"))
        #expect(check("platform_hosts", "root@node2.lab:2222 node3.lab") == .ok)
        #expect(check("platform_hosts", "  ") == .error("name at least one host to add"))
        let hosts = ["PLATFORM/hosts": "node2.lab node3.lab"]
        #expect(check("platform_host_names", "node2 node3", hosts) == .ok)
        #expect(check("platform_host_names", "node2", hosts) == .error("1 names for 2 hosts: give one per host, in the same order"))
        #expect(check("platform_host_names", "node2 node2", hosts) == .error("node2 is given twice: the engine needs one name per host"))
        #expect(check("platform_host_names", "node2 no/de3", hosts)
            == .error("no/de3 is not a host name the engine takes (letters, digits, '-', '_' and '.' only)"))
    }

    @Test func theEngineAndItsLogin() {
        #expect(check("engine_fqdn", "engine.lab.example") == .ok)
        #expect(check("engine_fqdn", "192.168.1.10")
            == .error("192.168.1.10 is an IP address; the engine's certificate names its FQDN (reach another address with --engine-address)"))
        #expect(check("engine_name", "Default", asking: "PLATFORM/cluster") == .ok)
        #expect(check("engine_name", "my dc", asking: "PLATFORM/dataCenter")
            == .error("my dc is not a data center name the engine takes (letters, digits, '-', '_' and '.' only)"))
        #expect(check("engine_user", "admin@internal") == .ok)
        #expect(check("engine_user", "admin@ovirt@internalsso") == .ok)
        #expect(check("engine_user", "admin") != .ok)
        #expect(check("engine_user", "admin@") != .ok)
    }

    @Test func storageDomainsAreNamedAndConnectedOnceEach() {
        #expect(check("platform_domain_path", "node1.lab:/vol0", asking: "PLATFORM/dataDomainPath") == .ok)
        #expect(check("platform_domain_path", "node1.lab/vol0", asking: "PLATFORM/dataDomainPath")
            == .error("node1.lab/vol0 is not server:/path"))
        let data = ["PLATFORM/dataDomainName": "data", "PLATFORM/dataDomainPath": "node1.lab:/vol0"]
        #expect(check("platform_optional_domain_name", "none", asking: "PLATFORM/isoDomainName", data) == .ok)
        #expect(check("platform_optional_domain_name", "DATA", asking: "PLATFORM/isoDomainName", data)
            == .error("DATA is already the name of the data domain"))
        #expect(check("platform_domain_name", "none", asking: "PLATFORM/dataDomainName")
            == .error("the data domain is required (it holds the virtual disks): give it a name"))
        #expect(check("platform_domain_path", "node1.lab:/vol0/", asking: "PLATFORM/isoDomainPath", data)
            == .error("node1.lab:/vol0/ is already the connection of the data domain; each domain needs its own export"))
        // The ISO domain left out: its old connection no longer counts.
        var both = data
        both["PLATFORM/isoDomainName"] = "none"
        both["PLATFORM/isoDomainPath"] = "nfs1:/export"
        #expect(check("platform_domain_path", "nfs1:/export", asking: "PLATFORM/exportDomainPath", both) == .ok)
    }

    // MARK: - the dialog with fetched facts

    static let engineSetupAnswers = """
        [environment:default]
        OVESETUP_CONFIG/fqdn=str:engine.lab.example
        OVESETUP_CONFIG/adminPassword=str:Engine-Admin-7
        OVESETUP_CONFIG/keycloakEnable=bool:True

        """

    /// A fetcher as the executable's, from fixed data: the engine answer file parsed from text, the engine's lists,
    /// the CPU check of cpuinfo fixtures.
    static func fetcher(engineRefuses: Int = 0) -> (FlowFetchSource, FlowSession) -> FlowFetchResult {
        var refusals = engineRefuses
        return { source, session in
            switch source {
            case .engineAnswerFile:
                guard session.answers[PlatformFacts.engineAnswerFileKey]?.value.displayText.isEmpty == false else {
                    return FlowFetchResult(forget: [PlatformFacts.passwordInFileFact])
                }
                let file = try! AnswerFile.parse(text: engineSetupAnswers, path: "/tmp/engine-setup.conf")
                return PlatformFacts.engineAnswerFile(OtopiEnvironment(files: [file]), path: "/tmp/engine-setup.conf")
            case .engine:
                if refusals > 0 {
                    refusals -= 1
                    var result = PlatformFacts.engineUnknown("engine refused the login", severity: .error)
                    result.forget.append(PlatformFacts.passwordInFileFact)
                    result.reask = [PlatformFacts.adminPasswordKey]
                    return result
                }
                // A 3.4 engine's data centers are of level 3.4, a 4.5 engine's of 4.7.
                let level = session.flow.version == "3.4" ? "3.4" : "4.7"
                return PlatformFacts.engine("engine.lab.example", dataCenters: [.init(name: "Default", status: "up", version: level),
                                                                               .init(name: "dc2", status: "uninitialized", version: level)],
                                            clusters: [.init(name: "Default", dataCenter: "Default", cpuType: "Intel Conroe Family", version: nil)])
            case .hostCPUs:
                return PlatformFacts.cpuProposal(level: PlatformFacts.clusterLevel(session), cluster: "Default",
                                                 currentCPU: PlatformFacts.currentCPU(session), reports: reports(), failures: [])
            }
        }
    }

    static func reports() -> [HostCPUReport] {
        ["westmere-xeon-e5649-vdsm.txt", "sandybridge-xeon-e5-2690-joefriday.txt"].map { name in
            try! CPUProbe.report(text: String(contentsOf: Repo.root.appendingPathComponent("Tests/Fixtures/cpuinfo/\(name)"), encoding: .utf8),
                                 source: name).get()
        }
    }

    func dialog(_ version: String, offline: Bool = true, input: [String], engineRefuses: Int = 0) throws -> (PlainDialog, ScriptedIO, PlainDialog.Outcome) {
        let flow = try #require(catalog.versions(of: "platform").first { $0.version == version })
        // The engine answer file is the fetcher's text: no local file is looked at.
        let context = ValidationContext(checkLocalFile: { _ in nil })
        var dialog = PlainDialog(session: FlowSession(flow: flow, offline: offline, randomSeed: 1, context: context),
                                 checker: OfflineChecker())
        dialog.onFetch = Self.fetcher(engineRefuses: engineRefuses)
        let io = ScriptedIO(input)
        let outcome = dialog.run(io: io)
        return (dialog, io, outcome)
    }

    @Test func theEngineAnswerFileGivesTheFQDNAndThePasswordIsNeverAsked() throws {
        let (dialog, io, outcome) = try dialog("4.5", input: [
            "/tmp/engine-setup.conf",  // engine answer file
            "",                        // port 443
            "",                        // data center: Default (listed from the engine)
            "",                        // cluster: Default
            "node2.lab node3.lab",     // hosts
            "",                        // names: as the hosts
            "",                        // sshkey
            "",                        // cluster CPU: proposed
            "", "", "node1.lab:/vol0", // data: glusterfs, data, connection
            "none",                    // no ISO domain
            "", "nfs1.lab:/exports/export", // export domain
            "yes",
        ])
        #expect(outcome == .confirmed, "\(io.output)")
        #expect(io.hiddenPrompts.isEmpty, "the password was asked: \(io.output)")
        let s = dialog.session
        #expect(s.answers["PLATFORM/engineFQDN"]?.value == .string("engine.lab.example"))
        #expect(s.answers["PLATFORM/engineFQDN"]?.provenance == .file(path: "/tmp/engine-setup.conf", line: 2))
        #expect(s.answers["PLATFORM/adminPassword"]?.value == OtopiValue.none)
        #expect(s.answers["PLATFORM/adminUser"]?.value == .string("admin@ovirt@internalsso"))
        #expect(s.answers["PLATFORM/dataCenter"]?.provenance == .detected)
        // The planner's proposal for both hosts at the 4.7 level the flow assumes for 4.5 is the default taken.
        let proposed = try #require(ClusterCPUPlanner.recommend(level: "4.7", hosts: Self.reports()).cpu)
        #expect(proposed.name.contains("Westmere"))
        #expect(s.answers["PLATFORM/clusterCPU"]?.value == .string(proposed.name))
        #expect(s.answers["PLATFORM/clusterCPU"]?.provenance == .detected)
        #expect(s.answers["PLATFORM/hostNames"]?.value == .string("node2.lab node3.lab"))
        #expect(io.output.contains("Proposed cluster CPU: \(proposed.name)"), "\(io.output)")
        #expect(io.output.contains("The cluster Default has the CPU type Intel Conroe Family now"))
        #expect(!io.output.contains("Engine-Admin-7"))
        let text = try AnswerFileContract.renderLocal(s, complete: true)
        #expect(text.contains("PLATFORM/adminPassword=none:None\n"))
        #expect(text.contains("PLATFORM/isoDomainName=str:none\n"))
        #expect(!text.contains("PLATFORM/isoDomainPath"))
        #expect(text.contains("OVIRT_WIZARD/flow=str:platform\n") && text.contains("OVIRT_WIZARD/flowVersion=str:4.5\n"))
        // The preview names where each value came from.
        let preview = s.preview()
        #expect(preview.rows.first { $0.key == "PLATFORM/engineFQDN" }?.provenance == .file(path: "/tmp/engine-setup.conf", line: 2))
        #expect(preview.rows.first { $0.key == "PLATFORM/clusterCPU" }?.provenance == .detected)
    }

    @Test func aRefusedPasswordIsAskedAgainAndTheListsFetchedThen() throws {
        let (dialog, io, outcome) = try dialog("3.4", input: [
            "",                    // no engine answer file
            "engine.lab.example", "", "", "wrong-pw",
            "Right-pw-1",          // asked again after the engine refused it
            "dc2", "", "node2", "", "password", "Root-pw-1", "",
            "nfs", "", "nfs1:/data", "iso", "nfs1:/iso", "none", "yes",
        ], engineRefuses: 1)
        #expect(outcome == .confirmed, "\(io.output)")
        #expect(io.hiddenPrompts == ["Password of the engine admin user: ", "Password of the engine admin user: ",
                                     "Root password of the hosts to add: "])
        #expect(io.errors().contains("[ ERROR ] engine refused the login"))
        let s = dialog.session
        #expect(s.answers["PLATFORM/adminPassword"]?.value == .string("Right-pw-1"))
        #expect(s.answers["PLATFORM/dataCenter"]?.value == .string("dc2"))
        // 3.4's level: the Westmere host holds the cluster at Westmere.
        #expect(s.answers["PLATFORM/clusterCPU"]?.value == .string("Intel Westmere Family"))
        #expect(io.output.contains("Intel SandyBridge Family is out of reach because of westmere-xeon-e5649-vdsm.txt"), "\(io.output)")
        #expect(!io.output.contains("Right-pw-1") && !io.output.contains("Root-pw-1"))
    }

    @Test func aDataCenterTheEngineDoesNotHaveIsRefused() throws {
        let (_, io, _) = try dialog("4.5", input: ["", "engine.lab.example", "", "", "pw", "Elsewhere"])
        #expect(io.errors().contains { $0.contains("Invalid value") }, "\(io.output)")
    }
}
