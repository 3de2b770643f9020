import Foundation
import OtopiKit
import Testing
@testable import WizardCore

/// The platform answer file (notes/platform-contract.md): the seed's chapter 13 read back as typed values, every
/// optional key's three spellings of "none", and each wrong answer reported as `KEY: reason`.
@Suite struct PlatformAnswersTests {
    /// The seed's platform: node1 runs the engine, node2-4 are added, data on the Gluster volume, ISO and export on NFS.
    static let seed = """
        OVIRT_WIZARD/flow=str:platform
        OVIRT_WIZARD/flowVersion=str:3.4
        OVIRT_WIZARD/host=str:node1.lab
        OVIRT_WIZARD/sshUser=str:root
        OVIRT_WIZARD/sshPort=int:22
        PLATFORM/engineAnswerFile=none:None
        PLATFORM/engineFQDN=str:engine.lab.example
        PLATFORM/enginePort=int:443
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
        PLATFORM/exportDomainPath=str:node1.lab:/export/
        PLATFORM/confirmSettings=bool:True

        """

    func environment(_ text: String) throws -> OtopiEnvironment {
        OtopiEnvironment(files: [try AnswerFile.parse(text: "[environment:default]\n" + text, path: "platform.conf")])
    }

    /// The seed's file with `changes` applied (a nil value removes the line).
    func parse(_ changes: [String: String?] = [:], engineFile: String? = nil) throws(PlatformAnswers.Problem) -> PlatformAnswers {
        var lines = Self.seed.split(separator: "\n").map(String.init)
        for (key, value) in changes {
            lines.removeAll { $0.hasPrefix(key + "=") }
            if let value { lines.append("\(key)=\(value)") }
        }
        let env = try! environment(lines.joined(separator: "\n") + "\n")
        var engineValues: ((String) -> OtopiValue?)? = nil
        if let engineFile {
            let engine = try! environment(engineFile)
            engineValues = { engine[$0]?.value }
        }
        return try PlatformAnswers(value: { env[$0]?.value }, engineAnswers: engineValues)
    }

    func problem(_ changes: [String: String?], engineFile: String? = nil) -> PlatformAnswers.Problem? {
        do { _ = try parse(changes, engineFile: engineFile); return nil } catch { return error }
    }

    @Test func theSeedsPlatformReadsBackAsTypedValues() throws {
        let a = try parse()
        #expect(a.flowVersion == "3.4")
        #expect(a.engineLogin.host == "node1.lab")
        #expect(a.engineFQDN == "engine.lab.example")
        #expect(a.enginePort == 443)
        #expect(a.adminUser == "admin@internal")
        #expect(a.adminPassword.value == "Admin-pw-1")
        #expect(a.clusterCPU == "Intel SandyBridge Family")
        #expect(a.hosts.map(\.address) == ["node2.lab", "node3.lab", "node4.lab"])
        #expect(a.hosts.map(\.name) == ["node2", "node3", "node4"])
        #expect(a.hosts.map(\.login.host) == ["node2.lab", "node3.lab", "node4.lab"])
        #expect(a.hosts.allSatisfy { $0.login.user == "root" && $0.login.port == 22 })
        #expect(a.hostAuth == .password)
        #expect(a.hostRootPassword?.value == "Root-pw-1")
        #expect(a.domains.map(\.role) == [.data, .iso, .export])
        #expect(a.domains.map(\.storageType) == [.glusterfs, .nfs, .nfs])
        #expect(a.domains.map(\.connection) == ["node1.lab:/vol0", "node1.lab:/iso", "node1.lab:/export"])
        #expect(a.domains.map(\.isImported) == [false, false, true])
        #expect(a.storageServers == ["node1.lab"])
        #expect(a.confirmed)
    }

    @Test func secretsPrintMasked() throws {
        let a = try parse()
        let printed = "\(a) \(String(reflecting: a)) \(a.adminPassword) \(String(describing: a.hostRootPassword))"
        #expect(!printed.contains("Admin-pw-1"))
        #expect(!printed.contains("Root-pw-1"))
        #expect(printed.contains(Secrets.mask))
    }

