/// The CPU types `hosted-engine --deploy` offers for the engine VM.
///
/// ovirt-hosted-engine-setup 1.1.x (oVirt 3.4), `src/plugins/ovirt-hosted-engine-setup/vdsmd/cpu.py`
/// `CPU_FAMILIES`: the list, in this priority order, intersected with the models vdsm reports for the host;
/// the first one left is the default. SandyBridge, Haswell and Opteron G4/G5 came only with 1.2.0 (oVirt 3.5).
package enum HostedEngineCPUFamilies {
    package struct Family: Sendable, Hashable {
        /// `model_Westmere`, the value stored in `OVEHOSTED_VDSM/cpu`.
        package let vdsmName: String
        /// "Intel Westmere Family", the value stored in `OVEHOSTED_VDSM/engineCpu` and set on the Default cluster.
        package let engineName: String
    }

    package static let ovirt34: [Family] = [
        Family(vdsmName: "model_Westmere", engineName: "Intel Westmere Family"),
        Family(vdsmName: "model_Nehalem", engineName: "Intel Nehalem Family"),
        Family(vdsmName: "model_Penryn", engineName: "Intel Penryn Family"),
        Family(vdsmName: "model_Conroe", engineName: "Intel Conroe Family"),
        Family(vdsmName: "model_Opteron_G3", engineName: "AMD Opteron G3"),
        Family(vdsmName: "model_Opteron_G2", engineName: "AMD Opteron G2"),
        Family(vdsmName: "model_Opteron_G1", engineName: "AMD Opteron G1"),
    ]

    /// ovirt-hosted-engine-setup 1.2.0 (oVirt 3.5), same file.
    package static let ovirt35: [Family] = families("""
        model_Haswell|Intel Haswell Family
        model_SandyBridge|Intel SandyBridge Family
        model_Westmere|Intel Westmere Family
        model_Nehalem|Intel Nehalem Family
        model_Penryn|Intel Penryn Family
        model_Conroe|Intel Conroe Family
        model_Opteron_G5|AMD Opteron G5
        model_Opteron_G4|AMD Opteron G4
        model_Opteron_G3|AMD Opteron G3
        model_Opteron_G2|AMD Opteron G2
        model_Opteron_G1|AMD Opteron G1
        """)

    /// ovirt-hosted-engine-setup 2.2.34 (oVirt 4.2, the last with the question), `src/plugins/gr-he-setup/vdsmd/cpu.py`.
    /// Note the order: a TSX model before its -noTSX twin, the plain model before its -IBRS variant.
    package static let ovirt42: [Family] = families("""
        model_Skylake-Server|Intel Skylake Server Family
        model_Skylake-Server-IBRS|Intel Skylake Server IBRS Family
        model_Skylake-Client|Intel Skylake Client Family
        model_Skylake-Client-IBRS|Intel Skylake Client IBRS Family
        model_Broadwell|Intel Broadwell Family
        model_Broadwell-noTSX|Intel Broadwell-noTSX Family
        model_Broadwell-IBRS|Intel Broadwell IBRS Family
        model_Broadwell-noTSX-IBRS|Intel Broadwell-noTSX IBRS Family
        model_Haswell|Intel Haswell Family
        model_Haswell-noTSX|Intel Haswell-noTSX Family
        model_Haswell-IBRS|Intel Haswell IBRS Family
        model_Haswell-noTSX-IBRS|Intel Haswell-noTSX IBRS Family
        model_SandyBridge|Intel SandyBridge Family
        model_SandyBridge-IBRS|Intel SandyBridge IBRS Family
        model_Westmere|Intel Westmere Family
        model_Westmere-IBRS|Intel Westmere IBRS Family
        model_Nehalem|Intel Nehalem Family
        model_Nehalem-IBRS|Intel Nehalem IBRS Family
        model_Penryn|Intel Penryn Family
        model_Conroe|Intel Conroe Family
        model_EPYC|AMD EPYC
        model_EPYC-IBPB|AMD EPYC IBPB
        model_Opteron_G5|AMD Opteron G5
        model_Opteron_G4|AMD Opteron G4
        model_Opteron_G3|AMD Opteron G3
        model_Opteron_G2|AMD Opteron G2
        model_Opteron_G1|AMD Opteron G1
        """)

    private static func families(_ table: String) -> [Family] {
        table.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "|", maxSplits: 1).map(String.init)
            return parts.count == 2 ? Family(vdsmName: parts[0], engineName: parts[1]) : nil
        }
    }
}
