import Testing
@testable import WizardCore
import OtopiKit

@Suite("Cluster CPU recommendation")
struct ClusterCPUPlannerTests {
    @Test func bestSharedCPUIsTheWeakestHostsBest() throws {
        let hosts = try ["westmere-xeon-e5649-vdsm.txt", "nehalem-ex-xeon-x7550-nosep-util-linux.txt",
                         "sandybridge-xeon-e5-2690-joefriday.txt"].map(CPUFixtures.report)
        let result = ClusterCPUPlanner.recommend(level: "3.4", hosts: hosts)
        #expect(result.cpu?.name == "Intel Nehalem Family")
        #expect(result.cpu?.vdsmModel == "model_Nehalem")
        #expect(result.problems.contains { $0.contains("Intel Westmere Family is out of reach because of nehalem-ex") })
    }

    @Test func seedScenarioCore2GetsConroe() throws {
        let result = ClusterCPUPlanner.recommend(
            level: "3.4", hosts: [try CPUFixtures.report("conroe-core2-quad-launchpad-1757323.txt")])
        #expect(result.cpu?.name == "Intel Conroe Family")
        #expect(result.cpu?.verb == "Conroe")
    }

    @Test(arguments: [
        // Haswell without TSX: 3.4 only knows Haswell with TSX, 3.6 adds Haswell-noTSX.
        ("haswell-notsx-core-i7-4800mq-ansible.txt", "3.4", "Intel SandyBridge Family"),
        ("haswell-notsx-core-i7-4800mq-ansible.txt", "3.6", "Intel Haswell-noTSX Family"),
        ("haswell-notsx-core-i7-4800mq-ansible.txt", "4.4", "Intel Haswell Family"),
        // IBRS + SSBD + MDS flags reach the "Secure" entries.
        ("haswell-ep-e5-2650v3-ibrs-ansible.txt", "4.2", "Intel Haswell-noTSX IBRS SSBD MDS Family"),
        ("haswell-ep-e5-2650v3-ibrs-ansible.txt", "4.7", "Secure Intel Haswell Family"),
        ("skylake-client-core-i7-8650u-procfs.txt", "4.1", "Intel Skylake-IBRS Family"),
        ("westmere-xeon-e5649-vdsm.txt", "4.7", "Intel Westmere Family"),
        ("opteron-g5-6328-util-linux.txt", "3.4", "AMD Opteron G5"),
        ("opteron-g5-6328-util-linux.txt", "3.0", "AMD Opteron G3"),
        ("epyc-7451-util-linux.txt", "4.3", "AMD EPYC IBPB SSBD"),
        ("epyc-7451-util-linux.txt", "3.4", "AMD Opteron G3"),
    ])
    func engineRanking(file: String, level: String, expected: String) throws {
        let host = try CPUFixtures.report(file)
        #expect(ClusterCPUPlanner.bestClusterCPU(level: level, host: host)?.name == expected)
    }

    @Test func levelWithoutTheHostsModels() throws {
        // Opteron G2 hosts cannot join a 4.3+ cluster (G1–G3 dropped).
        let result = ClusterCPUPlanner.recommend(level: "4.3", hosts: [try CPUFixtures.report("opteron-g2-2216-ansible.txt")])
        #expect(result.cpu == nil)
        #expect(result.problems.contains { $0.contains("no CPU of cluster level 4.3 fits opteron-g2-2216-ansible.txt") })
    }

    @Test func mixedVendorsHaveNoCommonCPU() throws {
        let hosts = try ["westmere-xeon-e5649-vdsm.txt", "opteron-g5-6328-util-linux.txt"].map(CPUFixtures.report)
        let result = ClusterCPUPlanner.recommend(level: "3.4", hosts: hosts)
        #expect(result.cpu == nil)
        #expect(result.problems.contains { $0.contains("mix Intel and AMD") })
    }

    @Test func hostWithoutVirtualizationIsLeftOutAndNamed() throws {
        let hosts = try ["westmere-xeon-e5649-vdsm.txt", "nested-ivybridge-e5-2680v2-novmx-ansible.txt"].map(CPUFixtures.report)
        let result = ClusterCPUPlanner.recommend(level: "3.4", hosts: hosts)
        #expect(result.cpu?.name == "Intel Westmere Family")
        #expect(result.problems == ["nested-ivybridge-e5-2680v2-novmx-ansible.txt can join no cluster: it has no hardware virtualization (vmx/svm)"])
        #expect(CPUCheckSummary(hosts: hosts, level: "3.4").hasBlockingProblem)
    }

    @Test func unknownLevel() {
        let result = ClusterCPUPlanner.recommend(level: "5.0", hosts: [])
        #expect(result.cpu == nil && result.problems.first?.hasPrefix("unknown cluster compatibility level '5.0'") == true)
    }
}

