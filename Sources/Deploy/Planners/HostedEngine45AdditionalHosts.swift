import EngineAPI
import Foundation
import HostOps
import OtopiKit
import WizardCore

/// oVirt 4.5's additional hosted-engine hosts: since 4.0 they join through the engine, which installs each as a
/// host of the cluster and deploys hosted-engine on it (`POST /hosts?deploy_hosted_engine=true`; reference
/// hosted-engine-45.md §6); `hosted-engine --deploy` is never run on them. The plan: once the first host's deploy
/// finished, its copy of the engine's CA is read over SSH and pinned; each additional host gets the oVirt
/// repositories (host-deploy installs vdsm from them), the engine's SSH key, then is added, waited for until up,
/// and until its HA agent reports.
extension HostedEngine45Planner {
    /// Where host-deploy leaves the engine's CA on a host the engine enrolled (vdsm's certificates).
    static let vdsmCACertificate = "/etc/pki/vdsm/certs/cacert.pem"
    static let pinStepID = "pin-engine-ca"
    /// Seconds an added host may take to come up (host-deploy installs vdsm and the HA packages).
    static let hostUpTimeout: Double = 1800
    /// Seconds for its HA agent to report after it is up (the agent starts and reads the shared storage).
    static let agentTimeout: Double = 600

    /// The engine the first host's deploy created: its FQDN, the admin of the answers (`admin@ovirt@internalsso`
    /// when Keycloak is on, §9 P3), API v4. Its CA is pinned while the plan runs (`pinStep`).
    static func engineTarget(_ input: DeploymentInput) throws -> EngineTarget {
        guard let fqdn = input.string("OVEHOSTED_NETWORK/fqdn") ?? input.string("OVEHOSTED_VM/cloudinitInstanceHostName"), !fqdn.isEmpty else {
            throw DeploymentPlanner.Problem(description: "\(input.path): OVEHOSTED_VM/cloudinitInstanceHostName is missing (the additional hosts join the engine by its FQDN)")
        }
        guard let password = input.string(HostedEngineAdditionalHosts.adminPasswordKey), !password.isEmpty else {
            throw DeploymentPlanner.Problem(description: "\(input.path): \(HostedEngineAdditionalHosts.adminPasswordKey) is missing (the additional hosts are added through the engine as its admin)")
        }
        let user = input.bool("OVEHOSTED_CORE/enableKeycloak") == true ? "admin@ovirt@internalsso" : "admin@internal"
        return EngineTarget(endpoint: EngineEndpoint(fqdn: fqdn), credentials: EngineCredentials(user: user, password: EnginePassword(password)),
                            ca: nil, expectedVersion: .v4)
    }

    /// The first host's last step when it has additional hosts: the engine's CA from this host, pinned.
    func pinStep() -> PlanStep {
        PlanStep(id: Self.pinStepID, title: "Read the engine's CA on this host and pin it for the additional hosts",
                 action: .engine(.pinCAFromHost(path: Self.vdsmCACertificate), version: .v4), changesHost: false,
                 probe: .engine(.caPinned), skipIsSafe: false,
                 skipNote: "the additional hosts are added through the engine, which is trusted only through this CA",
                 waitsFor: [], timeout: 120)
    }

    func additionalHostPlan(_ input: DeploymentInput, _ additional: DeploymentInput.AdditionalHost, platform: HostPlatform,
                            release: OvirtRelease) throws -> HostPlan {
        let name = additional.name
        let engineName = additional.host.appHostName
        let cluster = input.string("OVEHOSTED_ENGINE/clusterName").flatMap { $0.isEmpty ? nil : $0 } ?? "Default"
        var steps = planner.commonSteps(input, release: release)
        steps.append(check("check-virtualization", "Check that the CPU has hardware virtualization", HostPreChecks.virtualization, [name],
                           note: "a hosted-engine host must be able to run the engine VM"))
        steps.append(PlanStep(id: "add-repository", title: "Add the oVirt 4.5 repositories", action: .run(release.addRepository, otopi: false, interactive: false),
                              changesHost: true, probe: .command(release.repositoryProbe), skipIsSafe: true,
                              skipNote: release.repositoryNote + " (the engine's host-deploy installs vdsm and the HA agent from them)",
                              waitsFor: [], timeout: 1800))
        // The engine logs in to the host with its own key: installed over the wizard's connection, no root password asked.
        steps.append(PlanStep(id: "install-engine-key", title: "Install the engine's SSH key for root on \(name)",
                              action: .engine(.installEngineKey, version: .v4), changesHost: true, probe: .engine(.engineKeyInstalled),
                              skipIsSafe: true, skipNote: "only if the engine's key is already in root's authorized_keys",
                              waitsFor: [StepReference(host: input.hostName, step: Self.pinStepID)], timeout: 120))
        let spec = EngineHostSpec(name: engineName, address: name, cluster: cluster, authentication: .publicKey,
                                  sshPort: additional.host.login.port ?? 22, deployHostedEngine: true)
        steps.append(PlanStep(id: "add-host", title: "Add \(name) to cluster \(cluster) as \(engineName), deploying hosted-engine on it",
                              action: .engine(.addHost(spec), version: .v4), changesHost: true, probe: .engine(.hostAdded(name: engineName)),
                              skipIsSafe: false, skipNote: "the host is not in the engine otherwise", waitsFor: [], timeout: nil))
        steps.append(PlanStep(id: "wait-host-up", title: "Wait for \(engineName) to be up (the engine installs it)",
                              action: .engine(.waitForHostUp(name: engineName, timeout: Self.hostUpTimeout), version: .v4), changesHost: false,
                              probe: .engine(.hostUp(name: engineName)), skipIsSafe: false,
                              skipNote: "the HA agent runs only on an Up host", waitsFor: [], timeout: nil))
        steps.append(PlanStep(id: "wait-hosted-engine", title: "Wait for \(engineName)'s hosted-engine HA agent",
                              action: .engine(.waitForHostedEngine(name: engineName, timeout: Self.agentTimeout), version: .v4), changesHost: false,
                              probe: .engine(.hostedEngineActive(name: engineName)), skipIsSafe: true,
                              skipNote: "the host works, but cannot run the engine VM until its agent reports",
                              waitsFor: [], timeout: nil))
        return HostPlan(name: name, tool: .hostedEngine, access: additional.access, answerFile: input.path,
                        remoteDirectory: planner.remoteBase + "/" + name, platform: platform, steps: steps,
                        secretValues: input.secretValues)
    }
}
