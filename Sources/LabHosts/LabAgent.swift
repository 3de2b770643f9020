import Foundation

/// A private ssh-agent (foreground, `-D`) with some keys loaded.
package final class LabAgent: @unchecked Sendable {
    package let socketPath: String
    private let process: LabChild

    init(directory: String, keys: [String]) throws {
        socketPath = directory + "/agent-\(UUID().uuidString.prefix(8)).sock"
        process = try LabProcess.spawn("/usr/bin/ssh-agent", ["-D", "-a", socketPath], log: socketPath + ".log")
        let deadline = Date().addingTimeInterval(10)
        // The socket file appears at bind(), before listen(): wait until a connection is accepted.
        while !Self.accepts(socketPath) {
            guard process.isRunning, Date() < deadline else {
                throw LabProcess.Failure(description: "ssh-agent did not create \(socketPath)")
            }
            usleep(10_000)
        }
        for key in keys {
            try LabProcess.run("/usr/bin/ssh-add", ["-q", key], environment: ["SSH_AUTH_SOCK": socketPath])
        }
    }

    package var pid: Int32 { process.pid }

    private static func accepts(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }

    package func stop() {
        guard process.isRunning else { return }
        kill(process.pid, SIGTERM)
        process.wait()
    }
}
