import Foundation

/// Whether a host can run KVM guests, read from its flags.
package enum HardwareVirtualization: Sendable, Equatable {
    /// `vmx` (Intel VT-x) or `svm` (AMD-V) is present.
    case available(flag: String)
    /// Neither is present; the reason says why and what to do.
    case unavailable(reason: String)

    package var isAvailable: Bool {
        if case .available = self { return true }
        return false
    }
}

/// The CPU verdict for one host: what vdsm would report, what the engine would accept, and why not more.
package struct HostCPUReport: Sendable {
    /// Where the text came from: a host name or a file path.
    package let source: String
    package let cpu: CPUInfo
    package let virtualization: HardwareVirtualization
    /// The `hypervisor` flag is set: this host is itself a virtual machine.
    package let isNested: Bool
    /// The models vdsm reports (`model_*` in `cpuFlags`): every feature present and the vendor matching.
    package let compatible: [CPUModel]
    /// The newest compatible model, nil when none fits.
    package let best: CPUModel?
    /// For every catalog model of the host's vendor that does not fit: the features it lacks.
    package let missing: [String: [String]]
    package let warnings: [String]

    package func isCompatible(_ model: CPUModel) -> Bool {
        compatible.contains(model)
    }

    /// What the engine holds against `ServerCPUList`: the cpuinfo flags, their libvirt spellings
    /// (vdsm ≥ 4.30.5 adds domain-capability feature names), `spec_ctrl` when an `-IBRS` model fits,
    /// and one `model_*` per compatible model.
    package var engineFlags: Set<String> {
        var flags = cpu.flags
        for flag in cpu.flags where flag.contains("_") {
            flags.insert(flag.replacingUnderscores())
        }
        // vdsm adds spec_ctrl exactly when an -IBRS model is usable.
        if compatible.contains(where: { $0.name.hasSuffix("-IBRS") }) {
            flags.insert("spec_ctrl")
        }
        for model in compatible {
            flags.insert(model.vdsmName)
        }
        return flags
    }

    /// The flags of `clusterCPU` this host lacks, in the entry's order; empty means the engine accepts the host.
    package func missingFlags(for clusterCPU: ClusterCPU) -> [String] {
        let have = engineFlags
        return clusterCPU.requiredFlags.filter { !have.contains($0) }
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" ? "-" : $0 })
    }
}

