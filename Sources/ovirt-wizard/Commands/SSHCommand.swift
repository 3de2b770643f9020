import ArgumentParser
import Foundation
import HostOps
import SSHKit

/// `ovirt-wizard ssh run|put`: the SSH layer on its own, for checking access to a host and for benchmarks.
struct SSHCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ssh",
        abstract: "Run a command on a host or upload a file, over the wizard's own SSH client.",
        subcommands: [SSHRunCommand.self, SSHPutCommand.self]
    )
}

extension ConnectOptions {
    /// Unknown host keys: recorded with `acceptNew`, else asked on the terminal (the SHA256 fingerprint shown),
    /// else refused (a pipe never accepts a key). Passwords and passphrases are asked only on a terminal.
    mutating func askOperator(acceptNew: Bool) {
        if acceptNew {
            hostKeyPolicy = .acceptNew
        } else if TerminalPrompt.available {
            hostKeyPolicy = .ask(TerminalPrompt.confirmHostKey)
        }
        if TerminalPrompt.available { useCredentials(operatorCredentials) }
    }
}

/// What the operator typed in this run, shared by every connection: a host's password is asked once, and
/// connections opened at the same time take turns at the terminal.
let operatorCredentials = CredentialCache(asking: TerminalPrompt.askSecret)

/// Exit code for connection, authentication and host-key failures (as OpenSSH's ssh).
let sshFailureExitCode: Int32 = 255

/// How the wizard's questions check the target host's key (`plain`, `wizard`): the same two options as for every
/// other connection (`SSHConnectionArguments`), worded for the one target host.
struct TargetHostKeyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("known_hosts file for the target host (default ~/.ssh/known_hosts).", valueName: "FILE"))
    var knownHosts: String?
    @Flag(name: .long, help: "Accept and record the target host's key when known_hosts has none (like StrictHostKeyChecking=accept-new).")
    var acceptNew = false
}

struct SSHConnectionArguments: ParsableArguments {
    @Option(name: .customShort("i"), help: ArgumentHelp("Private key file (repeatable).", valueName: "KEY"))
    var identity: [String] = []

    @Option(name: .long, help: ArgumentHelp("known_hosts file (default ~/.ssh/known_hosts).", valueName: "FILE"))
    var knownHosts: String?

    @Flag(name: .long, help: "Accept and record an unknown host key (like StrictHostKeyChecking=accept-new).")
    var acceptNew = false

    @Option(name: .long, help: ArgumentHelp("Seconds allowed for the TCP connect and for the handshake.", valueName: "S"))
    var connectTimeout: Double = 10

    @Option(name: .long, help: ArgumentHelp("Seconds between SSH keepalives (0: none; like ServerAliveInterval).", valueName: "S"))
    var keepalive = 30

    @Option(name: .long, help: ArgumentHelp("Unanswered keepalives after which a host counts as lost (like ServerAliveCountMax).", valueName: "N"))
    var keepaliveCount = 3

    @Option(name: .long, help: ArgumentHelp("SSH client configuration file (default ~/.ssh/config).", valueName: "FILE"))
    var sshConfig: String?

    func connectOptions() -> ConnectOptions {
        var options = ConnectOptions()
        options.identityFiles = identity
        options.knownHostsPath = knownHosts
        options.connectTimeout = connectTimeout
        options.keepaliveInterval = max(0, keepalive)
        options.keepaliveCountMax = max(1, keepaliveCount)
        options.configPath = sshConfig
        options.askOperator(acceptNew: acceptNew)
        return options
    }

    /// Connects, or prints the one-line reason and exits with 255.
    func connect(_ host: String) throws -> SSHConnection {
        do {
            return try SSHConnection.connect(SSHTarget(parsing: host), options: connectOptions())
        } catch {
            throw fail(error)
        }
    }
}

/// Prints `error` as one line on stderr and returns the exit that ends the command with 255.
func fail(_ error: Error) -> ExitCode {
    let text = (error as? SSHError)?.description ?? "\(error)"
    FileHandle.standardError.write(Data("ovirt-wizard: \(text)\n".utf8))
    return ExitCode(sshFailureExitCode)
}

