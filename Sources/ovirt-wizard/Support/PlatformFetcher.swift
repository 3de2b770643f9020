import Deploy
import EngineAPI
import Foundation
import OtopiKit
import SSHKit
import WizardCore

/// Fetches what the platform flow's sections need (`FlowFetchSource`), for the line dialog and the full-screen
/// wizard alike: the engine answer file (a local file, read offline too), the engine's data centers and clusters
/// (REST API; its CA pinned in the wizard's state or read over SSH from the engine host, host key verified), and the
/// CPU check of the hosts to add (over SSH, the engine host's login). Blocking: call it off the UI thread.
/// Whatever cannot be fetched is said plainly, and nothing is put in its place.
struct PlatformFetcher: Sendable {
    /// Why a host's CPU was not checked.
    struct NotChecked: Error, CustomStringConvertible {
        var description: String
    }

    var offline: Bool
    /// How SSH connections verify host keys and log in (the dialog's own policy: asked on the terminal, or not).
    var connectOptions: @Sendable () -> ConnectOptions
    var caStore: EngineCAStore
    /// Connect to this address instead of resolving the engine's FQDN (its certificate is still verified against it).
    var engineAddress: String?

    func fetch(_ source: FlowFetchSource, _ session: FlowSession) -> FlowFetchResult {
        switch source {
        case .engineAnswerFile: return engineAnswerFile(session)
        case .engine: return engine(session)
        case .hostCPUs: return hostCPUs(session)
        }
    }

    // MARK: - the engine answer file

    static func text(_ session: FlowSession, _ key: String) -> String? {
        guard let value = session.answers[key]?.value, !value.isNone else { return nil }
        let text = value.displayText.trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : text
    }

    static func loadEngineAnswers(_ path: String) throws -> OtopiEnvironment {
        do {
            return OtopiEnvironment(files: [try AnswerFile.load(path: (path as NSString).expandingTildeInPath)])
        } catch {
            throw EngineTrust.Failure(description: error.description)
        }
    }

    func engineAnswerFile(_ session: FlowSession) -> FlowFetchResult {
        guard let path = Self.text(session, PlatformFacts.engineAnswerFileKey) else {
            return FlowFetchResult(forget: [PlatformFacts.passwordInFileFact])
        }
        do {
            return PlatformFacts.engineAnswerFile(try Self.loadEngineAnswers(path), path: path)
        } catch {
            return FlowFetchResult(forget: [PlatformFacts.passwordInFileFact],
                                   messages: [DialogMessage(.error, "\(error); give another engine answer file, or none")],
                                   reask: [PlatformFacts.engineAnswerFileKey])
        }
    }

    // MARK: - the engine

