import HostOps
import SSHKit
import WizardCore

/// Runs the flows' host checks on the target host over one SSH connection.
package struct SSHHostChecker: HostChecker {
    package let connection: SSHConnection
    package var timeout: Double

    package init(connection: SSHConnection, timeout: Double = 30) {
        self.connection = connection
        self.timeout = timeout
    }

    package func run(check: String, value: String, answers: Answers) -> CheckOutcome {
        switch check {
        case "resolves":
            return test(["getent", "hosts", value], failed: "\(value) did not resolve into an IP address")
        case "dns":
            guard has("dig") else { return .notChecked("dig is not installed on \(connection.name)") }
            return output(["dig", "+short", value]).map { text in
                text.split(separator: "\n").isEmpty
                    ? .warning("Failed to resolve \(value) using DNS, it can be resolved only locally") : .passed
            } ?? .notChecked("dig did not run on \(connection.name)")
        case "pingable":
            return test(["ping", "-c", "1", "-W", "2", value], failed: "Specified gateway is not pingable")
        case "readable_on_host":
            let argv = has("sudo") && userExists("vdsm") ? ["sudo", "-n", "-u", "vdsm", "-g", "kvm", "test", "-r", value]
                                                         : ["test", "-r", value]
            return test(argv, failed: "The specified installation media is not readable. Please ensure that \(value) could be read by vdsm user or kvm group or specify another installation media.")
        case "iso_domain_path":
            let script = #"p=$1; while [ ! -d "$p" ]; do p=$(dirname "$p"); done; test -w "$p" && [ "$(df -Pm "$p" | awk 'NR==2 {print $4}')" -ge 350 ]"#
            return test(["sh", "-c", script, "sh", value], failed: "Cannot access mount point \(value): it must be writable with 350 MB free")
        case "nfs_mount":
            return nfsMount(value, answers: answers)
        default:
            return .notChecked("\(check) is checked by the tool itself")
        }
    }

    func test(_ argv: [String], failed: String) -> CheckOutcome {
        do {
            let r = try connection.capture(RemoteCommand(argv), options: ExecOptions(timeout: timeout))
            return r.result.succeeded ? .passed : .failed(failed)
        } catch {
            return .notChecked("\(connection.name): \(error)")
        }
    }

    func output(_ argv: [String]) -> String? {
        guard let r = try? connection.capture(RemoteCommand(argv), options: ExecOptions(timeout: timeout)), r.result.succeeded else {
            return nil
        }
        return r.stdout
    }

    func has(_ program: String) -> Bool {
        output(["sh", "-c", "command -v \"$1\"", "sh", program]) != nil
    }

    func userExists(_ user: String) -> Bool {
        output(["id", "-u", user]) != nil
    }

    /// hosted-engine's storage check: mount the export, see that vdsm:kvm may write it, 20 GiB free, unmount.
    func nfsMount(_ connectionPath: String, answers: Answers) -> CheckOutcome {
        let version = answers["OVEHOSTED_STORAGE/domainType"]?.value.stringValue == "nfs4" ? "4" : "3"
        let script = #"""
            d=$(mktemp -d) || exit 3
            trap 'umount "$d" 2>/dev/null; rmdir "$d"' EXIT
            mount -t nfs -o vers=$2,retry=1 "$1" "$d" || { echo "Error while mounting specified storage path"; exit 1; }
            if id vdsm >/dev/null 2>&1; then sudo -n -u vdsm -g kvm test -r "$d" -a -w "$d" -a -x "$d" || { echo "permission settings on the specified storage do not allow access to the storage to vdsm user and kvm group"; exit 1; }; fi
            free=$(df -Pm "$d" | awk 'NR==2 {print $4}')
            [ "$free" -ge 20480 ] || { echo "Storage domain for self hosted engine is too small: you should have at least 20.00 GB free"; exit 1; }
            """#
        do {
            let r = try connection.capture(RemoteCommand(["sh", "-c", script, "sh", connectionPath, version]),
                                           options: ExecOptions(timeout: max(timeout, 60)))
            if r.result.succeeded { return .passed }
            let reason = r.stdout.split(separator: "\n").last.map(String.init) ?? r.result.description
            return .failed(reason)
        } catch {
            return .notChecked("\(connection.name): \(error)")
        }
    }
}
