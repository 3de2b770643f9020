import Foundation
import Synchronization

/// Samples the host's process list with `ps -eo args` (the lab hosts are this machine) on a thread of its own
/// while a test runs, and keeps every line that holds one of the secrets: a password passed on a command line
/// would show up here.
package final class ProcessListSampler: Sendable {
    private struct State {
        var running = true
        var samples = 0
        var hits: [String] = []
        var sawSudo = false
    }
    private let state = Mutex(State())
    private let done = DispatchSemaphore(value: 0)

    /// Starts sampling at once; `secrets` are searched for in every line.
    package init(secrets: [String]) {
        let thread = Thread { [self] in
            while state.withLock({ $0.running }) {
                let lines = (try? LabProcess.run("/usr/bin/ps", ["-eo", "args"])) ?? ""
                state.withLock { s in
                    s.samples += 1
                    for line in lines.split(separator: "\n") {
                        if line.contains("sudo ") { s.sawSudo = true }
                        if secrets.contains(where: { line.contains($0) }) { s.hits.append(String(line)) }
                    }
                }
            }
            done.signal()
        }
        thread.start()
    }

    /// Stops and reports: how many samples were taken, whether a sudo process was ever seen (so that the
    /// samples covered the run), and the lines that held a secret (none, when all is well).
    package func stop() -> (samples: Int, sawSudo: Bool, hits: [String]) {
        state.withLock { $0.running = false }
        done.wait()
        return state.withLock { ($0.samples, $0.sawSudo, $0.hits) }
    }
}
