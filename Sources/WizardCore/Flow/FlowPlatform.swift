/// A host a flow's tool runs on: an OS family of the probe (`os_family`: `centos`, `redhat` for RHEL and its
/// rebuilds, `fedora`) and major versions (`os_major`). oVirt 3.4 runs on EL6 and Fedora 19/20; oVirt 4.5 on
/// EL8 and EL9 (oVirt Node included, which reports its base OS).
package struct FlowPlatform: Sendable, Equatable, CustomStringConvertible {
    package var families: [String]
    package var majors: [Int]

    package init(families: [String], majors: [Int]) {
        self.families = families
        self.majors = majors
    }

    package func matches(family: String, major: Int) -> Bool {
        families.contains(family) && majors.contains(major)
    }

    /// `EL 8, 9 (centos, redhat)`, `Fedora 19, 20`.
    package var description: String {
        let versions = majors.map(String.init).joined(separator: ", ")
        if families == ["fedora"] { return "Fedora \(versions)" }
        return "EL \(versions) (\(families.joined(separator: ", ")))"
    }
}

/// What a host is, as far as the choice of oVirt version goes: read from the probed facts.
package struct HostOS: Sendable, Equatable, CustomStringConvertible {
    package var family: String
    package var major: Int
    /// `/etc/redhat-release` or os-release's PRETTY_NAME, for messages.
    package var name: String?
    /// os-release's VARIANT_ID (`ovirt-node` on oVirt Node).
    package var variant: String?

    package init(family: String, major: Int, name: String? = nil, variant: String? = nil) {
        self.family = family
        self.major = major
        self.name = name
        self.variant = variant
    }

    /// Nil when the probe could not tell the family or the major version.
    package init?(facts: HostFacts) {
        guard let family = facts.string("os_family"), !family.isEmpty,
              let majorText = facts.string("os_major"), let major = Int(majorText) else { return nil }
        self.init(family: family, major: major, name: facts.string("os_release").flatMap { $0.isEmpty ? nil : $0 },
                  variant: facts.string("os_variant").flatMap { $0.isEmpty ? nil : $0 })
    }

    package var description: String {
        var text = name ?? "\(family) \(major)"
        if variant == "ovirt-node" { text += " (oVirt Node)" }
        return text
    }
}
