import EngineAPI
import Foundation
import OtopiKit

/// A step done through the engine's REST API (the platform flow: the seed's chapter 13), or over SSH with what
/// the engine gives (its SSH public key). Typed until the engine client sends it; `plan` shows each as the request
/// it makes, with the password masked.
package enum EngineStep: Sendable {
    /// Puts the engine's SSH public key (pki-resource, OPENSSH-PUBKEY) into root's authorized_keys on this step's
    /// host, over the wizard's own SSH connection (idempotent; restorecon where SELinux is).
    case installEngineKey
    /// The cluster's CPU type (`PUT /clusters/{id}`).
    case setClusterCPU(cluster: String, cpu: String)
    /// `POST /hosts`; an existing host of that name is not added again (one left `install_failed` is reinstalled).
    case addHost(EngineHostSpec)
    /// Polls the host until `up`, showing the engine's install events; fails on `install_failed`,
    /// `non_operational` or `error` with the engine's reason.
    case waitForHostUp(name: String, timeout: Double)
    /// `POST /storagedomains`, created by an Up host of `cluster` (chosen when it runs); an existing domain of that
    /// name is not added again.
    case addStorageDomain(EngineStorageDomainSpec, cluster: String)
    /// `POST /datacenters/{dc}/storagedomains`, then waits for `active` (activates one left in maintenance).
    case attachStorageDomain(name: String, connection: String, dataCenter: String, timeout: Double)
    /// Reads the engine's CA over the wizard's host-key-verified SSH connection to this step's host, a host the
    /// engine has enrolled (host-deploy puts the engine CA in vdsm's `cacert.pem`), and pins it for this run's
    /// engine calls once the engine's certificate and name verify against it and the login works. How a hosted
    /// engine's additional hosts reach the engine the first host's deploy has just made.
    case pinCAFromHost(path: String)
    /// Polls the host (`all_content=true`) until its `hosted_engine` is configured and active: the HA agent that
    /// host-deploy set up reports to the shared storage.
    case waitForHostedEngine(name: String, timeout: Double)

    /// What the step is, for the digest (the password masked: a hash of it would let a digest test guesses).
    func fingerprint(version: EngineAPIVersion) -> String { "engine " + request(version: version).joined(separator: "\n") }

    /// The request(s) the step makes in `version`'s API, method, path and body, as `plan` prints them (password masked).
    package func request(version v: EngineAPIVersion) -> [String] {
        let api = EngineEndpoint.apiRoot
        switch self {
        case .installEngineKey:
            return ["GET /ovirt-engine/services/pki-resource?resource=engine-certificate&format=OPENSSH-PUBKEY",
                    "then over SSH on this host: the key appended to /root/.ssh/authorized_keys unless it is there (mode 0600)"]
        case let .setClusterCPU(cluster, cpu):
            return ["PUT \(api)/clusters/{id of cluster \(cluster)}", EngineRequests.clusterCPU(cpu, version: v).rendered]
        case .addHost(let spec):
            return ["POST \(api)/hosts\(EngineRequests.addHostQuery(version: v, deployHostedEngine: spec.deployHostedEngine))",
                    EngineRequests.addHost(Self.masked(spec), version: v).rendered]
        case let .waitForHostUp(name, timeout):
            return ["GET \(api)/hosts/{id of \(name)} until up (at most \(Int(timeout)) s), and GET \(api)/events?from=N for its install progress"]
        case let .addStorageDomain(spec, cluster):
            var shown = spec
            shown.host = "{an Up host of cluster \(cluster)}"
            return ["POST \(api)/storagedomains", EngineRequests.addStorageDomain(shown, version: v).rendered]
        case let .attachStorageDomain(name, _, dataCenter, timeout):
            return ["POST \(api)/datacenters/{id of \(dataCenter)}/storagedomains",
                    EngineRequests.attach(storageDomainID: "{id of \(name)}").rendered,
                    "then GET \(api)/datacenters/{id}/storagedomains/{id} until active (at most \(Int(timeout)) s; activated if it stays in maintenance)"]
        case .pinCAFromHost(let path):
            return ["over SSH on this host: the engine's CA from \(path) (host-deploy's copy), then GET \(api) with it",
                    "the engine's certificate and name verified against that CA, the login checked, then the CA pinned for the engine steps"]
        case let .waitForHostedEngine(name, timeout):
            return ["GET \(api)/hosts/{id of \(name)}?all_content=true until its hosted_engine is configured and active (at most \(Int(timeout)) s)"]
        }
    }

    /// Whether it needs the SSH connection to its host (the others only talk to the engine).
    var usesSSH: Bool {
        switch self {
        case .installEngineKey, .pinCAFromHost: return true
        default: return false
        }
    }

    static func masked(_ spec: EngineHostSpec) -> EngineHostSpec {
        var shown = spec
        if case .password = spec.authentication { shown.authentication = .password(EnginePassword(Secrets.mask)) }
        return shown
    }
}

/// How a resumed run tells that an engine step's effect is in place: it reads the engine's state.
package enum EngineProbe: Sendable {
    case clusterCPU(cluster: String, cpu: String)
    /// A host of that name exists and did not end `install_failed`.
    case hostAdded(name: String)
    case hostUp(name: String)
    /// A storage domain of that name, or on that connection (`server:/path`: 3.4 keeps an imported domain's own
    /// name), exists.
    case domainExists(name: String, connection: String)
    /// The domain is `active` in the data center.
    case domainActive(name: String, connection: String, dataCenter: String)
    /// The engine's key is in root's authorized_keys on the step's host (read over SSH).
    case engineKeyInstalled
    /// This run has pinned the engine's CA (never true at the start of a run: a resumed run reads it again).
    case caPinned
    /// The host's hosted_engine is configured and active.
    case hostedEngineActive(name: String)

    var fingerprint: String {
        switch self {
        case let .clusterCPU(cluster, cpu): return "cluster \(cluster) has CPU \(cpu)"
        case .hostAdded(let name): return "host \(name) exists in the engine (not install_failed)"
        case .hostUp(let name): return "host \(name) is up"
        case let .domainExists(name, connection): return "storage domain \(name) (\(connection)) exists"
        case let .domainActive(name, connection, dataCenter): return "storage domain \(name) (\(connection)) is active in data center \(dataCenter)"
        case .engineKeyInstalled: return "the engine's SSH key is in /root/.ssh/authorized_keys"
        case .caPinned: return "the engine's CA is pinned for this run (read again on resume)"
        case .hostedEngineActive(let name): return "host \(name)'s hosted engine is configured and active"
        }
    }
}

/// How `apply` reaches the engine of a platform plan: where, as whom, which CA it pins, which API it expects.
package struct EngineTarget: Sendable {
    package var endpoint: EngineEndpoint
    package var credentials: EngineCredentials
    /// The pinned CA; nil until `apply` resolved it (`plan` shows the steps without it).
    package var ca: EngineCA?
    /// v3 for a 3.4 flow, v4 for 4.5: the engine must answer in it.
    package var expectedVersion: EngineAPIVersion
    /// Seconds between polls of a host or a domain (the engine's own tooling polls every 3 s).
    package var pollInterval: Double = 3

    package init(endpoint: EngineEndpoint, credentials: EngineCredentials, ca: EngineCA?, expectedVersion: EngineAPIVersion) {
        self.endpoint = endpoint
        self.credentials = credentials
        self.ca = ca
        self.expectedVersion = expectedVersion
    }
}
