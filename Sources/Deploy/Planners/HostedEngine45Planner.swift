import Crypto
import Foundation
import HostOps
import OtopiKit
import WizardCore

/// The first host of an oVirt 4.5 hosted engine (`Screens/hosted-engine-4.5.yaml`): the read-only pre-checks of
/// reference hosted-engine-45.md §7/§9 that can be made before anything changes, the oVirt 4.5 repositories,
/// `ovirt-hosted-engine-setup` and the appliance, the answer file, then `hosted-engine --deploy` detached on the
/// host (its network moves onto the ovirtmgmt bridge mid-run, which may drop the SSH connection).
struct HostedEngine45Planner {
    let planner: DeploymentPlanner

    /// The libvirt NAT network hosted-engine's local engine VM uses unless told otherwise (§7, `he_ipv4_subnet_prefix`).
    static let defaultNATPrefix = "192.168.222"
    /// The engine VM's smallest memory (§3.3 V6) and hosted-engine's reserve on the host.
    static let minimumVMMemoryMB = 4096, hostReserveMB = 512
    /// `/var/tmp` must hold the unpacked appliance: at least 8 GB (SITE `ref-Host_Storage_Requirements`).
    static let varTmpKB = 8 * 1024 * 1024

    func hostPlan(_ input: DeploymentInput, platform: HostPlatform, release: OvirtRelease, deploymentHosts: Set<String>) throws -> HostPlan {
        let host = input.hostName
        let dir = planner.remoteBase + "/" + host
        guard let fqdn = input.string("OVEHOSTED_NETWORK/fqdn") ?? input.string("OVEHOSTED_VM/cloudinitInstanceHostName"), !fqdn.isEmpty else {
            throw DeploymentPlanner.Problem(description: "\(input.path): OVEHOSTED_VM/cloudinitInstanceHostName is missing (hosted-engine needs the engine VM's FQDN)")
        }
        let memory = try vmMemory(input)
        var steps = planner.commonSteps(input, release: release)
        // Read-only checks first: they change nothing, and each names the host and the value it found.
        steps.append(check("check-virtualization", "Check that the CPU has hardware virtualization", HostPreChecks.virtualization, [host],
                           note: "the engine VM cannot start without VT-x or AMD-V"))
        steps.append(check("check-memory", "Check the free memory for the engine VM (\(memory) MB)", HostPreChecks.freeMemoryForVM, [host, String(memory)],
                           note: "hosted-engine refuses to create a VM larger than the free memory"))
        steps.append(check("check-var-tmp", "Check the space in /var/tmp for the appliance", HostPreChecks.varTmpSpace, [host, String(Self.varTmpKB)],
                           note: "the appliance is unpacked in /var/tmp; the deploy fails when it does not fit", skipIsSafe: true))
        steps.append(check("check-firewalld", "Check that firewalld is running", HostPreChecks.firewalldActive,
                           [host, "firewalld is required to be enabled and active in order to correctly deploy hosted-engine (systemctl enable --now firewalld)"],
                           note: "hosted-engine 4.5 stops when firewalld is not active"))
        let nat = natPrefix(input)
        steps.append(check("check-nat-network", "Check that \(nat).0/24 is free for the engine VM's NAT network", HostPreChecks.natNetworkFree, [host, nat],
                           note: "hosted-engine looks for another free 192.168.N.0/24 itself", skipIsSafe: true))
        steps.append(check("check-engine-fqdn", "Check DNS of the engine VM's name \(fqdn)", HostPreChecks.engineVMName, [host, fqdn],
                           note: "hosted-engine stops when the engine FQDN does not resolve or resolves to this host"))
        if let name = input.string("OVEHOSTED_NETWORK/host_name"), !name.isEmpty {
            steps.append(check("check-host-fqdn", "Check DNS of this host's name \(name)", HostPreChecks.nameOfThisHost,
                               [host, name, "this host's name", "OVEHOSTED_NETWORK/host_name", "non-loopback", "the engine could not reach the host by that name"],
                               note: "the engine reaches the host by this name; hosted-engine refuses a name that is not on this host"))
        }
        // NFS storage served by this host itself: its export is checked here (another server's on its own plan).
        if let export = Self.nfsExport(input), export.server == host {
            steps.append(Self.exportCheck(export.path))
        }

        steps.append(PlanStep(id: "add-repository", title: "Add the oVirt 4.5 repositories", action: .run(release.addRepository, otopi: false, interactive: false),
                              changesHost: true, probe: .command(release.repositoryProbe), skipIsSafe: true,
                              skipNote: release.repositoryNote, waitsFor: [], timeout: 1800))
        // The appliance comes from its rpm unless the answers name an OVA (V4): installed now, not mid-deploy.
        var packages = [DeployTool.hostedEngine.package]
        if (input.string("OVEHOSTED_VM/ovfArchive") ?? "").isEmpty { packages.append("ovirt-engine-appliance") }
        let pm = platform.packageManager
        steps.append(PlanStep(id: "install-packages", title: "Install \(packages.joined(separator: " and "))", action: .run(pm.install(packages), otopi: false, interactive: false),
                              changesHost: true, probe: .command(PackageManager.installedProbe(packages)), skipIsSafe: false,
                              skipNote: "hosted-engine comes with ovirt-hosted-engine-setup", waitsFor: [], timeout: 3600))
        steps.append(PlanStep(id: "prepare-directory", title: "Create \(dir)", action: .run(RemoteCommand(["mkdir", "-p", "-m", "0700", dir + "/done"]), otopi: false, interactive: false),
                              changesHost: true, probe: .command(RemoteCommand(["test", "-d", dir + "/done"])), skipIsSafe: false,
                              skipNote: "the answer file goes there", waitsFor: [], timeout: 60))

        let remoteAnswers = "\(dir)/hosted-engine-answers.conf"
        let answers: HostAnswerFile
        do {
            answers = try input.hostAnswerFile()
        } catch {
            throw DeploymentPlanner.Problem(description: "\(input.path): cannot write the answer file for hosted-engine: \(error)")
        }
        let hash = SHA256.hash(data: Data(answers.text.utf8)).map { String(format: "%02x", $0) }.joined()
        steps.append(PlanStep(id: "upload-answers", title: "Upload the answer file", action: .upload(Upload(source: .generated(text: answers.text, shown: answers.masked), remotePath: remoteAnswers, mode: 0o600, sha256: hash)),
                              changesHost: true, probe: .remoteHashMatches, skipIsSafe: false,
                              skipNote: "hosted-engine reads its answers from it, including those it never writes itself (passwords, bridgeIf, host_name)",
                              waitsFor: [], timeout: 600))

        let runID = "run-hosted-engine"
        var run = PlanStep(id: runID, title: "Run hosted-engine --deploy (detached on the host)",
                           action: .run(RemoteCommand(["hosted-engine", "--deploy", "--config-append=\(remoteAnswers)"]), otopi: true, interactive: false),
                           changesHost: true, probe: .marker(path: "\(dir)/done/\(runID)"), skipIsSafe: false,
                           skipNote: "this is the deployment itself", waitsFor: storageWaits(input, host: host, deploymentHosts: deploymentHosts), timeout: nil)
        run.detached = DetachedRun(directory: dir, step: runID)
        steps.append(run)
        steps.append(PlanStep(id: "fetch-results", title: "Fetch the generated answer file and the log path", action: .fetchResults(fromStep: runID),
                              changesHost: false, probe: .localFiles, skipIsSafe: true,
                              skipNote: "only copies files back; the host is already set up", waitsFor: [], timeout: 600))
        if !input.additionalHosts.isEmpty { steps.append(pinStep()) }
        return HostPlan(name: host, tool: .hostedEngine, access: input.access, answerFile: input.path, remoteDirectory: dir,
                        platform: platform, steps: steps, secretValues: input.secretValues)
    }

