import Foundation
import OtopiKit
import Testing
@testable import WizardCore

/// The hosted-engine flow's additional hosts: asked after the first host's questions, Host IDs 2, 3, … offered
/// and refused as hosted-engine refuses them, one name per host, and each host in the preview with its lines.
@Suite struct HostedEngineAdditionalHostsTests {
    let hosted = try! Repo.flow("hosted-engine-3.4")
    let offline = OfflineChecker()

    func session(_ text: String) throws -> FlowSession {
        var s = FlowSession(flow: hosted, offline: false, randomSeed: 1)
        s.load(OtopiEnvironment(files: [try AnswerFile.parse(text: "[environment:default]\n" + text, path: "he.conf")]))
        return s
    }

    let firstHost = """
        OVIRT_WIZARD/host=str:gs1.lofyer.org
        OVIRT_WIZARD/sshUser=str:root
        OVIRT_WIZARD/sshPort=int:22
        OVEHOSTED_ENGINE/adminPassword=str:Secret-pw-1
        OVEHOSTED_ENGINE/appHostName=str:hosted_engine_1
        OVEHOSTED_CORE/deployProceed=bool:True

        """

    func submit(_ s: FlowSession, _ key: String, _ line: String) -> ExchangeStep {
        var x = s.exchange(for: hosted.question(forKey: key)!)
        return x.submit(line, checker: offline, answers: s.answers)
    }

    @Test func askedAfterTheFirstHostsQuestionsWithIDsTwoThreeOffered() throws {
        let keys = hosted.questions.map(\.key)
        let hosts = try #require(keys.firstIndex(of: HostedEngineAdditionalHosts.hostsKey))
        #expect(hosts > keys.firstIndex(of: "OVEHOSTED_NOTIF/destEmail")!)
        #expect(keys[hosts + 1] == HostedEngineAdditionalHosts.hostIDsKey)
        #expect(keys[hosts + 2] == HostedEngineAdditionalHosts.hostNamesKey)

        var s = try session(firstHost + "OVIRT_WIZARD/additionalHosts=str:gs2.lofyer.org gs3.lofyer.org\n")
        let ids = hosted.question(forKey: HostedEngineAdditionalHosts.hostIDsKey)!
        #expect(s.isActive(ids))
        #expect(s.defaultAnswer(for: ids)?.text == "2 3")
        guard case .accepted(_, let values, _) = submit(s, ids.key, "") else { Issue.record("the default was refused"); return }
        s.accept(values)
        let names = hosted.question(forKey: HostedEngineAdditionalHosts.hostNamesKey)!
        #expect(s.defaultAnswer(for: names)?.text == "hosted_engine_2 hosted_engine_3")
        // Changed IDs change the offered names.
        guard case .accepted(_, let changed, _) = submit(s, ids.key, "5 4") else { Issue.record("5 4 was refused"); return }
        s.accept(changed)
        #expect(s.defaultAnswer(for: names)?.text == "hosted_engine_5 hosted_engine_4")
    }

    @Test func noAdditionalHostsAsksNothingMore() throws {
        let s = try session(firstHost + "OVIRT_WIZARD/additionalHosts=str:\n")
        #expect(!s.isActive(hosted.question(forKey: HostedEngineAdditionalHosts.hostIDsKey)!))
        #expect(!s.isActive(hosted.question(forKey: HostedEngineAdditionalHosts.hostNamesKey)!))
        #expect(s.preview().hostBlocks.isEmpty)
        // None of them reaches the first host's answer file.
        #expect(AnswerFileKind(flow: hosted).isWizardOnly(HostedEngineAdditionalHosts.hostsKey))
    }