    @Test func optionalDomainsTakeNoneInThreeSpellings() throws {
        for spelling in ["none:None", "str:", "str:None", "str:none"] {
            let a = try parse([PlatformAnswers.isoDomainNameKey: spelling, PlatformAnswers.isoDomainPathKey: "none:None",
                               PlatformAnswers.exportDomainNameKey: spelling, PlatformAnswers.clusterCPUKey: spelling])
            #expect(a.domains.map(\.role) == [.data], "\(spelling)")
            #expect(a.clusterCPU == nil, "\(spelling)")
        }
        let missing = try parse([PlatformAnswers.isoDomainNameKey: nil, PlatformAnswers.exportDomainNameKey: nil])
        #expect(missing.domains.count == 1)
    }

    @Test func sshKeyAuthNeedsNoRootPassword() throws {
        let a = try parse([PlatformAnswers.hostAuthKey: "str:sshkey", PlatformAnswers.hostRootPasswordKey: "none:None"])
        #expect(a.hostAuth == .sshKey)
        #expect(a.hostRootPassword == nil)
        #expect(problem([PlatformAnswers.hostRootPasswordKey: "none:None"])?.key == PlatformAnswers.hostRootPasswordKey)
    }

    @Test func theAdminPasswordAndFQDNComeFromTheEngineAnswerFileWhenLeftToIt() throws {
        let engineSetup = """
            OVESETUP_CONFIG/fqdn=str:engine.from-file.example
            OVESETUP_CONFIG/adminPassword=str:From-file-pw

            """
        let a = try parse([PlatformAnswers.engineAnswerFileKey: "str:/root/engine-setup.conf",
                           PlatformAnswers.adminPasswordKey: "none:None", PlatformAnswers.engineFQDNKey: nil],
                          engineFile: engineSetup)
        #expect(a.adminPassword.value == "From-file-pw")
        #expect(a.engineFQDN == "engine.from-file.example")
        let hosted = try parse([PlatformAnswers.adminPasswordKey: "none:None"],
                               engineFile: "OVEHOSTED_ENGINE/adminPassword=str:He-pw\n")
        #expect(hosted.adminPassword.value == "He-pw")
        let none = problem([PlatformAnswers.adminPasswordKey: "none:None", PlatformAnswers.engineAnswerFileKey: "str:/x.conf"],
                           engineFile: "OVESETUP_CONFIG/fqdn=str:e.example\n")
        #expect(none?.key == PlatformAnswers.adminPasswordKey)
        #expect(none?.description.contains("/x.conf gives no OVESETUP_CONFIG/adminPassword") == true)
    }

    @Test func loadingReadsTheNamedEngineFileFromDisk() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("platform-answers-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let enginePath = dir.appendingPathComponent("engine-setup.conf").path
        try "[environment:default]\nOVESETUP_CONFIG/adminPassword=str:Disk-pw\n".write(toFile: enginePath, atomically: true, encoding: .utf8)
        var text = Self.seed.replacingOccurrences(of: "PLATFORM/adminPassword=str:Admin-pw-1", with: "PLATFORM/adminPassword=none:None")
        text = text.replacingOccurrences(of: "PLATFORM/engineAnswerFile=none:None", with: "PLATFORM/engineAnswerFile=str:\(enginePath)")
        let a = try PlatformAnswers.loadingEngineAnswers(try environment(text))
        #expect(a.adminPassword.value == "Disk-pw")

        let gone = text.replacingOccurrences(of: enginePath, with: dir.appendingPathComponent("missing.conf").path)
        #expect(throws: PlatformAnswers.Problem.self) { try PlatformAnswers.loadingEngineAnswers(try environment(gone)) }
    }

