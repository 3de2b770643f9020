import Foundation

/// One entry of the engine's `ServerCPUList` for a cluster compatibility level:
/// `level:name:flags:verb:arch` in `packaging/dbscripts/upgrade/pre_upgrade/0000_config.sql`.
package struct ClusterCPU: Sendable, Hashable {
    /// Sort key inside the vendor; the engine's best CPU for a host is the highest level it satisfies.
    package let level: Int
    /// The engine's name, shown in the Administrator Portal ("Intel Westmere Family").
    package let name: String
    /// Flags the host's `cpuFlags` must all contain (cpuinfo flags plus vdsm's `model_*` entries).
    package let requiredFlags: [String]
    /// What the engine passes to vdsm as the VM CPU (`Westmere`, `Nehalem,+spec-ctrl,+ssbd`).
    package let verb: String

    package var vendor: CPUVendor {
        requiredFlags.contains("svm") ? .amd : .intel
    }

    /// The `model_*` flag this entry requires.
    package var vdsmModel: String {
        requiredFlags.first { $0.hasPrefix("model_") } ?? ""
    }
}

/// The x86_64 entries of `ServerCPUList` per cluster compatibility level.
///
/// Effective values (an `update` overrides an `add`) read from oVirt/ovirt-engine: tag ovirt-engine-3.4.0 for
/// 3.0–3.4, ovirt-engine-3.6.13.5 for 3.5–3.6, ovirt-engine-4.1.11.2 for 4.0–4.1, master 0111fc63 for 4.2–4.7.
/// POWER and s390x entries are left out: the wizard checks x86 hosts only.
package enum ClusterCPULevels {
    package static let levels: [String] = [
        "3.0", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "4.0", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7",
    ]

    /// The entries of `level` in the engine's order, or nil for an unknown level.
    package static func cpus(level: String) -> [ClusterCPU]? {
        table[level].map(parse)
    }

    private static func parse(_ list: String) -> [ClusterCPU] {
        list.split(separator: ";").compactMap { raw in
            let fields = raw.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 4, let level = Int(fields[0]) else { return nil }
            return ClusterCPU(
                level: level, name: String(fields[1]),
                requiredFlags: fields[2].split(separator: ",").map(String.init), verb: String(fields[3]))
        }
    }

    // Each string: `level:name:flags:verb` entries separated by `;` (the `:x86_64` column dropped).
    private static let v30 = """
        3:Intel Conroe Family:vmx,nx,model_Conroe:Conroe;
        4:Intel Penryn Family:vmx,nx,model_Penryn:Penryn;
        5:Intel Nehalem Family:vmx,nx,model_Nehalem:Nehalem;
        6:Intel Westmere Family:aes,vmx,nx,model_Westmere:Westmere;
        2:AMD Opteron G1:svm,nx,model_Opteron_G1:Opteron_G1;
        3:AMD Opteron G2:svm,nx,model_Opteron_G2:Opteron_G2;
        4:AMD Opteron G3:svm,nx,model_Opteron_G3:Opteron_G3
        """
    private static let v31 = """
        3:Intel Conroe Family:vmx,nx,model_Conroe:Conroe;
        4:Intel Penryn Family:vmx,nx,model_Penryn:Penryn;
        5:Intel Nehalem Family:vmx,nx,model_Nehalem:Nehalem;
        6:Intel Westmere Family:aes,vmx,nx,model_Westmere:Westmere;
        7:Intel SandyBridge Family:vmx,nx,model_SandyBridge:SandyBridge;
        2:AMD Opteron G1:svm,nx,model_Opteron_G1:Opteron_G1;
        3:AMD Opteron G2:svm,nx,model_Opteron_G2:Opteron_G2;
        4:AMD Opteron G3:svm,nx,model_Opteron_G3:Opteron_G3;
        5:AMD Opteron G4:svm,nx,model_Opteron_G4:Opteron_G4
        """
    // 3.4.0 names it "Intel Haswell"; 3.4.4 and later "Intel Haswell Family".
    private static let v32 = """
        3:Intel Conroe Family:vmx,nx,model_Conroe:Conroe;
        4:Intel Penryn Family:vmx,nx,model_Penryn:Penryn;
        5:Intel Nehalem Family:vmx,nx,model_Nehalem:Nehalem;
        6:Intel Westmere Family:aes,vmx,nx,model_Westmere:Westmere;
        7:Intel SandyBridge Family:vmx,nx,model_SandyBridge:SandyBridge;
        8:Intel Haswell:vmx,nx,model_Haswell:Haswell;
        2:AMD Opteron G1:svm,nx,model_Opteron_G1:Opteron_G1;
        3:AMD Opteron G2:svm,nx,model_Opteron_G2:Opteron_G2;
        4:AMD Opteron G3:svm,nx,model_Opteron_G3:Opteron_G3;
        5:AMD Opteron G4:svm,nx,model_Opteron_G4:Opteron_G4;
        6:AMD Opteron G5:svm,nx,model_Opteron_G5:Opteron_G5
        """
    private static let v35 = """
        3:Intel Conroe Family:vmx,nx,model_Conroe:Conroe;
        4:Intel Penryn Family:vmx,nx,model_Penryn:Penryn;
        5:Intel Nehalem Family:vmx,nx,model_Nehalem:Nehalem;
        6:Intel Westmere Family:aes,vmx,nx,model_Westmere:Westmere;
        7:Intel SandyBridge Family:vmx,nx,model_SandyBridge:SandyBridge;
        8:Intel Haswell Family:vmx,nx,model_Haswell:Haswell;
        2:AMD Opteron G1:svm,nx,model_Opteron_G1:Opteron_G1;
        3:AMD Opteron G2:svm,nx,model_Opteron_G2:Opteron_G2;
        4:AMD Opteron G3:svm,nx,model_Opteron_G3:Opteron_G3;
        5:AMD Opteron G4:svm,nx,model_Opteron_G4:Opteron_G4;
        6:AMD Opteron G5:svm,nx,model_Opteron_G5:Opteron_G5
        """
    private static let v36 = """
        3:Intel Conroe Family:vmx,nx,model_Conroe:Conroe;
        4:Intel Penryn Family:vmx,nx,model_Penryn:Penryn;
        5:Intel Nehalem Family:vmx,nx,model_Nehalem:Nehalem;
        6:Intel Westmere Family:aes,vmx,nx,model_Westmere:Westmere;
        7:Intel SandyBridge Family:vmx,nx,model_SandyBridge:SandyBridge;
        8:Intel Haswell-noTSX Family:vmx,nx,model_Haswell-noTSX:Haswell-noTSX;
        9:Intel Haswell Family:vmx,nx,model_Haswell:Haswell;
        10:Intel Broadwell-noTSX Family:vmx,nx,model_Broadwell-noTSX:Broadwell-noTSX;
        11:Intel Broadwell Family:vmx,nx,model_Broadwell:Broadwell;
        2:AMD Opteron G1:svm,nx,model_Opteron_G1:Opteron_G1;
        3:AMD Opteron G2:svm,nx,model_Opteron_G2:Opteron_G2;
        4:AMD Opteron G3:svm,nx,model_Opteron_G3:Opteron_G3;
        5:AMD Opteron G4:svm,nx,model_Opteron_G4:Opteron_G4;
        6:AMD Opteron G5:svm,nx,model_Opteron_G5:Opteron_G5
        """
    private static let v40 = """
        3:Intel Conroe Family:vmx,nx,model_Conroe:Conroe;
        4:Intel Penryn Family:vmx,nx,model_Penryn:Penryn;
        5:Intel Nehalem Family:vmx,nx,model_Nehalem:Nehalem;
        11:Intel Nehalem-IBRS Family:vmx,nx,model_Nehalem-IBRS:Nehalem-IBRS;
        6:Intel Westmere Family:aes,vmx,nx,model_Westmere:Westmere;
        12:Intel Westmere-IBRS Family:aes,vmx,nx,model_Westmere-IBRS:Westmere-IBRS;
        7:Intel SandyBridge Family:vmx,nx,model_SandyBridge:SandyBridge;
        13:Intel SandyBridge-IBRS Family:vmx,nx,model_SandyBridge-IBRS:SandyBridge-IBRS;
        8:Intel Haswell-noTSX Family:vmx,nx,model_Haswell-noTSX:Haswell-noTSX;
        14:Intel Haswell-noTSX-IBRS Family:vmx,nx,model_Haswell-noTSX-IBRS:Haswell-noTSX-IBRS;
        -2:Intel Haswell Family:vmx,nx,model_Haswell:Haswell;
        -1:Intel Haswell-IBRS Family:vmx,nx,model_Haswell-IBRS:Haswell-IBRS;
        10:Intel Broadwell-noTSX Family:vmx,nx,model_Broadwell-noTSX:Broadwell-noTSX;
        15:Intel Broadwell-noTSX-IBRS Family:vmx,nx,model_Broadwell-noTSX-IBRS:Broadwell-noTSX-IBRS;
        -2:Intel Broadwell Family:vmx,nx,model_Broadwell:Broadwell;
        -1:Intel Broadwell-IBRS Family:vmx,nx,model_Broadwell-IBRS:Broadwell-IBRS;
        2:AMD Opteron G1:svm,nx,model_Opteron_G1:Opteron_G1;
        3:AMD Opteron G2:svm,nx,model_Opteron_G2:Opteron_G2;
        4:AMD Opteron G3:svm,nx,model_Opteron_G3:Opteron_G3;
        5:AMD Opteron G4:svm,nx,model_Opteron_G4:Opteron_G4;
        6:AMD Opteron G5:svm,nx,model_Opteron_G5:Opteron_G5
        """
    private static let v41 = """
        3:Intel Conroe Family:vmx,nx,model_Conroe:Conroe;
        4:Intel Penryn Family:vmx,nx,model_Penryn:Penryn;
        5:Intel Nehalem Family:vmx,nx,model_Nehalem:Nehalem;
        12:Intel Nehalem-IBRS Family:vmx,nx,model_Nehalem-IBRS:Nehalem-IBRS;
        6:Intel Westmere Family:aes,vmx,nx,model_Westmere:Westmere;
        13:Intel Westmere-IBRS Family:aes,vmx,nx,model_Westmere-IBRS:Westmere-IBRS;
        7:Intel SandyBridge Family:vmx,nx,model_SandyBridge:SandyBridge;
        14:Intel SandyBridge-IBRS Family:vmx,nx,model_SandyBridge-IBRS:SandyBridge-IBRS;
        8:Intel Haswell-noTSX Family:vmx,nx,model_Haswell-noTSX:Haswell-noTSX;
        15:Intel Haswell-noTSX-IBRS Family:vmx,nx,model_Haswell-noTSX-IBRS:Haswell-noTSX-IBRS;
        -2:Intel Haswell Family:vmx,nx,model_Haswell:Haswell;
        -1:Intel Haswell-IBRS Family:vmx,nx,model_Haswell-IBRS:Haswell-IBRS;
        10:Intel Broadwell-noTSX Family:vmx,nx,model_Broadwell-noTSX:Broadwell-noTSX;
        16:Intel Broadwell-noTSX-IBRS Family:vmx,nx,model_Broadwell-noTSX-IBRS:Broadwell-noTSX-IBRS;
        -2:Intel Broadwell Family:vmx,nx,model_Broadwell:Broadwell;
        -1:Intel Broadwell-IBRS Family:vmx,nx,model_Broadwell-IBRS:Broadwell-IBRS;
        11:Intel Skylake Family:vmx,nx,model_Skylake-Client:Skylake-Client;
        17:Intel Skylake-IBRS Family:vmx,nx,model_Skylake-Client-IBRS:Skylake-Client-IBRS;
        2:AMD Opteron G1:svm,nx,model_Opteron_G1:Opteron_G1;
        3:AMD Opteron G2:svm,nx,model_Opteron_G2:Opteron_G2;
        4:AMD Opteron G3:svm,nx,model_Opteron_G3:Opteron_G3;
        5:AMD Opteron G4:svm,nx,model_Opteron_G4:Opteron_G4;
        6:AMD Opteron G5:svm,nx,model_Opteron_G5:Opteron_G5
        """
    private static let v42 = """
        3:Intel Conroe Family:vmx,nx,model_Conroe:Conroe;
        4:Intel Penryn Family:vmx,nx,model_Penryn:Penryn;
        5:Intel Nehalem Family:vmx,nx,model_Nehalem:Nehalem;
        6:Intel Nehalem IBRS Family:vmx,nx,spec_ctrl,model_Nehalem:Nehalem,+spec-ctrl;
        7:Intel Nehalem IBRS SSBD Family:vmx,nx,spec_ctrl,ssbd,model_Nehalem:Nehalem,+spec-ctrl,+ssbd;
        8:Intel Nehalem IBRS SSBD MDS Family:vmx,spec_ctrl,ssbd,md_clear,model_Nehalem:Nehalem,+spec-ctrl,+ssbd,+md-clear;
        9:Intel Westmere Family:aes,vmx,nx,model_Westmere:Westmere;
        10:Intel Westmere IBRS Family:aes,vmx,nx,spec_ctrl,model_Westmere:Westmere,+spec-ctrl;
        11:Intel Westmere IBRS SSBD Family:aes,vmx,nx,spec_ctrl,ssbd,model_Westmere:Westmere,+pcid,+spec-ctrl,+ssbd;
        12:Intel Westmere IBRS SSBD MDS Family:aes,vmx,spec_ctrl,ssbd,md_clear,model_Westmere:Westmere,+pcid,+spec-ctrl,+ssbd,+md-clear;
        13:Intel SandyBridge Family:vmx,nx,model_SandyBridge:SandyBridge;
        14:Intel SandyBridge IBRS Family:vmx,nx,spec_ctrl,model_SandyBridge:SandyBridge,+spec-ctrl;
        15:Intel SandyBridge IBRS SSBD Family:vmx,nx,spec_ctrl,ssbd,model_SandyBridge:SandyBridge,+pcid,+spec-ctrl,+ssbd;
        16:Intel SandyBridge IBRS SSBD MDS Family:vmx,spec_ctrl,ssbd,md_clear,model_SandyBridge:SandyBridge,+pcid,+spec-ctrl,+ssbd,+md-clear;
        17:Intel Haswell-noTSX Family:vmx,nx,model_Haswell-noTSX:Haswell-noTSX;
        18:Intel Haswell-noTSX IBRS Family:vmx,nx,spec_ctrl,model_Haswell-noTSX:Haswell-noTSX,+spec-ctrl;
        19:Intel Haswell-noTSX IBRS SSBD Family:vmx,nx,spec_ctrl,ssbd,model_Haswell-noTSX:Haswell-noTSX,+spec-ctrl,+ssbd;
        20:Intel Haswell-noTSX IBRS SSBD MDS Family:vmx,spec_ctrl,ssbd,md_clear,model_Haswell-noTSX:Haswell-noTSX,+spec-ctrl,+ssbd,+md-clear;
        21:Intel Haswell Family:vmx,nx,model_Haswell:Haswell;
        22:Intel Haswell IBRS Family:vmx,nx,spec_ctrl,model_Haswell:Haswell,+spec-ctrl;
        23:Intel Haswell IBRS SSBD Family:vmx,nx,spec_ctrl,ssbd,model_Haswell:Haswell,+spec-ctrl,+ssbd;
        24:Intel Haswell IBRS SSBD MDS Family:vmx,spec_ctrl,ssbd,md_clear,model_Haswell:Haswell,+spec-ctrl,+ssbd,+md-clear;
        25:Intel Broadwell-noTSX Family:vmx,nx,model_Broadwell-noTSX:Broadwell-noTSX;
        26:Intel Broadwell-noTSX IBRS Family:vmx,nx,spec_ctrl,model_Broadwell-noTSX:Broadwell-noTSX,+spec-ctrl;
        27:Intel Broadwell-noTSX IBRS SSBD Family:vmx,nx,spec_ctrl,ssbd,model_Broadwell-noTSX:Broadwell-noTSX,+spec-ctrl,+ssbd;
        28:Intel Broadwell-noTSX IBRS SSBD MDS Family:vmx,spec_ctrl,ssbd,md_clear,model_Broadwell-noTSX:Broadwell-noTSX,+spec-ctrl,+ssbd,+md-clear;
        29:Intel Broadwell Family:vmx,nx,model_Broadwell:Broadwell;
        30:Intel Broadwell IBRS Family:vmx,nx,spec_ctrl,model_Broadwell:Broadwell,+spec-ctrl;
        31:Intel Broadwell IBRS SSBD Family:vmx,nx,spec_ctrl,ssbd,model_Broadwell:Broadwell,+spec-ctrl,+ssbd;
        32:Intel Broadwell IBRS SSBD MDS Family:vmx,spec_ctrl,ssbd,md_clear,model_Broadwell:Broadwell,+spec-ctrl,+ssbd,+md-clear;
        33:Intel Skylake Client Family:vmx,nx,model_Skylake-Client:Skylake-Client;
        34:Intel Skylake Client IBRS Family:vmx,nx,spec_ctrl,model_Skylake-Client:Skylake-Client,+spec-ctrl;
        35:Intel Skylake Client IBRS SSBD Family:vmx,nx,spec_ctrl,ssbd,model_Skylake-Client:Skylake-Client,+spec-ctrl,+ssbd;
        36:Intel Skylake Client IBRS SSBD MDS Family:vmx,spec_ctrl,ssbd,md_clear,model_Skylake-Client:Skylake-Client,+spec-ctrl,+ssbd,+md-clear;
        2:AMD Opteron G1:svm,nx,model_Opteron_G1:Opteron_G1;
        3:AMD Opteron G2:svm,nx,model_Opteron_G2:Opteron_G2;
        4:AMD Opteron G3:svm,nx,model_Opteron_G3:Opteron_G3;
        5:AMD Opteron G4:svm,nx,model_Opteron_G4:Opteron_G4;
        6:AMD Opteron G5:svm,nx,model_Opteron_G5:Opteron_G5
        """
    private static let v43 = """
        5:Intel Nehalem Family:vmx,nx,model_Nehalem:Nehalem;
        7:Intel Nehalem IBRS SSBD Family:vmx,nx,spec_ctrl,ssbd,model_Nehalem:Nehalem,+spec-ctrl,+ssbd;
        8:Intel Nehalem IBRS SSBD MDS Family:vmx,spec_ctrl,ssbd,md_clear,model_Nehalem:Nehalem,+spec-ctrl,+ssbd,+md-clear;
        9:Intel Westmere Family:aes,vmx,nx,model_Westmere:Westmere;
        10:Intel Westmere IBRS SSBD Family:aes,vmx,nx,spec_ctrl,ssbd,model_Westmere:Westmere,+pcid,+spec-ctrl,+ssbd;
        11:Intel Westmere IBRS SSBD MDS Family:aes,vmx,spec_ctrl,ssbd,md_clear,model_Westmere:Westmere,+pcid,+spec-ctrl,+ssbd,+md-clear;
        12:Intel SandyBridge Family:vmx,nx,model_SandyBridge:SandyBridge;
        13:Intel SandyBridge IBRS SSBD Family:vmx,nx,spec_ctrl,ssbd,model_SandyBridge:SandyBridge,+pcid,+spec-ctrl,+ssbd;
        14:Intel SandyBridge IBRS SSBD MDS Family:vmx,spec_ctrl,ssbd,md_clear,model_SandyBridge:SandyBridge,+pcid,+spec-ctrl,+ssbd,+md-clear;
        15:Intel Haswell-noTSX Family:vmx,nx,model_Haswell-noTSX:Haswell-noTSX;
        16:Intel Haswell-noTSX IBRS SSBD Family:vmx,nx,spec_ctrl,ssbd,model_Haswell-noTSX:Haswell-noTSX,+spec-ctrl,+ssbd;
        17:Intel Haswell-noTSX IBRS SSBD MDS Family:vmx,spec_ctrl,ssbd,md_clear,model_Haswell-noTSX:Haswell-noTSX,+spec-ctrl,+ssbd,+md-clear;
        18:Intel Haswell Family:vmx,nx,model_Haswell:Haswell;
        19:Intel Haswell IBRS SSBD Family:vmx,nx,spec_ctrl,ssbd,model_Haswell:Haswell,+spec-ctrl,+ssbd;
        20:Intel Haswell IBRS SSBD MDS Family:vmx,spec_ctrl,ssbd,md_clear,model_Haswell:Haswell,+spec-ctrl,+ssbd,+md-clear;
        21:Intel Broadwell-noTSX Family:vmx,nx,model_Broadwell-noTSX:Broadwell-noTSX;
        22:Intel Broadwell-noTSX IBRS SSBD Family:vmx,nx,spec_ctrl,ssbd,model_Broadwell-noTSX:Broadwell-noTSX,+spec-ctrl,+ssbd;
        23:Intel Broadwell-noTSX IBRS SSBD MDS Family:vmx,spec_ctrl,ssbd,md_clear,model_Broadwell-noTSX:Broadwell-noTSX,+spec-ctrl,+ssbd,+md-clear;
        24:Intel Broadwell Family:vmx,nx,model_Broadwell:Broadwell;
        25:Intel Broadwell IBRS SSBD Family:vmx,nx,spec_ctrl,ssbd,model_Broadwell:Broadwell,+spec-ctrl,+ssbd;
        26:Intel Broadwell IBRS SSBD MDS Family:vmx,spec_ctrl,ssbd,md_clear,model_Broadwell:Broadwell,+spec-ctrl,+ssbd,+md-clear;
        27:Intel Skylake Client Family:vmx,nx,model_Skylake-Client:Skylake-Client;
        28:Intel Skylake Client IBRS SSBD Family:vmx,nx,spec_ctrl,ssbd,model_Skylake-Client:Skylake-Client,+spec-ctrl,+ssbd;
        29:Intel Skylake Client IBRS SSBD MDS Family:vmx,spec_ctrl,ssbd,md_clear,model_Skylake-Client:Skylake-Client,+spec-ctrl,+ssbd,+md-clear;
        30:Intel Skylake Server Family:vmx,nx,model_Skylake-Server:Skylake-Server;
        31:Intel Skylake Server IBRS SSBD Family:vmx,nx,spec_ctrl,ssbd,model_Skylake-Server:Skylake-Server,+spec-ctrl,+ssbd;
        32:Intel Skylake Server IBRS SSBD MDS Family:vmx,spec_ctrl,ssbd,md_clear,model_Skylake-Server:Skylake-Server,+spec-ctrl,+ssbd,+md-clear;
        5:AMD Opteron G4:svm,nx,model_Opteron_G4:Opteron_G4;
        6:AMD Opteron G5:svm,nx,model_Opteron_G5:Opteron_G5;
        7:AMD EPYC:svm,nx,model_EPYC:EPYC;
        9:AMD EPYC IBPB SSBD:svm,nx,ibpb,ssbd,model_EPYC:EPYC,+ibpb,+virt-ssbd
        """
    private static let v44 = """
        1:Intel Nehalem Family:vmx,nx,model_Nehalem:Nehalem;
        2:Secure Intel Nehalem Family:vmx,spec_ctrl,ssbd,model_Nehalem:Nehalem,+spec-ctrl,+ssbd;
        3:Intel Westmere Family:aes,vmx,nx,model_Westmere:Westmere;
        4:Secure Intel Westmere Family:aes,vmx,spec_ctrl,ssbd,model_Westmere:Westmere,+pcid,+spec-ctrl,+ssbd;
        5:Intel SandyBridge Family:vmx,nx,model_SandyBridge:SandyBridge;
        6:Secure Intel SandyBridge Family:vmx,spec_ctrl,ssbd,md_clear,model_SandyBridge:SandyBridge,+pcid,+spec-ctrl,+ssbd,+md-clear;
        7:Intel IvyBridge Family:vmx,nx,model_IvyBridge:IvyBridge;
        8:Secure Intel IvyBridge Family:vmx,spec_ctrl,ssbd,md_clear,model_IvyBridge:IvyBridge,+pcid,+spec-ctrl,+ssbd,+md-clear;
        9:Intel Haswell Family:vmx,nx,model_Haswell-noTSX:Haswell-noTSX;
        10:Secure Intel Haswell Family:vmx,spec_ctrl,ssbd,md_clear,model_Haswell-noTSX:Haswell-noTSX,+spec-ctrl,+ssbd,+md-clear;
        11:Intel Broadwell Family:vmx,nx,model_Broadwell-noTSX:Broadwell-noTSX;
        12:Secure Intel Broadwell Family:vmx,spec_ctrl,ssbd,md_clear,model_Broadwell-noTSX:Broadwell-noTSX,+spec-ctrl,+ssbd,+md-clear;
        13:Intel Skylake Client Family:vmx,nx,model_Skylake-Client:Skylake-Client,-hle,-rtm;
        14:Secure Intel Skylake Client Family:vmx,ssbd,md_clear,model_Skylake-Client-noTSX-IBRS:Skylake-Client-noTSX-IBRS,+ssbd,+md-clear;
        15:Intel Skylake Server Family:vmx,nx,model_Skylake-Server:Skylake-Server,-hle,-rtm;
        16:Secure Intel Skylake Server Family:vmx,ssbd,md_clear,model_Skylake-Server-noTSX-IBRS:Skylake-Server-noTSX-IBRS,+ssbd,+md-clear;
        17:Intel Cascadelake Server Family:vmx,model_Cascadelake-Server:Cascadelake-Server,-hle,-rtm,+arch-capabilities;
        18:Secure Intel Cascadelake Server Family:vmx,md-clear,mds-no,model_Cascadelake-Server:Cascadelake-Server,+md-clear,+mds-no,-hle,-rtm,+tsx-ctrl,+arch-capabilities;
        1:AMD Opteron G4:svm,nx,model_Opteron_G4:Opteron_G4;
        2:AMD Opteron G5:svm,nx,model_Opteron_G5:Opteron_G5;
        3:AMD EPYC:svm,nx,model_EPYC:EPYC;
        4:Secure AMD EPYC:svm,nx,ibpb,ssbd,model_EPYC:EPYC,+ibpb,+virt-ssbd
        """
    private static let v45 = """
        1:Intel Nehalem Family:vmx,nx,model_Nehalem:Nehalem;
        2:Secure Intel Nehalem Family:vmx,spec_ctrl,ssbd,model_Nehalem:Nehalem,+spec-ctrl,+ssbd;
        3:Intel Westmere Family:aes,vmx,nx,model_Westmere:Westmere;
        4:Secure Intel Westmere Family:aes,vmx,spec_ctrl,ssbd,model_Westmere:Westmere,+pcid,+spec-ctrl,+ssbd;
        5:Intel SandyBridge Family:vmx,nx,model_SandyBridge:SandyBridge;
        6:Secure Intel SandyBridge Family:vmx,spec_ctrl,ssbd,md_clear,model_SandyBridge:SandyBridge,+pcid,+spec-ctrl,+ssbd,+md-clear;
        7:Intel IvyBridge Family:vmx,nx,model_IvyBridge:IvyBridge;
        8:Secure Intel IvyBridge Family:vmx,spec_ctrl,ssbd,md_clear,model_IvyBridge:IvyBridge,+pcid,+spec-ctrl,+ssbd,+md-clear;
        9:Intel Haswell Family:vmx,nx,model_Haswell-noTSX:Haswell-noTSX;
        10:Secure Intel Haswell Family:vmx,spec_ctrl,ssbd,md_clear,model_Haswell-noTSX:Haswell-noTSX,+spec-ctrl,+ssbd,+md-clear;
        11:Intel Broadwell Family:vmx,nx,model_Broadwell-noTSX:Broadwell-noTSX;
        12:Secure Intel Broadwell Family:vmx,spec_ctrl,ssbd,md_clear,model_Broadwell-noTSX:Broadwell-noTSX,+spec-ctrl,+ssbd,+md-clear;
        13:Intel Skylake Client Family:vmx,nx,model_Skylake-Client:Skylake-Client,-hle,-rtm,-mpx;
        14:Secure Intel Skylake Client Family:vmx,ssbd,md_clear,model_Skylake-Client-noTSX-IBRS:Skylake-Client-noTSX-IBRS,+ssbd,+md-clear,-mpx;
        15:Intel Skylake Server Family:vmx,nx,model_Skylake-Server:Skylake-Server,-hle,-rtm,-mpx;
        16:Secure Intel Skylake Server Family:vmx,ssbd,md_clear,model_Skylake-Server-noTSX-IBRS:Skylake-Server-noTSX-IBRS,+ssbd,+md-clear,-mpx;
        17:Intel Cascadelake Server Family:vmx,model_Cascadelake-Server:Cascadelake-Server,-hle,-rtm,-mpx;
        18:Secure Intel Cascadelake Server Family:vmx,model_Cascadelake-Server-noTSX:Cascadelake-Server-noTSX,-mpx;
        19:Intel Icelake Server Family:vmx,model_Icelake-Server-noTSX:Icelake-Server-noTSX,-mpx;
        20:Secure Intel Icelake Server Family:vmx,arch-capabilities,rdctl-no,ibrs-all,skip-l1dfl-vmentry,mds-no,pschange-mc-no,model_Icelake-Server-noTSX:Icelake-Server-noTSX,+arch-capabilities,+rdctl-no,+ibrs-all,+skip-l1dfl-vmentry,+mds-no,+pschange-mc-no,-mpx;
        1:AMD Opteron G4:svm,nx,model_Opteron_G4:Opteron_G4;
        2:AMD Opteron G5:svm,nx,model_Opteron_G5:Opteron_G5;
        3:AMD EPYC:svm,nx,model_EPYC:EPYC;
        4:Secure AMD EPYC:svm,nx,ibpb,ssbd,model_EPYC:EPYC,+ibpb,+virt-ssbd
        """

    private static let table: [String: String] = [
        "3.0": v30, "3.1": v31, "3.2": v32, "3.3": v32, "3.4": v32, "3.5": v35, "3.6": v36,
        "4.0": v40, "4.1": v41, "4.2": v42, "4.3": v43, "4.4": v44, "4.5": v45, "4.6": v45, "4.7": v45,
    ]
}