    @Test func hostIDsAreRefusedAsHostedEngineRefusesThem() throws {
        let s = try session(firstHost + "OVIRT_WIZARD/additionalHosts=str:gs2 gs3\n")
        let key = HostedEngineAdditionalHosts.hostIDsKey
        #expect(submit(s, key, "1 3") == .ask([DialogMessage(.error, "Cannot use the same ID used by first host (1)")]))
        #expect(submit(s, key, "3 3") == .ask([DialogMessage(.error, "Invalid value for Host ID: already used (3 is given twice)")]))
        #expect(submit(s, key, "2 x") == .ask([DialogMessage(.error, "Invalid value for Host ID: must be integer (x)")]))
        #expect(submit(s, key, "2") == .ask([DialogMessage(.error, "1 Host IDs for 2 additional hosts: give one per host, in the same order")]))
        #expect(submit(s, key, "2 251") == .ask([DialogMessage(.error, "Invalid value for Host ID: 251 (vdsm takes host ids 2-250 here)")]))
        if case .accepted = submit(s, key, "4 2") {} else { Issue.record("4 2 was refused") }
    }

    @Test func theFirstHostOrAHostTwiceIsRefused() throws {
        let s = try session(firstHost)
        let key = HostedEngineAdditionalHosts.hostsKey
        #expect(submit(s, key, "gs2 gs1.lofyer.org") == .ask([DialogMessage(.error, "gs1.lofyer.org is the first host (Host ID 1); name only the additional hosts")]))
        #expect(submit(s, key, "gs2 root@gs2:2222") == .ask([DialogMessage(.error, "gs2 is named twice")]))
        #expect(submit(s, key, "gs2 bad_name!") == .ask([DialogMessage(.error, "bad_name! is not a host name or address, optionally as user@host:port")]))
    }

    @Test func previewShowsEveryHostWithItsIDAndLines() throws {
        let s = try session(firstHost + """
            OVIRT_WIZARD/additionalHosts=str:gs2.lofyer.org admin@gs3.lofyer.org:2222
            OVIRT_WIZARD/additionalHostIDs=str:2 3
            OVIRT_WIZARD/additionalHostNames=str:hosted_engine_2 hosted_engine_3

            """)
        let blocks = s.preview().hostBlocks
        #expect(blocks.map(\.title) == ["gs1.lofyer.org: Host ID 1, hosted_engine_1 (first host)",
                                        "gs2.lofyer.org: Host ID 2, hosted_engine_2", "gs3.lofyer.org: Host ID 3, hosted_engine_3"])
        #expect(blocks[1].lines.contains("SSH: root@gs2.lofyer.org:22"))
        #expect(blocks[2].lines.contains("SSH: admin@gs3.lofyer.org:2222"))
        #expect(blocks[2].lines.contains("OVEHOSTED_STORAGE/hostID=int:3"))
        #expect(blocks[2].lines.contains("OVEHOSTED_CORE/isAdditionalHost=bool:True"))
        #expect(blocks[2].lines.contains("OVEHOSTED_ENGINE/adminPassword=str:\(Secrets.mask)"))
        #expect(!blocks.flatMap(\.lines).joined().contains("Secret-pw-1"))
        #expect(blocks[2].lines.last?.contains("/etc/ovirt-hosted-engine/answers.conf") == true)
    }

    @Test func additionsCarryWhatWasAnsweredOnceAndNothingElse() throws {
        let host = HostedEngineAdditionalHosts.Host(login: TargetLogin(host: "gs2"), hostID: 2, appHostName: "hosted_engine_2")
        let shared: [String: OtopiValue] = ["OVEHOSTED_ENGINE/adminPassword": .string("pw"), "OVEHOSTED_NETWORK/fqdn": .string("ha.lofyer.org")]
        let additions = HostedEngineAdditionalHosts.additions(for: host, shared: { shared[$0] })
        #expect(additions["OVEHOSTED_ENGINE/adminPassword"] == .string("pw"))
        #expect(additions["OVEHOSTED_STORAGE/hostID"] == .int(2))
        // The storage, network, VM and CPU answers come from the first host's answers.conf, not from here.
        #expect(additions["OVEHOSTED_NETWORK/fqdn"] == nil)
        #expect(additions[HostedEngineAdditionalHosts.reDeploymentKey] == nil)
        #expect(HostedEngineAdditionalHosts.additions(for: host, shared: { shared[$0] }, reDeployment: true)[HostedEngineAdditionalHosts.reDeploymentKey] == .bool(true))
    }
}
