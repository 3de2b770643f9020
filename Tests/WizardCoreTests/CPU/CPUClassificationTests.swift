import Testing
@testable import WizardCore

/// Real captures (Tests/Fixtures/cpuinfo/SOURCES.md) classified as libvirt/vdsm classify those CPUs.
@Suite("Host CPU classification")
struct CPUClassificationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let file: String
        let best: String?
        let virtualization: Bool
        let nested: Bool
        /// Models that must be reported, and models that must not.
        let includes: [String]
        let excludes: [String]
        var testDescription: String { file }
    }

    static let cases: [Case] = [
        // Core 2 Quad, family 6 model 15: SSSE3 but no SSE4.1 → only Conroe, as in the seed transcript.
        Case(file: "conroe-core2-quad-launchpad-1757323.txt", best: "model_Conroe", virtualization: true, nested: false,
             includes: ["model_Conroe"], excludes: ["model_Penryn", "model_Opteron_G1"]),
        // vdsm's own Westmere sample (no `sep` printed; libvirt still says Westmere).
        Case(file: "westmere-xeon-e5649-vdsm.txt", best: "model_Westmere", virtualization: true, nested: false,
             includes: ["model_Conroe", "model_Penryn", "model_Nehalem", "model_Westmere"], excludes: ["model_SandyBridge"]),
        Case(file: "westmere-ep-xeon-x5675-nosep-facter.txt", best: "model_Westmere", virtualization: true, nested: false,
             includes: ["model_Westmere"], excludes: ["model_SandyBridge", "model_Westmere-IBRS"]),
        Case(file: "westmere-core-i5-m560-util-linux.txt", best: "model_Westmere", virtualization: true, nested: false,
             includes: ["model_Westmere"], excludes: ["model_SandyBridge"]),
        // Nehalem-EX: no AES, so Nehalem and not Westmere.
        Case(file: "nehalem-ex-xeon-x7550-nosep-util-linux.txt", best: "model_Nehalem", virtualization: true, nested: false,
             includes: ["model_Nehalem"], excludes: ["model_Westmere"]),
        Case(file: "sandybridge-xeon-e5-2690-joefriday.txt", best: "model_SandyBridge", virtualization: true, nested: false,
             includes: ["model_Westmere", "model_SandyBridge"], excludes: ["model_IvyBridge", "model_SandyBridge-IBRS"]),
        // Mobile Haswell without TSX: Haswell-noTSX, not Haswell.
        Case(file: "haswell-notsx-core-i7-4800mq-ansible.txt", best: "model_Haswell-noTSX", virtualization: true, nested: false,
             includes: ["model_IvyBridge", "model_Haswell-noTSX"], excludes: ["model_Haswell", "model_Broadwell-noTSX"]),
        // Haswell-EP with TSX off by microcode and IBRS (`ibrs` stands for spec_ctrl).
        Case(file: "haswell-ep-e5-2650v3-ibrs-ansible.txt", best: "model_Haswell-noTSX-IBRS", virtualization: true, nested: false,
             includes: ["model_Haswell-noTSX", "model_Haswell-noTSX-IBRS"], excludes: ["model_Haswell", "model_Haswell-IBRS"]),
        Case(file: "skylake-client-core-i7-8650u-procfs.txt", best: "model_Skylake-Client-IBRS", virtualization: true, nested: false,
             includes: ["model_Broadwell", "model_Skylake-Client", "model_Skylake-Client-IBRS"],
             excludes: ["model_Skylake-Server"]),
        // Tiger Lake: AVX-512 but no TSX and no MPX; no la57, so not Icelake-Server.
        Case(file: "tigerlake-core-i7-1165g7-util-linux.txt", best: "model_Cascadelake-Server-noTSX", virtualization: true, nested: false,
             includes: ["model_Skylake-Server-noTSX-IBRS", "model_Cascadelake-Server-noTSX"],
             excludes: ["model_Skylake-Client", "model_Cascadelake-Server", "model_Icelake-Server-noTSX"]),
        Case(file: "opteron-g2-2216-ansible.txt", best: "model_Opteron_G2", virtualization: true, nested: false,
             includes: ["model_Opteron_G1", "model_Opteron_G2"], excludes: ["model_Opteron_G3", "model_Conroe"]),
        Case(file: "opteron-g5-6328-util-linux.txt", best: "model_Opteron_G5", virtualization: true, nested: false,
             includes: ["model_Opteron_G3", "model_Opteron_G4", "model_Opteron_G5"], excludes: ["model_EPYC"]),
        Case(file: "epyc-7451-util-linux.txt", best: "model_EPYC-IBPB", virtualization: true, nested: false,
             includes: ["model_Opteron_G3", "model_EPYC", "model_EPYC-IBPB"], excludes: ["model_Opteron_G4", "model_Opteron_G5"]),
        // NX switched off: libvirt's models all contain nx, so vdsm reports none.
        Case(file: "opteron-8354-nx-off-util-linux.txt", best: nil, virtualization: true, nested: false,
             includes: [], excludes: ["model_Opteron_G1"]),
        // Guests without nested virtualization: models by flags, but no vmx.
        Case(file: "nested-ivybridge-e5-2680v2-novmx-ansible.txt", best: "model_IvyBridge", virtualization: false, nested: true,
             includes: ["model_SandyBridge", "model_IvyBridge"], excludes: ["model_Haswell-noTSX"]),
        Case(file: "vmware-guest-broadwell-e5-2697v4-facter.txt", best: "model_SandyBridge-IBRS", virtualization: false, nested: true,
             includes: ["model_SandyBridge"], excludes: ["model_IvyBridge", "model_Broadwell"]),
        Case(file: "virtualbox-guest-i5-3317u-util-linux.txt", best: "model_Conroe", virtualization: false, nested: false,
             includes: ["model_Conroe"], excludes: ["model_Penryn"]),
    ]

    @Test(arguments: cases)
    func classifiesLikeVdsm(_ c: Case) throws {
        let report = try CPUFixtures.report(c.file)
        #expect(report.best?.vdsmName == c.best)
        #expect(report.virtualization.isAvailable == c.virtualization)
        #expect(report.isNested == c.nested)
        let names = Set(CPUFixtures.names(report))
        for model in c.includes { #expect(names.contains(model), "\(model) should be compatible") }
        for model in c.excludes { #expect(!names.contains(model), "\(model) should not be compatible") }
    }

    @Test func missingFlagsNameWhatEachModelLacks() throws {
        let core2 = try CPUFixtures.report("conroe-core2-quad-launchpad-1757323.txt")
        #expect(core2.missing["Penryn"] == ["sse4_1"])
        #expect(core2.missing["Nehalem"] == ["popcnt", "sse4_1", "sse4_2"])
        #expect(core2.missing["Westmere"] == ["aes", "popcnt", "sse4_1", "sse4_2"])
        #expect(core2.missing["Opteron_G1"] == nil, "other-vendor models are not listed as missing flags")
        let x7550 = try CPUFixtures.report("nehalem-ex-xeon-x7550-nosep-util-linux.txt")
        #expect(x7550.missing["Westmere"] == ["aes"])
        #expect(!x7550.missing["Westmere", default: []].contains("sep"), "sep is optional")
        let haswell = try CPUFixtures.report("haswell-notsx-core-i7-4800mq-ansible.txt")
        #expect(haswell.missing["Haswell"] == ["hle", "rtm"])
    }

    @Test func trapsAreExplained() throws {
        let e5649 = try CPUFixtures.report("westmere-xeon-e5649-vdsm.txt")
        #expect(e5649.warnings.contains { $0.contains("'sep' is not printed") })
        let haswell = try CPUFixtures.report("haswell-notsx-core-i7-4800mq-ansible.txt")
        #expect(haswell.warnings.contains { $0.hasPrefix("TSX (hle, rtm) is not available") })
        let tiger = try CPUFixtures.report("tigerlake-core-i7-1165g7-util-linux.txt")
        #expect(tiger.warnings.contains { $0.contains("'mpx' is not printed") })
        let nxOff = try CPUFixtures.report("opteron-8354-nx-off-util-linux.txt")
        #expect(nxOff.warnings.contains { $0.hasPrefix("nx is missing") })
        let guest = try CPUFixtures.report("nested-ivybridge-e5-2680v2-novmx-ansible.txt")
        guard case .unavailable(let reason) = guest.virtualization else {
            Issue.record("a guest without vmx must have no hardware virtualization")
            return
        }
        #expect(reason.contains("'hypervisor' flag") && reason.contains("nested virtualization"))
        let vbox = try CPUFixtures.report("virtualbox-guest-i5-3317u-util-linux.txt")
        guard case .unavailable(let vboxReason) = vbox.virtualization else {
            Issue.record("VirtualBox guest has no vmx")
            return
        }
        #expect(vboxReason.contains("BIOS"))
    }

    @Test func nestedHostWithVmxIsWarnedButUsable() throws {
        // The E5-2680 v2 guest with vmx passed through (nested KVM): same flags plus vmx.
        var cpu = try CPUInfo(parsing: try CPUFixtures.text("nested-ivybridge-e5-2680v2-novmx-ansible.txt"))
        cpu.flags.insert("vmx")
        let report = HostCPUClassifier.classify(cpu, source: "nested")
        #expect(report.virtualization == .available(flag: "vmx"))
        #expect(report.isNested)
        #expect(report.warnings.contains { $0.hasPrefix("nested host") })
    }

    @Test func engineFlagsCarryModelsAndLibvirtSpellings() throws {
        let report = try CPUFixtures.report("haswell-ep-e5-2650v3-ibrs-ansible.txt")
        let flags = report.engineFlags
        #expect(flags.isSuperset(of: ["model_Haswell-noTSX", "spec_ctrl", "md_clear", "md-clear", "vmx", "nx"]))
        #expect(!flags.contains("model_Haswell"))
    }
}

@Suite("Nested host hints")
struct NestedHostHintTests {
    @Test func hypervisorHidingAFeatureIsPointedOut() throws {
        // VMware hides erms from this Broadwell guest; with it, Broadwell-IBRS would fit.
        let report = try CPUFixtures.report("vmware-guest-broadwell-e5-2697v4-facter.txt")
        #expect(report.missing["Broadwell-IBRS"] == ["erms"])
        #expect(report.warnings.contains(
            "Broadwell-IBRS misses only erms here; check whether the outer hypervisor hides it from this VM"))
    }
}

