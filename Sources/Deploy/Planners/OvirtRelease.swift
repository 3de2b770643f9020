import HostOps

/// What differs between the oVirt versions when a host is prepared for the tool: which hosts the version runs
/// on (the plan's `check-os`) and where its packages come from (`add-repository`). The rest of a host's plan is
/// the same for 3.4 and 4.5.
package struct OvirtRelease: Sendable {
    package var version: String
    package var checkOS: RemoteCommand
    package var checkOSNote: String
    package var addRepository: RemoteCommand
    package var repositoryProbe: RemoteCommand
    package var repositoryNote: String

    /// The release of an answer file's flow version; a file that names none is the seed's 3.4.
    package static func of(flowVersion: String?, packageManager: PackageManager) -> OvirtRelease {
        flowVersion == "4.5" ? ovirt45 : ovirt34(packageManager)
    }

    /// oVirt 3.4: the release RPM of the seed tutorial, on EL6 (later EL and Fedora are left to the tool).
    static func ovirt34(_ pm: PackageManager) -> OvirtRelease {
        OvirtRelease(version: "3.4", checkOS: HostPlatform.checkCommand,
                     checkOSNote: "oVirt 3.4 packages exist only for Enterprise Linux and Fedora",
                     addRepository: pm.installFile(DeploymentPlanner.releaseRPM),
                     repositoryProbe: RemoteCommand.script(#"rpm -q ovirt-release >/dev/null 2>&1 || rpm -q ovirt-release34 >/dev/null 2>&1"#),
                     repositoryNote: "safe when the oVirt repositories were added by hand (/etc/yum.repos.d)")
    }

    /// oVirt 4.5 runs on EL8 and EL9 only (4.5.4–4.5.6; CentOS Stream, RHEL and its rebuilds, oVirt Node).
    static let check45: StaticString = """
        el=""
        if command -v rpm >/dev/null 2>&1; then el=$(rpm -E '%{?rhel}'); fi
        name=""
        if [ -r /etc/redhat-release ]; then name=$(head -n 1 /etc/redhat-release)
        elif [ -r /etc/os-release ]; then name=$(. /etc/os-release; echo "$PRETTY_NAME"); fi
        case "$el" in 8|9) echo "OS: ${name:-EL$el} (EL$el)"; exit 0 ;; esac
        echo "OS: ${name:-unknown}${el:+ (EL$el)}: oVirt 4.5 needs Enterprise Linux 8 or 9 (CentOS Stream, RHEL or a rebuild, oVirt Node)" >&2
        exit 1
        """

    /// The CentOS Virt SIG's release package brings the oVirt 4.5 repositories on CentOS Stream; RHEL and its
    /// rebuilds need repositories the wizard cannot choose for the operator (CRB, a subscription), so it says so.
    static let repository45: StaticString = """
        if dnf install -y centos-release-ovirt45; then exit 0; fi
        echo "centos-release-ovirt45 could not be installed: it comes with CentOS Stream's extras repository. On RHEL and its rebuilds enable the oVirt 4.5 repositories as ovirt.org's install_on_rhel page says, then skip this step" >&2
        exit 1
        """

    static let ovirt45 = OvirtRelease(
        version: "4.5", checkOS: RemoteCommand.script(check45),
        checkOSNote: "oVirt 4.5 packages exist only for Enterprise Linux 8 and 9",
        addRepository: RemoteCommand.script(repository45),
        repositoryProbe: RemoteCommand.script(#"for p in centos-release-ovirt45 ovirt-release45 ovirt-release-master; do rpm -q "$p" >/dev/null 2>&1 && exit 0; done; exit 1"#),
        repositoryNote: "safe when the oVirt 4.5 repositories were enabled by hand (RHEL and its rebuilds)")
}
