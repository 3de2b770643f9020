/// How a `/proc/cpuinfo` flag list is held against a model's feature list.
///
/// libvirt and vdsm compare CPUID bits, which the kernel does not always print; these rules bridge the
/// known gaps so that a flags-only check gives libvirt's answer.
package enum CPUFlagRules {
    /// Model features never counted as missing.
    /// - `sep`: some x86_64 kernels omit it although CPUID has it (vdsm's own E5649 sample has no `sep`
    ///   and libvirt reports that host as Westmere).
    /// - `mpx`: Linux dropped MPX in 5.6 and newer KVM hosts do not offer it; oVirt 4.5+ even strips it
    ///   from Skylake…Icelake (`-mpx`).
    /// - `x2apic`, `tsc_deadline_timer`: the kernel drops them when the firmware leaves x2APIC off or the
    ///   microcode has the TSC-deadline erratum, while CPUID still has them and KVM emulates both for guests,
    ///   so libvirt keeps reporting SandyBridge and later.
    package static let optionalFeatures: Set<String> = ["sep", "mpx", "x2apic", "tsc_deadline_timer"]

    /// Other names under which a kernel prints a model feature.
    /// - `spec_ctrl` (CPUID.7.EDX[26], libvirt `spec-ctrl`): RHEL 7 kernels print `spec_ctrl`; upstream
    ///   kernels hide that bit and print the synthetic `ibrs` (and `ibpb`) derived from it.
    /// - `pni` is SSE3; QEMU also calls it `sse3`.
    package static let aliases: [String: [String]] = [
        "spec_ctrl": ["ibrs"],
        "pni": ["sse3"],
    ]

    /// True when `hostFlags` provides `feature`, directly or under an alias.
    package static func host(_ hostFlags: Set<String>, provides feature: String) -> Bool {
        if hostFlags.contains(feature) { return true }
        return aliases[feature, default: []].contains { hostFlags.contains($0) }
    }

    /// The features of `model` that `hostFlags` lacks, sorted, optional ones left out.
    package static func missing(in hostFlags: Set<String>, for model: CPUModel) -> [String] {
        model.flags
            .filter { !optionalFeatures.contains($0) && !host(hostFlags, provides: $0) }
            .sorted()
    }

    /// The optional features of `model` the host does not print (reported, never required).
    package static func ignoredOptional(in hostFlags: Set<String>, for model: CPUModel) -> [String] {
        model.flags.intersection(optionalFeatures).filter { !host(hostFlags, provides: $0) }.sorted()
    }
}
