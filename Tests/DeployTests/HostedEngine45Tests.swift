import Foundation
import HostOps
import LabHosts
import OtopiKit
import SSHKit
import Testing
@testable import Deploy

/// oVirt 4.5's hosted-engine first host on EL9 lab hosts: the read-only pre-checks, the 4.5 repositories and
/// packages, the answer file, and `hosted-engine --deploy` run detached while the wizard follows its output
/// (milestones, warnings, the fatal task, the lock-file pause, a dropped SSH connection). The fixture
/// `hosted-engine-4.5.sh` replays the 4.5 console and stops at any question the answer file leaves open.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct HostedEngine45Tests {
    static let adminPassword = "He45-Adm1n!pw"
    static let rootPassword = "Appl1ance#root"

    /// An EL9 lab host fit for hosted-engine 4.5: its DNS knows engine.lab.test and host0.lab.test (the host's
    /// made-up interface ovirt0), its CPU has vmx, 31 GB are free, firewalld runs. `env`: more fixture.env lines.
    static func prepare(_ lab: LabDeployment, _ index: Int = 0, mode: String = "success", env: String = "",
                        cpu: String = "haswell-ep-e5-2650v3-ibrs-ansible.txt", freeKB: Int = 32_000_000, firewalld: Bool = true) throws {
        let host = lab.cluster.hosts[index]
        for name in ["getent", "df", "ip", "systemctl"] {
            let target = host.binDirectory + "/" + name
            try? FileManager.default.removeItem(atPath: target)
            try FileManager.default.copyItem(atPath: LabDeployment.fixtures + "/" + name, toPath: target)
            chmod(target, 0o755)
        }
        try lab.setCPU(index, cpu)   // also installs the fixture cat, which serves /proc/meminfo too
        try "198.51.100.10 engine.lab.test\n198.51.100.21 host0.lab.test\n198.51.100.30 nfs.lab.test\n"
            .write(toFile: host.directory + "/hosts", atomically: true, encoding: .utf8)
        try "9: ovirt0    inet 198.51.100.21/24 brd 198.51.100.255 scope global ovirt0\\       valid_lft forever preferred_lft forever\n"
            .write(toFile: host.directory + "/ip-addr", atomically: true, encoding: .utf8)
        try "MemTotal:       \(freeKB + 1_000_000) kB\nMemFree:        \(freeKB - 2_000_000) kB\nMemAvailable:   \(freeKB) kB\nBuffers:          500000 kB\nCached:          1500000 kB\n"
            .write(toFile: host.directory + "/meminfo", atomically: true, encoding: .utf8)
        let state = lab.root(index) + "/var/lib/rpm-fixture"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        if firewalld { _ = FileManager.default.createFile(atPath: state + "/firewalld-running", contents: nil) }
        try lab.setFixture(index, "FIXTURE_RHEL=9\nHE45_MODE=\(mode)\n" + env)
        // The host serves its own NFS export, empty and owned by vdsm:kvm (the tests run as root).
        let export = exportPath(lab, index)
        try FileManager.default.createDirectory(atPath: export, withIntermediateDirectories: true)
        chown(export, 36, 36)
    }

    /// The NFS export lab host `index` serves for hosted-engine's storage domain.
    static func exportPath(_ lab: LabDeployment, _ index: Int = 0) -> String { lab.cluster.hosts[index].directory + "/exports/he" }

    /// `server:/path` of that export, the server named as the answers name the host.
    static func exportConnection(_ lab: LabDeployment, _ index: Int = 0) -> String { "\(lab.cluster.hosts[index].address):\(exportPath(lab, index))" }

    /// The answers a 4.5 dialog writes for the lab's names (DHCP engine VM on NFS).
    @discardableResult
    static func writeAnswers(_ lab: LabDeployment, _ index: Int = 0, storage: String? = nil, extra: String = "") throws -> String {
        try lab.write("""
            # ovirt-wizard answers for hosted-engine (oVirt 4.5)
            [environment:default]
            OVIRT_WIZARD/flow=str:hosted-engine
            OVIRT_WIZARD/flowVersion=str:4.5
            OVEHOSTED_CORE/deployProceed=bool:True
            OVEHOSTED_CORE/forceIpProceed=str:yes
            OVEHOSTED_CORE/enableKeycloak=bool:True
            OVEHOSTED_CORE/skipTTYCheck=bool:True
            OVEHOSTED_CORE/confirmSettings=bool:True
            OVEHOSTED_NETWORK/gateway=str:198.51.100.1
            OVEHOSTED_NETWORK/bridgeIf=str:ovirt0
            OVEHOSTED_NETWORK/network_test=str:dns
            OVEHOSTED_NETWORK/host_name=str:host0.lab.test
            OVEHOSTED_ENGINE/datacenterName=str:Default
            OVEHOSTED_ENGINE/clusterName=str:Default
            OVEHOSTED_ENGINE/adminPassword=str:\(adminPassword)
            OVEHOSTED_VM/ovfArchive=str:
            OVEHOSTED_VM/vmVCpus=str:4
            OVEHOSTED_VM/vmMemSizeMB=int:16384
            OVEHOSTED_VM/cloudinitInstanceHostName=str:engine.lab.test
            OVEHOSTED_VM/cloudinitInstanceDomainName=str:lab.test
            OVEHOSTED_VM/cloudinitRootPwd=str:\(rootPassword)
            OVEHOSTED_VM/rootSshPubkey=str:
            OVEHOSTED_VM/rootSshAccess=str:yes
            OVEHOSTED_VM/applyOpenScapProfile=bool:False
            OVEHOSTED_VM/enableFips=bool:False
            OVEHOSTED_VM/vmMACAddr=str:00:16:3e:12:34:56
            OVIRT_WIZARD/vmNetworking=str:dhcp
            OVEHOSTED_VM/cloudinitVMStaticCIDR=bool:False
            OVEHOSTED_VM/cloudinitVMDNS=bool:False
            OVEHOSTED_VM/cloudinitVMETCHOSTS=bool:True
            OVEHOSTED_NOTIF/smtpServer=str:localhost
            OVEHOSTED_NOTIF/smtpPort=str:25
            OVEHOSTED_NOTIF/sourceEmail=str:root@localhost
            OVEHOSTED_NOTIF/destEmail=str:root@localhost
            OVEHOSTED_STORAGE/domainType=str:nfs
            OVEHOSTED_STORAGE/nfsVersion=str:auto
            OVEHOSTED_STORAGE/storageDomainConnection=str:\(storage ?? exportConnection(lab, index))
            OVEHOSTED_STORAGE/mntOptions=str:
            OVEHOSTED_STORAGE/imgSizeGB=str:51
            \(lab.targetKeys(index))\(extra)
            """, name: "hosted-45-\(index).conf")
    }

    static func outputLines(_ events: [RunEvent]) -> [String] {
        events.flatMap { $0.printedLines.map(\.line) }
    }

    static func notes(_ events: [RunEvent]) -> [String] {
        events.compactMap { if case let .note(_, text) = $0 { return text } else { return nil } }
    }

    static func failures(_ events: [RunEvent]) -> [StepFailure] {
        events.compactMap { if case .stepFailed(let f) = $0 { return f } else { return nil } }
    }

    /// Every process's command line (`ps -eo args=`).
    static func processList() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ps")
        process.arguments = ["-eo", "args="]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: - Plan

    @Test func thePlanChecksBeforeItChangesAndRunsTheDeployDetached() throws {
        let lab = try LabDeployment(hosts: 1)
        try Self.prepare(lab)
        try Self.writeAnswers(lab)
        let plan = try lab.plan()
        let ids = plan.hosts[0].steps.map(\.id)
        #expect(ids == ["check-os", "check-root", "check-virtualization", "check-memory", "check-var-tmp", "check-firewalld",
                        "check-nat-network", "check-engine-fqdn", "check-host-fqdn", "check-nfs-export", "add-repository", "install-packages",
                        "prepare-directory", "upload-answers", "run-hosted-engine", "fetch-results"])
        let firstChange = plan.hosts[0].steps.firstIndex { $0.changesHost }!
        #expect(plan.hosts[0].steps[..<firstChange].allSatisfy { !$0.changesHost })
        let run = try #require(plan.hosts[0].steps.first { $0.id == "run-hosted-engine" })
        #expect(run.detached != nil)
        #expect(run.shownAction.contains("hosted-engine --deploy --config-append="))
        #expect(run.shownAction.contains("detached on the host"))
        // The field enters the digest only when set: steps without it keep the digests they had.
        var plain = run
        plain.detached = nil
        #expect(plain.digest != run.digest)
        let install = try #require(plan.hosts[0].steps.first { $0.id == "install-packages" })
        #expect(install.shownAction == "dnf install -y ovirt-hosted-engine-setup ovirt-engine-appliance")

        let printed = try lab.wizard(["plan", "--answers", lab.answerFiles[0]] + lab.sshArguments)
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout.contains("centos-release-ovirt45"))
        #expect(printed.stdout.contains("detached on the host"))
        #expect(!printed.stdout.contains(Self.adminPassword) && !printed.stdout.contains(Self.rootPassword))
    }

    // MARK: - Pre-checks

    @Test func preChecksNameTheHostAndWhatTheyFound() throws {
        let lab = try LabDeployment(hosts: 1)
        try Self.prepare(lab, env: "DF_VAR_TMP_KB=1048576\n", cpu: "nested-ivybridge-e5-2680v2-novmx-ansible.txt",
                         freeKB: 6_000_000, firewalld: false)
        let host = lab.cluster.hosts[0]
        try "198.51.100.0/24 dev ovirt0 proto kernel scope link src 198.51.100.21\n192.168.222.0/24 dev virbr9 proto kernel scope link src 192.168.222.1\n"
            .write(toFile: host.directory + "/ip-route", atomically: true, encoding: .utf8)
        // engine.lab.test resolves, but its address has no reverse record naming it.
        try "198.51.100.10 engine-old.lab.test\n198.51.100.10 engine.lab.test\n198.51.100.21 host0.lab.test\n"
            .write(toFile: host.directory + "/hosts", atomically: true, encoding: .utf8)
        // host0.lab.test names an address no interface of the host has.
        try FileManager.default.removeItem(atPath: host.directory + "/ip-addr")
        // The export the host serves belongs to root.
        chown(Self.exportPath(lab), 0, 0)
        try Self.writeAnswers(lab)
        let plan = try lab.plan()
        let name = plan.hosts[0].name
        let connection = try lab.inputs()[0].access.connect()
        defer { connection.close() }
        var said: [String: String] = [:]
        for step in plan.hosts[0].steps where step.id.hasPrefix("check-") && !["check-os", "check-root"].contains(step.id) {
            guard case .run(let command, _, _) = step.action else { continue }
            let out = try connection.capture(command, options: ExecOptions(timeout: 60))
            #expect(!out.result.succeeded, "\(step.id) passed: \(out.stdout)")
            said[step.id] = out.stderr
        }
        #expect(said["check-virtualization"]?.contains("\(name): /proc/cpuinfo shows neither vmx (Intel VT-x) nor svm (AMD-V)") == true, "\(said)")
        #expect(said["check-memory"]?.contains("\(name): 5859 MB free (MemFree+Buffers+Cached), but the engine VM's 16384 MB (OVEHOSTED_VM/vmMemSizeMB) and 512 MB for the host need 16896 MB") == true, "\(said)")
        #expect(said["check-var-tmp"]?.contains("\(name): only 1024 MB available in /var/tmp") == true, "\(said)")
        #expect(said["check-firewalld"]?.contains("\(name): firewalld is not active") == true, "\(said)")
        #expect(said["check-nat-network"]?.contains("\(name): 192.168.222.0/24 is already in use on this host") == true, "\(said)")
        #expect(said["check-nat-network"]?.contains("192.168.222.0/24 dev virbr9") == true, "\(said)")
        #expect(said["check-engine-fqdn"]?.contains("\(name): engine.lab.test resolves to 198.51.100.10, but 198.51.100.10 resolves back to engine-old.lab.test") == true, "\(said)")
        #expect(said["check-host-fqdn"]?.contains("\(name): this host's name host0.lab.test resolves to 198.51.100.21, which is not an address of a non-loopback interface of this host") == true, "\(said)")
        #expect(said["check-host-fqdn"]?.contains("change OVEHOSTED_NETWORK/host_name") == true, "\(said)")
        #expect(said["check-nfs-export"]?.contains("\(Self.exportPath(lab)) is owned by 0:0, not 36:36 (vdsm:kvm): run chown 36:36 \(Self.exportPath(lab))") == true, "\(said)")

        // An unknown engine name, and one that names this host.
        try "9: ovirt0    inet 198.51.100.21/24 brd 198.51.100.255 scope global ovirt0\\       valid_lft forever preferred_lft forever\n"
            .write(toFile: host.directory + "/ip-addr", atomically: true, encoding: .utf8)
        try "198.51.100.21 host0.lab.test engine.lab.test\n".write(toFile: host.directory + "/hosts", atomically: true, encoding: .utf8)
        let engineCheck = try #require(plan.hosts[0].steps.first { $0.id == "check-engine-fqdn" })
        guard case .run(let command, _, _) = engineCheck.action else { Issue.record("not a command"); return }
        var out = try connection.capture(command, options: ExecOptions(timeout: 60))
        #expect(out.stderr.contains("\(name): the engine VM's name engine.lab.test resolves to 198.51.100.21, an address of this host"), "\(out.stderr)")
        try "198.51.100.21 host0.lab.test\n".write(toFile: host.directory + "/hosts", atomically: true, encoding: .utf8)
        out = try connection.capture(command, options: ExecOptions(timeout: 60))
        #expect(out.stderr.contains("\(name): the engine VM's name engine.lab.test did not resolve into an IP address"), "\(out.stderr)")

        // apply stops at the first failed check, before anything changed on the host.
        let applied = try lab.wizard(["apply", "--plain", "--answers", lab.answerFiles[0]] + lab.sshArguments)
        #expect(applied.status == 1)
        #expect(applied.stdout.contains("FAILED step 3/16 Check that the CPU has hardware virtualization"), "\(applied.stdout)")
        #expect(lab.runCount(0, "dnf") == 0 && lab.runCount(0, "hosted-engine") == 0)
    }

    // MARK: - The NFS export

    @Test func theExportOnTheHostItselfIsCheckedThereOwned3636AndEmpty() throws {
        let lab = try LabDeployment(hosts: 1)
        try Self.prepare(lab)
        try Self.writeAnswers(lab)
        let plan = try lab.plan()
        #expect(plan.hosts.map(\.name) == [lab.cluster.hosts[0].address], "the server is the host: no plan of its own")
        let step = try #require(plan.hosts[0].steps.first { $0.id == "check-nfs-export" })
        #expect(!step.changesHost && step.skipIsSafe)
        #expect(step.skipNote.contains("There was some problem with the storage domain"))
        guard case .run(let command, _, _) = step.action, case .command(let probe) = step.probe else { Issue.record("not a command"); return }
        let export = Self.exportPath(lab)
        let connection = try lab.inputs()[0].access.connect()
        defer { connection.close() }
        var out = try connection.capture(command, options: ExecOptions(timeout: 60))
        #expect(out.result.succeeded && out.stdout.contains("\(export): owned 36:36, empty"), "\(out.stdout)\(out.stderr)")

        // Another deployment's leftovers: not empty (and the probe of a resumed run does not take a stray file).
        FileManager.default.createFile(atPath: export + "/__DIRECT_IO_TEST__", contents: nil)
        out = try connection.capture(command, options: ExecOptions(timeout: 60))
        #expect(!out.result.succeeded && out.stderr.contains("\(export) is not empty: the engine formats a new domain only in an empty export"), "\(out.stderr)")
        #expect(try !connection.capture(probe, options: ExecOptions(timeout: 60)).result.succeeded)
        // The domain hosted-engine made there: the check fails, but a resumed run's probe finds it done.
        try FileManager.default.removeItem(atPath: export + "/__DIRECT_IO_TEST__")
        try FileManager.default.createDirectory(atPath: export + "/5a0c47b0-9a0e-4a1e-9a43-6f1cd0c4f2b1/dom_md", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: export + "/5a0c47b0-9a0e-4a1e-9a43-6f1cd0c4f2b1/dom_md/metadata", contents: Data("CLASS=Data\n".utf8))
        #expect(try !connection.capture(command, options: ExecOptions(timeout: 60)).result.succeeded)
        #expect(try connection.capture(probe, options: ExecOptions(timeout: 60)).result.succeeded)
        try FileManager.default.removeItem(atPath: export + "/5a0c47b0-9a0e-4a1e-9a43-6f1cd0c4f2b1")

        // Owned by another uid: apply stops there, before anything changed on the host.
        chown(export, 1000, 1000)
        let applied = try lab.wizard(["apply", "--plain", "--answers", lab.answerFiles[0]] + lab.sshArguments)
        #expect(applied.status == 1)
        #expect(applied.stdout.contains("FAILED step 10/16 Check the NFS export for hosted-engine's storage domain"), "\(applied.stdout)")
        #expect(applied.stdout.contains("\(export) is owned by 1000:1000, not 36:36 (vdsm:kvm): run chown 36:36 \(export)"), "\(applied.stdout)")
        #expect(lab.runCount(0, "dnf") == 0 && lab.runCount(0, "hosted-engine") == 0)
    }

    @Test func anotherNFSServerGetsAPlanOfItsOwnThatTheDeployWaitsFor() throws {
        let lab = try LabDeployment(hosts: 1)
        try Self.prepare(lab)
        try Self.writeAnswers(lab, storage: "nfs.lab.test:/exports/he/")
        let plan = try lab.plan()
        let host = lab.cluster.hosts[0]
        #expect(plan.hosts.map(\.name) == [host.address, "nfs.lab.test"])
        #expect(!plan.hosts[0].steps.contains { $0.id == "check-nfs-export" })
        let server = plan.hosts[1]
        #expect(server.steps.map(\.id) == ["check-nfs-export"])
        #expect(server.steps[0].title == "Check the NFS export for hosted-engine's storage domain: /exports/he is owned 36:36 and empty")
        #expect(server.steps[0].shownAction == RemoteCommand.script(HostPreChecks.emptyExportScript, arguments: ["/exports/he"]).commandLine)
        // Reached with the first host's login (user, port, key), as the platform flow reaches its storage servers.
        #expect(server.access.target.host == "nfs.lab.test")
        #expect(server.access.target.port == host.port)
        #expect(server.access.target.user == plan.hosts[0].access.target.user)
        #expect(server.access.options.identityFiles == [lab.cluster.clientKey])
        let run = try #require(plan.hosts[0].steps.first { $0.id == "run-hosted-engine" })
        #expect(run.waitsFor == [StepReference(host: "nfs.lab.test", step: "check-nfs-export")])

        let printed = try lab.wizard(["plan", "--answers", lab.answerFiles[0]] + lab.sshArguments)
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout.contains("nfs.lab.test"), "\(printed.stdout)")
        #expect(printed.stdout.contains("Check the NFS export for hosted-engine's storage domain: /exports/he is owned 36:36 and empty"), "\(printed.stdout)")

        // A NAS the wizard cannot log in to: the check fails to connect, the operator skips it, the deploy goes on.
        let op = ScriptedOperator(decisions: [.skip])
        let (outcomes, events) = try lab.run(plan, runOperator: op)
        #expect(outcomes[host.address] == .succeeded, "\(Self.failures(events))")
        let failure = try #require(Self.failures(events).first)
        #expect(failure.host == "nfs.lab.test" && failure.step == "check-nfs-export" && failure.skipIsSafe)
        #expect(failure.reason.hasPrefix("cannot connect"), "\(failure.reason)")
    }

    @Test func onlyNFSStorageIsChecked() throws {
        let lab = try LabDeployment(hosts: 1)
        try Self.prepare(lab)
        let address = lab.cluster.hosts[0].address
        let file = try Self.writeAnswers(lab)
        let text = try String(contentsOfFile: file, encoding: .utf8)
            .replacingOccurrences(of: "OVEHOSTED_STORAGE/domainType=str:nfs\n", with: "")
            .replacingOccurrences(of: "OVEHOSTED_STORAGE/storageDomainConnection=str:\(Self.exportConnection(lab))\n", with: "")
        func servers(_ lines: String) throws -> [String] {
            try (text + "\n" + lines).write(toFile: file, atomically: true, encoding: .utf8)
            let plan = try lab.plan()
            return plan.hosts.flatMap { h in h.steps.filter { $0.id == "check-nfs-export" }.map { _ in h.name } }
        }
        #expect(try servers("OVEHOSTED_STORAGE/domainType=str:glusterfs\nOVEHOSTED_STORAGE/storageDomainConnection=str:gs1.lab.test:/engine\n") == [])
        #expect(try servers("OVEHOSTED_STORAGE/domainType=str:nfs4\nOVEHOSTED_STORAGE/storageDomainConnection=str:\(Self.exportConnection(lab))\n") == [address])
        #expect(try servers("OVEHOSTED_STORAGE/domainType=str:nfs3\nOVEHOSTED_STORAGE/storageDomainConnection=str:[fd00::5]:/exports/he\n") == ["fd00::5"])
    }

    // MARK: - Runs

    @Test func succeedsFromApplyPlainWithMilestonesAndWarnings() throws {
        let lab = try LabDeployment(hosts: 1)
        try Self.prepare(lab)
        let file = try Self.writeAnswers(lab)
        let address = lab.cluster.hosts[0].address
        let applied = try lab.wizard(["apply", "--plain", "--answers", file] + lab.sshArguments)
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        let total = HostedEngine45Console.milestoneCount
        #expect(applied.stdout.contains("[\(address)] hosted-engine 1/\(total): Environment customization"), "\(applied.stdout)")
        #expect(applied.stdout.contains("[\(address)] hosted-engine 11/\(total): Add host"))
        #expect(applied.stdout.contains("[\(address)] hosted-engine \(total)/\(total): Hosted Engine successfully deployed"))
        #expect(applied.stdout.contains("[\(address)] WARNING: Ansible said (not fatal): [WARNING]: Consider using the get_url"))
        #expect(applied.stdout.contains("(\(total)/\(total) milestones)"))
        #expect(applied.stdout.contains("[\(address)] finished"))
        #expect(!applied.stdout.contains(Self.adminPassword) && !applied.stdout.contains(Self.rootPassword))
        let runs = lab.runs(0)
        #expect(runs.contains { $0.hasSuffix(" install -y centos-release-ovirt45") }, "\(runs)")
        #expect(runs.contains { $0.hasSuffix(" install -y ovirt-hosted-engine-setup ovirt-engine-appliance") })
        #expect(runs.contains { $0.contains(" hosted-engine --deploy --config-append=\(lab.remoteBase)/\(address)/hosted-engine-answers.conf") })
        // The tool asked nothing: every answer came from the file (the fixture prints a question and fails otherwise).
        let log = try String(contentsOfFile: lab.files.log(host: address), encoding: .utf8)
        #expect(log.contains("Hosted Engine successfully deployed"))
        #expect(!log.contains("End of file"))
        // Its generated answer file came back.
        let results = lab.files.results(host: address)
        #expect(FileManager.default.fileExists(atPath: results + "/answers.conf"), "\(results)")
    }

    @Test func aFatalTaskFailsWithItsTaskAndMessage() throws {
        let lab = try LabDeployment(hosts: 1)
        try Self.prepare(lab, mode: "fatal")
        try Self.writeAnswers(lab)
        let (outcomes, events) = try lab.run(try lab.plan())
        let host = lab.cluster.hosts[0].address
        #expect(outcomes[host] == .failed(step: "run-hosted-engine", reason: Self.failures(events).last?.reason ?? ""))
        let failure = try #require(Self.failures(events).last)
        #expect(failure.exitCode == 1)
        #expect(failure.reason.hasPrefix("hosted-engine exited with status 1: task 'Install oVirt Engine package' failed: Failed to download metadata for repo 'centos-ceph-pacific'"), "\(failure.reason)")
        #expect(failure.reason.contains("stage 'Closing up' failed: Failed executing ansible-playbook"))
        #expect(failure.reason.contains("ovirt-hosted-engine-cleanup -q"))
        let logs = events.compactMap { e -> (OtopiLogLevel, String)? in if case let .otopiLog(_, l, m) = e { return (l, m) } else { return nil } }
        #expect(logs.contains { $0.0 == .warning && $0.1.contains("Encryption using the Python crypt module is deprecated") })
        #expect(logs.contains { $0.0 == .error && $0.1.hasPrefix("task 'Install oVirt Engine package' failed:") })
        #expect(!logs.contains { $0.0 == .error && $0.1.contains("DEPRECATION") }, "Ansible's stderr is not an error")
    }

    @Test func theLockFilePauseContinuedRemovesTheFile() throws {
        let lab = try LabDeployment(hosts: 1)
        try Self.prepare(lab, mode: "lockpause")
        let file = try Self.writeAnswers(lab)
        let address = lab.cluster.hosts[0].address
        let lock = lab.root(0) + "/tmp/ansible.k8v2qz_he_setup_lock"
        // The operator first types something else, then continue.
        let applied = try lab.wizard(["apply", "--plain", "--answers", file] + lab.sshArguments, stdin: "go\ncontinue\n")
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        #expect(applied.stdout.contains("[\(address)] PAUSED: hosted-engine added the host to the bootstrap engine, but the host is not up; the deploy waits until \(lock) is removed"), "\(applied.stdout)")
        #expect(applied.stdout.contains("[\(address)]   the engine says: The host has been set in non_operational status, deployment errors:   code 519: Host host0.lab.test does not comply with the cluster Default networks"))
        #expect(applied.stdout.contains("[\(address)]   fix the host in the bootstrap engine: https://host0.lab.test:6900/ovirt-engine/"))
        #expect(applied.stdout.contains("[\(address)] 'go' is neither continue nor abort; answer again:"))
        #expect(applied.stdout.contains("[\(address)] removed \(lock): hosted-engine goes on"))
        #expect(applied.stdout.contains("[\(address)] finished"))
        #expect(!FileManager.default.fileExists(atPath: lock))
    }

    @Test func theLockFilePauseWithNobodyToAskEndsTheDeploy() throws {
        let lab = try LabDeployment(hosts: 1)
        try Self.prepare(lab, mode: "lockpause")
        let file = try Self.writeAnswers(lab)
        let address = lab.cluster.hosts[0].address
        let applied = try lab.wizard(["apply", "--plain", "--answers", file] + lab.sshArguments)
        #expect(applied.status == 1)
        #expect(applied.stdout.contains("[\(address)] no answer (end of input): ending the deploy"), "\(applied.stdout)")
        #expect(applied.stdout.contains("ended by the operator at hosted-engine's lock-file pause"))
    }

    @Test func theLockFilePauseAbortedEndsTheDeploy() throws {
        let lab = try LabDeployment(hosts: 1)
        try Self.prepare(lab, mode: "lockpause")
        try Self.writeAnswers(lab)
        let op = ScriptedOperator(lockDecisions: [.abort])
        let (outcomes, events) = try lab.run(try lab.plan(), runOperator: op)
        let host = lab.cluster.hosts[0].address
        guard case .failed(let step, let reason)? = outcomes[host] else { Issue.record("\(String(describing: outcomes[host]))"); return }
        #expect(step == "run-hosted-engine")
        #expect(reason.hasPrefix("ended by the operator at hosted-engine's lock-file pause (The host has been set in non_operational status"), "\(reason)")
        #expect(!Self.outputLines(events).contains { $0.contains("Hosted Engine successfully deployed") })
        // The detached run is gone: no process of the lab host still runs its fixture.
        let ps = try Self.processList()
        #expect(!ps.contains(lab.remoteBase + "/" + host + "/hosted-engine-answers.conf"))
    }

    @Test func anSSHDropDuringTheBridgeStepIsFollowedThrough() throws {
        let lab = try LabDeployment(hosts: 1)
        try Self.prepare(lab, mode: "drop")
        try Self.writeAnswers(lab)
        let (outcomes, events) = try lab.run(try lab.plan())
        let host = lab.cluster.hosts[0].address
        #expect(outcomes[host] == .succeeded, "\(Self.failures(events))")
        let notes = Self.notes(events)
        #expect(notes.contains { $0.hasPrefix("the connection was lost while hosted-engine runs detached on the host") }, "\(notes)")
        #expect(notes.contains { $0.hasPrefix("reconnected: following hosted-engine's output again from byte ") }, "\(notes)")
        #expect(lab.runCount(0, "hosted-engine") == 1, "the deploy ran once, through the drop")
        // Every line of the host's log arrived once, in order, across the drop.
        let remoteLog = try String(contentsOfFile: lab.remoteBase + "/" + host + "/run-hosted-engine.log", encoding: .utf8)
        let sent = remoteLog.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast()
        let masker = try lab.plan().hosts[0].masker
        let start = try #require(events.firstIndex { if case .stepStarted(_, _, _, "run-hosted-engine", _, _, _) = $0 { return true } else { return false } })
        let shown = Self.outputLines(Array(events[start...]))
        #expect(shown == sent.map(masker.mask), "\(shown.count) lines shown, \(sent.count) written")
    }

    // MARK: - As a new operator

    /// What a new operator types: the target login, Enter for what hosted-engine proposes, `yes` to go on without
    /// --4/--6, the engine VM's name, two passwords twice, this host's name and the NFS export.
    static func typedAnswers(_ lab: LabDeployment) -> String {
        let host = lab.cluster.hosts[0]
        var lines = [host.address, "root", "\(host.port)", lab.cluster.clientKey]
        lines += ["", "yes"]                                 // proceed; go on without --4/--6
        lines += ["", "", ""]                                // HOST NETWORK: gateway, NIC, dns test as proposed
        lines += ["", "", "", "", "", ""]                    // VM: data center, cluster, Keycloak, appliance rpm, CPUs, memory
        lines += ["engine.lab.test", ""]                     // the engine VM's FQDN and domain
        lines += [rootPassword, rootPassword, "", "", "", "", "", "", ""]   // root password, key, access, OpenSCAP, FIPS, MAC, DHCP, /etc/hosts
        lines += ["", "", "", "", adminPassword, adminPassword]              // SMTP as proposed, the admin password
        lines += ["host0.lab.test"]                          // this host on the management network
        lines += ["", "", exportConnection(lab), "", ""]                    // STORAGE: nfs, auto, the export, no options, 51 GiB
        lines += Array(repeating: "", count: 6)              // no /etc/hosts lines, the preview confirmed
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func aNewOperatorsTypedAnswersDeployWithoutAQuestionFromTheTool() throws {
        let lab = try LabDeployment(hosts: 1)
        try Self.prepare(lab)
        let file = lab.directory + "/hosted-engine.conf"
        let dialog = try lab.wizard(["plain", "--flow", "hosted-engine", "--output", file, "--known-hosts", lab.cluster.knownHostsPath],
                                    stdin: Self.typedAnswers(lab))
        let address = lab.cluster.hosts[0].address
        #expect(dialog.status == 0, "\(dialog.stdout)\n\(dialog.stderr)")
        #expect(dialog.stdout.contains("the questions are those of hosted-engine in oVirt 4.5"), "\(dialog.stdout)")
        #expect(dialog.stdout.contains("Configure Keycloak integration on the engine(Yes, No) [Yes]: "))
        #expect(dialog.stdout.contains("Please specify the storage you would like to use (glusterfs, iscsi, fc, nfs)[nfs]: "))
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("OVIRT_WIZARD/flowVersion=str:4.5"))
        #expect(text.contains("OVEHOSTED_VM/cloudinitInstanceHostName=str:engine.lab.test"))
        #expect(text.contains("OVEHOSTED_NETWORK/host_name=str:host0.lab.test"))
        lab.answerFiles = [file]

        let applied = try lab.wizard(["apply", "--plain", "--answers", file] + lab.sshArguments)
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        #expect(applied.stdout.contains("[\(address)] finished"))
        let log = try String(contentsOfFile: lab.files.log(host: address), encoding: .utf8)
        #expect(log.contains("Hosted Engine successfully deployed"), "\(log)")
        #expect(!log.contains("End of file"), "hosted-engine 4.5 asked nothing")
        #expect(!applied.stdout.contains(Self.adminPassword) && !applied.stdout.contains(Self.rootPassword))
    }

    // MARK: - Panes

    @Test func thePanesFollowTheMilestonesAndAskAtTheLockFilePause() throws {
        let lab = try LabDeployment(hosts: 1)
        try Self.prepare(lab, mode: "lockpause")
        let file = try Self.writeAnswers(lab)
        let argv = ["apply", "--answers", file] + lab.sshArguments
        let tmux = try Tmux(command: ([LabDeployment.binary] + argv).map(Tmux.quote).joined(separator: " "),
                            environment: lab.binaryEnvironment.filter { ["HOME", "PATH"].contains($0.key) })
        var screen = try tmux.waitFor("hosted-engine is paused", timeout: 120)
        screen = try tmux.waitFor("c continue")
        print(screen)
        #expect(screen.contains("non_operational status"))
        #expect(screen.contains("6900/ovirt-engine/"))
        try tmux.send("c")
        screen = try tmux.waitFor("q quit", timeout: 120)
        print(screen)
        #expect(screen.contains("1 done"))
        #expect(screen.contains("Hosted Engine successfully deployed"))
        try tmux.send("q")
        screen = try tmux.waitFor("EXIT=", timeout: 20)
        #expect(screen.contains("EXIT=0"))
        #expect(!FileManager.default.fileExists(atPath: lab.root(0) + "/tmp/ansible.k8v2qz_he_setup_lock"))
    }
}
