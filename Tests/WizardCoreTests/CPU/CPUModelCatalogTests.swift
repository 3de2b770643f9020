import Testing
@testable import WizardCore

@Suite("CPU model catalog")
struct CPUModelCatalogTests {
    // Feature counts of libvirt 9.0's flattened x86 models (src/cpu_map/x86_*.xml).
    @Test(arguments: [
        ("Conroe", 27), ("Penryn", 29), ("Nehalem", 31), ("Westmere", 32), ("SandyBridge", 38),
        ("IvyBridge", 44), ("Haswell-noTSX", 48), ("Haswell", 50), ("Broadwell-noTSX", 52), ("Broadwell", 54),
        ("Skylake-Client", 63), ("Skylake-Server", 70), ("Cascadelake-Server", 74), ("Icelake-Server", 86),
        ("Opteron_G1", 25), ("Opteron_G2", 29), ("Opteron_G3", 34), ("Opteron_G4", 44), ("Opteron_G5", 47),
        ("EPYC", 66),
    ])
    func featureCountsMatchLibvirt(name: String, count: Int) throws {
        let model = try #require(CPUModelCatalog.model(named: name))
        #expect(model.flags.count == count)
    }

    /// libvirt's Cascadelake-Server and Icelake-Server feature lists in libvirt spelling (libvirt/libvirt
    /// src/cpu_map/x86_Cascadelake-Server.xml, x86_Icelake-Server.xml), translated by the §2.6 name table.
    @Test func libvirtSpellingTranslatesToCatalog() throws {
        let rename = [
            "pclmuldq": "pclmulqdq", "sse4.1": "sse4_1", "sse4.2": "sse4_2", "tsc-deadline": "tsc_deadline_timer",
            "spec-ctrl": "spec_ctrl", "avx512vnni": "avx512_vnni", "avx512-vpopcntdq": "avx512_vpopcntdq",
            "avx512bitalg": "avx512_bitalg", "avx512vbmi2": "avx512_vbmi2", "intel-pt": "intel_pt",
        ]
        let cascadelake = """
            3dnowprefetch abm adx aes apic arat avx avx2 avx512bw avx512cd avx512dq avx512f avx512vl avx512vnni bmi1 \
            bmi2 clflush clflushopt clwb cmov cx16 cx8 de erms f16c fma fpu fsgsbase fxsr hle invpcid lahf_lm lm mca \
            mce mmx movbe mpx msr mtrr nx pae pat pcid pclmuldq pdpe1gb pge pni popcnt pse pse36 rdrand rdseed rdtscp \
            rtm sep smap smep spec-ctrl ssbd sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline vme x2apic xgetbv1 \
            xsave xsavec xsaveopt
            """
        let icelakeExtra = """
            avx512-vpopcntdq avx512bitalg avx512vbmi avx512vbmi2 gfni intel-pt la57 pku umip vaes vpclmulqdq wbnoinvd
            """
        func translate(_ text: String) -> Set<String> {
            Set(text.split(separator: " ").map { rename[String($0)] ?? String($0) })
        }
        #expect(try #require(CPUModelCatalog.model(named: "Cascadelake-Server")).flags == translate(cascadelake))
        #expect(try #require(CPUModelCatalog.model(named: "Icelake-Server")).flags
            == translate(cascadelake + " " + icelakeExtra))
    }

    @Test func flagsUseProcCpuinfoSpelling() {
        for model in CPUModelCatalog.all {
            for flag in model.flags {
                #expect(flag.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "\(model.name): \(flag)")
            }
        }
    }

    @Test func variantsAddOrRemoveExactlyTheirFeatures() throws {
        for model in CPUModelCatalog.all where model.name.hasSuffix("-IBRS") {
            let base = String(model.name.dropLast("-IBRS".count))
            if let plain = CPUModelCatalog.model(named: base) {
                #expect(model.flags == plain.flags.union(["spec_ctrl"]), "\(model.name)")
            }
        }
        for name in ["Haswell", "Broadwell", "Cascadelake-Server", "Icelake-Server"] {
            let tsx = try #require(CPUModelCatalog.model(named: name))
            let noTSX = try #require(CPUModelCatalog.model(named: name + "-noTSX"))
            #expect(tsx.flags.subtracting(noTSX.flags) == ["hle", "rtm"])
            #expect(noTSX.flags.isSubset(of: tsx.flags))
        }
        let skylakeClient = try #require(CPUModelCatalog.model(named: "Skylake-Client"))
        let secure = try #require(CPUModelCatalog.model(named: "Skylake-Client-noTSX-IBRS"))
        #expect(secure.flags == skylakeClient.flags.subtracting(["hle", "rtm"]).union(["spec_ctrl"]))
    }

    @Test func knownPitfallsInTheSets() throws {
        let haswell = try #require(CPUModelCatalog.model(named: "Haswell-noTSX"))
        let ivy = try #require(CPUModelCatalog.model(named: "IvyBridge"))
        #expect(ivy.flags.subtracting(haswell.flags) == ["f16c", "rdrand", "vme"])
        let g3 = try #require(CPUModelCatalog.model(named: "Opteron_G3"))
        let g4 = try #require(CPUModelCatalog.model(named: "Opteron_G4"))
        #expect(!g4.flags.contains("monitor") && g3.flags.contains("monitor"))
        let g1 = try #require(CPUModelCatalog.model(named: "Opteron_G1"))
        #expect(!g1.flags.contains("svm"))
    }

    @Test func vdsmNames() throws {
        #expect(try #require(CPUModelCatalog.model(named: "Westmere")).vdsmName == "model_Westmere")
        #expect(CPUModelCatalog.model(vdsmName: "model_Opteron_G3")?.vendor == .amd)
        #expect(CPUModelCatalog.model(vdsmName: "model_Haswell-noTSX-IBRS")?.name == "Haswell-noTSX-IBRS")
        #expect(CPUModelCatalog.model(vdsmName: "model_Pentium") == nil)
    }
}

