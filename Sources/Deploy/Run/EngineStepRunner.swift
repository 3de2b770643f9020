import EngineAPI
import Foundation
import HostOps
import SSHKit

/// How a host's run does an engine step: through the runner's `EngineLink`, never adding twice what the engine
/// already has (every step looks the object up by name first), the engine's faults and events as the reason.
extension HostRun {
    /// The engine call of the current step, with its correlation id.
    func call<T: Sendable>(_ link: EngineLink, _ body: @escaping @Sendable (EngineSession) async throws -> T) throws -> T {
        try link.run(correlation: correlation, body)
    }

    func runEngine(_ step: EngineStep, planStep: PlanStep) -> StepResult {
        correlation = EngineSession.correlationID(step: planStep.id, host: host)
        guard let link = runner.engine else {
            return .failure(exitCode: nil, reason: "this plan names no engine to send the step to", lastLines: [])
        }
        do {
            switch step {
            case .installEngineKey:
                return try installEngineKey(link, planStep: planStep)
            case let .setClusterCPU(clusterName, cpu):
                return try call(link) { session in
                    guard let cluster = try await session.cluster(named: clusterName) else {
                        return .failure(exitCode: nil, reason: "the engine has no cluster named \(clusterName)", lastLines: [])
                    }
                    if cluster.cpuType == cpu { return .success(StepOutputs(), detail: "already \(cpu)") }
                    let updated = try await session.setClusterCPU(clusterID: cluster.id, cpu: cpu)
                    return .success(StepOutputs(), detail: "\(updated.cpuType ?? cpu)")
                }
            case .addHost(let spec):
                return try addHost(link, spec: spec)
            case let .waitForHostUp(name, timeout):
                return try waitForHost(link, name: name, timeout: timeout)
            case let .addStorageDomain(spec, clusterName):
                return try addDomain(link, spec: spec, clusterName: clusterName)
            case let .attachStorageDomain(name, connection, dataCenter, timeout):
                return try attachDomain(link, name: name, connection: connection, dataCenterName: dataCenter, timeout: timeout)
            case .pinCAFromHost(let path):
                return try pinCA(link, path: runner.options.engineCAOnHost ?? path, planStep: planStep)
            case let .waitForHostedEngine(name, timeout):
                return try waitForHostedEngine(link, name: name, timeout: timeout)
            }
        } catch {
            return .failure(exitCode: nil, reason: plan.masker.mask("\(error)"), lastLines: [])
        }
    }

    /// One line in the host's pane and log (masked like every output line).
    func show(_ line: String) {
        emit(.output(host: host, line: plan.masker.mask(line), stream: .stdout))
    }

    func pause(_ seconds: Double) {
        var left = seconds
        while left > 0, !runner.isCancelled {
            Thread.sleep(forTimeInterval: min(left, 0.25))
            left -= 0.25
        }
    }

    // MARK: - hosts

    func installEngineKey(_ link: EngineLink, planStep: PlanStep) throws -> StepResult {
        let key = try call(link) { try await $0.engineSSHPublicKey() }
        show("the engine's SSH key: \(key.split(separator: " ").prefix(1).joined()) … \(key.split(separator: " ").dropFirst(2).joined(separator: " "))")
        let remote = try connect()
        let out = try remote.capture(Self.authorizeKey(key, file: runner.options.rootAuthorizedKeys),
                                     options: ExecOptions(timeout: planStep.timeout, asRoot: planStep.runsAsRoot))
        for line in (out.stdout + out.stderr).split(whereSeparator: \.isNewline) { show(String(line)) }
        guard out.result.succeeded else {
            return .failure(exitCode: out.result.shellStatus, reason: "the key could not be installed: \(out.stderr.trimmingCharacters(in: .whitespacesAndNewlines))", lastLines: [])
        }
        return .success(StepOutputs(), detail: runner.options.rootAuthorizedKeys)
    }

