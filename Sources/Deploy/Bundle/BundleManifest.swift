import Foundation

/// The `MANIFEST` at the top of a bundle: what was collected from where, sizes, hashes, truncation, each host
/// that could not be reached, and every removed secret by file, line and kind (never the value).
package struct BundleManifest {
    package var header: [String]
    package var hosts: [BundleHostResult]
    package var local: [BundleEntry]
    package var limits: BundleLimits

    package var text: String {
        var out = ["ovirt-wizard support bundle", ""] + header
        out.append("Caps: \(ByteCount.text(limits.perFile)) per file (a longer file keeps its end), \(ByteCount.text(limits.perHost)) per host (newest files first).")
        out.append("")
        out.append("HOSTS")
        for host in hosts {
            if let reason = host.unreachable {
                out.append("  \(host.host): NOT REACHED: \(reason)")
            } else {
                let taken = host.entries.filter { $0.path != nil }
                let bytes = taken.reduce(0) { $0 + $1.written }
                let cut = taken.filter(\.truncated).count
                out.append("  \(host.host): \(taken.count) files, \(ByteCount.text(bytes))" + (cut > 0 ? ", \(cut) truncated" : "")
                           + (host.connection.map { " (\($0))" } ?? ""))
            }
        }
        let all = local + hosts.flatMap(\.entries)
        out.append("")
        out.append("FILES (path | what | from | original size | written | sha256 | complete or truncated)")
        for entry in all where entry.path != nil {
            out.append([entry.path!, entry.what, entry.source, entry.size.map { "\($0) bytes" } ?? "-",
                        "\(entry.written) bytes", entry.sha256 ?? "-", entry.truncated ? "TRUNCATED: \(entry.note ?? "")" : "complete"]
                .joined(separator: " | "))
        }
        let missing = all.filter { $0.path == nil }
        if !missing.isEmpty {
            out.append("")
            out.append("NOT COLLECTED (from | why)")
            for entry in missing { out.append("\(entry.source) | \(entry.note ?? "")") }
        }
        let redacted = all.filter { !$0.redactions.isEmpty }
        out.append("")
        out.append("SECRETS REMOVED (file:line | kind); \(redacted.reduce(0) { $0 + $1.redactions.count }) in \(redacted.count) files")
        for entry in redacted {
            for r in entry.redactions { out.append("\(entry.path!):\(r.line) | \(r.kind)") }
        }
        return out.joined(separator: "\n") + "\n"
    }
}
