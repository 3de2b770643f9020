import HostOps
import SSHKit
import WizardCore

/// Reads the facts the flows depend on from a host, with `HostFactsProbe`'s read-only script.
package enum HostProber {
    package struct Failure: Error, Sendable, CustomStringConvertible {
        package var host: String
        package var reason: String
        package var description: String { "\(host): \(reason)" }
    }

    package static func probe(_ connection: SSHConnection, timeout: Double = 60) throws -> HostFacts {
        let output: CapturedOutput
        do {
            output = try connection.capture(RemoteCommand(["sh", "-c", HostFactsProbe.script]), options: ExecOptions(timeout: timeout))
        } catch {
            throw Failure(host: connection.name, reason: "the probe did not run: \(error)")
        }
        guard output.result.succeeded else {
            let detail = output.stderr.split(separator: "\n").last.map(String.init) ?? output.result.description
            throw Failure(host: connection.name, reason: "the probe failed (\(output.result)): \(detail)")
        }
        return HostFactsProbe.parse(output.stdout, description: "probed on \(connection.name) over SSH")
    }
}

/// `cat /proc/cpuinfo` over SSH, for `cpu-check HOST`. Blocks in libssh2: run it on `forEachHost`'s threads.
package struct SSHCPUInfoSource: CPUInfoSource {
    package var options: ConnectOptions

    package init(options: ConnectOptions) { self.options = options }

    package func cpuinfoText(host: String) throws -> String {
        let connection = try SSHConnection.connect(try SSHTarget(parsing: host), options: options)
        defer { connection.close() }
        let output = try connection.capture(RemoteCommand(CPUProbe.command), options: ExecOptions(timeout: 30))
        guard output.result.succeeded else {
            throw HostProber.Failure(host: host, reason: "cat /proc/cpuinfo: \(output.result) \(output.stderr)")
        }
        return output.stdout
    }
}
