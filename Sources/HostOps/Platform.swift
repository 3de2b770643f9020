/// The package and service vocabulary of the hosts the wizard supports, in one place: which program installs
/// packages and how a service is enabled and started (k0sctl keeps the same knowledge in its "configurers").

/// How RPM packages are installed: yum up to EL7 and Fedora 21, dnf after.
package enum PackageManager: String, CaseIterable, Sendable {
    case yum
    case dnf

    /// Installs `packages`, answering yes to the transaction.
    package func install(_ packages: [String]) -> RemoteCommand {
        RemoteCommand([rawValue, "install", "-y"] + packages)
    }

    /// Installs a package from a local or remote .rpm file (yum's `localinstall`; dnf's `install` takes files).
    package func installFile(_ rpm: String) -> RemoteCommand {
        switch self {
        case .yum: return RemoteCommand(["yum", "localinstall", "-y", rpm])
        case .dnf: return RemoteCommand(["dnf", "install", "-y", rpm])
        }
    }

    /// Exits 0 when every package is installed (rpm is there whichever manager installs).
    package static func installedProbe(_ packages: [String]) -> RemoteCommand {
        RemoteCommand(["rpm", "-q"] + packages)
    }
}

/// How a host starts services: EL6 (the seed's CentOS 6) uses SysV init scripts, EL7+ systemd.
package enum ServiceManager: String, CaseIterable, Sendable {
    case systemd
    case sysvinit

    /// Enables `service` at boot and starts it now.
    package func enableAndStart(_ service: String) -> [RemoteCommand] {
        switch self {
        case .systemd: return [RemoteCommand(["systemctl", "enable", "--now", service])]
        case .sysvinit: return [RemoteCommand(["chkconfig", service, "on"]), RemoteCommand(["service", service, "start"])]
        }
    }

    /// Exits 0 when `service` is enabled and running.
    package func enabledAndRunningProbe(_ service: String) -> RemoteCommand {
        switch self {
        case .systemd: return .script(#"systemctl is-enabled -q "$1" && systemctl is-active -q "$1""#, arguments: [service])
        // chkconfig NAME exits 0 when the service starts in the current runlevel.
        case .sysvinit: return .script(#"chkconfig "$1" && service "$1" status"#, arguments: [service])
        }
    }

    /// The program the operator knows the manager by (a step id word).
    package var program: String {
        switch self {
        case .systemd: return "systemctl"
        case .sysvinit: return "chkconfig"
        }
    }
}
