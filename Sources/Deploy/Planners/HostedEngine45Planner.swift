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
        steps.append(check("check-virtualization", "Check that the CPU has hardware virtualization", checkVirtualization, [host],
                           note: "the engine VM cannot start without VT-x or AMD-V"))
        steps.append(check("check-memory", "Check the free memory for the engine VM (\(memory) MB)", checkMemory, [host, String(memory)],
                           note: "hosted-engine refuses to create a VM larger than the free memory"))
        steps.append(check("check-var-tmp", "Check the space in /var/tmp for the appliance", checkVarTmp, [host, String(Self.varTmpKB)],
                           note: "the appliance is unpacked in /var/tmp; the deploy fails when it does not fit", skipIsSafe: true))
        steps.append(check("check-firewalld", "Check that firewalld is running", checkFirewalld, [host],
                           note: "hosted-engine 4.5 stops when firewalld is not active"))
        let nat = natPrefix(input)
        steps.append(check("check-nat-network", "Check that \(nat).0/24 is free for the engine VM's NAT network", checkNATNetwork, [host, nat],
                           note: "hosted-engine looks for another free 192.168.N.0/24 itself", skipIsSafe: true))
        steps.append(check("check-engine-fqdn", "Check DNS of the engine VM's name \(fqdn)", checkEngineName, [host, fqdn],
                           note: "hosted-engine stops when the engine FQDN does not resolve or resolves to this host"))
        if let name = input.string("OVEHOSTED_NETWORK/host_name"), !name.isEmpty {
            steps.append(check("check-host-fqdn", "Check DNS of this host's name \(name)", checkHostName, [host, name],
                               note: "the engine reaches the host by this name; hosted-engine refuses a name that is not on this host"))
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
        let command = RemoteCommand.script(script, arguments: arguments)
        return PlanStep(id: id, title: title, action: .run(command, otopi: false, interactive: false), changesHost: false,
                        probe: .command(command), skipIsSafe: skipIsSafe, skipNote: note, waitsFor: [], timeout: 60, runsAsRoot: false)
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

}

// The checks (POSIX sh; values only as positional parameters; $1 is the host's name as the plan knows it) read
// /proc through `cat` and ask `getent`, `ip`, `df` and `systemctl`, so each message names what it found.
let checkVirtualization: StaticString = #"""
    flags=$(cat /proc/cpuinfo | grep -m 1 -E '^flags[[:space:]]*:')
    case " $flags " in
      *" vmx "*) echo "$1: the CPU has Intel VT-x (vmx)"; exit 0 ;;
      *" svm "*) echo "$1: the CPU has AMD-V (svm)"; exit 0 ;;
    esac
    echo "$1: /proc/cpuinfo shows neither vmx (Intel VT-x) nor svm (AMD-V): enable virtualization in the firmware (on a virtual machine: nested virtualization)" >&2
    exit 1
    """#

private let checkMemory: StaticString = #"""
    free=$(cat /proc/meminfo | awk '/^(MemFree|Buffers|Cached):/ { s += $2 } END { print int(s / 1024) }')
    need=$(($2 + 512))
    if [ "$free" -ge "$need" ]; then echo "$1: $free MB free (MemFree+Buffers+Cached): room for the engine VM's $2 MB and 512 MB for the host"; exit 0; fi
    echo "$1: $free MB free (MemFree+Buffers+Cached), but the engine VM's $2 MB (OVEHOSTED_VM/vmMemSizeMB) and 512 MB for the host need $need MB: lower OVEHOSTED_VM/vmMemSizeMB (at least 4096) or free memory on $1" >&2
    exit 1
    """#

private let checkVarTmp: StaticString = #"""
    kb=$(df -Pk /var/tmp | awk 'NR == 2 { print $4 }')
    [ -n "$kb" ] || { echo "$1: df could not read /var/tmp" >&2; exit 1; }
    if [ "$kb" -ge "$2" ]; then echo "$1: $((kb / 1024)) MB available in /var/tmp"; exit 0; fi
    echo "$1: only $((kb / 1024)) MB available in /var/tmp; the engine appliance is unpacked there and needs at least $(($2 / 1024)) MB: free space or grow /var/tmp" >&2
    exit 1
    """#

private let checkFirewalld: StaticString = #"""
    if systemctl is-active -q firewalld; then echo "$1: firewalld is active"; exit 0; fi
    echo "$1: firewalld is not active: firewalld is required to be enabled and active in order to correctly deploy hosted-engine (systemctl enable --now firewalld)" >&2
    exit 1
    """#

private let checkNATNetwork: StaticString = #"""
    p=$(printf '%s' "$2" | sed 's/\./\\./g')
    used=$( { ip -o -4 addr show; ip -4 route show; } 2>/dev/null | grep -E "(^|[[:space:]])$p\.[0-9]+" | head -n 3)
    if [ -z "$used" ]; then echo "$1: $2.0/24 is free for the engine VM's temporary NAT network"; exit 0; fi
    echo "$1: $2.0/24 is already in use on this host, and hosted-engine's local engine VM needs it for its NAT network:" >&2
    printf '%s\n' "$used" | sed 's/^/  /' >&2
    echo "give a free one with OVEHOSTED_CORE/ansibleUserExtraVars=str:he_ipv4_subnet_prefix=192.168.N" >&2
    exit 1
    """#

private let checkEngineName: StaticString = #"""
    a=$(getent ahosts "$2" | awk '{ print $1 }' | sort -u)
    [ -n "$a" ] || { echo "$1: the engine VM's name $2 did not resolve into an IP address: add it to DNS (forward and reverse)" >&2; exit 1; }
    mine=$(ip -o addr show 2>/dev/null | awk '{ sub("/.*", "", $4); print $4 }')
    for x in $a; do for y in $mine; do
      [ "$x" = "$y" ] && { echo "$1: the engine VM's name $2 resolves to $x, an address of this host: it must name the engine VM, not this host" >&2; exit 1; }
    done; done
    for x in $a; do
      r=$(getent hosts "$x" | awk '{ for (i = 2; i <= NF; i++) print $i }')
      printf '%s\n' "$r" | grep -qxF "$2" || { echo "$1: $2 resolves to $x, but $x resolves back to ${r:-nothing}: add the reverse record (PTR) of $x" >&2; exit 1; }
    done
    echo "$1: $2 resolves to $(echo $a), and back"
    """#

private let checkHostName: StaticString = #"""
    a=$(getent ahosts "$2" | awk '{ print $1 }' | sort -u)
    [ -n "$a" ] || { echo "$1: this host's name $2 did not resolve into an IP address: add it to DNS (forward and reverse)" >&2; exit 1; }
    mine=$(ip -o addr show 2>/dev/null | awk '$2 != "lo" { sub("/.*", "", $4); print $4 }')
    for x in $a; do
      found=no; for y in $mine; do [ "$x" = "$y" ] && found=yes; done
      [ "$found" = yes ] || { echo "$1: this host's name $2 resolves to $x, which is not an address of a non-loopback interface of this host ($(echo $mine)): the engine could not reach the host by that name" >&2; exit 1; }
      r=$(getent hosts "$x" | awk '{ for (i = 2; i <= NF; i++) print $i }')
      printf '%s\n' "$r" | grep -qxF "$2" || { echo "$1: $2 resolves to $x, but $x resolves back to ${r:-nothing}: add the reverse record (PTR) of $x" >&2; exit 1; }
    done
    echo "$1: $2 resolves to $(echo $a), an address of this host, and back"
    """#
