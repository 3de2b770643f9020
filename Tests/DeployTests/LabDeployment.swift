import Foundation
import LabHosts
import OtopiKit
import SSHKit
import Synchronization
import WizardCore
@testable import Deploy

/// A lab of real sshd hosts with the fixture commands (engine-setup, hosted-engine, yum, dnf, rpm) in their
/// PATH, and one answer file per host, as the wizard writes them.
final class LabDeployment: @unchecked Sendable {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static let adminPassword = "Adm1n-s3cret-pw"
    static let hostedPassword = "He-adm1n-pw-42"
    /// The flows of the repository's Screens/, which name the tool of each answer file.
    static let flows = FlowCatalog.load(directory: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Screens").path)

    let cluster: LabCluster
    let directory: String
    var answerFiles: [String] = []
    let remoteBase: String
    /// With `sudo`: the account the answer files log in as (the hosts refuse root logins).
    let account: LabAccount?
    /// How that account becomes root (`OVIRT_WIZARD/become`), and whether its sudo password is the login's.
    var become = "sudo"
    var sudoPasswordIsLoginPassword = false

    /// `sudo`: the hosts refuse root logins (`PermitRootLogin no`); the answer files log in as a throwaway account
    /// with that sudo rule (and the cluster's key), whose sessions can use the fixture commands.
    init(hosts: Int, sudo: LabSudo? = nil) throws {
        let cluster = try LabCluster.start(hosts: hosts, authentication: sudo == nil ? .keysOnly : .password, rootLogin: sudo == nil)
        self.cluster = cluster
        account = try sudo.map { try cluster.addAccount(sudo: $0) }
        if sudo == .withPassword { become = "sudo-password" }
        directory = cluster.root + "/jump"
        remoteBase = cluster.root + "/remote"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for host in cluster.hosts {
            for name in ["common.sh", "engine-setup", "engine-setup-4.5.sh", "hosted-engine", "hosted-engine-4.5.sh", "hosted-engine-additional", "yum", "dnf", "rpm"] {
                let target = host.binDirectory + "/" + name
                try? FileManager.default.removeItem(atPath: target)
                try FileManager.default.copyItem(atPath: Self.fixtures + "/" + name, toPath: target)
                chmod(target, name.hasSuffix(".sh") || name == "hosted-engine-additional" ? 0o644 : 0o755)
            }
        }
        if account != nil {
            // The fixture's "/" is shared by the user's reads (rpm -E) and root's steps.
            for index in cluster.hosts.indices {
                for dir in [root(index), root(index) + "/var/lib/rpm-fixture"] {
                    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                    chmod(dir, 0o777)
                }
                FileManager.default.createFile(atPath: root(index) + "/runs.log", contents: nil, attributes: [.posixPermissions: 0o666])
            }
        }
    }

    deinit { cluster.stop() }

    var options: ConnectOptions {
        var options = ConnectOptions()
        options.knownHostsPath = cluster.knownHostsPath
        options.configPath = cluster.root + "/no-ssh-config"
        options.homeDirectory = cluster.root
        options.identityFiles = [cluster.clientKey]
        options.useAgent = false
        options.connectTimeout = 10
        if let credentials { options.useCredentials(credentials) }
        return options
    }

    /// What the in-process runs answer when a password is asked (the sudo password), as the CLI's cache does.
    var credentials: CredentialCache?

    /// The fixture's stand-in for `/` on host `index`.
    func root(_ index: Int) -> String { cluster.hosts[index].directory + "/root" }

    /// Sets the fixture behaviour of one host (`fixture.env`, sourced by the fixture commands).
    func setFixture(_ index: Int, _ text: String) throws {
        try text.write(toFile: cluster.hosts[index].directory + "/fixture.env", atomically: true, encoding: .utf8)
    }

    /// Lines of the fixture commands' run log on host `index` (`<time> <command> <args>`).
    func runs(_ index: Int) -> [String] {
        ((try? String(contentsOfFile: root(index) + "/runs.log", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func runCount(_ index: Int, _ command: String) -> Int {
        runs(index).filter { $0.split(separator: " ").dropFirst().first.map(String.init) == command }.count
    }

    func targetKeys(_ index: Int) -> String {
        let host = cluster.hosts[index]
        return """
            OVIRT_WIZARD/host=str:\(host.address)
            OVIRT_WIZARD/sshPort=int:\(host.port)
            OVIRT_WIZARD/sshUser=str:\(account?.name ?? "root")
            OVIRT_WIZARD/sshIdentity=str:\(cluster.clientKey)
            \(account == nil ? "" : "OVIRT_WIZARD/become=str:\(become)\nOVIRT_WIZARD/sudoPasswordIsLoginPassword=bool:\(sudoPasswordIsLoginPassword ? "True" : "False")\n")
            """
    }

    /// engine-setup answers with the seed's values (section 11); the FQDN is `localhost`, which resolves to
    /// 127.0.0.1, an address of every lab host.
    @discardableResult
    func writeEngineSetupAnswers(_ index: Int, extra: String = "") throws -> String {
        let text = """
            # ovirt-wizard answers for engine-setup (oVirt 3.4): engine-setup --config-append=FILE
            [environment:default]
            OVIRT_WIZARD/flow=str:engine-setup
            OVIRT_WIZARD/flowVersion=str:3.4
            OSETUP_RPMDISTRO/enableUpgrade=bool:False
            OVESETUP_APACHE/configureRootRedirection=bool:True
            OVESETUP_APACHE/configureSsl=bool:True
            OVESETUP_CONFIG/adminPassword=str:\(Self.adminPassword)
            OVESETUP_CONFIG/applicationMode=str:both
            OVESETUP_CONFIG/firewallManager=str:iptables
            OVESETUP_CONFIG/fqdn=str:localhost
            OVESETUP_CONFIG/storageType=str:nfs
            OVESETUP_CONFIG/updateFirewall=bool:True
            OVESETUP_CONFIG/websocketProxyConfig=bool:True
            OVESETUP_DB/host=str:localhost
            OVESETUP_DB/port=int:5432
            OVESETUP_DIALOG/confirmSettings=bool:True
            OVESETUP_PKI/organization=str:lofyer.org
            OVESETUP_PROVISIONING/postgresProvisioningEnabled=bool:True
            OVESETUP_SYSTEM/nfsConfigEnabled=bool:False
            OVIRT_WIZARD/dbLocation=str:local
            \(targetKeys(index))\(extra)
            """
        return try write(text, name: "engine-\(index).conf")
    }

    /// hosted-engine answers with the seed's values (section 12), booting from a local ISO that is uploaded.
    @discardableResult
    func writeHostedEngineAnswers(_ index: Int, isoBytes: Int = 3 << 20, extra: String = "") throws -> String {
        let iso = directory + "/centos-\(index).iso"
        if !FileManager.default.fileExists(atPath: iso) {
            var data = Data(count: isoBytes)
            for i in stride(from: 0, to: isoBytes, by: 4096) { data[i] = UInt8(truncatingIfNeeded: i / 4096 + index) }
            try data.write(to: URL(fileURLWithPath: iso))
        }
        let text = """
            # ovirt-wizard answers for hosted-engine (oVirt 3.4): hosted-engine --config-append=FILE
            [environment:default]
            OVIRT_WIZARD/flow=str:hosted-engine
            OVIRT_WIZARD/flowVersion=str:3.4
            OVEHOSTED_CORE/confirmSettings=bool:True
            OVEHOSTED_CORE/deployProceed=bool:True
            OVEHOSTED_ENGINE/adminPassword=str:\(Self.hostedPassword)
            OVEHOSTED_ENGINE/appHostName=str:hosted_engine_1
            OVEHOSTED_NETWORK/fqdn=str:localhost
            OVEHOSTED_NETWORK/gateway=str:192.168.10.1
            OVEHOSTED_STORAGE/domainType=str:nfs3
            OVEHOSTED_STORAGE/imgSizeGB=str:25
            OVEHOSTED_STORAGE/storageDatacenterName=str:hosted_datacenter
            OVEHOSTED_STORAGE/storageDomainConnection=str:192.168.10.101:/gluster-vol1/ovirt_data/hosted_data/
            OVEHOSTED_STORAGE/storageDomainName=str:hosted_storage
            OVEHOSTED_VDSM/consoleType=str:vnc
            OVEHOSTED_VDSM/cpu=str:model_Conroe
            OVEHOSTED_VM/vmBoot=str:cdrom
            OVEHOSTED_VM/vmCDRom=str:\(root(index))/tmp/centos.iso
            OVEHOSTED_VM/vmMACAddr=str:00:16:3e:59:9b:e2
            OVEHOSTED_VM/vmMemSizeMB=str:4096
            OVEHOSTED_VM/vmVCpus=str:2
            OVIRT_WIZARD/isoUpload=str:\(iso)
            \(targetKeys(index))\(extra)
            """
        try FileManager.default.createDirectory(atPath: root(index) + "/tmp", withIntermediateDirectories: true)
        return try write(text, name: "hosted-\(index).conf")
    }

    /// The folder every host of a hosted-engine HA set mounts as its shared NFS storage (the fixture's HE_STORAGE).
    var sharedStorage: String { cluster.root + "/he-storage" }

    /// `user@address:port` of lab host `index`, as an additional host is named in the answers.
    func entry(_ index: Int) -> String { "root@\(cluster.hosts[index].address):\(cluster.hosts[index].port)" }

    /// A hosted-engine HA set: the first host's answers (host `first`) naming `additional` as its additional hosts,
    /// every host on the same shared storage. `ids`/`names`: the Host ID and name answers (nil: not given).
    @discardableResult
    func writeHostedEngineHA(first: Int, additional: [Int], ids: String? = nil, names: String? = nil, isoUpload: Bool = true,
                             fixture: [Int: String] = [:], extra: String = "") throws -> String {
        var lines = "OVIRT_WIZARD/additionalHosts=str:\(additional.map(entry).joined(separator: " "))\n"
        if let ids { lines += "OVIRT_WIZARD/additionalHostIDs=str:\(ids)\n" }
        if let names { lines += "OVIRT_WIZARD/additionalHostNames=str:\(names)\n" }
        if !isoUpload { lines += "OVIRT_WIZARD/isoUpload=str:\n" }
        for index in [first] + additional {
            try setFixture(index, "HE_STORAGE=\(sharedStorage)\n" + (fixture[index] ?? ""))
        }
        let path = try writeHostedEngineAnswers(first, extra: lines + extra)
        if !isoUpload {
            // The seed's case: the ISO is already on the host; the answer file names no upload.
            var text = try String(contentsOfFile: path, encoding: .utf8)
            text = text.replacingOccurrences(of: "OVIRT_WIZARD/isoUpload=str:\(directory)/centos-\(first).iso\n", with: "")
            try AtomicFile.write(text, to: path)
            try Data(count: 4096).write(to: URL(fileURLWithPath: root(first) + "/tmp/centos.iso"))
        }
        return path
    }

    /// Makes lab host `index` report the CPU of `Tests/Fixtures/cpuinfo/NAME` as its /proc/cpuinfo.
    func setCPU(_ index: Int, _ name: String) throws {
        let host = cluster.hosts[index]
        let cpuinfo = URL(fileURLWithPath: Self.fixtures).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/cpuinfo/\(name)").path
        try? FileManager.default.removeItem(atPath: host.directory + "/cpuinfo")
        try FileManager.default.copyItem(atPath: cpuinfo, toPath: host.directory + "/cpuinfo")
        let target = host.binDirectory + "/cat"
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.copyItem(atPath: Self.fixtures + "/cat", toPath: target)
        chmod(target, 0o755)
    }

    func write(_ text: String, name: String) throws -> String {
        let path = directory + "/" + name
        try AtomicFile.write(text, to: path)
        answerFiles.append(path)
        return path
    }

    func inputs(_ paths: [String]? = nil) throws -> [DeploymentInput] {
        try (paths ?? answerFiles).map { try DeploymentInput(path: $0, flows: Self.flows, options: options) }
    }

    func plan(_ paths: [String]? = nil) throws -> DeploymentPlan {
        var platforms: [String: HostPlatform] = [:]
        for input in try inputs(paths) {
            let connection = try input.access.connect()
            defer { connection.close() }
            platforms[input.hostName] = try HostPlatform.probe(connection)
        }
        return try DeploymentPlanner(remoteBase: remoteBase).plan(try inputs(paths), platforms: platforms)
    }

    var files: DeploymentFiles { DeploymentFiles(answerFile: answerFiles[0]) }

    /// Runs a plan in this process and collects every event.
    func run(_ plan: DeploymentPlan, resume: Bool = false, runOperator: any RunOperator = ScriptedOperator()) throws
        -> (outcomes: [String: HostOutcome], events: [RunEvent]) {
        let events = EventLog()
        var options = DeploymentRunner.Options()
        options.resume = resume
        options.heartbeatInterval = 1
        let runner = try DeploymentRunner(plan: plan, files: files, options: options, runOperator: runOperator) { events.append($0) }
        let outcomes = runner.run()
        return (outcomes, events.all)
    }

    // MARK: - The real binary

    static let binary: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("ovirt-wizard").path
    }()

    /// Arguments that make the binary use only the lab's files.
    var sshArguments: [String] {
        ["--known-hosts", cluster.knownHostsPath, "--ssh-config", cluster.root + "/no-ssh-config", "-i", cluster.clientKey,
         "--remote-dir", remoteBase]
    }

    var binaryEnvironment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = cluster.root
        env["SSH_AUTH_SOCK"] = nil
        return env
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `ovirt-wizard` to its end with `arguments` and `stdin` in `directory`, its environment this process's with
    /// `HOME` set, no ssh agent, and `extra` over it (a test of its own, outside a lab).
    static func runBinary(_ arguments: [String], stdin: String, directory: String, home: String,
                          extra: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home
        environment["SSH_AUTH_SOCK"] = nil
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    /// Runs `ovirt-wizard` with `arguments` and `stdin`, waits for it.
    func wizard(_ arguments: [String], stdin: String = "") throws -> Result {
        let process = try start(arguments)
        process.input.fileHandleForWriting.write(Data(stdin.utf8))
        try process.input.fileHandleForWriting.close()
        let out = process.output.fileHandleForReading.readDataToEndOfFile()
        let err = process.errors.fileHandleForReading.readDataToEndOfFile()
        process.process.waitUntilExit()
        return Result(status: process.process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self))
    }

    struct Running {
        var process: Process
        var input: Pipe
        var output: Pipe
        var errors: Pipe
    }

    func start(_ arguments: [String]) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = binaryEnvironment
        let running = Running(process: process, input: Pipe(), output: Pipe(), errors: Pipe())
        process.standardInput = running.input
        process.standardOutput = running.output
        process.standardError = running.errors
        try process.run()
        return running
    }
}

/// Collects events from the runner's threads.
final class EventLog: Sendable {
    private let events = Mutex<[RunEvent]>([])
    func append(_ event: RunEvent) { events.withLock { $0.append(event) } }
    var all: [RunEvent] { events.withLock { $0 } }
}

/// An operator whose decisions and answers are given in advance; it records what it was asked.
final class ScriptedOperator: RunOperator, Sendable {
    struct State {
        var decisions: [FailureDecision]
        var answers: [String]
        var failures: [StepFailure] = []
        var prompts: [OtopiPrompt] = []
        var passwords: [String?] = []
        var lockDecisions: [LockPauseDecision] = []
        var pauses: [LockFilePause] = []
    }
    let state: Mutex<State>
    let onFailure: @Sendable (StepFailure) -> Void

    init(decisions: [FailureDecision] = [], answers: [String] = [], lockDecisions: [LockPauseDecision] = [],
         onFailure: @escaping @Sendable (StepFailure) -> Void = { _ in }) {
        state = Mutex(State(decisions: decisions, answers: answers, lockDecisions: lockDecisions))
        self.onFailure = onFailure
    }

    func decide(_ failure: StepFailure) -> FailureDecision {
        onFailure(failure)
        return state.withLock { s in
            s.failures.append(failure)
            return s.decisions.isEmpty ? .abort : s.decisions.removeFirst()
        }
    }

    func answer(_ prompt: OtopiPrompt, host: String, consolePassword: String?) -> String? {
        state.withLock { s in
            s.prompts.append(prompt)
            s.passwords.append(consolePassword)
            return s.answers.isEmpty ? nil : s.answers.removeFirst()
        }
    }

    func decideLockPause(_ pause: LockFilePause, host: String) -> LockPauseDecision {
        state.withLock { s in
            s.pauses.append(pause)
            return s.lockDecisions.isEmpty ? .abort : s.lockDecisions.removeFirst()
        }
    }

    var pauses: [LockFilePause] { state.withLock { $0.pauses } }
    var failures: [StepFailure] { state.withLock { $0.failures } }
    var prompts: [OtopiPrompt] { state.withLock { $0.prompts } }
    var passwords: [String?] { state.withLock { $0.passwords } }
}
