import ArgumentParser
import Deploy
import EngineAPI
import Foundation
import OtopiKit
import SSHKit
import Synchronization
import WizardCore

/// `ovirt-wizard engine …`: the engine's REST API (v3 on oVirt 3.4, v4 on 4.5), over HTTPS pinned to the engine CA.
struct EngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Talk to an oVirt engine through its REST API (3.4: API v3, 4.5: API v4).",
        discussion: """
            `engine status` shows the engine's state. Adding hosts and storage domains through the engine is the \
            platform flow: plan and apply take its answer file (OVIRT_WIZARD/flow=str:platform).
            """,
        subcommands: [EngineStatusCommand.self])
}

/// Which engine and how to trust it and log in: shared by the engine commands.
struct EngineConnectionArguments: ParsableArguments {
    @Option(help: ArgumentHelp(
        "An engine-setup or hosted-engine answer file: the engine FQDN, the admin password, and the SSH login of the "
            + "engine host the CA can be read from.", valueName: "FILE"))
    var answers: String?

    @Option(help: ArgumentHelp("The engine's FQDN (the name in its certificate).", valueName: "FQDN"))
    var engine: String?

    @Option(help: ArgumentHelp("The engine user: admin@internal, or admin@ovirt@internalsso on 4.5 with Keycloak.", valueName: "USER"))
    var user: String = "admin@internal"

    @Option(help: ArgumentHelp("The engine's HTTPS port.", valueName: "N"))
    var port: Int = 443

    @Option(help: ArgumentHelp(
        "Connect to this address instead of resolving the FQDN; the certificate is still verified against the FQDN.",
        valueName: "ADDRESS"))
    var address: String?

    @Option(name: .customLong("ca-from-host"), help: ArgumentHelp(
        "Read the engine CA over SSH from the engine host (/etc/pki/ovirt-engine/apache-ca.pem, else ca.pem) and pin it.",
        valueName: "[user@]host[:port]"))
    var caFromHost: String?

    @Option(name: .customLong("ca-file"), help: ArgumentHelp("Pin the engine CA from this PEM file.", valueName: "FILE"))
    var caFile: String?

    @Flag(name: .customLong("fetch-ca"), help: "Fetch the CA the engine serves and pin it once its SHA256 fingerprint is accepted.")
    var fetchCA = false

    @Option(name: .customLong("ca-fingerprint"), help: ArgumentHelp(
        "With --fetch-ca: accept the fetched CA only when its SHA256 fingerprint is this one (engine-setup prints it).",
        valueName: "SHA256"))
    var caFingerprint: String?

    @Option(name: .customLong("ca-store"), help: ArgumentHelp(
        "Where pinned engine CAs are kept (default $XDG_STATE_HOME/ovirt-wizard/engine-ca or ~/.local/state/ovirt-wizard/engine-ca).",
        valueName: "DIR"))
    var caStore: String?

    @OptionGroup var ssh: SSHConnectionArguments

    func validate() throws {
        if answers != nil && engine != nil { throw ValidationError("give either --answers FILE or --engine FQDN, not both") }
        if answers == nil && engine == nil { throw ValidationError("give --answers FILE (engine-setup or hosted-engine) or --engine FQDN") }
        let sources = [caFromHost != nil, caFile != nil, fetchCA].filter { $0 }.count
        if sources > 1 { throw ValidationError("give one of --ca-from-host, --ca-file and --fetch-ca") }
        if caFingerprint != nil && !fetchCA { throw ValidationError("--ca-fingerprint goes with --fetch-ca") }
        if !(1...65535).contains(port) { throw ValidationError("--port \(port) is not a TCP port") }
    }

    /// What the command needs before it connects: the endpoint, the password and the trust source.
    struct Resolved: Sendable {
        var endpoint: EngineEndpoint
        var credentials: EngineCredentials
        var source: EngineTrust.Source?
    }

    /// The answer-file keys of the engine's FQDN and admin password (engine-setup, then hosted-engine).
    static let fqdnKeys = ["OVESETUP_CONFIG/fqdn", "OVEHOSTED_NETWORK/fqdn"]
    static let passwordKeys = ["OVESETUP_CONFIG/adminPassword", "OVEHOSTED_ENGINE/adminPassword"]

