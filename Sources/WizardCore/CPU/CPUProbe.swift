/// Anything that can run `cat /proc/cpuinfo` on a host and hand back its standard output.
/// The SSH layer implements it; WizardCore only interprets the text. Blocking: callers fan out on threads.
package protocol CPUInfoSource: Sendable {
    func cpuinfoText(host: String) throws -> String
}

/// Why a host could not be classified.
package struct CPUProbeError: Error, Sendable, CustomStringConvertible {
    package let host: String
    package let message: String

    package var description: String { "\(host): \(message)" }
}

package enum CPUProbe {
    /// The command each host runs, as an argv array.
    package static let command = ["cat", "/proc/cpuinfo"]

    /// Classifies text already read from `source` (a host name or a file path).
    package static func report(text: String, source: String) -> Result<HostCPUReport, CPUProbeError> {
        do {
            let cpu = try CPUInfo(parsing: text)
            return .success(HostCPUClassifier.classify(cpu, source: source))
        } catch {
            return .failure(CPUProbeError(host: source, message: "cannot read /proc/cpuinfo: \(error)"))
        }
    }

    /// Reads and classifies one host (callers run several at once with Deploy's `forEachHost`).
    package static func probe(host: String, using reader: some CPUInfoSource) -> Result<HostCPUReport, CPUProbeError> {
        do {
            return report(text: try reader.cpuinfoText(host: host), source: host)
        } catch {
            return .failure(CPUProbeError(host: host, message: "cat /proc/cpuinfo failed: \(error)"))
        }
    }
}