@Suite("hosted-engine 3.4 CPU question")
struct HostedEngineCPUQuestionTests {
    @Test func core2OffersOnlyConroeLikeTheSeed() throws {
        let question = HostedEngineCPUQuestion(firstHost: try CPUFixtures.report("conroe-core2-quad-launchpad-1757323.txt"))
        #expect(question.blockingProblem == nil)
        #expect(question.choices.map(\.vdsmName) == ["model_Conroe"])
        #expect(question.defaultChoice?.engineName == "Intel Conroe Family")
        // The seed transcript's note and prompt.
        #expect(question.noteLines == ["The following CPU types are supported by this host:", "\t - model_Conroe: Intel Conroe Family"])
        #expect(question.prompt == "Please specify the CPU type to be used by the VM [model_Conroe]: ")
    }

    @Test(arguments: [
        ("westmere-xeon-e5649-vdsm.txt", ["model_Westmere", "model_Nehalem", "model_Penryn", "model_Conroe"]),
        ("nehalem-ex-xeon-x7550-nosep-util-linux.txt", ["model_Nehalem", "model_Penryn", "model_Conroe"]),
        // 3.4 offers nothing newer than Westmere, even on Skylake.
        ("skylake-client-core-i7-8650u-procfs.txt", ["model_Westmere", "model_Nehalem", "model_Penryn", "model_Conroe"]),
        // …and nothing newer than Opteron G3 on AMD.
        ("epyc-7451-util-linux.txt", ["model_Opteron_G3", "model_Opteron_G2", "model_Opteron_G1"]),
        ("opteron-g2-2216-ansible.txt", ["model_Opteron_G2", "model_Opteron_G1"]),
    ])
    func offersIn34OrderWithTheBestAsDefault(file: String, expected: [String]) throws {
        let question = HostedEngineCPUQuestion(firstHost: try CPUFixtures.report(file))
        #expect(question.choices.map(\.vdsmName) == expected)
        #expect(question.defaultChoice?.vdsmName == expected.first)
        #expect(question.blockingProblem == nil)
    }

    @Test func deployWouldStop() throws {
        let nxOff = HostedEngineCPUQuestion(firstHost: try CPUFixtures.report("opteron-8354-nx-off-util-linux.txt"))
        #expect(nxOff.choices.isEmpty)
        #expect(nxOff.blockingProblem
            == "Hardware virtualization support is not available: please check BIOS settings and turn on NX support if available")
        let guest = HostedEngineCPUQuestion(firstHost: try CPUFixtures.report("virtualbox-guest-i5-3317u-util-linux.txt"))
        #expect(guest.blockingProblem?.hasPrefix("Hardware does not support virtualization") == true)
    }

    @Test func answersAreResolvedLikeHostedEngine() throws {
        let question = HostedEngineCPUQuestion(firstHost: try CPUFixtures.report("westmere-xeon-e5649-vdsm.txt"))
        #expect(try question.resolve("").get().vdsmName == "model_Westmere")
        #expect(try question.resolve("model_Penryn").get().engineName == "Intel Penryn Family")
        #expect(throws: CPUAnswerProblem(host: nil, message: "Invalid CPU type specified: model_SandyBridge")) {
            try question.resolve("model_SandyBridge").get()
        }
    }
}

@Suite("Answer-file CPU check")
struct CPUAnswerCheckTests {
    @Test func cpuEveryHostRunsPasses() throws {
        let hosts = try ["westmere-xeon-e5649-vdsm.txt", "nehalem-ex-xeon-x7550-nosep-util-linux.txt"].map(CPUFixtures.report)
        #expect(CPUAnswerCheck.check(cpu: "model_Nehalem", engineCpu: "Intel Nehalem Family", hosts: hosts).isEmpty)
    }

    @Test func hostThatCannotRunItIsNamedWithTheMissingFlags() throws {
        let hosts = try ["westmere-xeon-e5649-vdsm.txt", "nehalem-ex-xeon-x7550-nosep-util-linux.txt"].map(CPUFixtures.report)
        let problems = CPUAnswerCheck.check(cpu: "model_Westmere", hosts: hosts)
        #expect(problems == [CPUAnswerProblem(
            host: "nehalem-ex-xeon-x7550-nosep-util-linux.txt",
            message: "cannot run model_Westmere: missing aes; the best it runs is model_Nehalem")])
    }

    @Test func valueHostedEngine34DoesNotOfferAndWrongVendor() throws {
        let intel = try CPUFixtures.report("skylake-client-core-i7-8650u-procfs.txt")
        let haswell = CPUAnswerCheck.check(cpu: "model_Haswell", hosts: [intel])
        #expect(haswell.map(\.description) == [
            "Invalid CPU type specified: model_Haswell (hosted-engine offers only model_Westmere, model_Nehalem, model_Penryn, model_Conroe, model_Opteron_G3, model_Opteron_G2, model_Opteron_G1)",
        ])
        let amd = CPUAnswerCheck.check(cpu: "model_Opteron_G3", hosts: [intel])
        #expect(amd.map(\.description) == [
            "skylake-client-core-i7-8650u-procfs.txt: cannot run model_Opteron_G3: it is an AMD model and this host has GenuineIntel",
        ])
    }

    @Test func engineCpuMustMatchAndVirtualizationIsChecked() throws {
        let guest = try CPUFixtures.report("virtualbox-guest-i5-3317u-util-linux.txt")
        let problems = CPUAnswerCheck.check(cpu: "model_Conroe", engineCpu: "Intel Penryn Family", hosts: [guest])
        #expect(problems.count == 2)
        #expect(problems[0].message == "OVEHOSTED_VDSM/engineCpu is 'Intel Penryn Family' but model_Conroe is 'Intel Conroe Family'")
        #expect(problems[1].host == "virtualbox-guest-i5-3317u-util-linux.txt")
        #expect(problems[1].message.hasPrefix("no hardware virtualization"))
    }
}