    func resolve() throws -> Resolved {
        var fqdn = engine
        var password: String?
        var login: TargetLogin?
        if let answers {
            let file: AnswerFile
            do { file = try AnswerFile.load(path: answers) } catch {
                throw EngineTrust.Failure(description: error.description)
            }
            let environment = OtopiEnvironment(files: [file])
            fqdn = Self.fqdnKeys.lazy.compactMap { environment[$0]?.value.stringValue }.first { !$0.isEmpty }
            guard fqdn != nil else {
                throw EngineTrust.Failure(description: "\(answers): no engine FQDN (\(Self.fqdnKeys.joined(separator: " or ")))")
            }
            password = Self.passwordKeys.lazy.compactMap { environment[$0]?.value.stringValue }.first { !$0.isEmpty }
            login = try? TargetLogin(environment: environment)
        }
        let endpoint = EngineEndpoint(fqdn: fqdn!, port: port, address: address)
        if password == nil {
            guard TerminalPrompt.available else {
                throw EngineTrust.Failure(description: "no admin password: give --answers FILE with "
                    + "\(Self.passwordKeys.joined(separator: " or ")), or run on a terminal to be asked")
            }
            password = TerminalPrompt.ask("Password of \(user) on \(endpoint.fqdn): ", echo: false)
            guard let typed = password, !typed.isEmpty else { throw EngineTrust.Failure(description: "no admin password given") }
        }
        var source: EngineTrust.Source?
        if let caFile { source = .file(caFile) }
        if fetchCA { source = .fetch(fingerprint: caFingerprint) }
        if let caFromHost {
            let target: SSHTarget
            do { target = try SSHTarget(parsing: caFromHost) } catch { throw ValidationError("--ca-from-host: \(error)") }
            source = .ssh(HostAccess(target: target, options: ssh.connectOptions()))
        } else if source == nil, let login, let access = HostAccess(login, options: ssh.connectOptions()),
                  (try? EngineCAStore(directory: caStore).pinned(endpoint.fqdn)) == nil {
            // The answer file's target host is the engine host: read its CA there when none is pinned yet.
            source = .ssh(access)
        }
        return Resolved(endpoint: endpoint, credentials: EngineCredentials(user: user, password: EnginePassword(password!)),
                        source: source)
    }

    /// Resolves, pins and logs in; prints the reason and exits (2 bad input, 255 unreachable/untrusted/refused).
    func open() throws -> EngineSession {
        let resolved: Resolved
        do { resolved = try resolve() } catch let failure as EngineTrust.Failure {
            Self.fail(failure.description, code: ExitCode(failure.exitCode))
        }
        let store = EngineCAStore(directory: caStore)
        do {
            let session = try runBlocking {
                let trusted = try await EngineTrust.resolve(resolved.endpoint, source: resolved.source, store: store)
                let session: EngineSession
                do {
                    session = try await EngineSession.open(resolved.endpoint, ca: trusted.ca, credentials: resolved.credentials)
                } catch let error as EngineError where trusted.newFrom != nil {
                    var code: Int32 = ExitCode.unreachable.rawValue
                    if case .fault = error { code = ExitCode.problemFound.rawValue }
                    throw EngineTrust.Failure(description: "\(error.description); the CA from \(trusted.newFrom!) was not pinned",
                                              exitCode: code)
                }
                do {
                    if let line = try EngineTrust.pin(trusted, endpoint: resolved.endpoint, store: store) {
                        FileHandle.standardError.write(Data("engine: \(line)\n".utf8))
                    }
                } catch {
                    await session.close()
                    throw error
                }
                return session
            }
            return session
        } catch let failure as EngineTrust.Failure {
            Self.fail(failure.description, code: ExitCode(failure.exitCode))
        } catch let error as EngineError {
            switch error {
            case .fault: Self.fail(error.description, code: .problemFound)
            default: Self.fail(error.description, code: .unreachable)
            }
        }
    }

    static func fail(_ message: String, code: ExitCode) -> Never {
        FileHandle.standardError.write(Data("engine: \(message)\n".utf8))
        Foundation.exit(code.rawValue)
    }
}

/// Runs async work from a synchronous command (the root command is not async) and waits for it.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    try EngineLink.wait(body)
}
