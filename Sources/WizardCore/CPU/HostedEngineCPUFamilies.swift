/// The CPU types `hosted-engine --deploy` offers for the engine VM.
///
/// ovirt-hosted-engine-setup 1.1.x (oVirt 3.4), `src/plugins/ovirt-hosted-engine-setup/vdsmd/cpu.py`
/// `CPU_FAMILIES`: the list, in this priority order, intersected with the models vdsm reports for the host;
/// the first one left is the default. SandyBridge, Haswell and Opteron G4/G5 came only with 1.2.0 (oVirt 3.5).
public enum HostedEngineCPUFamilies {
    public struct Family: Sendable, Hashable {
        /// `model_Westmere`, the value stored in `OVEHOSTED_VDSM/cpu`.
        public let vdsmName: String
        /// "Intel Westmere Family", the value stored in `OVEHOSTED_VDSM/engineCpu` and set on the Default cluster.
        public let engineName: String
    }

    public static let ovirt34: [Family] = [
        Family(vdsmName: "model_Westmere", engineName: "Intel Westmere Family"),
        Family(vdsmName: "model_Nehalem", engineName: "Intel Nehalem Family"),
        Family(vdsmName: "model_Penryn", engineName: "Intel Penryn Family"),
        Family(vdsmName: "model_Conroe", engineName: "Intel Conroe Family"),
        Family(vdsmName: "model_Opteron_G3", engineName: "AMD Opteron G3"),
        Family(vdsmName: "model_Opteron_G2", engineName: "AMD Opteron G2"),
        Family(vdsmName: "model_Opteron_G1", engineName: "AMD Opteron G1"),
    ]
}