    func check(_ id: String, _ title: String, _ script: StaticString, _ arguments: [String], note: String, skipIsSafe: Bool = false) -> PlanStep {
        HostPreChecks.step(id, title, script, arguments, note: note, skipIsSafe: skipIsSafe)
    }

    func vmMemory(_ input: DeploymentInput) throws -> Int {
        guard let item = input.environment["OVEHOSTED_VM/vmMemSizeMB"] else { return 16384 }
        let text = item.value.displayText
        guard let value = Int(text) else {
            throw DeploymentPlanner.Problem(description: "\(input.path): OVEHOSTED_VM/vmMemSizeMB is '\(text)', not a number of MB")
        }
        guard value >= Self.minimumVMMemoryMB else {
            throw DeploymentPlanner.Problem(description: "\(input.path): OVEHOSTED_VM/vmMemSizeMB is \(value) MB; the engine VM needs at least \(Self.minimumVMMemoryMB) MB")
        }
        return value
    }

    /// `he_ipv4_subnet_prefix` from `OVEHOSTED_CORE/ansibleUserExtraVars` (`var=val …`), else 192.168.222.
    func natPrefix(_ input: DeploymentInput) -> String {
        let vars = input.string("OVEHOSTED_CORE/ansibleUserExtraVars") ?? ""
        for word in vars.split(whereSeparator: { $0 == " " || $0 == "," }) where word.hasPrefix("he_ipv4_subnet_prefix=") {
            return String(word.dropFirst("he_ipv4_subnet_prefix=".count))
        }
        return Self.defaultNATPrefix
    }

    /// Storage served by another host of this deployment (a Gluster volume it builds) must be ready first.
    func storageWaits(_ input: DeploymentInput, host: String, deploymentHosts: Set<String>) -> [StepReference] {
        guard let connection = input.string("OVEHOSTED_STORAGE/storageDomainConnection"), let colon = connection.firstIndex(of: ":") else { return [] }
        let server = String(connection[..<colon])
        return server != host && deploymentHosts.contains(server) ? [StepReference(host: server, step: nil)] : []
    }