    @Test(arguments: [
        ([PlatformAnswers.hostsKey: "str:node2.lab node2.lab"], PlatformAnswers.hostsKey, "node2.lab is named twice"),
        ([PlatformAnswers.hostsKey: "str:node2.lab bad_host!"], PlatformAnswers.hostsKey, "bad_host! is not a host name"),
        ([PlatformAnswers.hostNamesKey: "str:node2 node3"], PlatformAnswers.hostNamesKey, "2 names for 3 hosts"),
        ([PlatformAnswers.hostNamesKey: "str:node2 node2 node4"], PlatformAnswers.hostNamesKey, "node2 is given twice"),
        ([PlatformAnswers.hostNamesKey: "str:node2 no/de3 node4"], PlatformAnswers.hostNamesKey, "not a host name the engine takes"),
        ([PlatformAnswers.hostAuthKey: "str:kerberos"], PlatformAnswers.hostAuthKey, "kerberos is not sshkey or password"),
        ([PlatformAnswers.dataDomainTypeKey: "str:iscsi"], PlatformAnswers.dataDomainTypeKey, "iscsi is not glusterfs or nfs"),
        ([PlatformAnswers.dataDomainPathKey: "str:node1.lab/vol0"], PlatformAnswers.dataDomainPathKey, "is not server:/path"),
        ([PlatformAnswers.dataDomainPathKey: "str:node1.lab:vol0"], PlatformAnswers.dataDomainPathKey, "must be absolute"),
        ([PlatformAnswers.isoDomainPathKey: "none:None"], PlatformAnswers.isoDomainPathKey, "is not answered"),
        ([PlatformAnswers.isoDomainPathKey: "str:node1.lab:/vol0"], PlatformAnswers.isoDomainPathKey, "already the data domain's export"),
        ([PlatformAnswers.exportDomainNameKey: "str:DATA"], PlatformAnswers.exportDomainNameKey, "already the name of the data domain"),
        ([PlatformAnswers.isoDomainNameKey: "str:iso domain"], PlatformAnswers.isoDomainNameKey, "not a storage domain name"),
        ([PlatformAnswers.engineFQDNKey: "str:192.0.2.10"], PlatformAnswers.engineFQDNKey, "is an IP address"),
        ([PlatformAnswers.enginePortKey: "int:70000"], PlatformAnswers.enginePortKey, "70000 is not a port number"),
        ([PlatformAnswers.adminUserKey: "str:admin"], PlatformAnswers.adminUserKey, "is not user@profile"),
        ([PlatformAnswers.adminPasswordKey: "str:"], PlatformAnswers.adminPasswordKey, "is not answered"),
        ([PlatformAnswers.dataCenterKey: nil], PlatformAnswers.dataCenterKey, "is not answered"),
        (["OVIRT_WIZARD/host": nil], "OVIRT_WIZARD/host", "is not answered"),
        (["OVIRT_WIZARD/sshPort": "str:ssh"], "OVIRT_WIZARD/sshPort", "is not a port number"),
    ] as [([String: String?], String, String)])
    func eachWrongAnswerNamesItsKey(changes: [String: String?], key: String, reason: String) {
        let p = problem(changes)
        #expect(p?.key == key)
        #expect(p?.description.hasPrefix("\(key): ") == true)
        #expect(p?.message.contains(reason) == true, "\(String(describing: p))")
    }

    @Test func aHostEntryMayNameItsOwnLoginUserAndPort() throws {
        let a = try parse([PlatformAnswers.hostsKey: "str:node2.lab admin@node3.lab:2222 node4.lab"])
        #expect(a.hosts[1].address == "node3.lab")
        #expect(a.hosts[1].login.user == "admin")
        #expect(a.hosts[1].login.port == 2222)
        #expect(a.hosts[2].login.user == "root")
    }

    @Test func anUnconfirmedPreviewIsReadButNotConfirmed() throws {
        #expect(try parse([PlatformAnswers.confirmSettingsKey: nil]).confirmed == false)
    }
}
