import Foundation
import Testing

/// `answers check` reads 4.5 answer files as the 4.5 tools do: oVirt's own system tests write hosted-engine files
/// with `[environment:init] DIALOG/autoAcceptDefault=bool:True` (every question with a default takes it) and the
/// pre-4.2 spelling `domainType=nfs3`; `answers show` masks `cloudinitRootPwd` in a file that names no flow.
@Suite struct AnswersCheck45Tests {
    static let screens = Wizard.repo.appendingPathComponent("Screens").path

    /// The shape of the system tests' hosted-engine file (our own values), NFS storage.
    static func systemTestsFile(extra: String = "") -> String {
        """
        [environment:init]
        DIALOG/autoAcceptDefault=bool:True
        [environment:default]
        OVEHOSTED_CORE/screenProceed=bool:True
        OVEHOSTED_CORE/deployProceed=bool:True
        OVEHOSTED_CORE/confirmSettings=bool:True
        OVEHOSTED_CORE/skipTTYCheck=bool:True
        OVEHOSTED_NETWORK/fqdn=str:engine.lab.example
        OVEHOSTED_NETWORK/bridgeIf=str:eth0
        OVEHOSTED_NETWORK/firewallManager=str:iptables
        OVEHOSTED_NETWORK/gateway=str:192.0.2.1
        OVEHOSTED_ENGINE/adminPassword=str:Adm1n-pw-45
        OVEHOSTED_ENGINE/appHostName=str:host0.lab.example
        OVEHOSTED_STORAGE/storageDatacenterName=str:hosted_datacenter
        OVEHOSTED_STORAGE/storageDomainName=str:hosted_storage
        OVEHOSTED_VM/vmMemSizeMB=int:3171
        OVEHOSTED_CORE/memCheckRequirements=bool:False
        OVEHOSTED_VM/vmMACAddr=str:54:52:1a:2b:3c:4d
        OVEHOSTED_VM/vmVCpus=str:2
        OVEHOSTED_VM/cloudinitInstanceDomainName=str:lab.example
        OVEHOSTED_VM/cloudinitInstanceHostName=str:engine.lab.example
        OVEHOSTED_VM/cloudinitVMStaticCIDR=str:192.0.2.77/24
        OVEHOSTED_VM/cloudinitRootPwd=str:R00t-pw-in-vm
        OVEHOSTED_VM/cloudinitVMETCHOSTS=bool:True
        OVEHOSTED_VM/cloudinitVMDNS=str:192.0.2.1
        OVEHOSTED_VM/rootSshAccess=str:yes
        OVEHOSTED_VM/rootSshPubkey=str:
        OVEHOSTED_VDSM/cpu=str:model_SandyBridge
        OVEHOSTED_STORAGE/domainType=str:nfs3
        OVEHOSTED_STORAGE/storageDomainConnection=str:storage.lab.example:/exports/nfs_he
        OVEHOSTED_CORE/ansibleUserExtraVars=str:he_offline_deployment=true
        OVEHOSTED_VM/applyOpenScapProfile=bool:False
        OVEHOSTED_CORE/enableKeycloak=bool:True

        """ + extra
    }

    func check(_ text: String, _ extra: [String] = []) throws -> Wizard.Result {
        let dir = try Wizard.temporaryDirectory()
        let file = dir.appendingPathComponent("he.conf").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return try Wizard.run(["answers", "check", "--screens", Self.screens, "--flow", "hosted-engine-4.5"] + extra + [file])
    }

    @Test func theSystemTestsFileIsReadAsTheToolReadsIt() throws {
        let r = try check(Self.systemTestsFile())
        // nfs3 is the tool's nfs with NFS version v3, not an invalid value.
        #expect(!r.stdout.contains("domainType"), "\(r.stdout)")
        // autoAcceptDefault: a question with a default takes it, and the check says which.
        #expect(r.stderr.contains("note: OVEHOSTED_ENGINE/clusterName: not in the file; the tool takes its default (Cluster: Default)"), "\(r.stderr)")
        #expect(r.stderr.contains("note: OVEHOSTED_NETWORK/host_name: not in the file; the tool takes its default from the host"), "\(r.stderr)")
        #expect(!r.stdout.contains("OVEHOSTED_ENGINE/clusterName"))
        // Without --4/--6 the tool asks whether to go on; its default, No, ends the deploy: the one problem left.
        #expect(r.stdout == "OVEHOSTED_CORE/forceIpProceed: its default (No) ends the run: Aborted by user; answer it in the file\n", "\(r.stdout)")
        #expect(r.status == 1)
        #expect(!r.stdout.contains("R00t-pw-in-vm") && !r.stderr.contains("R00t-pw-in-vm") && !r.stderr.contains("Adm1n-pw-45"))
    }

    @Test func answeringTheIPQuestionLeavesNothingToAsk() throws {
        let r = try check(Self.systemTestsFile(extra: "OVEHOSTED_CORE/forceIpProceed=str:yes\n"))
        #expect(r.stdout.isEmpty, "\(r.stdout)")
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test func withoutAutoAcceptEveryQuestionLeftOpenIsNamed() throws {
        let text = Self.systemTestsFile().replacingOccurrences(of: "DIALOG/autoAcceptDefault=bool:True", with: "DIALOG/autoAcceptDefault=bool:False")
        let r = try check(text)
        #expect(r.stdout.contains("OVEHOSTED_ENGINE/clusterName: missing (hosted-engine will ask: Cluster)"), "\(r.stdout)")
        #expect(r.status == 1)
        // --accept-defaults reads it as `hosted-engine --deploy --accept-defaults` would... the flag does the same.
        let accepted = try check(text + "OVEHOSTED_CORE/forceIpProceed=str:yes\n", ["--accept-defaults"])
        #expect(accepted.status == 0, "\(accepted.stdout)\(accepted.stderr)")
    }

    @Test func anOldNFSSpellingKeepsAVersionTheFileGivesItself() throws {
        let r = try check(Self.systemTestsFile(extra: "OVEHOSTED_STORAGE/nfsVersion=str:v4_1\nOVEHOSTED_CORE/forceIpProceed=str:yes\n"))
        #expect(r.status == 0, "\(r.stdout)")
        let invalid = try check(Self.systemTestsFile(extra: "OVEHOSTED_CORE/forceIpProceed=str:yes\n").replacingOccurrences(of: "=str:nfs3", with: "=str:nfs5"))
        #expect(invalid.stdout.contains("OVEHOSTED_STORAGE/domainType: 'nfs5' is not one of the valid values"), "\(invalid.stdout)")
    }

    @Test func showMasksTheVMRootPasswordOfAFileNamingNoFlow() throws {
        let dir = try Wizard.temporaryDirectory()
        let file = dir.appendingPathComponent("he.conf").path
        try Self.systemTestsFile().write(toFile: file, atomically: true, encoding: .utf8)
        let r = try Wizard.run(["answers", "show", file])
        #expect(r.status == 0)
        #expect(r.stdout.contains("OVEHOSTED_VM/cloudinitRootPwd"))
        #expect(!r.stdout.contains("R00t-pw-in-vm") && !r.stdout.contains("Adm1n-pw-45"), "\(r.stdout)")
    }
}