@Suite("Cluster CPU lists per compatibility level")
struct ClusterCPULevelsTests {
    @Test func everyLevelFrom30To47IsThere() {
        #expect(ClusterCPULevels.levels.first == "3.0" && ClusterCPULevels.levels.last == "4.7")
        for level in ClusterCPULevels.levels {
            #expect(ClusterCPULevels.cpus(level: level)?.isEmpty == false, "\(level)")
        }
        #expect(ClusterCPULevels.cpus(level: "2.9") == nil)
    }

    @Test func everyModelFlagIsACatalogModel() {
        for level in ClusterCPULevels.levels {
            for cpu in ClusterCPULevels.cpus(level: level) ?? [] {
                #expect(CPUModelCatalog.model(vdsmName: cpu.vdsmModel) != nil, "\(level): \(cpu.name) → \(cpu.vdsmModel)")
                #expect(CPUModelCatalog.model(vdsmName: cpu.vdsmModel)?.vendor == cpu.vendor, "\(level): \(cpu.name)")
            }
        }
    }

    @Test func level34IsOVirt34sList() throws {
        let cpus = try #require(ClusterCPULevels.cpus(level: "3.4"))
        #expect(cpus.map(\.name) == [
            "Intel Conroe Family", "Intel Penryn Family", "Intel Nehalem Family", "Intel Westmere Family",
            "Intel SandyBridge Family", "Intel Haswell", "AMD Opteron G1", "AMD Opteron G2", "AMD Opteron G3",
            "AMD Opteron G4", "AMD Opteron G5",
        ])
        let westmere = try #require(cpus.first { $0.name == "Intel Westmere Family" })
        #expect(westmere.requiredFlags == ["aes", "vmx", "nx", "model_Westmere"])
        #expect(westmere.level == 6 && westmere.verb == "Westmere")
    }

    @Test func laterLevelsAddAndDropModels() throws {
        let names: (String) throws -> Set<String> = { Set(try #require(ClusterCPULevels.cpus(level: $0)).map(\.vdsmModel)) }
        #expect(try names("3.0") == ["model_Conroe", "model_Penryn", "model_Nehalem", "model_Westmere",
                                     "model_Opteron_G1", "model_Opteron_G2", "model_Opteron_G3"])
        #expect(try names("3.6").contains("model_Broadwell-noTSX"))
        #expect(try names("4.1").contains("model_Skylake-Client-IBRS"))
        #expect(try !names("4.3").contains("model_Conroe"))
        #expect(try names("4.3").contains("model_EPYC"))
        #expect(try names("4.4").contains("model_IvyBridge"))
        #expect(try names("4.7").contains("model_Icelake-Server-noTSX"))
        #expect(try !names("4.7").contains("model_Opteron_G3"))
    }
}
