import Foundation
import Testing

/// The plain dialog on a real terminal (tmux): passwords are not echoed, Ctrl-C saves and restores the terminal.
@Suite(.serialized) struct TmuxPlainTests {
    final class Tmux {
        let socket: String
        let session = "plain"

        init(command: String, width: Int = 100, height: Int = 30) throws {
            socket = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString).sock").path
            // The server forked by new-session would keep a captured pipe open forever: give it none.
            try run(["new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)", command], capture: false)
        }

        /// Runs tmux with posix_spawn and waitpid: Foundation's Process can wait forever on the client
        /// that forks the tmux server.
        @discardableResult
        func run(_ arguments: [String], capture: Bool = true) throws -> String {
            let argv = ["/usr/bin/tmux", "-S", socket, "-f", "/dev/null"] + arguments
            var fds: [Int32] = [-1, -1]
            if capture { guard pipe(&fds) == 0 else { throw POSIXError(.EMFILE) } }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            if capture {
                posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
                posix_spawn_file_actions_addclose(&actions, fds[0])
            } else {
                posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            }
            var pid: pid_t = 0
            let cArgs = argv.map { strdup($0) } + [nil]
            defer { cArgs.forEach { free($0) } }
            let rc = posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ)
            guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
            var output = Data()
            if capture {
                close(fds[1])
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = read(fds[0], &buffer, buffer.count)
                    if n <= 0 { break }
                    output.append(contentsOf: buffer[0..<n])
                }
                close(fds[0])
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return String(decoding: output, as: UTF8.self)
        }

        func keys(_ keys: String...) throws { try run(["send-keys", "-t", session] + keys) }
        func text(_ text: String) throws { try run(["send-keys", "-t", session, "-l", text]) }
        func screen() throws -> String { try run(["capture-pane", "-t", session, "-p", "-J", "-S", "-200"]) }

        /// Waits until the screen shows the text (a bounded wait, not a timing assertion).
        func wait(for text: String, seconds: Double = 20) throws -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if try screen().contains(text) { return true }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return false
        }

        deinit {
            _ = try? run(["kill-server"], capture: false)
            try? FileManager.default.removeItem(atPath: socket)
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")))
    func passwordsAreHiddenAndCtrlCSaves() throws {
        let dir = try Wizard.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("a.conf").path
        let tmux = try Tmux(command: "cd \(dir.path) && TERM=xterm \(Wizard.binary) plain --flow engine-setup --offline --output \(out); echo EXIT=$?; stty -a | grep -oE '(-)?echo ' | head -1; sleep 60")
        #expect(try tmux.wait(for: "Host fully qualified DNS name of this server [gs1.lofyer.org]:"))
        try tmux.keys("Enter")
        try tmux.keys("Enter")
        #expect(try tmux.wait(for: "Firewall manager to configure (iptables):"))
        try tmux.text("iptables")
        for _ in 0..<5 { try tmux.keys("Enter") }
        #expect(try tmux.wait(for: "Engine admin password:"))
        try tmux.text("Hidden-Pw9")
        try tmux.keys("Enter")
        #expect(try tmux.wait(for: "Confirm engine admin password:"))
        try tmux.keys("C-c")
        #expect(try tmux.wait(for: "EXIT=130"))
        let screen = try tmux.screen()
        #expect(!screen.contains("Hidden-Pw9"))
        #expect(screen.contains("Interrupted; the answers given so far are saved in '\(out)' (incomplete)"))
        #expect(screen.contains("\necho \n") || screen.contains("\necho\n"), "terminal echo is back on:\n\(screen)")
        let saved = try String(contentsOfFile: out, encoding: .utf8)
        #expect(saved.contains("OVESETUP_CONFIG/applicationMode=str:both"))
        #expect(!saved.contains("Hidden-Pw9"), "an unconfirmed password is not saved")
    }
}
