/// Anything that can run `cat /proc/cpuinfo` on a host and hand back its standard output.
/// The SSH layer implements it; WizardCore only interprets the text.
public protocol CPUInfoSource: Sendable {
    func cpuinfoText(host: String) async throws -> String
}

/// Why a host could not be classified.
public struct CPUProbeError: Error, Sendable, CustomStringConvertible {
    public let host: String
    public let message: String

    public var description: String { "\(host): \(message)" }
}

public enum CPUProbe {
    /// The command each host runs, as an argv array.
    public static let command = ["cat", "/proc/cpuinfo"]

    /// Classifies text already read from `source` (a host name or a file path).
    public static func report(text: String, source: String) -> Result<HostCPUReport, CPUProbeError> {
        do {
            let cpu = try CPUInfo(parsing: text)
            return .success(HostCPUClassifier.classify(cpu, source: source))
        } catch {
            return .failure(CPUProbeError(host: source, message: "cannot read /proc/cpuinfo: \(error)"))
        }
    }

    /// Reads and classifies every host, concurrently; results keep the order of `hosts`.
    public static func probe(hosts: [String], using reader: some CPUInfoSource) async -> [Result<HostCPUReport, CPUProbeError>] {
        await withTaskGroup(of: (Int, Result<HostCPUReport, CPUProbeError>).self) { group in
            for (index, host) in hosts.enumerated() {
                group.addTask {
                    do {
                        let text = try await reader.cpuinfoText(host: host)
                        return (index, report(text: text, source: host))
                    } catch {
                        return (index, .failure(CPUProbeError(host: host, message: "cat /proc/cpuinfo failed: \(error)")))
                    }
                }
            }
            var results = [Result<HostCPUReport, CPUProbeError>?](repeating: nil, count: hosts.count)
            for await (index, result) in group { results[index] = result }
            return results.compactMap { $0 }
        }
    }
}