@Suite("hosted-engine CPU question from raw cpuinfo")
struct HostedEngineCPUQuestionFromTextTests {
    @Test func flowEngineEntryPoint() throws {
        let text = try CPUFixtures.text("nehalem-ex-xeon-x7550-nosep-util-linux.txt")
        let question = try HostedEngineCPUQuestion(firstHostCPUInfo: text, host: "node1")
        #expect(question.validValues == ["model_Nehalem", "model_Penryn", "model_Conroe"])
        #expect(question.engineCpu(for: "model_Penryn") == "Intel Penryn Family")
        #expect(question.engineCpu(for: "model_Westmere") == nil)
        #expect(throws: CPUInfoParseError.self) { try HostedEngineCPUQuestion(firstHostCPUInfo: "", host: "node1") }
    }
}

@Suite("hosted-engine CPU lists of later releases")
struct HostedEngineLaterListsTests {
    @Test func everyListedModelIsInTheCatalog() {
        for family in HostedEngineCPUFamilies.ovirt34 + HostedEngineCPUFamilies.ovirt35 + HostedEngineCPUFamilies.ovirt42 {
            #expect(CPUModelCatalog.model(vdsmName: family.vdsmName) != nil, "\(family.vdsmName)")
        }
        #expect(HostedEngineCPUFamilies.ovirt35.count == 11 && HostedEngineCPUFamilies.ovirt42.count == 27)
    }

    @Test func ovirt42DefaultFollowsItsOwnOrder() throws {
        // Haswell-EP without TSX but with IBRS: 2.2.34 lists Haswell-noTSX before Haswell-noTSX-IBRS.
        let host = try CPUFixtures.report("haswell-ep-e5-2650v3-ibrs-ansible.txt")
        let question = HostedEngineCPUQuestion(firstHost: host, offered: HostedEngineCPUFamilies.ovirt42)
        #expect(question.defaultChoice?.vdsmName == "model_Haswell-noTSX")
        #expect(question.validValues.contains("model_Haswell-noTSX-IBRS"))
        let epyc = HostedEngineCPUQuestion(firstHost: try CPUFixtures.report("epyc-7451-util-linux.txt"),
                                           offered: HostedEngineCPUFamilies.ovirt42)
        #expect(epyc.validValues == ["model_EPYC", "model_EPYC-IBPB", "model_Opteron_G3", "model_Opteron_G2", "model_Opteron_G1"])
    }
}

@Suite("Answer-file CPU keys")
struct CPUAnswerFileCheckTests {
    @Test func laterSectionWinsAndIsChecked() throws {
        let file = try AnswerFile.parse(text: """
            [environment:default]
            OVEHOSTED_VDSM/cpu=str:model_Conroe
            [environment:override]
            OVEHOSTED_VDSM/cpu=str:model_Westmere
            """, path: "answers.conf")
        let hosts = try ["westmere-xeon-e5649-vdsm.txt", "conroe-core2-quad-launchpad-1757323.txt"].map(CPUFixtures.report)
        let check = CPUAnswerFileCheck(answerFile: file, hosts: hosts)
        #expect(check.cpu == "model_Westmere" && check.cpuLine == 4)
        #expect(check.problems.map(\.description) == [
            "conroe-core2-quad-launchpad-1757323.txt: cannot run model_Westmere: missing aes popcnt sse4_1 sse4_2; the best it runs is model_Conroe",
        ])
    }

    @Test func missingKeyAndWrongType() throws {
        let hosts = [try CPUFixtures.report("westmere-xeon-e5649-vdsm.txt")]
        let empty = CPUAnswerFileCheck(answerFile: try AnswerFile.parse(text: "[environment:default]\n", path: "a.conf"), hosts: hosts)
        #expect(empty.cpu == nil && empty.problems.isEmpty)
        let none = CPUAnswerFileCheck(
            answerFile: try AnswerFile.parse(text: "[environment:default]\nOVEHOSTED_VDSM/cpu=none:None\n", path: "b.conf"), hosts: hosts)
        #expect(none.problems.map(\.message) == ["OVEHOSTED_VDSM/cpu must be a str value, found none:None"])
    }
}