struct SSHRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command on HOST and exit with its status (255 when the connection fails).",
        discussion: """
            As with OpenSSH's ssh, the words after -- are joined with spaces and the remote shell interprets them:
            `ssh run HOST -- 'echo a; exit 3'` prints a and exits 3. With --argv each word is quoted instead and
            reaches the remote program as one argument, whatever it contains.
            Standard input is forwarded when it is not a terminal. Ctrl-C ends the remote process.
            """
    )

    @Argument(help: ArgumentHelp("[user@]host[:port]", valueName: "HOST"))
    var host: String

    @OptionGroup var connection: SSHConnectionArguments

    @Option(name: .long, help: ArgumentHelp("Seconds after which the remote command is terminated.", valueName: "S"))
    var timeout: Double?

    @Flag(name: .long, help: "Request a pseudo-terminal (stderr is then merged into stdout).")
    var tty = false

    @Flag(name: .long, help: "Pass the words as an argv, each quoted for the remote shell, instead of as one shell command line.")
    var argv = false

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command and its arguments.", valueName: "CMD"))
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the command after --, e.g. ssh run HOST -- uname -a") }
    }

    func run() throws {
        let ssh = try connection.connect(host)
        defer { ssh.close() }
        let control = ExecControl()
        var options = ExecOptions(pty: tty ? PTYRequest() : nil, timeout: timeout, control: control)
        if isatty(0) == 0 {
            options.keepStdinOpen = true
            let input = Thread {
                let buffer = UnsafeMutableRawPointer.allocate(byteCount: 64 * 1024, alignment: 1)
                defer { buffer.deallocate() }
                while true {
                    let n = read(0, buffer, 64 * 1024)
                    if n <= 0 { break }
                    control.send(Array(UnsafeRawBufferPointer(start: buffer, count: n)))
                }
                control.closeInput()
            }
            input.start()
        }
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler { control.cancel() }
        interrupt.resume()
        defer { interrupt.cancel() }

        let result: ExecResult
        do {
            result = argv ? try ssh.execute(RemoteCommand(command), options: options, onData: Self.copyOutput)
                : try ssh.execute(TypedCommandLine(words: command), options: options, onData: Self.copyOutput)
        } catch SSHError.cancelled {
            FileHandle.standardError.write(Data("ovirt-wizard: \(host): interrupted; remote command ended\n".utf8))
            throw ExitCode.interrupted
        } catch {
            throw fail(error)
        }
        if let signal = result.exitSignal {
            FileHandle.standardError.write(Data("ovirt-wizard: \(host): remote command killed by signal \(signal)\n".utf8))
        }
        throw ExitCode(result.shellStatus)
    }

    /// Writes a chunk of remote output to our stdout or stderr as it is.
    static func copyOutput(_ stream: ExecStream, _ bytes: [UInt8]) {
        let fd: Int32 = stream == .stdout ? 1 : 2
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }
}

struct SSHPutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put",
        abstract: "Upload LOCAL to REMOTE on HOST and verify its SHA-256.",
        discussion: """
            The file is written as REMOTE.ovirt-wizard-part and renamed once verified; --resume continues it.
            By default the bytes are streamed into `dd` on the host (which needs a POSIX shell, GNU dd, truncate and
            stat there) and each part is hashed on the host right after it is written; --sftp uses SFTP instead.
            """
    )

    @Argument(help: ArgumentHelp("[user@]host[:port]", valueName: "HOST"))
    var host: String

    @Argument(help: ArgumentHelp("Local file.", valueName: "LOCAL"))
    var local: String

    @Argument(help: ArgumentHelp("Remote path.", valueName: "REMOTE"))
    var remote: String

    @OptionGroup var connection: SSHConnectionArguments

    @Option(name: .long, help: ArgumentHelp("Seconds without progress after which the upload fails.", valueName: "S"))
    var timeout: Double = 60

    @Option(name: .long, help: ArgumentHelp("Remote permission bits, octal.", valueName: "MODE"))
    var mode: String = "644"

    @Option(name: .long, help: ArgumentHelp("Remote owner (user or user:group).", valueName: "OWNER"))
    var owner: String?

    @Flag(name: .long, help: "Continue a partial upload left by an earlier attempt.")
    var resume = false

    @Flag(name: .long, help: "Skip the SHA-256 comparison.")
    var noVerify = false

    @Option(name: .long, help: ArgumentHelp("Connections that send parts of a large file (64 MiB or more) in parallel; default: as many as the measured round trip needs (2 to 8).", valueName: "N"))
    var streams: Int?

    @Flag(name: .long, help: "Send over SFTP instead of streaming into dd on the host.")
    var sftp = false

    @Option(name: .long, help: ArgumentHelp("SFTP only: bytes kept in flight (pipelining depth); default: by round-trip time.",
                                            valueName: "BYTES"))
    var window: Int?

    func validate() throws {
        guard let bits = Int32(mode, radix: 8), (0...0o7777).contains(bits) else {
            throw ValidationError("--mode '\(mode)' is not an octal permission like 644")
        }
        if let window, window < 65536 { throw ValidationError("--window must be at least 65536") }
        if let streams, !(1...8).contains(streams) { throw ValidationError("--streams must be 1 to 8") }
    }

    func run() throws {
        guard FileManager.default.isReadableFile(atPath: local) else {
            throw fail(SSHError.localFile(path: local, detail: "cannot be read"))
        }
        let ssh = try connection.connect(host)
        defer { ssh.close() }
        var options = UploadOptions(mode: Int32(mode, radix: 8)!, owner: owner, resume: resume, verify: !noVerify)
        options.stallTimeout = timeout
        options.window = window
        options.method = sftp ? .sftp : .stream
        options.streams = streams
        let bar = ProgressBar(enabled: isatty(2) != 0, label: URL(fileURLWithPath: local).lastPathComponent)
        do {
            let result = try ssh.upload(local, to: remote, options: options) { bar.update($0) }
            bar.finish()
            let check = result.verified ? "verified sha256 \(result.sha256 ?? "")" : "not verified"
            let resumed = result.resumedFrom > 0 ? ", resumed at \(result.resumedFrom) bytes" : ""
            let streams = result.streams > 1 ? ", \(result.streams) connections" : ""
            let link = result.link.map {
                String(format: " (round trip %.1f ms", Double($0.roundTrip.components.seconds) * 1000 + Double($0.roundTrip.components.attoseconds) / 1e15)
                    + ($0.window.map { ", window \($0 / 1024) KiB" } ?? "") + ")"
            } ?? ""
            print("\(host):\(remote): \(result.bytes) bytes, \(check)\(resumed)\(streams)\(link)")
        } catch {
            bar.finish()
            throw fail(error)
        }
    }
}

