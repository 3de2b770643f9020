import EngineAPI
import Foundation
import HostOps
import SSHKit
import WizardCore

/// The seed's chapter 13 as a plan: the storage exports checked over SSH on their servers before anything is sent
/// (owned 36:36; the data and ISO exports empty; the export domain's path holding the domain to import), the
/// cluster's CPU, every host added (the engine's key installed first with `sshkey`) and waited for until up, then
/// the data domain added and attached first, the ISO domain, the export domain imported.
///
/// One plan per host the wizard reaches: the engine host's plan holds the cluster and storage-domain steps, each
/// added host's plan its key, its add and its wait (so its pane shows its own install), a storage server's plan
/// its checks. The waits between them are the order the engine needs.
package struct PlatformPlanner: Sendable {
    package var remoteBase: String
    /// Seconds a host may take to come up after it was added (4.5 may reboot it; the engine's own tools wait 10-20 min).
    package var hostTimeout: Double = 1800
    /// Seconds a domain may take to become active after it was attached.
    package var domainTimeout: Double = 600

    package init(remoteBase: String = "/var/lib/ovirt-wizard") { self.remoteBase = remoteBase }

    package struct Problem: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    /// `answerFile`: the platform answer file's path; `options`: how every host is reached over SSH.
    package func plan(_ answers: PlatformAnswers, answerFile: String, options: ConnectOptions,
                      engine: EngineTarget) throws(Problem) -> DeploymentPlan {
        guard answers.confirmed else {
            throw Problem(description: "\(answerFile): \(PlatformAnswers.confirmSettingsKey) is not True: the preview was not confirmed (run: ovirt-wizard plain --flow platform --answers \(answerFile))")
        }
        let version = engine.expectedVersion
        let engineHost = answers.engineLogin.host!
        var order: [String] = []
        var logins: [String: TargetLogin] = [:]
        var steps: [String: [PlanStep]] = [:]
        func add(_ host: String, _ login: TargetLogin, _ step: PlanStep) {
            if logins[host] == nil {
                order.append(host)
                logins[host] = login
            }
            steps[host, default: []].append(step)
        }
        func ensure(_ host: String, _ login: TargetLogin) {
            if logins[host] == nil {
                order.append(host)
                logins[host] = login
                steps[host] = []
            }
        }
        ensure(engineHost, answers.engineLogin)

        // 1. The exports, checked on their servers before anything is sent to the engine.
        var checks: [StepReference] = []
        for domain in answers.domains {
            let server = domain.server
            let login = answers.engineLogin.reaching(server)
            let step = Self.exportCheck(domain)
            add(server, logins[server] ?? login, step)
            checks.append(StepReference(host: server, step: step.id))
        }

        // 2. The cluster's CPU before any host joins it (the first host's CPU would become the cluster's).
        var beforeHosts = checks
        if let cpu = answers.clusterCPU {
            let step = PlanStep(id: "set-cluster-cpu", title: "Set the CPU of cluster \(answers.cluster) to \(cpu)",
                                action: .engine(.setClusterCPU(cluster: answers.cluster, cpu: cpu), version: version),
                                changesHost: true, probe: .engine(.clusterCPU(cluster: answers.cluster, cpu: cpu)),
                                skipIsSafe: true, skipNote: "the first host's CPU then becomes the cluster's; a weaker host later goes non-operational",
                                waitsFor: checks, timeout: nil)
            add(engineHost, answers.engineLogin, step)
            beforeHosts = [StepReference(host: engineHost, step: step.id)]
        }

        // 3. Every host: the engine's key (sshkey), the add, the wait until up.
        var hostsUp: [StepReference] = []
        for host in answers.hosts {
            let name = host.address
            ensure(name, host.login)
            if answers.hostAuth == .sshKey {
                add(name, host.login, PlanStep(
                    id: "install-engine-key", title: "Install the engine's SSH key for root on \(name)",
                    action: .engine(.installEngineKey, version: version), changesHost: true, probe: .engine(.engineKeyInstalled),
                    skipIsSafe: true, skipNote: "only if the engine's key is already in root's authorized_keys",
                    waitsFor: [], timeout: 120))
            }
            let authentication: EngineHostSpec.Authentication = answers.hostRootPassword.map { .password(EnginePassword($0.value)) } ?? .publicKey
            let spec = EngineHostSpec(name: host.name, address: host.address, cluster: answers.cluster,
                                      authentication: authentication, sshPort: host.login.port ?? 22)
            add(name, host.login, PlanStep(
                id: "add-host", title: "Add \(name) to cluster \(answers.cluster) as \(host.name)",
                action: .engine(.addHost(spec), version: version), changesHost: true, probe: .engine(.hostAdded(name: host.name)),
                skipIsSafe: false, skipNote: "the host is not in the engine otherwise", waitsFor: beforeHosts, timeout: nil))
            add(name, host.login, PlanStep(
                id: "wait-host-up", title: "Wait for \(host.name) to be up (the engine installs it)",
                action: .engine(.waitForHostUp(name: host.name, timeout: hostTimeout), version: version), changesHost: false,
                probe: .engine(.hostUp(name: host.name)), skipIsSafe: false,
                skipNote: "storage domains need an Up host", waitsFor: [], timeout: nil))
            hostsUp.append(StepReference(host: name, step: "wait-host-up"))
        }

        // 4. The domains: data first (the data center is initialized by it), then ISO, then the export domain imported.
        var previous = hostsUp + checks
        for domain in answers.domains {
            let function = EngineStorageDomainSpec.Function(rawValue: domain.role.rawValue)!
            let storage: EngineStorageDomainSpec.Storage = domain.storageType == .glusterfs
                ? .glusterfs(address: domain.server, volume: domain.path, mountOptions: nil)
                : .nfs(address: domain.server, path: domain.path, nfsVersion: nil)
            let spec = EngineStorageDomainSpec(name: domain.name, function: function, storage: storage, host: "",
                                               importExisting: domain.isImported)
            let verb = domain.isImported ? "Import" : "Add"
            add(engineHost, answers.engineLogin, PlanStep(
                id: "add-domain-\(domain.role.rawValue)",
                title: "\(verb) the \(domain.role.rawValue) domain \(domain.name) (\(domain.storageType.rawValue) \(domain.connection))",
                action: .engine(.addStorageDomain(spec, cluster: answers.cluster), version: version), changesHost: true,
                probe: .engine(.domainExists(name: domain.name, connection: domain.connection)), skipIsSafe: domain.role != .data,
                skipNote: domain.role == .data ? "the data center needs its data domain" : "the platform works without it",
                waitsFor: previous, timeout: nil))
            add(engineHost, answers.engineLogin, PlanStep(
                id: "attach-domain-\(domain.role.rawValue)",
                title: "Attach \(domain.name) to data center \(answers.dataCenter) and wait until it is active",
                action: .engine(.attachStorageDomain(name: domain.name, connection: domain.connection, dataCenter: answers.dataCenter,
                                                     timeout: domainTimeout), version: version),
                changesHost: true, probe: .engine(.domainActive(name: domain.name, connection: domain.connection, dataCenter: answers.dataCenter)),
                skipIsSafe: domain.role != .data,
                skipNote: domain.role == .data ? "the data center needs its data domain" : "the platform works without it",
                waitsFor: [], timeout: nil))
            previous = []
        }

        let secrets = [answers.adminPassword.value] + (answers.hostRootPassword.map { [$0.value] } ?? [])
        var plan = DeploymentPlan(hosts: try order.map { name throws(Problem) in
            guard let access = HostAccess(logins[name]!, options: options) else {
                throw Problem(description: "\(answerFile): \(name) cannot be reached as \(logins[name]!)")
            }
            return HostPlan(name: name, tool: .platform, access: access, answerFile: answerFile,
                            remoteDirectory: remoteBase + "/platform",
                            platform: .assumed("the platform flow installs nothing on the hosts"),
                            steps: steps[name] ?? [], secretValues: secrets)
        })
        plan.engine = engine
        if answers.domains.contains(where: { $0.storageType == .glusterfs }) {
            plan.warnings.append("a Gluster volume's emptiness cannot be read without mounting it: the engine refuses a volume that holds another domain (StorageDomainNotEmpty)")
        }
        return plan
    }

    /// The check of one domain's export on its server: read-only, before anything is sent.
    static func exportCheck(_ domain: PlatformAnswers.StorageDomain) -> PlanStep {
        let command: RemoteCommand
        let what: String
        switch (domain.storageType, domain.isImported) {
        case (.glusterfs, _):
            command = RemoteCommand.script(glusterOwnerScript, arguments: [String(domain.path.drop { $0 == "/" })])
            what = "volume \(domain.path.drop { $0 == "/" }) has storage.owner-uid/gid 36"
        case (.nfs, false):
            command = RemoteCommand.script(HostPreChecks.emptyExportScript, arguments: [domain.path])
            what = "\(domain.path) is owned 36:36 and empty"
        case (.nfs, true):
            command = RemoteCommand.script(exportDomainScript, arguments: [domain.path])
            what = "\(domain.path) is owned 36:36 and holds the export domain to import"
        }
        return PlanStep(id: "check-export-\(domain.role.rawValue)", title: "Check the \(domain.role.rawValue) export: \(what)",
                        action: .run(command, otopi: false, interactive: false), changesHost: false,
                        // Once the engine has the domain, the export holds it: a resumed run does not check it again.
                        probe: .engine(.domainExists(name: domain.name, connection: domain.connection)),
                        skipIsSafe: true, skipNote: "the engine then finds the problem itself (with a less precise message)",
                        waitsFor: [], timeout: 60)
    }

    /// The export domain made by `export-domain create`: one domain directory whose metadata says CLASS=Backup.
    static let exportDomainScript: StaticString = #"""
        p=$1
        [ -d "$p" ] || { echo "$p does not exist or is not a directory" >&2; exit 1; }
        owner=$(stat -c %u:%g "$p") || exit 1
        [ "$owner" = 36:36 ] || { echo "$p is owned by $owner, not 36:36 (vdsm:kvm): run chown -R 36:36 $p" >&2; exit 1; }
        n=0
        for m in "$p"/*/dom_md/metadata; do
          [ -f "$m" ] || continue
          n=$((n + 1))
          grep -qx 'CLASS=Backup' "$m" || { echo "$m is not an export domain's metadata (no CLASS=Backup)" >&2; exit 1; }
          echo "$p: export domain $(basename "$(dirname "$(dirname "$m")")")"
        done
        [ "$n" = 1 ] || { echo "$p holds $n storage domains; the export domain to import must be the only one (make it with: ovirt-wizard export-domain create)" >&2; exit 1; }
        """#

    /// A Gluster volume used by vdsm needs storage.owner-uid and -gid 36 (the seed: "36:36, vdsm.kvm").
    static let glusterOwnerScript: StaticString = #"""
        v=$1
        info=$(gluster volume info "$v" 2>&1) || { echo "gluster volume info $v: $info" >&2; exit 1; }
        for o in storage.owner-uid storage.owner-gid; do
          printf '%s\n' "$info" | grep -q "^$o: 36$" || { echo "volume $v: $o is not 36: run gluster volume set $v $o 36" >&2; exit 1; }
        done
        echo "volume $v: storage.owner-uid 36, storage.owner-gid 36"
        """#
}