    // MARK: - The NFS export (P19)

    static let exportCheckID = "check-nfs-export"

    /// The NFS export of the answers (`OVEHOSTED_STORAGE/domainType` nfs, or the pre-4.2 nfs3/nfs4, and
    /// `storageDomainConnection` `server:/path`, the server in brackets when it is an IPv6 address); nil otherwise.
    static func nfsExport(_ input: DeploymentInput) -> (server: String, path: String)? {
        guard let type = input.string("OVEHOSTED_STORAGE/domainType")?.lowercased(), ["nfs", "nfs3", "nfs4"].contains(type),
              let connection = input.string("OVEHOSTED_STORAGE/storageDomainConnection") else { return nil }
        var server: Substring, rest: Substring
        if connection.hasPrefix("["), let close = connection.firstIndex(of: "]") {
            server = connection[connection.index(after: connection.startIndex)..<close]
            rest = connection[connection.index(after: close)...]
        } else {
            guard let colon = connection.firstIndex(of: ":") else { return nil }
            server = connection[..<colon]
            rest = connection[colon...]
        }
        guard rest.hasPrefix(":/"), !server.isEmpty else { return nil }
        var path = String(rest.dropFirst())
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return (String(server), path)
    }

    /// The export checked on its server over SSH before the deploy, as the platform flow checks its exports: owned
    /// 36:36 and empty. Read-only; skippable (a NAS the wizard cannot log in to).
    static func exportCheck(_ path: String) -> PlanStep {
        let command = RemoteCommand.script(HostPreChecks.emptyExportScript, arguments: [path])
        return PlanStep(id: exportCheckID, title: "Check the NFS export for hosted-engine's storage domain: \(path) is owned 36:36 and empty",
                        action: .run(command, otopi: false, interactive: false), changesHost: false,
                        // Once hosted-engine made its domain there the export holds it: a resumed run still passes.
                        probe: .command(RemoteCommand.script(HostPreChecks.exportEmptyOrInUseScript, arguments: [path])),
                        skipIsSafe: true,
                        skipNote: "safe when the export is right but the server takes no SSH login (a NAS): hosted-engine then finds a wrong export itself, with the vaguer \"There was some problem with the storage domain\"",
                        waitsFor: [], timeout: 60)
    }

    /// The export checks of the 4.5 first hosts whose NFS server is another machine, each on the server's own
    /// plan reached with the first host's login (a plan of its own, or the end of that host's plan when the server
    /// is a host of this deployment), and each first host's deploy waiting for it.
    static func addExportChecks(_ inputs: [DeploymentInput], to hosts: inout [HostPlan], remoteBase: String) throws {
        for input in inputs where input.tool == .hostedEngine && input.kind.flow?.version == "4.5" {
            guard let export = nfsExport(input), export.server != input.hostName else { continue }
            var step = exportCheck(export.path)
            let index: Int
            if let existing = hosts.firstIndex(where: { $0.name == export.server && $0.engineVM == nil }) {
                index = existing
                if let same = hosts[index].steps.first(where: { $0.action.fingerprint == step.action.fingerprint }) {
                    try wait(input, for: StepReference(host: export.server, step: same.id), in: &hosts)
                    continue
                }
                var n = 2
                while hosts[index].steps.contains(where: { $0.id == step.id }) {
                    step.id = "\(exportCheckID)-\(n)"
                    n += 1
                }
                hosts[index].steps.append(step)
            } else {
                let login: TargetLogin
                do {
                    login = try TargetLogin(environment: input.environment).reaching(export.server)
                } catch {
                    throw DeploymentPlanner.Problem(description: "\(input.path): \(error)")
                }
                guard let access = HostAccess(login, options: input.access.options) else {
                    throw DeploymentPlanner.Problem(description: "\(input.path): the NFS server \(export.server) cannot be reached as \(login)")
                }
                hosts.append(HostPlan(name: export.server, tool: .hostedEngine, access: access, answerFile: input.path,
                                      remoteDirectory: remoteBase + "/" + export.server,
                                      platform: .assumed("the NFS server of \(input.hostName): its export is only read"),
                                      steps: [step], secretValues: input.secretValues))
                index = hosts.count - 1
            }
            try wait(input, for: StepReference(host: export.server, step: hosts[index].steps.last!.id), in: &hosts)
        }
    }

    /// Makes `input`'s hosted-engine run wait for `reference` too.
    private static func wait(_ input: DeploymentInput, for reference: StepReference, in hosts: inout [HostPlan]) throws {
        guard let h = hosts.firstIndex(where: { $0.name == input.hostName && $0.engineVM == nil }),
              let s = hosts[h].steps.firstIndex(where: { $0.id == "run-hosted-engine" }) else {
            throw DeploymentPlanner.Problem(description: "\(input.path): no run-hosted-engine step on \(input.hostName) to wait for the NFS export's check")
        }
        if !hosts[h].steps[s].waitsFor.contains(reference) { hosts[h].steps[s].waitsFor.append(reference) }
    }
}
