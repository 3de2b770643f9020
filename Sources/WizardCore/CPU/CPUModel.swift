/// The CPU vendor as `/proc/cpuinfo` names it in its `vendor_id` line.
package enum CPUVendor: String, Sendable, Codable, CaseIterable {
    case intel = "GenuineIntel"
    case amd = "AuthenticAMD"

    /// The flag that marks hardware virtualization for this vendor (VT-x or AMD-V).
    package var virtualizationFlag: String {
        switch self {
        case .intel: "vmx"
        case .amd: "svm"
        }
    }

    package var shortName: String {
        switch self {
        case .intel: "Intel"
        case .amd: "AMD"
        }
    }
}

/// One libvirt x86 CPU model as oVirt uses it, with its features in `/proc/cpuinfo` spelling.
package struct CPUModel: Sendable, Hashable {
    /// libvirt's name, e.g. `Westmere`, `Haswell-noTSX-IBRS`, `Opteron_G3`.
    package let name: String
    package let vendor: CPUVendor
    /// Every feature the model needs, spelled as the kernel prints them in `flags`.
    package let flags: Set<String>
    /// Generation order inside the vendor (higher is newer); ties are broken by the size of `flags`.
    package let generation: Int

    package init(name: String, vendor: CPUVendor, flags: Set<String>, generation: Int) {
        self.name = name
        self.vendor = vendor
        self.flags = flags
        self.generation = generation
    }

    /// The name vdsm reports in `cpuFlags` and hosted-engine stores in `OVEHOSTED_VDSM/cpu`.
    package var vdsmName: String { "model_" + name }
}
