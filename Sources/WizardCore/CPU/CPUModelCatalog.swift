/// The x86 CPU models oVirt's cluster levels and hosted-engine-setup refer to.
///
/// Feature sets are libvirt's (`src/cpu_map/x86_*.xml`, flattened; the 3.4-era inheritance map gives the
/// same sets for Conroe…SandyBridge and Opteron G1–G4), translated to `/proc/cpuinfo` names
/// (`pclmuldq` → `pclmulqdq`, `sse4.1` → `sse4_1`, `tsc-deadline` → `tsc_deadline_timer`,
/// `cr8legacy` → `cr8_legacy`, `sha-ni` → `sha_ni`, `avx512vnni` → `avx512_vnni`, `spec-ctrl` → `spec_ctrl`, …).
package enum CPUModelCatalog {
    /// All models, oldest first within each vendor.
    package static let all: [CPUModel] = intel + amd

    package static func model(named name: String) -> CPUModel? {
        byName[name]
    }

    /// Accepts `Westmere` or `model_Westmere`.
    package static func model(vdsmName: String) -> CPUModel? {
        let bare = vdsmName.hasPrefix("model_") ? String(vdsmName.dropFirst("model_".count)) : vdsmName
        return byName[bare]
    }

    private static let byName: [String: CPUModel] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    // MARK: - Intel

    private static func words(_ text: String) -> Set<String> {
        Set(text.split(separator: " ").map(String.init))
    }

    static let conroe = words("""
        apic clflush cmov cx8 de fpu fxsr lahf_lm lm mca mce mmx msr mtrr nx pae pat pge pni pse pse36 \
        sep sse sse2 ssse3 syscall tsc
        """)
    static let penryn = conroe.union(words("cx16 sse4_1"))
    static let nehalem = penryn.union(words("popcnt sse4_2"))
    static let westmere = nehalem.union(words("aes"))
    static let sandyBridge = westmere.union(words("avx pclmulqdq rdtscp tsc_deadline_timer x2apic xsave"))
    static let ivyBridge = sandyBridge.union(words("erms f16c fsgsbase rdrand smep vme"))
    // Not a superset of IvyBridge: libvirt's Haswell lacks f16c, rdrand and vme.
    static let haswellNoTSX = sandyBridge.union(words("avx2 bmi1 bmi2 erms fma fsgsbase invpcid movbe pcid smep"))
    static let tsx = words("hle rtm")
    static let haswell = haswellNoTSX.union(tsx)
    static let broadwellNoTSX = haswellNoTSX.union(words("3dnowprefetch adx rdseed smap"))
    static let broadwell = broadwellNoTSX.union(tsx)
    static let skylakeClient = broadwell.union(words("abm arat f16c mpx rdrand vme xgetbv1 xsavec xsaveopt"))
    static let skylakeServer = skylakeClient.union(words("avx512bw avx512cd avx512dq avx512f avx512vl clwb pdpe1gb"))
    static let cascadelakeServer = skylakeServer.union(words("avx512_vnni clflushopt spec_ctrl ssbd"))
    static let icelakeServer = cascadelakeServer.union(words("""
        avx512_bitalg avx512_vbmi2 avx512_vpopcntdq avx512vbmi gfni intel_pt la57 pku umip vaes vpclmulqdq wbnoinvd
        """))
    static let ibrs: Set<String> = ["spec_ctrl"]

    private static let intel: [CPUModel] = {
        let table: [(String, Set<String>)] = [
            ("Conroe", conroe),
            ("Penryn", penryn),
            ("Nehalem", nehalem),
            ("Nehalem-IBRS", nehalem.union(ibrs)),
            ("Westmere", westmere),
            ("Westmere-IBRS", westmere.union(ibrs)),
            ("SandyBridge", sandyBridge),
            ("SandyBridge-IBRS", sandyBridge.union(ibrs)),
            ("IvyBridge", ivyBridge),
            ("Haswell-noTSX", haswellNoTSX),
            ("Haswell-noTSX-IBRS", haswellNoTSX.union(ibrs)),
            ("Haswell", haswell),
            ("Haswell-IBRS", haswell.union(ibrs)),
            ("Broadwell-noTSX", broadwellNoTSX),
            ("Broadwell-noTSX-IBRS", broadwellNoTSX.union(ibrs)),
            ("Broadwell", broadwell),
            ("Broadwell-IBRS", broadwell.union(ibrs)),
            ("Skylake-Client-noTSX-IBRS", skylakeClient.subtracting(tsx).union(ibrs)),
            ("Skylake-Client", skylakeClient),
            ("Skylake-Client-IBRS", skylakeClient.union(ibrs)),
            ("Skylake-Server-noTSX-IBRS", skylakeServer.subtracting(tsx).union(ibrs)),
            ("Skylake-Server", skylakeServer),
            ("Skylake-Server-IBRS", skylakeServer.union(ibrs)),
            ("Cascadelake-Server-noTSX", cascadelakeServer.subtracting(tsx)),
            ("Cascadelake-Server", cascadelakeServer),
            ("Icelake-Server-noTSX", icelakeServer.subtracting(tsx)),
            ("Icelake-Server", icelakeServer),
        ]
        return table.enumerated().map { index, entry in
            CPUModel(name: entry.0, vendor: .intel, flags: entry.1, generation: index + 1)
        }
    }()

    // MARK: - AMD

    static let opteronG1 = words("""
        apic clflush cmov cx8 de fpu fxsr lm mca mce mmx msr mtrr nx pae pat pge pni pse pse36 sep sse sse2 \
        syscall tsc
        """)
    static let opteronG2 = opteronG1.union(words("cx16 lahf_lm rdtscp svm"))
    static let opteronG3 = opteronG2.union(words("abm misalignsse monitor popcnt sse4a"))
    // Built on G2, not G3: G4 has no `monitor`.
    static let opteronG4 = opteronG2.union(words("""
        3dnowprefetch abm aes avx fma4 misalignsse pclmulqdq pdpe1gb popcnt sse4_1 sse4_2 sse4a ssse3 xop xsave
        """))
    static let opteronG5 = opteronG4.union(words("f16c fma tbm"))
    static let epyc = opteronG5.subtracting(words("fma4 tbm xop")).union(words("""
        adx arat avx2 bmi1 bmi2 clflushopt cr8_legacy fsgsbase fxsr_opt mmxext monitor movbe osvw rdrand rdseed \
        sha_ni smap smep vme xgetbv1 xsavec xsaveopt
        """))

    private static let amd: [CPUModel] = {
        let table: [(String, Set<String>)] = [
            ("Opteron_G1", opteronG1),
            ("Opteron_G2", opteronG2),
            ("Opteron_G3", opteronG3),
            ("Opteron_G4", opteronG4),
            ("Opteron_G5", opteronG5),
            ("EPYC", epyc),
            // Listed by hosted-engine-setup 2.2 (oVirt 4.2); the engine itself uses EPYC,+ibpb instead.
            ("EPYC-IBPB", epyc.union(["ibpb"])),
        ]
        return table.enumerated().map { index, entry in
            CPUModel(name: entry.0, vendor: .amd, flags: entry.1, generation: index + 1)
        }
    }()
}
