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
        let script = "env \(exports) \(command); echo EXIT=$?; stty -a | grep -oE '(^| )-?icanon'; sleep 600"
        try tmux(["new-session", "-d", "-s", "e2e", "-x", "\(width)", "-y", "\(height)", script])
    }

    deinit {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(at: directory)
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        process.arguments = ["-S", socket, "-f", "/dev/null"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Named keys (`Enter`, `Tab`, `BTab`, `C-c`, `F1`, `Up`, …).
    func send(_ keys: String...) throws { try tmux(["send-keys", "-t", "e2e"] + keys) }

    /// Literal text, UTF-8 included.
    func type(_ text: String) throws { try tmux(["send-keys", "-t", "e2e", "-l", text]) }

    /// The pane's text; with `escapes`, including attribute and colour escape sequences.
    func capture(escapes: Bool = false) throws -> String {
        try tmux(["capture-pane", "-p", "-t", "e2e"] + (escapes ? ["-e"] : []))
    }

    func resize(width: Int, height: Int) throws {
        self.width = width
        self.height = height
        try tmux(["resize-window", "-t", "e2e", "-x", "\(width)", "-y", "\(height)"])
    }

    /// The pid of the program in the pane (the shell's child).
    func pid(of name: String) throws -> Int32? {
        let shell = try tmux(["display-message", "-p", "-t", "e2e", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
        process.arguments = ["-P", shell, "-x", name]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Int32(String(decoding: data, as: UTF8.self).split(separator: "\n").first ?? "")
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
        let code = final.split(separator: "\n").compactMap { line -> Int? in
            guard line.hasPrefix("EXIT=") else { return nil }
            return Int(line.dropFirst(5).trimmingCharacters(in: .whitespaces))
        }.last
        let canonical = final.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == "icanon" }
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
