import Foundation

/// One sshd on a loopback address. Sessions run as the user running the tests, with `binDirectory` first in
/// PATH (a place for fixture commands) and `workDirectory` for files.
package final class LabHost: @unchecked Sendable {
    package let index: Int
    package let address: String
    package let port: Int
    package let directory: String
    package let workDirectory: String
    package let binDirectory: String
    /// Private host key files (public halves at `+ ".pub"`).
    package private(set) var hostKeyPaths: [String] = []
    package let configPath: String
    package let logPath: String
    private var process: LabChild?
    private let lock = NSLock()

    /// `address:port`, the form `SSHTarget(parsing:)` takes.
    package var target: String { "\(address):\(port)" }
    /// The sshd listener's PID while running.
    package var pid: Int32? { lock.withLock { process.map { $0.pid } } }
    /// The sshd log so far (useful in failure messages).
    package var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    init(index: Int, address: String, clusterRoot: String, authorizedKeys: String, keyTypes: [String],
         authentication: LabAuthentication = .keysOnly, rootLogin: Bool = true) throws {
        self.index = index
        self.address = address
        directory = clusterRoot + "/host\(index)"
        workDirectory = directory + "/work"
        binDirectory = directory + "/bin"
        configPath = directory + "/sshd_config"
        logPath = directory + "/sshd.log"
        for dir in [directory, workDirectory, binDirectory] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        port = try LabProcess.freePort(address: address)
        try generateHostKeys(types: keyTypes)
        let config = """
            ListenAddress \(address):\(port)
            \(hostKeyPaths.map { "HostKey \($0)" }.joined(separator: "\n"))
            PidFile none
            AuthorizedKeysFile \(authorizedKeys)\(authentication.needsAccount ? " .ssh/authorized_keys" : "")
            StrictModes no
            \(authentication.sshdSettings)
            PubkeyAuthentication yes
            PermitRootLogin \(rootLogin ? "prohibit-password" : "no")
            UseDNS no
            MaxSessions 64
            MaxStartups 100:30:200
            LogLevel DEBUG1
            Subsystem sftp internal-sftp
            SetEnv PATH=\(binDirectory):/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

            """
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        try start()
    }

    private func generateHostKeys(types: [String]) throws {
        hostKeyPaths = []
        for type in types {
            let path = directory + "/ssh_host_\(type)_key"
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: path + ".pub")
            try LabProcess.run("/usr/bin/ssh-keygen", ["-q", "-t", type, "-N", "", "-C", "host\(index)", "-f", path])
            hostKeyPaths.append(path)
        }
    }

    /// Starts sshd (again) on the same address, port and keys, and waits until it accepts connections.
    package func start() throws {
        try lock.withLock {
            guard process == nil else { return }
            let sshd = try LabProcess.spawn("/usr/sbin/sshd", ["-D", "-f", configPath, "-E", logPath], log: logPath + ".stderr")
            let deadline = Date().addingTimeInterval(10)
            while !LabProcess.accepts(address: address, port: port) {
                guard sshd.isRunning, Date() < deadline else {
                    kill(sshd.pid, SIGKILL)
                    sshd.wait()
                    throw LabProcess.Failure(description: "sshd on \(address):\(port) did not start: "
                        + ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
                        + ((try? String(contentsOfFile: logPath + ".stderr", encoding: .utf8)) ?? ""))
                }
                usleep(20_000)
            }
            process = sshd
        }
    }

    /// Replaces the host keys with new ones (the host "was reinstalled"); restarts sshd if it was running.
    /// The cluster's known_hosts is left alone, so it now holds the old keys.
    package func regenerateHostKeys() throws {
        let wasRunning = pid != nil
        stop()
        try generateHostKeys(types: hostKeyPaths.map { URL(fileURLWithPath: $0).lastPathComponent
            .replacingOccurrences(of: "ssh_host_", with: "").replacingOccurrences(of: "_key", with: "") })
        if wasRunning { try start() }
    }

    /// Stops sshd (SIGTERM) and every session it serves, and waits for the listener to exit.
    package func stop() { signalTree(SIGTERM, forget: true) }

    /// Kills sshd and all of its sessions with SIGKILL, as a host crash would.
    package func kill9() { signalTree(SIGKILL, forget: true) }

    /// Freezes sshd and its sessions (SIGSTOP): connections stay open but nothing answers.
    package func pause() { signalTree(SIGSTOP, forget: false) }

    /// Undoes `pause()`.
    package func resume() { signalTree(SIGCONT, forget: false) }

    private func signalTree(_ signal: Int32, forget: Bool) {
        lock.withLock {
            guard let process else { return }
            let pids = LabProcess.tree(of: process.pid)
            for pid in pids { kill(pid, signal) }
            if forget {
                if signal != SIGKILL {
                    for pid in pids { kill(pid, SIGCONT) }   // a paused tree cannot handle TERM
                }
                process.wait()
                self.process = nil
            }
        }
    }
}
