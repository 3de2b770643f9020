extension HostFacts {
    /// The CPU facts a flow reads, from a host's CPU report. `cpu_models` is what vdsm puts in `cpuFlags`
    /// (`model_*`, oldest first); the hosted-engine flow intersects its `OVEHOSTED_VDSM/cpu` values with it.
    package static func cpu(_ report: HostCPUReport, description: String) -> HostFacts {
        var facts = HostFacts(description: description)
        facts["cpu_models"] = .list(report.compatible.map(\.vdsmName))
        facts["cpu_vendor"] = .string(report.cpu.vendorID ?? "")
        facts["cpu_model_name"] = .string(report.cpu.modelName ?? "")
        facts["cpu_hardware_virtualization"] = .bool(report.virtualization.isAvailable)
        facts["cpu_nested"] = .bool(report.isNested)
        return facts
    }
}