    /// Appends `key` to `file` unless it is there already (directory 0700, file 0600, SELinux labels restored).
    static func authorizeKey(_ key: String, file: String) -> RemoteCommand {
        RemoteCommand.script(#"""
            k=$1; f=$2; d=$(dirname "$f")
            mkdir -p "$d" && chmod 700 "$d" && touch "$f" && chmod 600 "$f" || exit 1
            if grep -qxF "$k" "$f"; then echo "$f already holds the engine's key"; else printf '%s\n' "$k" >> "$f" && echo "added the engine's key to $f"; fi
            if command -v restorecon >/dev/null 2>&1; then restorecon -R "$d" 2>/dev/null || true; fi
            """#, arguments: [key, file])
    }

    /// The engine's CA as this host has it (read over the host-key-verified connection), pinned once the engine
    /// verifies against it.
    func pinCA(_ link: EngineLink, path: String, planStep: PlanStep) throws -> StepResult {
        let out = try connect().capture(RemoteCommand(["cat", path]), options: ExecOptions(timeout: planStep.timeout, asRoot: planStep.runsAsRoot))
        guard out.result.succeeded else {
            let why = out.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return .failure(exitCode: out.result.shellStatus,
                            reason: "the engine's CA \(path) cannot be read on \(host)\(why.isEmpty ? "" : ": " + why) (the host joins the engine during hosted-engine's deploy; did it finish?)",
                            lastLines: [])
        }
        let ca = try EngineCA(pem: out.stdout, source: "\(host):\(path)")
        show("the engine's CA from \(host):\(path): \(ca.subject), SHA256 fingerprint \(ca.fingerprint)")
        try link.pin(ca)
        show("\(link.target.endpoint.described): its certificate verifies against that CA; logged in as \(link.target.credentials.user)")
        return .success(StepOutputs(), detail: "CA \(ca.subject) pinned")
    }

    /// Until the HA agent that host-deploy set up reports: `hosted_engine` configured and active.
    func waitForHostedEngine(_ link: EngineLink, name: String, timeout: Double) throws -> StepResult {
        guard let found = try call(link, { try await $0.host(named: name) }) else {
            return .failure(exitCode: nil, reason: "the engine has no host named \(name)", lastLines: [])
        }
        let started = Date()
        var last = ""
        while true {
            if runner.isCancelled { return .failure(exitCode: nil, reason: "cancelled (Ctrl-C)", lastLines: []) }
            let current = try call(link) { try await $0.hostWithAllContent(id: found.id) }
            let state = current.hostedEngine
            // Short: the pane is 38 columns wide.
            let text = state.map { ($0.active ? "HA agent active" : "HA agent not active") + ($0.configured ? "" : " (not configured)")
                + ($0.score.map { ", score \($0)" } ?? "") } ?? "no hosted-engine state yet"
            if text != last {
                show("\(name): \(text)")
                last = text
            }
            if state?.isRunning == true { return .success(StepOutputs(), detail: text) }
            if current.status != "up" {
                return .failure(exitCode: nil, reason: "\(name) is \(current.status ?? "in no state") while its hosted-engine agent was awaited", lastLines: [])
            }
            if Date().timeIntervalSince(started) > timeout {
                return .failure(exitCode: nil, reason: "\(name) is up but its hosted engine is still not active after \(Int(timeout)) s (\(text)); "
                                + "look at ovirt-ha-agent on \(name): journalctl -u ovirt-ha-agent", lastLines: [])
            }
            runner.noteActivity(host)
            pause(link.target.pollInterval)
        }
    }

    static func keyInstalled(_ key: String, file: String) -> RemoteCommand {
        RemoteCommand(["grep", "-qxF", key, file])
    }

    func addHost(_ link: EngineLink, spec: EngineHostSpec) throws -> StepResult {
        let host = self.host
        return try call(link) { session in
            if let existing = try await session.host(named: spec.name) {
                guard existing.status == "install_failed" else {
                    return .success(StepOutputs(), detail: "already in the engine (\(existing.status ?? "no status")): not added again")
                }
                let marker = try await session.lastEventID() ?? 0
                link.setMarker(marker, host: host)
                try await session.reinstallHost(id: existing.id, authentication: spec.authentication,
                                                deployHostedEngine: spec.deployHostedEngine)
                return .success(StepOutputs(), detail: "it had ended install_failed: reinstalled")
            }
            let marker = try await session.lastEventID() ?? 0
            link.setMarker(marker, host: host)
            let added = try await session.addHost(spec)
            return .success(StepOutputs(), detail: "\(added.name) \(added.status ?? "added") (id \(added.id))")
        }
    }

    /// Until up (or a failure state), each new event about the host shown in its pane.
    func waitForHost(_ link: EngineLink, name: String, timeout: Double) throws -> StepResult {
        guard let found = try call(link, { try await $0.host(named: name) }) else {
            return .failure(exitCode: nil, reason: "the engine has no host named \(name)", lastLines: [])
        }
        var marker: Int
        if let known = link.marker(host: host) { marker = known } else { marker = try call(link) { try await $0.lastEventID() ?? 0 } }
        let started = Date()
        var lastStatus = ""
        var unresponsiveSince: Date?
        var errors: [String] = []
        var tail: [String] = []
        while true {
            if runner.isCancelled { return .failure(exitCode: nil, reason: "cancelled (Ctrl-C)", lastLines: tail) }
            let since = marker
            let (current, events) = try call(link) { session in
                (try await session.host(id: found.id), try await session.events(after: since))
            }
            for event in events {
                marker = max(marker, event.id)
                guard event.hostID == found.id else { continue }
                let line = "[\(event.severity ?? "normal")] \(event.description)"
                show(line)
                tail = Array((tail + [line]).suffix(15))
                if ["error", "alert"].contains(event.severity ?? "") { errors.append(event.description) }
            }
            let status = current.status ?? ""
            if status != lastStatus {
                show("\(name): \(status)" + (current.statusDetail.map { " (\($0))" } ?? ""))
                lastStatus = status
            }
            // Right after an install the engine may lose the host for a moment; a minute of it is a failure.
            unresponsiveSince = status == "non_responsive" ? (unresponsiveSince ?? Date()) : nil
            switch status {
            case "up":
                return .success(StepOutputs(), detail: "up")
            case "non_responsive" where Date().timeIntervalSince(unresponsiveSince!) > 60:
                return .failure(exitCode: nil, reason: "\(name) has been non_responsive for more than 60 s"
                                + (errors.isEmpty ? "" : ": " + errors.joined(separator: "; ")), lastLines: tail)
            case "install_failed", "non_operational", "error":
                var reason = "\(name) is \(status)"
                if let detail = current.statusDetail, !detail.isEmpty { reason += " (\(detail))" }
                if !errors.isEmpty { reason += ": " + errors.joined(separator: "; ") }
                return .failure(exitCode: nil, reason: reason, lastLines: tail)
            default:
                break
            }
            if Date().timeIntervalSince(started) > timeout {
                return .failure(exitCode: nil, reason: "\(name) is still \(status) after \(Int(timeout)) s", lastLines: tail)
            }
            runner.noteActivity(host)
            pause(link.target.pollInterval)
        }
    }

    // MARK: - storage domains

    func addDomain(_ link: EngineLink, spec: EngineStorageDomainSpec, clusterName: String) throws -> StepResult {
        try call(link) { session in
            if let existing = try await Self.domain(session, name: spec.name, connection: spec.connection) {
                return .success(StepOutputs(), detail: "already in the engine (id \(existing.id)): not added again")
            }
            guard let cluster = try await session.cluster(named: clusterName) else {
                return .failure(exitCode: nil, reason: "the engine has no cluster named \(clusterName)", lastLines: [])
            }
            let up = try await session.hosts().filter { $0.status == "up" && $0.clusterID == cluster.id }
            guard let creator = up.first else {
                return .failure(exitCode: nil, reason: "no host of cluster \(clusterName) is up: a storage domain is created by an Up host", lastLines: [])
            }
            var sent = spec
            sent.host = creator.name
            let added = try await session.addStorageDomain(sent)
            return .success(StepOutputs(), detail: "\(added.name) (id \(added.id)) created by \(creator.name)")
        }
    }

    /// The domain by name, or by its connection: 3.4 keeps the name stored in an imported domain's metadata.
    static func domain(_ session: EngineSession, name: String, connection: String) async throws -> EngineStorageDomain? {
        if let named = try await session.storageDomain(named: name) { return named }
        return try await session.storageDomains().first { domain in
            guard let address = domain.address, let path = domain.path else { return false }
            return "\(address):\(path)" == connection
        }
    }

    func attachDomain(_ link: EngineLink, name: String, connection: String, dataCenterName: String, timeout: Double) throws -> StepResult {
        let (domain, dataCenter) = try call(link) { session in
            (try await Self.domain(session, name: name, connection: connection), try await session.dataCenter(named: dataCenterName))
        }
        guard let domain else { return .failure(exitCode: nil, reason: "the engine has no storage domain named \(name)", lastLines: []) }
        guard let dataCenter else { return .failure(exitCode: nil, reason: "the engine has no data center named \(dataCenterName)", lastLines: []) }
        if try call(link, { try await $0.attachedStorageDomain(id: domain.id, dataCenterID: dataCenter.id) }) == nil {
            _ = try call(link) { try await $0.attachStorageDomain(id: domain.id, dataCenterID: dataCenter.id) }
            show("\(name) attached to \(dataCenterName)")
        }
        let started = Date()
        var activated = false
        var last = ""
        while true {
            if runner.isCancelled { return .failure(exitCode: nil, reason: "cancelled (Ctrl-C)", lastLines: []) }
            let status = try call(link) { try await $0.attachedStorageDomain(id: domain.id, dataCenterID: dataCenter.id)?.status } ?? "not attached"
            if status != last {
                show("\(name) in \(dataCenterName): \(status)")
                last = status
            }
            switch status {
            case "active":
                return .success(StepOutputs(), detail: "active in \(dataCenterName)")
            case "maintenance" where !activated:
                try call(link) { try await $0.activateStorageDomain(id: domain.id, dataCenterID: dataCenter.id) }
                show("\(name) stayed in maintenance: activated")
                activated = true
            case "inactive", "unknown", "not attached":
                return .failure(exitCode: nil, reason: "\(name) is \(status) in data center \(dataCenterName)", lastLines: [])
            default:
                break
            }
            if Date().timeIntervalSince(started) > timeout {
                return .failure(exitCode: nil, reason: "\(name) is still \(status) in \(dataCenterName) after \(Int(timeout)) s", lastLines: [])
            }
            pause(link.target.pollInterval)
        }
    }

    // MARK: - resume

    /// Whether the engine already has the step's effect.
    func verifyEngine(_ probe: EngineProbe, step: PlanStep) -> Bool {
        guard let link = runner.engine else { return false }
        do {
            switch probe {
            case let .clusterCPU(name, cpu):
                return try call(link) { try await $0.cluster(named: name)?.cpuType } == cpu
            case .hostAdded(let name):
                guard let status = try call(link, { try await $0.host(named: name) })?.status else { return false }
                return status != "install_failed"
            case .hostUp(let name):
                return try call(link) { try await $0.host(named: name)?.status } == "up"
            case let .domainExists(name, connection):
                return try call(link) { try await Self.domain($0, name: name, connection: connection) } != nil
            case let .domainActive(name, connection, dataCenterName):
                return try call(link) { session in
                    guard let domain = try await Self.domain(session, name: name, connection: connection),
                          let dc = try await session.dataCenter(named: dataCenterName) else { return false }
                    return try await session.attachedStorageDomain(id: domain.id, dataCenterID: dc.id)?.status == "active"
                }
            case .caPinned:
                return link.hasPinnedCA
            case .hostedEngineActive(let name):
                return try call(link) { session in
                    guard let host = try await session.host(named: name) else { return false }
                    return try await session.hostWithAllContent(id: host.id).hostedEngine?.isRunning == true
                }
            case .engineKeyInstalled:
                let key = try call(link) { try await $0.engineSSHPublicKey() }
                let out = try connect().capture(Self.keyInstalled(key, file: runner.options.rootAuthorizedKeys),
                                                options: ExecOptions(timeout: 60, asRoot: step.runsAsRoot))
                return out.result.succeeded
            }
        } catch {
            note("probe of \(step.id) could not read the engine: \(plan.masker.mask("\(error)"))")
            return false
        }
    }
}
