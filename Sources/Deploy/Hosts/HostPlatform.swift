import HostOps
import SSHKit

/// The operating system of a host as far as the plan cares: which RPM distribution and version, and so which
/// package manager installs oVirt.
package struct HostPlatform: Sendable, Equatable, CustomStringConvertible {
    package enum Family: String, Sendable {
        case enterpriseLinux = "el"
        case fedora
        case unknown
    }

    package var family: Family
    package var majorVersion: Int?
    /// How the platform became known: `probed on HOST` or `assumed (…)`.
    package var source: String

    package init(family: Family, majorVersion: Int?, source: String) {
        self.family = family
        self.majorVersion = majorVersion
        self.source = source
    }

    /// The seed's platform (CentOS 6), used when the host is not probed.
    package static func assumed(_ why: String) -> HostPlatform {
        HostPlatform(family: .enterpriseLinux, majorVersion: 6, source: "assumed EL6 as in the seed (\(why))")
    }

    /// dnf from Fedora 22 and EL 8 on; yum before.
    package var packageManager: PackageManager {
        switch family {
        case .fedora: return (majorVersion ?? 0) >= 22 ? .dnf : .yum
        case .enterpriseLinux: return (majorVersion ?? 0) >= 8 ? .dnf : .yum
        case .unknown: return .yum
        }
    }

    package var description: String {
        let name: String
        switch family {
        case .enterpriseLinux: name = "EL\(majorVersion.map(String.init) ?? "?")"
        case .fedora: name = "Fedora \(majorVersion.map(String.init) ?? "?")"
        case .unknown: name = "unknown"
        }
        return "\(name), \(packageManager.rawValue) (\(source))"
    }

    /// Read-only: RPM's own distribution macros (CentOS 6 has no /etc/os-release), then os-release for the message.
    static let script: StaticString = """
        el=""; fc=""
        if command -v rpm >/dev/null 2>&1; then el=$(rpm -E '%{?rhel}'); fc=$(rpm -E '%{?fedora}'); fi
        name=""
        if [ -r /etc/redhat-release ]; then name=$(head -n 1 /etc/redhat-release)
        elif [ -r /etc/os-release ]; then name=$(. /etc/os-release; echo "$PRETTY_NAME"); fi
        echo "rhel=$el"; echo "fedora=$fc"; echo "name=$name"
        """

    /// The OS probe, also the plan's `check-os` step.
    package static var probeCommand: RemoteCommand { RemoteCommand.script(script) }

    /// oVirt 3.4 runs on EL6 and Fedora 19/20; later EL/Fedora releases are accepted with the tool deciding.
    static let checkScript: StaticString = """
        el=""; fc=""
        if command -v rpm >/dev/null 2>&1; then el=$(rpm -E '%{?rhel}'); fc=$(rpm -E '%{?fedora}'); fi
        name=""
        if [ -r /etc/redhat-release ]; then name=$(head -n 1 /etc/redhat-release)
        elif [ -r /etc/os-release ]; then name=$(. /etc/os-release; echo "$PRETTY_NAME"); fi
        if [ -n "$el" ] && [ "$el" -ge 6 ] 2>/dev/null; then echo "OS: ${name:-EL$el} (EL$el)"; exit 0; fi
        if [ -n "$fc" ] && [ "$fc" -ge 19 ] 2>/dev/null; then echo "OS: ${name:-Fedora $fc}"; exit 0; fi
        echo "OS: ${name:-unknown}: oVirt needs Enterprise Linux 6 or later, or Fedora 19 or later" >&2
        exit 1
        """

    package static var checkCommand: RemoteCommand { RemoteCommand.script(checkScript) }

    /// Parses the probe's output.
    package static func parse(_ output: String, host: String) -> HostPlatform {
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            values[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        let source = "probed on \(host)"
        if let el = values["rhel"].flatMap({ Int($0) }) { return HostPlatform(family: .enterpriseLinux, majorVersion: el, source: source) }
        if let fc = values["fedora"].flatMap({ Int($0) }) { return HostPlatform(family: .fedora, majorVersion: fc, source: source) }
        let name = values["name"].flatMap { $0.isEmpty ? nil : $0 } ?? "no RPM distribution"
        return HostPlatform(family: .unknown, majorVersion: nil, source: "probed on \(host): \(name)")
    }

    /// Runs the probe over an open connection.
    package static func probe(_ connection: SSHConnection) throws -> HostPlatform {
        let output = try connection.capture(probeCommand, options: ExecOptions(timeout: 30))
        return parse(output.stdout, host: connection.name)
    }
}