/// A one-line progress bar on stderr, redrawn at most ten times a second.
final class ProgressBar {
    let enabled: Bool
    let label: String
    let started = Date()
    var lastDraw = Date.distantPast
    var drawn = false

    init(enabled: Bool, label: String) {
        self.enabled = enabled
        self.label = label
    }

    func update(_ progress: TransferProgress) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 || progress.bytesDone == progress.totalBytes else { return }
        lastDraw = now
        let fraction = progress.totalBytes > 0 ? Double(progress.bytesDone) / Double(progress.totalBytes) : 1
        let width = 30
        let filled = Int(fraction * Double(width))
        let elapsed = max(now.timeIntervalSince(started), 0.001)
        let rate = Double(progress.bytesDone) / elapsed / 1_000_000
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = String(format: "\r%@ [%@] %3d%% %.1f/%.1f MiB %.0f MB/s ", label, bar, Int(fraction * 100),
                          Double(progress.bytesDone) / 1_048_576, Double(progress.totalBytes) / 1_048_576, rate)
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = false
    }
}

/// Questions asked on the controlling terminal (never on stdout, never echoed for secrets).
enum TerminalPrompt {
    static var available: Bool { isatty(0) != 0 && access("/dev/tty", R_OK | W_OK) == 0 }

    @Sendable static func confirmHostKey(_ key: UnknownHostKey) -> Bool {
        let question = """
            The authenticity of host '\(key.hostDisplay)' can't be established.
            \(key.keyType) key fingerprint is \(key.fingerprint).
            Accept it and record it in \(key.knownHostsPath) (yes/no)?\u{20}
            """
        while true {
            guard let answer = ask(question, echo: true)?.lowercased() else { return false }
            if answer == "yes" { return true }
            if answer == "no" { return false }
        }
    }

    @Sendable static func askSecret(_ request: CredentialRequest) -> Secret? {
        let prompt: String
        var echo = false
        switch request {
        case let .password(user, host): prompt = "\(user)@\(host)'s password: "
        case let .keyPassphrase(path): prompt = "Enter passphrase for key '\(path)': "
        case let .sudoPassword(user, host): prompt = "[sudo] password for \(user) on \(host) (for the steps that run as root; kept in memory only): "
        case let .keyboardInteractive(_, host, text, wantsEcho):
            // The server wrote this text: no control characters reach the terminal (escape sequences).
            prompt = "(\(host)) " + String(String.UnicodeScalarView(text.unicodeScalars.filter {
                !($0.properties.generalCategory == .control)
            }))
            echo = wantsEcho
        }
        return ask(prompt, echo: echo).map(Secret.init)
    }

    /// One question on the terminal at a time (host keys and passwords of hosts connected in parallel).
    private static let terminalLock = NSLock()

    /// Writes `prompt` to /dev/tty and reads one line, with echo off when asked.
    static func ask(_ prompt: String, echo: Bool) -> String? {
        terminalLock.lock()
        defer { terminalLock.unlock() }
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var saved = termios()
        let restore = !echo && tcgetattr(fd, &saved) == 0
        var previous: [Int32: sighandler_t?] = [:]
        if restore {
            // Ctrl-C (or a hangup) while echo is off must not leave the operator's terminal silent.
            echoRestoreState = saved
            echoRestoreFD = fd
            for signal in echoRestoreSignals { previous[signal] = Glibc.signal(signal, restoreEchoAndDie) }
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(fd, TCSANOW, &quiet)
        }
        defer {
            if restore {
                tcsetattr(fd, TCSANOW, &saved)
                _ = write(fd, "\n", 1)
                echoRestoreFD = -1
                for (signal, handler) in previous { Glibc.signal(signal, handler) }
            }
        }
        _ = prompt.withCString { write(fd, $0, strlen($0)) }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1 {
            if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
            line.append(byte)
        }
        return nil
    }
}

/// The terminal state to put back when a signal ends the program while a secret is typed with echo off.
nonisolated(unsafe) private var echoRestoreFD: Int32 = -1
nonisolated(unsafe) private var echoRestoreState = termios()
private let echoRestoreSignals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

/// Signal handler (async-signal-safe calls only): echo back on, then die of the same signal as before.
private func restoreEchoAndDie(_ signal: Int32) {
    if echoRestoreFD >= 0 {
        tcsetattr(echoRestoreFD, TCSANOW, &echoRestoreState)
        _ = write(echoRestoreFD, "\n", 1)
    }
    Glibc.signal(signal, SIG_DFL)
    raise(signal)
}
