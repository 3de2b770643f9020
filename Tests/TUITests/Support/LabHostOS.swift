import Foundation
import LabHosts

/// The deploy tests' fixture `rpm`, whose `rpm -E %{?rhel}` answers `FIXTURE_RHEL`: what makes a lab host (a
/// Debian machine) an EL host for the facts probe, so that the probed host chooses the flow's oVirt version.
enum LabHostOS {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("DeployTests/Fixtures").path

    /// Makes host `index` of `cluster` an EL`major` machine (6: the seed's CentOS 6, oVirt 3.4; 8 or 9: 4.5).
    static func make(_ cluster: LabCluster, host index: Int = 0, el major: Int) throws {
        let host = cluster.hosts[index]
        for name in ["rpm", "common.sh"] {
            let target = host.binDirectory + "/" + name
            try? FileManager.default.removeItem(atPath: target)
            try FileManager.default.copyItem(atPath: fixtures + "/" + name, toPath: target)
            chmod(target, name == "rpm" ? 0o755 : 0o644)
        }
        try "FIXTURE_RHEL=\(major)\n".write(toFile: host.directory + "/fixture.env", atomically: true, encoding: .utf8)
    }
}
