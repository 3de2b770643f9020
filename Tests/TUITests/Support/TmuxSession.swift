import Foundation
import Testing

/// A real terminal for end-to-end tests: a private tmux server (own socket, no user config) running one
/// command at a fixed size. After the command ends the pane shows `EXIT=<code>` and the terminal's
/// `icanon`/`-icanon` state, so tests can check that the terminal was restored.
final class TmuxSession {
    let directory: URL
    let socket: String
    private(set) var width: Int
    private(set) var height: Int

    /// Starts `command` (a shell command line) with `environment` entries exported before it.
    init(command: String, width: Int = 80, height: Int = 24, environment: [String: String] = [:]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tui-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        socket = directory.appendingPathComponent("tmux.sock").path
        self.width = width
        self.height = height
        var env = ["TERM": "tmux-256color", "LANG": "C.UTF-8", "SWIFT_BACKTRACE": "interactive=no"]
        env.merge(environment) { _, new in new }
        let exports = env.sorted { $0.key < $1.key }.map { "\($0.key)=\(TmuxSession.quote($0.value))" }.joined(separator: " ")
        // EXIT= starts a row of its own: a program killed mid-screen leaves the cursor anywhere, even
        // in the last column, where the word would wrap into two rows.
        let script = "env \(exports) \(command); rc=$?; printf '\\r\\nEXIT=%s\\r\\n' $rc; stty -a | grep -oE '(^| )-?icanon'; sleep 600"
        try tmux(["new-session", "-d", "-s", "e2e", "-x", "\(width)", "-y", "\(height)", script])
    }

    deinit {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(at: directory)
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let output = directory.appendingPathComponent("tmux-output").path
        try ChildProcess.run(["/usr/bin/tmux", "-S", socket, "-f", "/dev/null"] + arguments, output: output)
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    /// Named keys (`Enter`, `Tab`, `BTab`, `C-c`, `F1`, `Up`, …).
    func send(_ keys: String...) throws { try tmux(["send-keys", "-t", "e2e"] + keys) }

    /// Literal text, UTF-8 included.
    func type(_ text: String) throws { try tmux(["send-keys", "-t", "e2e", "-l", text]) }

    /// The pane's text; with `escapes`, including attribute and colour escape sequences.
    /// Wrapped lines are joined; `history` adds that many lines scrolled off the top.
    func capture(escapes: Bool = false, history: Int = 0) throws -> String {
        try tmux(["capture-pane", "-p", "-J", "-t", "e2e"] + (escapes ? ["-e"] : []) + (history > 0 ? ["-S", "-\(history)"] : []))
    }

    func resize(width: Int, height: Int) throws {
        self.width = width
        self.height = height
        try tmux(["resize-window", "-t", "e2e", "-x", "\(width)", "-y", "\(height)"])
    }

    /// The pid of the program in the pane (the shell's child).
    func pid(of name: String) throws -> Int32? {
        let shell = try tmux(["display-message", "-p", "-t", "e2e", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let output = directory.appendingPathComponent("pgrep-output").path
        try ChildProcess.run(["/usr/bin/pgrep", "-P", shell, "-x", name], output: output)
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return Int32(text.split(separator: "\n").first ?? "")
    }

    /// Polls the pane until `text` appears; returns the last capture. Records an issue on timeout.
    @discardableResult
    func waitFor(_ text: String, timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = try capture()
            if screen.contains(text) { return screen }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("\"\(text)\" did not appear within \(timeout) s; the pane shows:\n\(screen)", sourceLocation: sourceLocation)
        return screen
    }

    /// Waits for the program to end and returns its exit code and whether `icanon` was back on.
    func waitForExit(timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) throws -> (code: Int?, canonical: Bool) {
        let screen = try waitFor("EXIT=", timeout: timeout, sourceLocation: sourceLocation)
        Thread.sleep(forTimeInterval: 0.2)
        let final = try capture()
        // Search, not line prefixes: without an alternate screen the last row can run into EXIT=.
        guard let mark = final.range(of: "EXIT=", options: .backwards) else { return (nil, false) }
        let after = final[mark.upperBound...]
        let code = Int(after.prefix { $0.isNumber })
        let words = after.split(whereSeparator: { $0 == " " || $0 == "\n" })
        let canonical = words.contains("icanon") && !words.contains("-icanon")
        _ = screen
        return (code, canonical)
    }
}

/// Where the test-only executables are: next to the test bundle in the build directory.
enum BuiltProducts {
    static var directory: URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // The runner may be inside ovirt-wizardPackageTests.xctest/… on some layouts.
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("tui-harness").path) && dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir
    }

    static var harness: String { directory.appendingPathComponent("tui-harness").path }
}

/// Runs a program to completion with posix_spawn and waitpid. Not Foundation's Process: its
/// waitUntilExit hung here, and the child must start with default signal actions and an empty mask
/// (the tmux server it may start lives on, and the program in its pane must receive SIGTERM/SIGHUP).
enum ChildProcess {
    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    @discardableResult
    static func run(_ argv: [String], output: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE, SIGWINCH] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for p in cArguments { free(p) } }
        var pid: pid_t = 0
        // A small fixed environment: the test runner's own (NO_COLOR, TERM, locale) must not leak into the pane.
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/tmp"
        let environmentLines: [String] = ["PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + home]
        var cEnvironment: [UnsafeMutablePointer<CChar>?] = environmentLines.map { strdup($0) } + [nil]
        defer { for p in cEnvironment { free(p) } }
        let rc = posix_spawn(&pid, argv[0], &actions, &attributes, &cArguments, &cEnvironment)
        guard rc == 0 else { throw Failed(description: "cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }
}
