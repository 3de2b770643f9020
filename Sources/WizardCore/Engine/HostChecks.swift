import OtopiKit

/// The outcome of a check that needs the target host (name resolution, ping, mount, reading a file).
package enum CheckOutcome: Sendable, Equatable {
    case passed
    /// The answer is refused and asked again.
    case failed(String)
    /// Said, and the answer kept.
    case warning(String)
    /// The host could not be asked: reported as "not checked", never blocking.
    case notChecked(String)
}

/// Runs host-side checks. Deploy implements it over SSH; offline, every check is "not checked".
package protocol HostChecker: Sendable {
    func run(check: String, value: String, answers: Answers) -> CheckOutcome
}

package struct OfflineChecker: HostChecker {
    package var reason: String
    package init(reason: String = "no target host is reachable") { self.reason = reason }
    package func run(check: String, value: String, answers: Answers) -> CheckOutcome { .notChecked(reason) }
}

/// A check that was not run, for the list shown before the preview.
package struct UncheckedItem: Sendable, Equatable {
    package var key: String
    package var what: String
    package var reason: String
}

package enum HostCheckDescriptions {
    /// What a check verifies, in words, for "not checked" lists.
    package static func describe(_ check: String, value: String) -> String {
        switch check {
        case "resolves": return "\(value) resolves to an address"
        case "dns": return "\(value) is known to DNS"
        case "pingable": return "gateway \(value) answers ping"
        case "nfs_mount": return "\(value) mounts and is writable by vdsm:kvm (36:36) with 20 GB free"
        case "readable_on_host": return "\(value) is readable by vdsm:kvm on the host"
        case "db_connection": return "the database accepts these credentials"
        case "iso_domain_path": return "\(value) is writable with 350 MB free"
        default: return "\(check) for \(value)"
        }
    }
}
