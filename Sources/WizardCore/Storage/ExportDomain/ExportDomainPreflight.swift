/// Checks made on the export directory before a domain is created in it.
package enum ExportDomainPreflight {
    /// Names in the export directory that vdsm would take for a storage domain: vdsm globs
    /// `*-*-*-*-*` at the mount root and uses only the first match, so a second domain in the
    /// same export would be invisible (or hide the new one).
    package static func existingDomainNames(in names: [String]) -> [String] {
        names.filter { $0.split(separator: "-", omittingEmptySubsequences: false).count >= 5 }.sorted()
    }
}
