import Crypto
import Foundation
import HostOps
import OtopiKit
import SSHKit
import WizardCore

/// Turns answer files into a plan. Pure: the host platforms are handed in (probed or assumed by the caller).
package struct DeploymentPlanner: Sendable {
    /// The oVirt 3.4 release package of the seed tutorial (`yum localinstall …/ovirt-release.noarch.rpm`).
    package static let releaseRPM = "http://resources.ovirt.org/releases/ovirt-release.noarch.rpm"
    /// Where the wizard keeps its files on each host; the host's name is appended.
    package var remoteBase: String

    package init(remoteBase: String = "/var/lib/ovirt-wizard") {
        self.remoteBase = remoteBase
    }

    package struct Problem: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    package func plan(_ inputs: [DeploymentInput], platforms: [String: HostPlatform]) throws -> DeploymentPlan {
        var seen: [String: String] = [:]
        for input in inputs {
            for name in input.hosts.map(\.name) {
                if let other = seen[name] {
                    throw Problem(description: "\(input.path): host \(name) is already the target of \(other); one answer file per host")
                }
                seen[name] = input.path
            }
        }
        let names = Set(seen.keys)
        var hosts = try inputs.map { input in
            try hostPlan(input, platform: platforms[input.hostName] ?? .assumed("not probed"), deploymentHosts: names)
        }
        // The engine VMs, each right after its host, whose engine-installation loop runs it.
        try addEngineVMs(inputs, to: &hosts, taken: names)
        // hosted-engine's additional hosts come after every first host: they deploy once their first host finished.
        for input in inputs {
            for additional in input.additionalHosts {
                hosts.append(try hostPlan(input, additional: additional, platform: platforms[additional.name] ?? .assumed("not probed"),
                                          deploymentHosts: names))
            }
        }
        // hosted-engine 4.5's NFS export, checked on its server before the deploy.
        try HostedEngine45Planner.addExportChecks(inputs, to: &hosts, remoteBase: remoteBase)
        var plan = DeploymentPlan(hosts: hosts)
        // 4.5's additional hosted-engine hosts are added through the engine the first host's deploy creates.
        let joining = inputs.filter { $0.tool == .hostedEngine && $0.kind.flow?.version == "4.5" && !$0.additionalHosts.isEmpty }
        if joining.count > 1 {
            throw Problem(description: "\(joining[1].path): one hosted engine with additional hosts per apply (\(joining[0].path) has some already): its hosts are added through that engine")
        }
        if let input = joining.first { plan.engine = try HostedEngine45Planner.engineTarget(input) }
        return plan
    }

    /// The steps of `input`'s target host, or (`additional`) of one of its hosted-engine additional hosts.
    func hostPlan(_ input: DeploymentInput, additional: DeploymentInput.AdditionalHost? = nil, platform: HostPlatform,
                  deploymentHosts: Set<String>) throws -> HostPlan {
        let tool = input.tool
        guard tool != .generic else { throw Problem(description: "\(input.path): a generic plan is read with --plan, not planned from answers") }
        let hostName = additional?.name ?? input.hostName
        let dir = remoteBase + "/" + hostName
        let pm = platform.packageManager
        let release = OvirtRelease.of(flowVersion: input.kind.flow?.version, packageManager: pm)
        if tool == .hostedEngine, release.version == "4.5" {
            let planner = HostedEngine45Planner(planner: self)
            if let additional { return try planner.additionalHostPlan(input, additional, platform: platform, release: release) }
            return try planner.hostPlan(input, platform: platform, release: release, deploymentHosts: deploymentHosts)
        }
        var steps = commonSteps(input, release: release)

        switch tool {
        case .gluster:
            // DeploymentInput never reads a gluster file; GlusterDeploymentPlanner plans those.
            throw Problem(description: "\(input.path): a gluster flow answer file is planned by GlusterDeploymentPlanner")
        case .exportDomain: throw Problem(description: "\(input.path): an export-domain answer file is planned by ExportDomainPlanner")
        case .platform: throw Problem(description: "\(input.path): a platform answer file is planned by PlatformPlanner")
        case .generic: break
        case .engineSetup:
            guard let fqdn = input.string("OVESETUP_CONFIG/fqdn"), !fqdn.isEmpty else {
                throw Problem(description: "\(input.path): OVESETUP_CONFIG/fqdn is missing (engine-setup needs the engine host's FQDN)")
            }
            if release.version == "4.5" {
                steps += engineSetup45Checks(input, fqdn: fqdn)
                break
            }
            let check = RemoteCommand.script(#"""
                a=$(getent ahosts "$1" | awk '{ print $1 }' | sort -u)
                [ -n "$a" ] || { echo "$1 did not resolve into an IP address" >&2; exit 1; }
                mine=$(ip -o addr show 2>/dev/null | awk '{ sub("/.*", "", $4); print $4 }')
                for x in $a; do for y in $mine; do [ "$x" = "$y" ] && { echo "$1 resolves to $x, an address of this host"; exit 0; }; done; done
                echo "$1 resolves to $(echo $a), which is not an address of this host ($(echo $mine))" >&2; exit 1
                """#, arguments: [fqdn])
            steps.append(PlanStep(id: "check-fqdn", title: "Check that \(fqdn) resolves to this host", action: .run(check, otopi: false, interactive: false),
                                  changesHost: false, probe: .command(check), skipIsSafe: true,
                                  skipNote: "engine-setup 3.4 only warns about an FQDN that does not resolve here; certificates then name it anyway",
                                  waitsFor: [], timeout: 60, runsAsRoot: false))
        case .hostedEngine:
            guard let fqdn = input.string("OVEHOSTED_NETWORK/fqdn"), !fqdn.isEmpty else {
                throw Problem(description: "\(input.path): OVEHOSTED_NETWORK/fqdn is missing (hosted-engine needs the engine VM's FQDN)")
            }
            let check = RemoteCommand.script(#"""
                a=$(getent ahosts "$1" | awk '{ print $1 }' | sort -u)
                [ -n "$a" ] && { echo "$1 resolves to $(echo $a)"; exit 0; }
                echo "$1 did not resolve into an IP address: add it to DNS or /etc/hosts on every host" >&2; exit 1
                """#, arguments: [fqdn])
            steps.append(PlanStep(id: "check-fqdn", title: "Check that the engine VM's name \(fqdn) resolves", action: .run(check, otopi: false, interactive: false),
                                  changesHost: false, probe: .command(check), skipIsSafe: false,
                                  skipNote: "hosted-engine stops when the engine FQDN does not resolve", waitsFor: [], timeout: 60, runsAsRoot: false))
        }

        steps.append(PlanStep(id: "add-repository", title: "Add the oVirt release repository", action: .run(release.addRepository, otopi: false, interactive: false),
                              changesHost: true, probe: .command(release.repositoryProbe), skipIsSafe: true,
                              skipNote: release.repositoryNote, waitsFor: [], timeout: 1800))
        let install = pm.install([tool.package])
        steps.append(PlanStep(id: "install-packages", title: "Install \(tool.package)", action: .run(install, otopi: false, interactive: false),
                              changesHost: true, probe: .command(RemoteCommand(["rpm", "-q", tool.package])), skipIsSafe: false,
                              skipNote: "\(tool.rawValue) comes with this package", waitsFor: [], timeout: 3600))

        let prepare = RemoteCommand(["mkdir", "-p", "-m", "0700", dir + "/done"])
        steps.append(PlanStep(id: "prepare-directory", title: "Create \(dir)", action: .run(prepare, otopi: false, interactive: false),
                              changesHost: true, probe: .command(RemoteCommand(["test", "-d", dir + "/done"])), skipIsSafe: false,
                              skipNote: "the answer file goes there", waitsFor: [], timeout: 60))

        // Empty: the ISO is already on the host (the seed's case); the VM is created on the first host only.
        if tool == .hostedEngine, additional == nil, input.string("OVEHOSTED_VM/vmBoot") == "cdrom",
           let iso = input.string("OVIRT_WIZARD/isoUpload"), !iso.isEmpty, let remoteISO = input.string("OVEHOSTED_VM/vmCDRom") {
            steps.append(PlanStep(id: "upload-iso", title: "Upload the installation ISO", action: .upload(Upload(source: .localFile(iso), remotePath: remoteISO, mode: 0o644, sha256: nil)),
                                  changesHost: true, probe: .remoteHashMatches, skipIsSafe: false,
                                  skipNote: "the VM boots from this ISO", waitsFor: [], timeout: nil))
        }

        let remoteAnswers = "\(dir)/\(tool.rawValue)-answers.conf"
        if let additional {
            steps.append(additionalAnswersStep(input, additional, remotePath: remoteAnswers))
        } else {
            let answers: HostAnswerFile
            do {
                answers = try input.hostAnswerFile()
            } catch {
                throw Problem(description: "\(input.path): cannot write the answer file for \(tool.rawValue): \(error)")
            }
            let text = answers.text
            let hash = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
            steps.append(PlanStep(id: "upload-answers", title: "Upload the answer file", action: .upload(Upload(source: .generated(text: text, shown: answers.masked), remotePath: remoteAnswers, mode: 0o600, sha256: hash)),
                                  changesHost: true, probe: .remoteHashMatches, skipIsSafe: false,
                                  skipNote: "\(tool.rawValue) reads its answers from it", waitsFor: [], timeout: 600))
        }

        let runID = "run-\(tool.rawValue)"
        let command: RemoteCommand
        var waits: [StepReference] = []
        switch tool {
        case .gluster:
            throw Problem(description: "\(input.path): a gluster flow answer file is planned by GlusterDeploymentPlanner")
        case .exportDomain: throw Problem(description: "\(input.path): an export-domain answer file is planned by ExportDomainPlanner")
        case .platform: throw Problem(description: "\(input.path): a platform answer file is planned by PlatformPlanner")
        case .generic: throw Problem(description: "\(input.path): no tool to run")
        case .engineSetup:
            let offline = input.bool("OVIRT_WIZARD/offline") ?? (input.bool("OSETUP_RPMDISTRO/enableUpgrade") != true)
            command = RemoteCommand(["engine-setup"] + (offline ? ["--offline"] : []) + ["--config-append=\(remoteAnswers)"])
        case .hostedEngine:
            command = RemoteCommand(["hosted-engine", "--deploy", "--config-append=\(remoteAnswers)"])
            // Storage served by another host of this deployment must be ready first.
            if let connection = input.string("OVEHOSTED_STORAGE/storageDomainConnection"),
               let colon = connection.firstIndex(of: ":") {
                let server = String(connection[..<colon])
                if server != hostName, deploymentHosts.contains(server) { waits.append(StepReference(host: server, step: nil)) }
            }
        }
        if let additional {
            // Non-interactive: the answer file answers everything hosted-engine asks an additional host, except the
            // "(1) Continue setup - engine installation is complete" loop, which 3.4 still shows; the engine is up
            // (the first host finished), so the wizard answers 1. Anything else it asked would meet end of input.
            var step = PlanStep(id: runID, title: "Run \(tool.rawValue) (additional host, Host ID \(additional.host.hostID))",
                                action: .run(command, otopi: true, interactive: false),
                                changesHost: true, probe: .hostedEngineHostID(additional.host.hostID, configDirectory: Self.hostedEngineConfigDirectory),
                                skipIsSafe: false, skipNote: "this is the deployment itself", waitsFor: waits, timeout: nil)
            step.stdin = Array("1\n".utf8)
            steps.append(step)
        } else {
            steps.append(PlanStep(id: runID, title: "Run \(tool.rawValue)", action: .run(command, otopi: true, interactive: true),
                                  changesHost: true, probe: .marker(path: "\(dir)/done/\(runID)"), skipIsSafe: false,
                                  skipNote: "this is the deployment itself", waitsFor: waits, timeout: nil))
        }
        steps.append(PlanStep(id: "fetch-results", title: "Fetch the generated answer file and the log path", action: .fetchResults(fromStep: runID),
                              changesHost: false, probe: .localFiles, skipIsSafe: true,
                              skipNote: "only copies files back; the host is already set up", waitsFor: [], timeout: 600))

        return HostPlan(name: hostName, tool: tool, access: additional?.access ?? input.access, answerFile: input.path,
                        remoteDirectory: dir, platform: platform, steps: steps, secretValues: input.secretValues)
    }

    /// The steps every host plan starts with: the operating system, root, and the operator's /etc/hosts lines.
    func commonSteps(_ input: DeploymentInput, release: OvirtRelease) -> [PlanStep] {
        let tool = input.tool
        var steps: [PlanStep] = []

        steps.append(PlanStep(id: "check-os", title: "Check the operating system", action: .run(release.checkOS, otopi: false, interactive: false),
                              changesHost: false, probe: .command(release.checkOS), skipIsSafe: false,
                              skipNote: release.checkOSNote, waitsFor: [], timeout: 60, runsAsRoot: false))
        let root = RemoteCommand.script(#"u=$(id -u); [ "$u" -eq 0 ] && { echo "running as root"; exit 0; }; echo "logged in as $(id -un) (uid $u): $1 must run as root; set OVIRT_WIZARD/sshUser=str:root" >&2; exit 1"#,
                                        arguments: [tool.rawValue])
        steps.append(PlanStep(id: "check-root", title: "Check that commands run as root", action: .run(root, otopi: false, interactive: false),
                              changesHost: false, probe: .command(root), skipIsSafe: false,
                              skipNote: "\(tool.rawValue) refuses to run as another user", waitsFor: [], timeout: 60))

        if let lines = hostsLines(input), !lines.isEmpty {
            let add = RemoteCommand.script(#"for l in "$@"; do grep -qxF "$l" /etc/hosts || { printf '%s\n' "$l" >> /etc/hosts && echo "added to /etc/hosts: $l"; } || exit 1; done"#, arguments: lines)
            let present = RemoteCommand.script(#"for l in "$@"; do grep -qxF "$l" /etc/hosts || exit 1; done"#, arguments: lines)
            steps.append(PlanStep(id: "add-hosts-lines", title: "Add the /etc/hosts lines", action: .run(add, otopi: false, interactive: false),
                                  changesHost: true, probe: .command(present), skipIsSafe: true,
                                  skipNote: "safe when the names resolve through DNS instead", waitsFor: [], timeout: 60))
        }
        return steps
    }

    /// engine-setup 4.5's read-only pre-checks, before anything changes: the memory engine-setup checks itself
    /// (unless the answers turn its check off), forward and reverse DNS of the engine's FQDN, and firewalld running
    /// when the answers ask engine-setup to configure it. No /var space check: the reference gives no figure.
    func engineSetup45Checks(_ input: DeploymentInput, fqdn: String) -> [PlanStep] {
        let host = input.hostName
        var steps: [PlanStep] = []
        if input.bool("OVESETUP_SYSTEM/memCheckEnabled") != false {
            steps.append(HostPreChecks.step("check-memory", "Check the memory for the engine (at least 4096 MB, 16384 MB recommended)",
                                            HostPreChecks.totalMemoryForEngine, [host, "4096", "16384"],
                                            note: "engine-setup checks the memory itself and asks whether to go on with less", skipIsSafe: true))
        }
        // engine-setup 4.x only needs the name to resolve (reverse validation and non-loopback are off by default);
        // hosts and browsers reach the engine by it, and its certificates name it.
        let nonLoopback = input.bool("OVESETUP_CONFIG/fqdnNonLoopback") == true
        steps.append(HostPreChecks.step("check-fqdn", "Check DNS of the engine's name \(fqdn) (forward and reverse)", HostPreChecks.nameOfThisHost,
                                        [host, fqdn, "the engine's name", "OVESETUP_CONFIG/fqdn", nonLoopback ? "non-loopback" : "any",
                                         "the engine's certificates name it, and hosts and browsers reach the engine by it"],
                                        note: "engine-setup stops itself when the name does not resolve; a missing reverse record shows later, in the hosts and browsers that reach the engine",
                                        skipIsSafe: true))
        let manager = input.string("OVESETUP_CONFIG/firewallManager")?.lowercased() ?? "firewalld"
        if input.bool("OVESETUP_CONFIG/updateFirewall") == true, manager == "firewalld" {
            steps.append(HostPreChecks.step("check-firewalld", "Check that firewalld is running (engine-setup configures it)", HostPreChecks.firewalldActive,
                                            [host, "engine-setup is to configure it (OVESETUP_CONFIG/updateFirewall=bool:True): start it (systemctl enable --now firewalld), or set OVESETUP_CONFIG/updateFirewall=bool:False"],
                                            note: "safe when the engine's ports are opened another way", skipIsSafe: true))
        }
        return steps
    }

    /// Where hosted-engine 3.4 keeps its configuration on a host (answers.conf, hosted-engine.conf).
    package static let hostedEngineConfigDirectory = "/etc/ovirt-hosted-engine"

    /// An additional host's answer file: the first host's generated answers.conf, fetched by the first host's
    /// `fetch-results` step once its deploy finished, with this host's lines over it. Waiting for that step is
    /// what starts this host's deploy only after the first host's.
    func additionalAnswersStep(_ input: DeploymentInput, _ additional: DeploymentInput.AdditionalHost, remotePath: String) -> PlanStep {
        let shared: (String) -> OtopiValue? = { input.environment[$0]?.value }
        let composed = ComposedAnswerFile(
            baseHost: input.hostName, baseStep: "fetch-results",
            additions: HostedEngineAdditionalHosts.additions(for: additional.host, shared: shared),
            onReDeployment: [HostedEngineAdditionalHosts.reDeploymentKey: .bool(true)], runStep: "run-\(input.tool.rawValue)",
            comment: "Uploaded by ovirt-wizard from \(input.path) for hosted-engine on \(additional.name) (additional host, Host ID \(additional.host.hostID)): the answers \(input.hostName) generated, with these lines over them",
            shown: HostedEngineAdditionalHosts.maskedLines(for: additional.host, shared: shared).joined(separator: "\n"))
        return PlanStep(id: "upload-answers", title: "Upload the answer file (\(input.hostName)'s answers, Host ID \(additional.host.hostID))",
                        action: .upload(Upload(source: .composed(composed), remotePath: remotePath, mode: 0o600, sha256: nil)),
                        changesHost: true, probe: .remoteHashMatches, skipIsSafe: false,
                        skipNote: "hosted-engine reads its answers from it", waitsFor: [StepReference(host: input.hostName, step: "fetch-results")],
                        timeout: 600)
    }

    /// `OVIRT_WIZARD/etcHosts`: lines the operator wants in /etc/hosts (multi-str, or a str of comma-separated
    /// lines as the flows ask for them).
    func hostsLines(_ input: DeploymentInput) -> [String]? {
        let lines: [String]
        switch input.environment["OVIRT_WIZARD/etcHosts"]?.value {
        case .multiString(let l)?: lines = l
        case .string(let line)?: lines = line.split(separator: ",").map(String.init)
        default: return nil
        }
        let cleaned = lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return cleaned.isEmpty ? nil : cleaned
    }
}
