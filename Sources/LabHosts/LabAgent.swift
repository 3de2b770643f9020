import Foundation

/// A private ssh-agent (foreground, `-D`) with some keys loaded.
public final class LabAgent: @unchecked Sendable {
    public let socketPath: String
    private let process: LabChild

    init(directory: String, keys: [String]) throws {
        socketPath = directory + "/agent-\(UUID().uuidString.prefix(8)).sock"
        process = try LabProcess.spawn("/usr/bin/ssh-agent", ["-D", "-a", socketPath], log: socketPath + ".log")
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: socketPath) {
            guard process.isRunning, Date() < deadline else {
                throw LabProcess.Failure(description: "ssh-agent did not create \(socketPath)")
            }
            usleep(10_000)
        }
        for key in keys {
            try LabProcess.run("/usr/bin/ssh-add", ["-q", key], environment: ["SSH_AUTH_SOCK": socketPath])
        }
    }

    public var pid: Int32 { process.pid }

    public func stop() {
        guard process.isRunning else { return }
        kill(process.pid, SIGTERM)
        process.wait()
    }
}