@Suite("32-bit kernels")
struct ThirtyTwoBitKernelTests {
    @Test func intelWithoutSyscallPointsAtThe32BitKernel() throws {
        // A 32-bit kernel on the same Core 2 prints no `syscall`: no model fits, and the report says why.
        var cpu = try CPUInfo(parsing: try CPUFixtures.text("conroe-core2-quad-launchpad-1757323.txt"))
        cpu.flags.remove("syscall")
        let report = HostCPUClassifier.classify(cpu, source: "i686")
        #expect(report.best == nil)
        #expect(report.missing["Conroe"] == ["syscall"])
        #expect(report.warnings.contains { $0.hasPrefix("syscall is missing although the CPU has lm") })
    }
}

@Suite("Features the kernel hides but KVM provides")
struct KernelHiddenFeatureTests {
    @Test func tscDeadlineErratumDoesNotDemoteSandyBridge() throws {
        // Kernels print "TSC_DEADLINE disabled due to Errata" and drop the flag on old microcode.
        var cpu = try CPUInfo(parsing: try CPUFixtures.text("sandybridge-xeon-e5-2690-joefriday.txt"))
        cpu.flags.subtract(["tsc_deadline_timer", "x2apic"])
        let report = HostCPUClassifier.classify(cpu, source: "e5-2690")
        #expect(report.best?.vdsmName == "model_SandyBridge")
        #expect(report.warnings.contains { $0.hasPrefix("'tsc_deadline_timer' is not printed") })
        #expect(report.warnings.contains { $0.hasPrefix("'x2apic' is not printed") })
    }
}