    func engine(_ session: FlowSession) -> FlowFetchResult {
        if offline {
            let listed = session.facts.list(PlatformFacts.dataCentersFact) != nil
            return FlowFetchResult(messages: [DialogMessage(.info, "--offline: the engine is not contacted; "
                + (listed ? "the data centers and clusters offered are the \(session.flow.seedFacts.description)"
                          : "type the data center and cluster names"))])
        }
        guard let fqdn = Self.text(session, PlatformFacts.fqdnKey) else {
            return PlatformFacts.engineUnknown("No engine FQDN is answered: the engine is not asked")
        }
        let port = Self.text(session, "PLATFORM/enginePort").flatMap { Int($0) } ?? 443
        let user = Self.text(session, PlatformFacts.adminUserKey) ?? "admin@internal"
        let endpoint = EngineEndpoint(fqdn: fqdn, port: port, address: engineAddress)
        var password = Self.text(session, PlatformFacts.adminPasswordKey)
        if password == nil, let path = Self.text(session, PlatformFacts.engineAnswerFileKey),
           let environment = try? Self.loadEngineAnswers(path) {
            password = PlatformFacts.passwordKeys.lazy.compactMap { environment[$0]?.value.stringValue }.first { !$0.isEmpty }
        }
        guard let password else {
            return PlatformFacts.engineUnknown("No admin password is known: the engine \(endpoint.described) is not asked")
        }
        let source: EngineTrust.Source?
        do {
            source = try trustSource(session, fqdn: fqdn)
        } catch {
            return PlatformFacts.engineUnknown("\(error)", severity: .error)
        }
        let store = caStore
        let credentials = EngineCredentials(user: user, password: EnginePassword(password))
        do {
            let (described, dataCenters, clusters, pinned) = try runBlocking {
                let trusted = try await EngineTrust.resolve(endpoint, source: source, store: store)
                let session = try await EngineSession.open(endpoint, ca: trusted.ca, credentials: credentials)
                do {
                    let pinned = try EngineTrust.pin(trusted, endpoint: endpoint, store: store)
                    let dcs = try await session.dataCenters()
                    let clusters = try await session.clusters()
                    let described = "\(endpoint.described) (\(session.productName) \(session.productVersion), API \(session.version.rawValue))"
                    await session.close()
                    return (described, dcs, clusters, pinned)
                } catch {
                    await session.close()
                    throw error
                }
            }
            let dcName = Dictionary(dataCenters.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            var result = PlatformFacts.engine(
                described,
                dataCenters: dataCenters.map { PlatformFacts.DataCenter(name: $0.name, status: $0.status, version: $0.version) },
                clusters: clusters.map { PlatformFacts.Cluster(name: $0.name, dataCenter: $0.dataCenterID.flatMap { dcName[$0] },
                                                               cpuType: $0.cpuType, version: $0.version) })
            if let pinned { result.messages.insert(DialogMessage(.info, pinned), at: 0) }
            return result
        } catch let EngineError.authentication(endpoint, user, reason) {
            // The password was refused: asked again (also when the engine answer file gave it).
            var result = PlatformFacts.engineUnknown("engine \(endpoint) refused the login of \(user): \(reason); "
                                                     + "type the admin password again", severity: .error)
            result.forget.append(PlatformFacts.passwordInFileFact)
            result.reask = [PlatformFacts.adminPasswordKey]
            return result
        } catch let failure as EngineTrust.Failure {
            // The CA could not be trusted (the engine host unreachable over SSH, no engine PKI there, another CA pinned).
            return PlatformFacts.engineUnknown("The engine could not be asked: its CA is not trusted: \(failure.description)")
        } catch {
            let said = (error as? EngineError)?.description ?? "\(error)"
            return PlatformFacts.engineUnknown("The engine could not be asked: \(said)")
        }
    }

    /// How the engine's CA is trusted: the CA pinned for the FQDN, else the CA read over SSH from the engine host
    /// (the wizard's target), pinned once the engine was reached through it.
    func trustSource(_ session: FlowSession, fqdn: String) throws -> EngineTrust.Source? {
        let pinned: EngineCA?
        do { pinned = try caStore.pinned(fqdn) } catch { throw EngineTrust.Failure(description: "\(error)") }
        if pinned != nil { return nil }
        let login: TargetLogin
        do { login = try TargetLogin(answers: session.answers) } catch {
            throw EngineTrust.Failure(description: "the engine host's login is not valid: \(error)")
        }
        guard let access = HostAccess(login, options: connectOptions()) else {
            throw EngineTrust.Failure(description: "no CA is pinned for \(fqdn) (in \(caStore.directory)) and no engine host is "
                + "answered to read it from: the engine is not asked")
        }
        return .ssh(access)
    }

    // MARK: - the hosts' CPUs

    func hostCPUs(_ session: FlowSession) -> FlowFetchResult {
        let level = PlatformFacts.clusterLevel(session)
        let cluster = Self.text(session, PlatformFacts.clusterKey)
        let current = PlatformFacts.currentCPU(session)
        let hosts = PlatformValidators.words(Self.text(session, PlatformFacts.hostsKey))
        if offline {
            return PlatformFacts.cpuProposal(level: level, cluster: cluster, currentCPU: current, reports: [],
                                             failures: ["--offline: the CPUs of the hosts to add are not checked"])
        }
        let login: TargetLogin
        do { login = try TargetLogin(answers: session.answers) } catch {
            return PlatformFacts.cpuProposal(level: level, cluster: cluster, currentCPU: current, reports: [],
                                             failures: ["The hosts' login is not valid: \(error)"])
        }
        let options = connectOptions()
        let results = forEachHost(hosts, limit: DeploymentArguments.probeConcurrency) { host -> Result<HostCPUReport, NotChecked> in
            // An entry may name its own user and port (user@host:port); the rest is the engine host's login.
            guard let entry = HostedEngineAdditionalHosts.parseEntry(host) else {
                return .failure(NotChecked(description: "\(host): not a host name or address"))
            }
            var reached = login.reaching(entry.host)
            if let user = entry.user { reached.user = user }
            if let port = entry.port { reached.port = port }
            guard let access = HostAccess(reached, options: options) else {
                return .failure(NotChecked(description: "\(host): no login"))
            }
            do {
                let text = try SSHCPUInfoSource(options: access.options).cpuinfoText(host: "\(access.target)")
                return CPUProbe.report(text: text, source: entry.host).mapError { NotChecked(description: $0.description) }
            } catch {
                let reason = (error as? SSHError)?.description ?? "\(error)"
                return .failure(NotChecked(description: "\(entry.host): not checked: \(reason)"))
            }
        }
        var reports: [HostCPUReport] = []
        var failures: [String] = []
        for result in results {
            switch result {
            case .success(let report): reports.append(report)
            case .failure(let error): failures.append(error.description)
            }
        }
        return PlatformFacts.cpuProposal(level: level, cluster: cluster, currentCPU: current, reports: reports, failures: failures)
    }
}
