import ArgumentParser
import Deploy
import EngineAPI
import Foundation
import OtopiKit
import SSHKit
import WizardCore

/// A platform answer file (`OVIRT_WIZARD/flow=str:platform`) as `plan` and `apply` take it: the engine, the hosts
/// to add, the storage domains. Read through `PlatformAnswers`, the one parser of that contract.
struct PlatformInput {
    var path: String
    var answers: PlatformAnswers
    var options: ConnectOptions

    /// v3 for the 3.4 flow, v4 for 4.5.
    var version: EngineAPIVersion {
        get throws {
            switch answers.flowVersion {
            case "3.4": return .v3
            case "4.5": return .v4
            default:
                throw CLIError(message: "\(path): \(AnswerFileContract.flowVersionKey) is '\(answers.flowVersion)': the platform flow is 3.4 (API v3) or 4.5 (API v4)", code: .badInput)
            }
        }
    }

    /// Whether the file at `path` is a platform answer file (read cheaply; problems are reported by the caller's load).
    static func names(_ path: String) -> AnswerFile? {
        guard let file = try? AnswerFile.load(path: path) else { return nil }
        let environment = OtopiEnvironment(files: [file])
        return environment[AnswerFileContract.flowKey]?.value.stringValue == PlatformAnswers.flowID ? file : nil
    }

    init(path: String, file: AnswerFile, options: ConnectOptions) throws {
        self.path = path
        self.options = options
        do {
            answers = try PlatformAnswers.loadingEngineAnswers(OtopiEnvironment(files: [file]))
        } catch {
            throw CLIError(message: "\(path): \(error)", code: .badInput)
        }
    }

    func engineTarget(address: String? = nil) throws -> EngineTarget {
        EngineTarget(endpoint: EngineEndpoint(fqdn: answers.engineFQDN, port: answers.enginePort, address: address),
                     credentials: EngineCredentials(user: answers.adminUser, password: EnginePassword(answers.adminPassword.value)),
                     ca: nil, expectedVersion: try version)
    }

    func plan(remoteBase: String) throws -> DeploymentPlan {
        do {
            return try PlatformPlanner(remoteBase: remoteBase).plan(answers, answerFile: path, options: options, engine: try engineTarget())
        } catch let problem as PlatformPlanner.Problem {
            throw CLIError(message: problem.description, code: .badInput)
        }
    }

    /// The engine host's SSH login (where its CA is read).
    var engineHostAccess: HostAccess? { HostAccess(answers.engineLogin, options: options) }
}

/// How `apply` reaches the engine of a platform plan: the address override, the CA and where pinned CAs are kept.
struct PlatformEngineArguments: ParsableArguments {
    @Option(name: .customLong("engine-address"), help: ArgumentHelp(
        "Platform flow: connect to this address instead of resolving the engine's FQDN; its certificate is still verified against the FQDN.",
        valueName: "ADDRESS"))
    var address: String?

    @Option(name: .customLong("engine-ca-file"), help: ArgumentHelp(
        "Platform flow: pin the engine CA from this PEM file (default: the CA pinned for the FQDN, else read over SSH from the engine host).",
        valueName: "FILE"))
    var caFile: String?

    @Option(name: .customLong("ca-store"), help: ArgumentHelp("Where pinned engine CAs are kept (as for engine status).", valueName: "DIR"))
    var caStore: String?

    @Option(name: .customLong("engine-poll"), help: .hidden) var pollInterval: Double = 3

    @Option(name: .customLong("root-authorized-keys"), help: .hidden) var rootAuthorizedKeys = "/root/.ssh/authorized_keys"

    /// hosted-engine 4.5 with additional hosts: the engine's HTTPS port (the lab's fake engine listens on a high one).
    @Option(name: .customLong("engine-port"), help: .hidden) var port: Int?

    /// hosted-engine 4.5 with additional hosts: where the first host keeps the engine's CA (the lab's hosts keep /etc elsewhere).
    @Option(name: .customLong("engine-ca-on-host"), help: .hidden) var caOnHost: String?

    /// The engine of a hosted-engine 4.5 plan (its additional hosts join it): where to reach it. Its CA is read on
    /// the first host once its deploy finished, so nothing is pinned before the run.
    func locate(_ plan: inout DeploymentPlan) {
        guard var target = plan.engine else { return }
        target.endpoint.address = address
        if let port { target.endpoint.port = port }
        target.pollInterval = max(0.01, pollInterval)
        plan.engine = target
    }

    /// The plan's engine with its CA pinned: resolved (pinned, file, or over SSH from the engine host), the engine
    /// reached and logged in to once with it (its API version checked), then pinned. Nothing is changed on failure.
    func trust(_ plan: inout DeploymentPlan, input: PlatformInput) throws {
        locate(&plan)
        guard var target = plan.engine else { return }
        let store = EngineCAStore(directory: caStore)
        var source: EngineTrust.Source?
        if let caFile {
            source = .file(caFile)
        } else if (try? store.pinned(target.endpoint.fqdn)) == nil, let access = input.engineHostAccess {
            source = .ssh(access)
        }
        let endpoint = target.endpoint
        let chosen = source
        let credentials = target.credentials
        let expected = target.expectedVersion
        let trusted: EngineTrust.Trusted
        do {
            trusted = try runBlocking {
                let trusted = try await EngineTrust.resolve(endpoint, source: chosen, store: store)
                let session = try await EngineSession.open(endpoint, ca: trusted.ca, credentials: credentials)
                let version = session.version
                let product = "\(session.productName) \(session.productVersion)"
                await session.close()
                guard version == expected else {
                    throw CLIError(message: "the engine \(endpoint.described) is \(product) (API \(version.rawValue)), but \(input.path) is for oVirt \(input.answers.flowVersion) (API \(expected.rawValue)): nothing was changed", code: .badInput)
                }
                return trusted
            }
        } catch let failure as EngineTrust.Failure {
            throw CLIError(message: "\(failure.description); nothing was changed", code: failure.exitCode == 255 ? .unreachable : .badInput)
        } catch let error as EngineError {
            throw CLIError(message: "\(error.description); nothing was changed", code: .unreachable)
        }
        do {
            if let line = try EngineTrust.pin(trusted, endpoint: endpoint, store: store) { printError("ovirt-wizard: \(line)") }
        } catch {
            throw CLIError(message: "\(error)", code: .badInput)
        }
        target.ca = trusted.ca
        plan.engine = target
    }
}
