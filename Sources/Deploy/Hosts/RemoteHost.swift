import HostOps
import SSHKit

/// A host the runner works on: what a plan's steps and their probes need, nothing more. The SSH connection is
/// the real one; `LocalHost` runs on this machine; tests script one. Used by one host run at a time.
package protocol RemoteHost: AnyObject {
    /// How the host was reached (`root@node1:22, publickey (agent)`), for the host log and the panes.
    var connectionSummary: String { get }
    /// False once the link was found dead; the runner then connects again.
    var isUsable: Bool { get }
    /// Runs `command`, handing each chunk of output to `onData` as it arrives.
    func execute(_ command: RemoteCommand, options: ExecOptions, onData: (ExecStream, [UInt8]) -> Void) throws -> ExecResult
    /// Runs a short command and returns everything it printed.
    func capture(_ command: RemoteCommand, options: ExecOptions) throws -> CapturedOutput
    /// Puts a local file on the host (complete and verified, or not at all).
    func upload(file local: String, to remote: String, options: UploadOptions,
                progress: (TransferProgress) -> Void) throws -> TransferResult
    /// Copies a file from the host to this machine; `asRoot`: read as root (files only root may read).
    func download(file remote: String, to local: String, asRoot: Bool) throws
    /// The SHA-256 of a file on the host, lower-case hex; `asRoot`: hashed as root.
    func sha256(of remote: String, asRoot: Bool) throws -> String
    /// How many command shells this connection has started so far, and why it cannot keep one, if it cannot
    /// (see `SSHConnection.usesRunner`); hosts without such a shell report 0 and nil.
    var shellStarts: Int { get }
    var shellProblem: String? { get }
    /// Starts the shell that runs commands (see `SSHConnection.startRunner`) ahead of the first command; a no-op
    /// for hosts without one.
    func startShell(asRoot: Bool)
    func close()
}

extension RemoteHost {
    package var shellStarts: Int { 0 }
    package var shellProblem: String? { nil }
    package func startShell(asRoot: Bool) {}

    /// `execute`, collecting both outputs (SSH has its own).
    package func capture(_ command: RemoteCommand, options: ExecOptions) throws -> CapturedOutput {
        var out: [UInt8] = [], err: [UInt8] = []
        let result = try execute(command, options: options) { stream, bytes in
            if stream == .stdout { out += bytes } else { err += bytes }
        }
        return CapturedOutput(stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self), result: result)
    }
}

extension SSHConnection: RemoteHost {
    package var connectionSummary: String {
        "\(target.user)@\(target.hostName):\(target.port), \(authenticatedWith)" + (become.map { ", root steps through \($0)" } ?? "")
    }

    package func upload(file local: String, to remote: String, options: UploadOptions,
                       progress: (TransferProgress) -> Void) throws -> TransferResult {
        try upload(local, to: remote, options: options, parallel: [], progress: progress)
    }

    package func download(file remote: String, to local: String, asRoot: Bool) throws {
        var options = DownloadOptions()
        options.asRoot = asRoot
        try download(remote, to: local, options: options, progress: { _ in })
    }

    package func sha256(of remote: String, asRoot: Bool) throws -> String { try remoteSHA256(remote, asRoot: asRoot) }

    package var shellStarts: Int { runnerStarts }
    package var shellProblem: String? { runnerProblem }
    package func startShell(asRoot: Bool) { startRunner(asRoot: asRoot) }
}

/// How the runner reaches a plan's host.
struct HostConnector: Sendable {
    let open: @Sendable (HostPlan) throws -> any RemoteHost

    /// Over SSH, as the plan's access says (through sudo for the root steps when the login is not root).
    /// Commands without a PTY or prompts share one shell on the host (a root one for the root steps): its login
    /// shell starts once, not per step.
    static let ssh = HostConnector { plan in
        try plan.access.connect(forRootSteps: true, usesRunner: true)
    }
}
