import CLibssh2
import Foundation
import HostOps

/// libssh2_init is not thread-safe: run it once, before the first session.
private let libssh2Initialized: Bool = { libssh2_init(0) == 0 }()

/// Host-key algorithms libssh2 1.10 can verify, in its own preference order.
let supportedHostKeyTypes = ["ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
                             "ssh-ed25519", "ssh-rsa", "ssh-dss"]

/// One authenticated SSH connection to one host. Commands and transfers on it run one at a time (a lock
/// serializes them); use one connection per host and several hosts in parallel (Deploy's `forEachHost`).
/// `@unchecked Sendable`: every use of the libssh2 session happens under `lock`.
package final class SSHConnection: @unchecked Sendable {
    package let target: ResolvedTarget
    /// How this connection was asked for: a large upload opens more connections to the same host the same way.
    let requested: SSHTarget
    let connectOptions: ConnectOptions
    /// The key type and fingerprint the host presented (after verification).
    package private(set) var hostKey: UnknownHostKey?
    /// The method that authenticated, e.g. `publickey (agent)`.
    package private(set) var authenticatedWith = ""

    let lock = NSLock()
    var session: OpaquePointer?
    var socket: Int32 = -1
    var sftpHandle: OpaquePointer?
    /// Set once the link is gone; every later call fails with it.
    var broken: SSHError?
    let keepaliveInterval: Int
    let keepaliveCountMax: Int
    /// Whether commands without a PTY, open stdin or a channel of their own go through `runner` (see RemoteRunner).
    var runnerEnabled = false
    /// The long-lived command runner on this connection, started with the first command that uses it.
    var runner: RemoteRunner?
    /// How commands marked `asRoot` become root; nil: they run as the login user.
    var becomeRoot: Become?
    /// The runner for those commands, started through sudo (see `becomeRoot`).
    var rootRunner: RemoteRunner?
    /// Why the host cannot run the runner; its commands then use their own exec channels.
    var runnerUnavailable: String?
    var runnerStartCount = 0
    /// How `startRunner` failed, kept for the first command that wants that runner (root or not): it meets the
    /// error once instead of starting the runner again (a second 30 s wait, or a second refused sudo).
    var earlyRunnerFailure: (root: Bool, error: SSHError)?
    /// When the current stretch of waiting on the host began (see `checkSilence`).
    private var waitingSince = ContinuousClock.now
    private var lastPoll: ContinuousClock.Instant?

    /// The host as the operator named it, used in messages.
    package var name: String { target.alias }

    private init(target: ResolvedTarget, requested: SSHTarget, options: ConnectOptions) {
        self.target = target
        self.requested = requested
        self.connectOptions = options
        self.keepaliveInterval = options.keepaliveInterval
        self.keepaliveCountMax = max(1, options.keepaliveCountMax)
    }

    deinit { teardown() }

    /// Connects, verifies the host key and authenticates.
    package static func connect(_ target: SSHTarget, options: ConnectOptions = ConnectOptions()) throws -> SSHConnection {
        _ = libssh2Initialized
        let resolved = try ResolvedTarget(target, options: options)
        let connection = SSHConnection(target: resolved, requested: target, options: options)
        do {
            try connection.open(options: options)
        } catch {
            connection.teardown()
            throw error
        }
        return connection
    }

    /// Disconnects. Safe to call more than once.
    package func close() {
        lock.lock()
        defer { lock.unlock() }
        teardown()
    }

    /// Runs commands that need no PTY, no open stdin and no channel of their own through one long-lived shell on the
    /// host (RemoteRunner), so that the login shell starts once per connection instead of once per command.
    /// Off by default. When the host cannot run it, commands silently use their own exec channels.
    package var usesRunner: Bool {
        get { lock.withLock { runnerEnabled } }
        set { lock.withLock { runnerEnabled = newValue } }
    }

    /// How commands with `ExecOptions.asRoot` (and uploads with `UploadOptions.asRoot`) become root when the login
    /// user is not root: through sudo. Nil (the default): every command runs as the login user.
    package var become: Become? {
        get { lock.withLock { becomeRoot } }
        set { lock.withLock { becomeRoot = newValue } }
    }

    /// Checks that commands marked `asRoot` run as root (uid 0), through sudo when the connection becomes root
    /// that way; throws `SSHError.sudoFailed` with sudo's reason (wrong password, not in sudoers, requiretty).
    package func verifyRoot() throws {
        let out = try capture(RemoteCommand(["id", "-u"]), options: ExecOptions(timeout: 60, asRoot: true))
        let uid = out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard out.result.succeeded, uid == "0" else {
            throw SSHError.sudoFailed(host: name, user: target.user,
                                      reason: out.result.succeeded ? "commands run as uid \(uid), not as root" : "'id -u' as root failed (\(out.result)): \(out.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    /// How many runners this connection has started (a runner that broke is replaced by a new one).
    package var runnerStarts: Int { lock.withLock { runnerStartCount } }

    /// Why the runner could not be used on this host, if it could not.
    package var runnerProblem: String? { lock.withLock { runnerUnavailable } }

    /// False once the link was found dead or the connection was closed.
    package var isUsable: Bool {
        lock.lock()
        defer { lock.unlock() }
        return broken == nil && session != nil
    }

    // MARK: - Opening

    private func open(options: ConnectOptions) throws {
        socket = try Self.tcpConnect(host: target.hostName, port: target.port, alias: target.alias,
                                     timeout: options.connectTimeout)
        guard let session = shim_session_init(nil) else {
            throw SSHError.handshakeFailed(host: name, detail: "libssh2 could not allocate a session")
        }
        self.session = session
        // Handshake and authentication run in blocking mode, bounded by this timeout.
        libssh2_session_set_timeout(session, Int(options.connectTimeout * 1000))

        let knownHosts = try KnownHostsFile(path: options.resolvedKnownHostsPath)
        let knownTypes = knownHosts.keyTypes(host: target.hostName, port: target.port)
        let preference = knownTypes.filter(supportedHostKeyTypes.contains)
            + supportedHostKeyTypes.filter { !knownTypes.contains($0) }
        _ = libssh2_session_method_pref(session, LIBSSH2_METHOD_HOSTKEY, preference.joined(separator: ","))
        // Only what OpenSSH's client offers by default (libssh2 1.10 would also accept CBC, 3DES, arcfour and
        // hmac-md5). aes128-ctr with hmac-sha2-256 stays first: with AES-NI and SHA-NI it was not slower than the
        // alternatives (per-packet overhead in libssh2, not the cipher, bounds its speed).
        for method in [LIBSSH2_METHOD_CRYPT_CS, LIBSSH2_METHOD_CRYPT_SC] {
            _ = libssh2_session_method_pref(session, method, "aes128-ctr,aes192-ctr,aes256-ctr")
        }
        for method in [LIBSSH2_METHOD_MAC_CS, LIBSSH2_METHOD_MAC_SC] {
            _ = libssh2_session_method_pref(session, method, "hmac-sha2-256,hmac-sha2-512,hmac-sha1")
        }

        let handshakeStart = ContinuousClock.now
        let rc = libssh2_session_handshake(session, libssh2_socket_t(socket))
        if rc != 0 {
            var detail = lastErrorMessage(rc)
            // A silent peer shows up as a banner or socket error once the session timeout has run out.
            let waited = ContinuousClock.now - handshakeStart
            if rc == LIBSSH2_ERROR_TIMEOUT || waited >= .milliseconds(Int64(options.connectTimeout * 1000) - 50) {
                throw SSHError.timedOut(host: name, what: "SSH handshake", seconds: options.connectTimeout)
            }
            if rc == LIBSSH2_ERROR_BANNER_RECV {
                detail = "the peer sent no SSH banner and closed the connection (is port \(target.port) an SSH server?)"
            }
            if knownTypes == ["ssh-rsa"] {
                detail += " (known_hosts holds only an ssh-rsa key for this host; libssh2 1.10 cannot verify RSA "
                    + "host keys with rsa-sha2, so add the host's ed25519 or ECDSA key instead)"
            }
            throw SSHError.handshakeFailed(host: name, detail: detail)
        }
        try verifyHostKey(knownHosts: knownHosts, policy: options.hostKeyPolicy)
        try authenticate(options: options)
        if keepaliveInterval > 0 { libssh2_keepalive_config(session, 1, UInt32(keepaliveInterval)) }
        libssh2_session_set_blocking(session, 0)
    }

    static func tcpConnect(host: String, port: Int, alias: String, timeout: Double) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let gai = getaddrinfo(host, String(port), &hints, &list)
        guard gai == 0, let first = list else {
            throw SSHError.resolveFailed(host: alias, detail: String(cString: gai_strerror(gai)))
        }
        defer { freeaddrinfo(list) }
        var lastError: Int32 = 0
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let current = node {
            let fd = shim_tcp_connect(current.pointee.ai_addr, current.pointee.ai_addrlen, Int32(timeout * 1000))
            if fd >= 0 { return fd }
            lastError = -fd
            node = current.pointee.ai_next
        }
        if lastError == ETIMEDOUT {
            throw SSHError.timedOut(host: alias, what: "TCP connect to port \(port)", seconds: timeout)
        }
        throw SSHError.connectFailed(host: alias, port: port, detail: String(cString: strerror(lastError)))
    }

    private func verifyHostKey(knownHosts: KnownHostsFile, policy: HostKeyPolicy) throws {
        var length = 0
        var type: Int32 = 0
        guard let raw = libssh2_session_hostkey(session, &length, &type), length > 0 else {
            throw SSHError.handshakeFailed(host: name, detail: "the server sent no host key")
        }
        let blob = raw.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
        guard let keyType = HostKeyBlob.keyType(of: blob) else {
            throw SSHError.handshakeFailed(host: name, detail: "the server's host key cannot be parsed")
        }
        let presented = UnknownHostKey(host: target.hostName, port: target.port, keyType: keyType,
                                       fingerprint: HostKeyBlob.fingerprint(of: blob),
                                       knownHostsPath: knownHosts.path,
                                       keyBase64: Data(blob).base64EncodedString())
        hostKey = presented
        var file = knownHosts
        switch knownHosts.verdict(host: target.hostName, port: target.port, keyType: keyType,
                                  keyBase64: presented.keyBase64) {
        case .known:
            return
        case let .changed(line):
            throw SSHError.hostKeyChanged(ChangedHostKey(presented: presented, line: line))
        case let .revoked(line):
            throw SSHError.hostKeyRevoked(presented, line: line)
        case .unknown:
            switch policy {
            case .strict:
                throw SSHError.hostKeyUnknown(presented)
            case .acceptNew:
                break
            case let .ask(decide):
                guard decide(presented) else { throw SSHError.hostKeyRejected(presented) }
            }
            try file.append(host: target.hostName, port: target.port, keyType: keyType, keyBase64: presented.keyBase64)
        }
    }

    // MARK: - Authentication

    private func authenticate(options: ConnectOptions) throws {
        let user = target.user
        var tried: [String] = []
        var rsaRefused = false
        let methods: [String]
        if let list = libssh2_userauth_list(session, user, UInt32(user.utf8.count)) {
            methods = String(cString: list).split(separator: ",").map(String.init)
        } else if libssh2_userauth_authenticated(session) != 0 {
            authenticatedWith = "none"
            return
        } else {
            throw authError(user: user, tried: [], detail: lastErrorMessage(libssh2_session_last_errno(session)))
        }

        if methods.contains("publickey") && options.useAgent {
            switch tryAgent(user: user, socketPath: options.agentSocket) {
            case .success(let comment):
                authenticatedWith = "publickey (agent: \(comment))"
                return
            case .failure(let count, let rsa):
                if count > 0 { tried.append("agent (\(count) key\(count == 1 ? "" : "s"))") }
                rsaRefused = rsaRefused || rsa
            case .unavailable:
                break
            }
        }
        if methods.contains("publickey") {
            for path in target.identityFiles {
                guard FileManager.default.fileExists(atPath: path) else {
                    if target.identityFilesExplicit {
                        throw SSHError.localFile(path: path, detail: "identity file does not exist")
                    }
                    continue
                }
                let keyType = PrivateKeyInfo.keyType(atPath: path)
                tried.append("key \(path)")
                var rc = shim_userauth_publickey_fromfile(session, user, nil, path, "")
                if rc == LIBSSH2_ERROR_FILE, let ask = options.credentials,
                   let passphrase = ask(.keyPassphrase(path: path)) {
                    rc = passphrase.withCString { shim_userauth_publickey_fromfile(session, user, nil, path, $0) }
                    options.credentialsChecked?(.keyPassphrase(path: path), rc != LIBSSH2_ERROR_FILE)
                }
                if rc == 0 {
                    authenticatedWith = "publickey (\(path))"
                    return
                }
                if rc == LIBSSH2_ERROR_TIMEOUT {
                    throw SSHError.timedOut(host: name, what: "authentication", seconds: options.connectTimeout)
                }
                if rc == LIBSSH2_ERROR_FILE && !target.identityFilesExplicit { continue }
                if rc == LIBSSH2_ERROR_FILE {
                    throw SSHError.localFile(path: path, detail: "cannot load the private key (\(lastErrorMessage(rc)))")
                }
                if PrivateKeyInfo.isRSA(keyType) { rsaRefused = true }
            }
        }
        if let ask = options.credentials {
            if methods.contains("keyboard-interactive") {
                tried.append("keyboard-interactive")
                if tryKeyboardInteractive(user: user, ask: ask, checked: options.credentialsChecked) {
                    authenticatedWith = "keyboard-interactive"
                    return
                }
            }
            if methods.contains("password") {
                if let password = ask(.password(user: user, host: name)) {
                    tried.append("password")
                    let rc = password.withCString { shim_userauth_password(session, user, $0) }
                    options.credentialsChecked?(.password(user: user, host: name), rc == 0)
                    if rc == 0 {
                        authenticatedWith = "password"
                        return
                    }
                } else {
                    // End of input at the prompt: said as such, not as "no method was available".
                    tried.append("password: none given")
                }
            }
        }
        var hint: String?
        if rsaRefused {
            hint = "an RSA key was refused: this libssh2 (\(LIBSSH2_VERSION)) signs only with ssh-rsa (SHA-1), which "
                + "OpenSSH 8.8 and later reject; use an ed25519 or ECDSA key (ssh-keygen -t ed25519)"
        } else if options.credentials == nil && (methods.contains("password") || methods.contains("keyboard-interactive")) {
            hint = "the server also accepts a password, but none could be asked for here (no terminal to ask on); "
                + "log in with a key (-i or ssh-agent) or run on a terminal"
        } else if tried.isEmpty {
            hint = "no agent key and no identity file to offer (server accepts: \(methods.joined(separator: ","))); "
                + "give a key with -i"
        }
        throw SSHError.authenticationFailed(user: user, host: name, tried: tried, hint: hint)
    }

    private enum AgentOutcome {
        case success(String)
        case failure(count: Int, rsa: Bool)
        case unavailable
    }

    private func tryAgent(user: String, socketPath: String?) -> AgentOutcome {
        let path = socketPath ?? ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"]
        guard let path, !path.isEmpty, let agent = libssh2_agent_init(session) else { return .unavailable }
        defer { libssh2_agent_free(agent) }
        libssh2_agent_set_identity_path(agent, path)
        guard libssh2_agent_connect(agent) == 0 else { return .unavailable }
        defer { libssh2_agent_disconnect(agent) }
        guard libssh2_agent_list_identities(agent) == 0 else { return .unavailable }
        var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
        var identity: UnsafeMutablePointer<libssh2_agent_publickey>?
        var count = 0
        var rsa = false
        while libssh2_agent_get_identity(agent, &identity, previous) == 0, let current = identity {
            count += 1
            if libssh2_agent_userauth(agent, user, current) == 0 {
                let comment = current.pointee.comment.map { String(cString: $0) } ?? "key \(count)"
                return .success(comment)
            }
            let blob = Array(UnsafeBufferPointer(start: current.pointee.blob, count: Int(current.pointee.blob_len)))
            if HostKeyBlob.keyType(of: blob) == "ssh-rsa" { rsa = true }
            previous = current
        }
        return .failure(count: count, rsa: rsa)
    }

    private func tryKeyboardInteractive(user: String, ask: @escaping @Sendable (CredentialRequest) -> Secret?,
                                        checked: (@Sendable (CredentialRequest, Bool) -> Void)?) -> Bool {
        let context = KeyboardInteractiveContext(user: user, host: name, ask: ask)
        let unmanaged = Unmanaged.passRetained(context)
        defer { unmanaged.release() }
        shim_session_abstract(session)?.pointee = unmanaged.toOpaque()
        defer { shim_session_abstract(session)?.pointee = nil }
        let rc = shim_userauth_keyboard_interactive(session, user) { _, _, _, _, count, prompts, responses, abstract in
            guard let abstract, let raw = abstract.pointee, let prompts, let responses else { return }
            let context = Unmanaged<KeyboardInteractiveContext>.fromOpaque(raw).takeUnretainedValue()
            for index in 0..<Int(count) {
                let prompt = prompts[index]
                let text = prompt.text.map {
                    String(decoding: UnsafeBufferPointer(start: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self),
                                                         count: Int(prompt.length)), as: UTF8.self)
                } ?? ""
                let request = CredentialRequest.keyboardInteractive(user: context.user, host: context.host,
                                                                    prompt: text, echo: prompt.echo != 0)
                context.asked.append(request)
                let answer = context.ask(request)
                // libssh2 frees each response with free(); strdup gives it memory it owns.
                let copy = answer.map { $0.withCString { strdup($0) } } ?? strdup("")
                responses[index].text = copy
                responses[index].length = copy.map { UInt32(strlen($0)) } ?? 0
            }
        }
        for request in context.asked { checked?(request, rc == 0) }
        return rc == 0
    }

    private func authError(user: String, tried: [String], detail: String) -> SSHError {
        .authenticationFailed(user: user, host: name, tried: tried, hint: detail)
    }

    // MARK: - Low-level helpers shared by exec and SFTP

    func lastErrorMessage(_ rc: Int32) -> String {
        guard let session else { return "libssh2 error \(rc)" }
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        _ = libssh2_session_last_error(session, &message, &length, 0)
        let text = message.map { String(cString: $0) } ?? ""
        return text.isEmpty ? "libssh2 error \(rc)" : "\(text) (libssh2 error \(rc))"
    }

    /// Throws the stored failure if the link is already known to be dead.
    func ensureUsable() throws {
        if let broken { throw broken }
        guard session != nil else { throw SSHError.channelFailed(host: name, detail: "connection is closed") }
    }

    /// Turns a negative libssh2 code into an error, remembering link failures so later calls fail fast.
    func failure(_ rc: Int32, doing what: String) -> SSHError {
        let linkCodes: Set<Int32> = [LIBSSH2_ERROR_SOCKET_DISCONNECT, LIBSSH2_ERROR_SOCKET_RECV,
                                     LIBSSH2_ERROR_SOCKET_SEND, LIBSSH2_ERROR_SOCKET_TIMEOUT,
                                     LIBSSH2_ERROR_BAD_SOCKET, LIBSSH2_ERROR_TIMEOUT, LIBSSH2_ERROR_DECRYPT]
        if linkCodes.contains(rc) {
            let error = SSHError.connectionLost(host: name, detail: "\(what): \(lastErrorMessage(rc))")
            broken = error
            return error
        }
        return .channelFailed(host: name, detail: "\(what): \(lastErrorMessage(rc))")
    }

    /// Waits until the socket is ready in the direction libssh2 needs (at most `slice`), sending keepalives.
    func waitSocket(deadline: Deadline, what: String, slice: Int32 = 1000) throws {
        if deadline.expired {
            throw SSHError.timedOut(host: name, what: what, seconds: deadline.seconds)
        }
        try sendKeepalive()
        _ = shim_waitsocket(socket, session, min(slice, deadline.remainingMilliseconds))
    }

    func sendKeepalive() throws {
        guard keepaliveInterval > 0 else { return }
        var next: Int32 = 0
        let rc = libssh2_keepalive_send(session, &next)
        // BAD_USE: another packet is half sent (a write returned EAGAIN); the keepalive goes out on a later call.
        if rc != 0 && rc != LIBSSH2_ERROR_EAGAIN && rc != LIBSSH2_ERROR_BAD_USE { throw failure(rc, doing: "sending keepalive") }
        try checkSilence()
    }

    /// Fails the connection when the host sent nothing for `keepaliveInterval * keepaliveCountMax` seconds while
    /// we waited on it (a frozen sshd or a dead link that TCP has not noticed: keepalive replies stopped).
    /// Only time spent polling counts: the kernel's "last received" also grows while the connection sits idle
    /// between commands, which is no sign of trouble.
    private func checkSilence() throws {
        let now = ContinuousClock.now
        if let lastPoll, now - lastPoll <= .seconds(2) {} else { waitingSince = now }
        lastPoll = now
        let received = shim_ms_since_receive(socket)
        guard received >= 0 else { return }
        // libssh2 counts the interval in whole seconds and we poll in slices of up to 1 s, so replies can be
        // up to 2 s later than the interval alone says: that slack is added.
        let seconds = keepaliveInterval * keepaliveCountMax + 2
        let silent = min(Duration.milliseconds(received), now - waitingSince)
        if silent > .seconds(seconds) {
            let error = SSHError.connectionLost(
                host: name, detail: "no reply for \(seconds) s (\(keepaliveCountMax) keepalives every \(keepaliveInterval) s unanswered); the host or its sshd stopped responding")
            broken = error
            throw error
        }
    }

    /// Repeats a non-blocking call while it answers EAGAIN.
    func retrying(_ what: String, deadline: Deadline, _ call: () -> Int32) throws -> Int32 {
        while true {
            let rc = call()
            if rc != LIBSSH2_ERROR_EAGAIN { return rc }
            try waitSocket(deadline: deadline, what: what)
        }
    }

    /// As `retrying`, for calls that return a pointer and report EAGAIN through the session.
    func retrying(_ what: String, deadline: Deadline, _ call: () -> OpaquePointer?) throws -> OpaquePointer {
        while true {
            if let pointer = call() { return pointer }
            let rc = libssh2_session_last_errno(session)
            if rc != LIBSSH2_ERROR_EAGAIN { throw failure(rc, doing: what) }
            try waitSocket(deadline: deadline, what: what)
        }
    }

    private func teardown() {
        // libssh2_session_free frees the runners' channels with the others.
        runner = nil
        rootRunner = nil
        if let session {
            // Best effort and bounded: a dead or frozen peer must not hang the close.
            libssh2_session_set_blocking(session, 1)
            libssh2_session_set_timeout(session, 2000)
            if let sftp = sftpHandle {
                if broken == nil { _ = libssh2_sftp_shutdown(sftp) }
                sftpHandle = nil
            }
            if broken == nil { _ = shim_session_disconnect(session, "ovirt-wizard: done") }
            libssh2_session_free(session)
            self.session = nil
        }
        if socket >= 0 {
            Glibc.close(socket)
            socket = -1
        }
        if broken == nil { broken = .channelFailed(host: name, detail: "connection is closed") }
    }
}

private final class KeyboardInteractiveContext {
    let user: String
    let host: String
    let ask: @Sendable (CredentialRequest) -> Secret?
    /// The prompts the server sent, in order, so their answers can be reported accepted or rejected.
    var asked: [CredentialRequest] = []
    init(user: String, host: String, ask: @escaping @Sendable (CredentialRequest) -> Secret?) {
        self.user = user
        self.host = host
        self.ask = ask
    }
}

/// A point in monotonic time after which an operation gives up; `.never` has no limit.
struct Deadline {
    let end: ContinuousClock.Instant?
    let seconds: Double

    init(seconds: Double?) {
        self.seconds = seconds ?? 0
        end = seconds.map { ContinuousClock.now.advanced(by: .milliseconds(Int64($0 * 1000))) }
    }

    static var never: Deadline { Deadline(seconds: nil) }

    var expired: Bool { end.map { ContinuousClock.now >= $0 } ?? false }

    var remainingMilliseconds: Int32 {
        guard let end else { return Int32.max }
        let left = ContinuousClock.now.duration(to: end)
        let ms = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, ms))
    }
}