/// Classifies a host from its `/proc/cpuinfo` the way vdsm (via libvirt) and the engine would.
package enum HostCPUClassifier {
    package static func classify(_ cpu: CPUInfo, source: String) -> HostCPUReport {
        let flags = cpu.flags
        let vendor = cpu.vendor
        let isNested = flags.contains("hypervisor")

        let virtualization = virtualizationStatus(cpu, isNested: isNested)

        var compatible: [CPUModel] = []
        var missing: [String: [String]] = [:]
        for model in CPUModelCatalog.all where model.vendor == vendor {
            let lacks = CPUFlagRules.missing(in: flags, for: model)
            if lacks.isEmpty {
                compatible.append(model)
            } else {
                missing[model.name] = lacks
            }
        }
        let best = compatible.max { ($0.generation, $0.flags.count) < ($1.generation, $1.flags.count) }

        let warnings = notes(
            cpu: cpu, isNested: isNested, virtualization: virtualization,
            compatible: compatible, missing: missing, best: best)

        return HostCPUReport(
            source: source, cpu: cpu, virtualization: virtualization, isNested: isNested,
            compatible: compatible, best: best, missing: missing, warnings: warnings)
    }

    /// The traps that explain the verdict: nested host, NX off, 32-bit kernel, hidden or optional flags, TSX off.
    private static func notes(
        cpu: CPUInfo, isNested: Bool, virtualization: HardwareVirtualization,
        compatible: [CPUModel], missing: [String: [String]], best: CPUModel?
    ) -> [String] {
        let flags = cpu.flags
        let vendor = cpu.vendor
        var warnings: [String] = []
        if vendor == nil {
            warnings.append(
                "vendor '\(cpu.vendorID ?? "none")': oVirt's x86 CPU models are defined for GenuineIntel and AuthenticAMD only")
        }
        if isNested, virtualization.isAvailable {
            warnings.append(
                "nested host: the 'hypervisor' flag says this host is itself a virtual machine; oVirt runs here only through nested virtualization, and the outer hypervisor may hide CPU features")
        }
        if !flags.contains("nx") {
            warnings.append(
                "nx is missing: NX/XD (execute disable) is switched off in the BIOS; every oVirt CPU model needs it, so vdsm reports none")
        }
        if !flags.contains("lm") {
            warnings.append("lm is missing: this is a 32-bit CPU; oVirt hosts must run x86_64")
        } else if vendor == .intel, !flags.contains("syscall") {
            // Intel reports SYSCALL only in 64-bit mode, so a 32-bit kernel never prints it.
            warnings.append("syscall is missing although the CPU has lm: this looks like a 32-bit kernel; oVirt hosts must run an x86_64 kernel")
        }
        if let best {
            for ignored in CPUFlagRules.ignoredOptional(in: flags, for: best) {
                switch ignored {
                case "sep":
                    warnings.append(
                        "'sep' is not printed by this kernel; treated as present, as libvirt reads it from CPUID")
                case "x2apic", "tsc_deadline_timer":
                    warnings.append(
                        "'\(ignored)' is not printed (firmware setting or microcode erratum); not required, KVM emulates it")
                case "mpx":
                    warnings.append(
                        "'mpx' is not printed; not required (Linux 5.6 dropped MPX and oVirt 4.5+ removes it from \(best.name))")
                default:
                    break
                }
            }
        }
        if let tsxNote = tsxNote(compatible: compatible, missing: missing) {
            warnings.append(tsxNote)
        }
        if isNested, let hint = hiddenByHypervisorHint(best: best, missing: missing, vendor: vendor) {
            warnings.append(hint)
        }
        if !cpu.inconsistentFlags.isEmpty {
            warnings.append(
                "processor entries disagree on: \(cpu.inconsistentFlags.sorted().joined(separator: " ")); only flags all CPUs report are used")
        }
        if vendor != nil, compatible.isEmpty, let closest = closestModel(missing: missing, vendor: vendor) {
            warnings.append(
                "no oVirt CPU model fits; the closest is \(closest.name), missing \(missing[closest.name, default: []].joined(separator: " "))")
        }

        return warnings
    }

    private static func virtualizationStatus(_ cpu: CPUInfo, isNested: Bool) -> HardwareVirtualization {
        let flags = cpu.flags
        if let vendor = cpu.vendor {
            if flags.contains(vendor.virtualizationFlag) { return .available(flag: vendor.virtualizationFlag) }
        } else if let flag = ["vmx", "svm"].first(where: flags.contains) {
            return .available(flag: flag)
        }
        let flag = cpu.vendor?.virtualizationFlag ?? "vmx/svm"
        let technology = cpu.vendor == .amd ? "AMD-V" : (cpu.vendor == .intel ? "VT-x" : "VT-x/AMD-V")
        if isNested {
            return .unavailable(
                reason: "'\(flag)' is missing and the 'hypervisor' flag is set: this is a virtual machine; enable nested virtualization on the outer hypervisor (kvm_intel/kvm_amd nested=1, or 'expose hardware-assisted virtualization' in VMware)")
        }
        return .unavailable(
            reason: "'\(flag)' is missing: the CPU has no \(technology), or it is switched off in the BIOS/UEFI setup (newer kernels hide the flag when firmware disables it)")
    }

    /// When a `-noTSX` model fits but its TSX twin fails only for `hle`/`rtm`, say so.
    private static func tsxNote(compatible: [CPUModel], missing: [String: [String]]) -> String? {
        for model in compatible.reversed() where model.name.contains("-noTSX") {
            let twin = model.name.replacingOccurrences(of: "-noTSX", with: "")
            if let lacks = missing[twin], !lacks.isEmpty, Set(lacks).isSubset(of: ["hle", "rtm"]) {
                return "TSX (hle, rtm) is not available, usually switched off by microcode: \(model.name) fits, \(twin) does not"
            }
        }
        return nil
    }

    /// Outer hypervisors often hide a few features (erms, monitor, …); name them when they are all that stands
    /// between this guest and a newer model. vmx/svm are left out: the virtualization message covers them.
    private static func hiddenByHypervisorHint(best: CPUModel?, missing: [String: [String]], vendor: CPUVendor?) -> String? {
        let virtualizationFlags: Set<String> = ["vmx", "svm"]
        func lacks(_ model: CPUModel) -> [String] {
            missing[model.name, default: []].filter { !virtualizationFlags.contains($0) }
        }
        let newer = CPUModelCatalog.all.filter {
            $0.vendor == vendor && $0.generation > (best?.generation ?? 0) && !lacks($0).isEmpty
        }
        // Fewest missing features first, then the newest model.
        guard let next = newer.min(by: { (lacks($0).count, -$0.generation) < (lacks($1).count, -$1.generation) }) else {
            return nil
        }
        let hidden = lacks(next)
        guard !hidden.isEmpty, hidden.count <= 3 else { return nil }
        return "\(next.name) misses only \(hidden.joined(separator: " ")) here; check whether the outer hypervisor hides \(hidden.count == 1 ? "it" : "them") from this VM"
    }

    private static func closestModel(missing: [String: [String]], vendor: CPUVendor?) -> CPUModel? {
        CPUModelCatalog.all
            .filter { $0.vendor == vendor }
            .min { lhs, rhs in
                let l = missing[lhs.name, default: []].count
                let r = missing[rhs.name, default: []].count
                return l != r ? l < r : lhs.generation < rhs.generation
            }
    }
}
