import Foundation
import HostOps
import Synchronization
import OtopiKit
import SSHKit
import Testing
@testable import Deploy

@Suite struct PlannerTests {
    static func input(_ text: String, path: String = "/jump/a.conf") throws -> DeploymentInput {
        let file = try AnswerFile.parse(text: text, path: path)
        return try DeploymentInput(path: path, environment: OtopiEnvironment(files: [file]), flows: LabDeployment.flows,
                                   options: ConnectOptions())
    }

    static let engine = """
        [environment:default]
        OVESETUP_CONFIG/fqdn=str:gs1.lofyer.org
        OVESETUP_CONFIG/adminPassword=str:s3cret-pw
        OVESETUP_DB/password=str:db-pw-123
        OVIRT_WIZARD/host=str:gs1.lofyer.org
        OVIRT_WIZARD/sshPort=int:2222
        OVIRT_WIZARD/etcHosts=multi-str:192.168.10.100 ha.lofyer.org
         192.168.10.101 gs1.lofyer.org
        """

    static let hosted = """
        [environment:default]
        OVEHOSTED_NETWORK/fqdn=str:ha.lofyer.org
        OVEHOSTED_ENGINE/adminPassword=str:he-pw-456
        OVEHOSTED_VM/vmBoot=str:cdrom
        OVEHOSTED_VM/vmCDRom=str:/tmp/centos.iso
        OVEHOSTED_STORAGE/storageDomainConnection=str:gs1.lofyer.org:/gluster-vol1/ovirt_data/hosted_data/
        OVIRT_WIZARD/host=str:gs2.lofyer.org
        OVIRT_WIZARD/isoUpload=str:/isos/CentOS-6.5-x86_64-minimal.iso
        """

    @Test func engineSetupSteps() throws {
        let plan = try DeploymentPlanner(remoteBase: "/var/lib/ovirt-wizard").plan([Self.input(Self.engine)], platforms: [:])
        let host = try #require(plan.hosts.first)
        #expect(host.tool == .engineSetup)
        #expect(host.access.target == SSHTarget(host: "gs1.lofyer.org", port: 2222))
        #expect(host.steps.map(\.id) == ["check-os", "check-root", "add-hosts-lines", "check-fqdn", "add-repository", "install-packages",
                                         "prepare-directory", "upload-answers", "run-engine-setup", "fetch-results"])
        #expect(host.steps.map(\.changesHost) == [false, false, true, false, true, true, true, true, true, false])
        guard case .run(let install, _, _) = host.steps[5].action,
              case .run(let run, let otopi, let interactive) = host.steps[8].action,
              case .upload(let upload) = host.steps[7].action,
              case .generated(let text, let shown) = upload.source else {
            Issue.record("unexpected actions")
            return
        }
        #expect(install.argv == ["yum", "install", "-y", "ovirt-engine"])
        #expect(run.argv == ["engine-setup", "--offline", "--config-append=/var/lib/ovirt-wizard/gs1.lofyer.org/engine-setup-answers.conf"])
        #expect(otopi && interactive)
        #expect(upload.mode == 0o600)
        #expect(upload.remotePath == "/var/lib/ovirt-wizard/gs1.lofyer.org/engine-setup-answers.conf")
        // Only the tool's keys go up; the secrets only in the uploaded text, masked in what is shown.
        #expect(!text.contains("OVIRT_WIZARD"))
        #expect(text.contains("OVESETUP_CONFIG/adminPassword=str:s3cret-pw"))
        #expect(!shown.contains("s3cret-pw") && !shown.contains("db-pw-123"))
        #expect(shown.contains("OVESETUP_DB/password=str:********"))
        for step in host.steps {
            #expect(!step.shownAction.contains("s3cret-pw"))
            #expect(!step.action.fingerprint.contains("s3cret-pw"))
        }
        #expect(host.masker.mask("password is s3cret-pw and db-pw-123") == "password is ******** and ********")
        #expect(host.steps.first { $0.id == "add-repository" }?.skipIsSafe == true)
        #expect(host.steps.first { $0.id == "install-packages" }?.skipIsSafe == false)
        guard case .command(let probe) = host.steps[5].probe else { Issue.record("install needs an rpm probe"); return }
        #expect(probe.argv == ["rpm", "-q", "ovirt-engine"])
    }

    @Test func hostedEngineStepsAndWaits() throws {
        let inputs = [try Self.input(Self.engine), try Self.input(Self.hosted, path: "/jump/b.conf")]
        let fedora = HostPlatform(family: .fedora, majorVersion: 22, source: "test")
        let plan = try DeploymentPlanner().plan(inputs, platforms: ["gs2.lofyer.org": fedora])
        let host = try #require(plan.host(named: "gs2.lofyer.org"))
        #expect(host.steps.map(\.id) == ["check-os", "check-root", "check-fqdn", "add-repository", "install-packages", "prepare-directory",
                                         "upload-iso", "upload-answers", "run-hosted-engine", "fetch-results"])
        guard case .run(let install, _, _) = host.steps[4].action, case .upload(let iso) = host.steps[6].action,
              case .upload(let answers) = host.steps[7].action, case .generated(let text, _) = answers.source,
              case .run(let run, _, _) = host.steps[8].action else {
            Issue.record("unexpected actions")
            return
        }
        #expect(install.argv == ["dnf", "install", "-y", "ovirt-hosted-engine-setup"])
        #expect(iso.remotePath == "/tmp/centos.iso")
        if case .localFile(let path) = iso.source { #expect(path == "/isos/CentOS-6.5-x86_64-minimal.iso") } else { Issue.record("ISO source") }
        #expect(text.contains("OVEHOSTED_CORE/screenProceed=bool:True"))
        #expect(run.argv == ["hosted-engine", "--deploy", "--config-append=/var/lib/ovirt-wizard/gs2.lofyer.org/hosted-engine-answers.conf"])
        // The storage is served by gs1, another host of this deployment: the deploy waits for it.
        #expect(host.steps[8].waitsFor == [StepReference(host: "gs1.lofyer.org", step: nil)])
        #expect(plan.host(named: "gs1.lofyer.org")?.platform.packageManager == .yum)
    }

    @Test func digestChangesWithTheStep() throws {
        let a = try DeploymentPlanner().plan([Self.input(Self.engine)], platforms: [:]).hosts[0]
        let b = try DeploymentPlanner(remoteBase: "/srv/ovw").plan([Self.input(Self.engine)], platforms: [:]).hosts[0]
        #expect(a.steps[0].digest == b.steps[0].digest)
        #expect(a.steps[8].digest != b.steps[8].digest)
    }

    /// Digests recorded by journals before stdin became bytes and steps became typed operations: a text stdin
    /// and an operation of one command keep them (the values are SHA-256 of the old digest text, fixed here).
    @Test func digestsOfTextStdinAndOneCommandOperationsAreUnchanged() throws {
        var feed = PlanStep(id: "feed", title: "feed", action: .run(RemoteCommand(["cat"]), otopi: false, interactive: false),
                            changesHost: true, probe: .rerun, skipIsSafe: false, skipNote: "", waitsFor: [], timeout: nil)
        feed.stdin = Array("hello\n".utf8)
        #expect(feed.digest == "b673065d859b20a4")
        let mkdir = PlanStep(id: "domain", title: "mkdir", action: .operation(.makeDirectories(path: "/e")),
                             changesHost: true, probe: .rerun, skipIsSafe: false, skipNote: "", waitsFor: [], timeout: nil)
        #expect(mkdir.digest == PlanStep(id: "domain", title: "mkdir", action: .run(RemoteCommand(["mkdir", "-p", "/e"]), otopi: false, interactive: false),
                                         changesHost: true, probe: .rerun, skipIsSafe: false, skipNote: "", waitsFor: [], timeout: nil).digest)
        // Bytes that are not text still make a digest, and different bytes a different one.
        var binary = feed
        binary.stdin = [0xff, 0x00, 0xfe]
        var other = feed
        other.stdin = [0xff, 0x00, 0xfd]
        #expect(binary.digest != other.digest && binary.digest != feed.digest)
    }

    @Test func unusableFilesSayWhy() throws {
        #expect(throws: DeploymentInput.Problem.self) { try Self.input("[environment:default]\nOVESETUP_CONFIG/fqdn=str:x\n") }
        do {
            _ = try Self.input("[environment:default]\nOVESETUP_CONFIG/fqdn=str:x\nOVEHOSTED_VM/vmBoot=str:disk\nOVIRT_WIZARD/host=str:h\n")
            Issue.record("mixed keys must be refused")
        } catch {
            #expect("\(error)".hasPrefix("/jump/a.conf: holds both engine-setup"))
        }
        let duplicate = [try Self.input(Self.engine), try Self.input(Self.engine, path: "/jump/c.conf")]
        #expect(throws: DeploymentPlanner.Problem.self) { try DeploymentPlanner().plan(duplicate, platforms: [:]) }
        let noFQDN = try Self.input("[environment:default]\nOVESETUP_DB/port=int:5432\nOVIRT_WIZARD/host=str:h\n")
        #expect(throws: DeploymentPlanner.Problem.self) { try DeploymentPlanner().plan([noFQDN], platforms: [:]) }
    }

    @Test func platformParsing() {
        #expect(HostPlatform.parse("rhel=6\nfedora=\nname=CentOS release 6.5 (Final)\n", host: "h").packageManager == .yum)
        #expect(HostPlatform.parse("rhel=8\nfedora=\nname=x\n", host: "h").packageManager == .dnf)
        #expect(HostPlatform.parse("rhel=\nfedora=20\nname=x\n", host: "h").packageManager == .yum)
        let debian = HostPlatform.parse("rhel=\nfedora=\nname=Debian GNU/Linux 12 (bookworm)\n", host: "h")
        #expect(debian.family == .unknown)
        #expect(debian.source == "probed on h: Debian GNU/Linux 12 (bookworm)")
    }
}

@Suite struct JournalTests {
    func temporary() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func appendReadAndState() throws {
        let dir = try temporary()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let journal = try Journal(path: dir + "/j.jsonl")
        try journal.append(JournalRecord(kind: .stepStarted, host: "h", step: "a", index: 1, digest: "d1"))
        try journal.append(JournalRecord(kind: .stepEnded, host: "h", step: "a", index: 1, digest: "d1", status: .done, exitCode: 0,
                                         outputs: ["logFile": "/var/log/x.log"]))
        try journal.append(JournalRecord(kind: .stepStarted, host: "h", step: "b", index: 2, digest: "d2"))
        let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/j.jsonl")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        // A crash mid-line: the torn line is reported and skipped; the next record starts on its own line.
        let handle = try #require(FileHandle(forWritingAtPath: dir + "/j.jsonl"))
        handle.seekToEndOfFile()
        handle.write(Data("{\"kind\":\"step-en".utf8))
        try handle.close()
        let reopened = try Journal(path: dir + "/j.jsonl")
        try reopened.append(JournalRecord(kind: .runEnded))
        let (records, warnings) = Journal.read(path: dir + "/j.jsonl")
        #expect(records.count == 4)
        #expect(warnings.count == 1)
        let state = JournalState(records: records)
        #expect(state.entry(host: "h", step: "a") == .init(status: .done, digest: "d1", outputs: StepOutputs(logFile: "/var/log/x.log")))
        #expect(state.entry(host: "h", step: "b") == nil)
        #expect(state.interrupted["h"] == ["b"])
    }

    /// Hosts append from their own threads and share fsyncs (group commit): every record lands whole, once.
    @Test func concurrentAppendsAllLandWhole() throws {
        let dir = try temporary()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let journal = try Journal(path: dir + "/j.jsonl")
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for index in 0..<50 {
                do {
                    try journal.append(JournalRecord(kind: .stepStarted, host: "h\(thread)", step: "s\(index)", index: index, digest: "d"))
                } catch {
                    failures.withLock { $0 += 1 }
                }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        let (records, warnings) = Journal.read(path: dir + "/j.jsonl")
        #expect(warnings.isEmpty)
        #expect(records.count == 400)
        #expect(Set(records.map { "\($0.host!)/\($0.step!)" }).count == 400)
    }

    @Test func lockStopsASecondHolder() throws {
        let dir = try temporary()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try DeploymentLock(path: dir + "/lock")
        do {
            _ = try DeploymentLock(path: dir + "/lock")
            Issue.record("a second lock must fail")
        } catch let busy as DeploymentLock.Busy {
            #expect(busy.holder.hasPrefix("PID \(getpid()) on "))
        }
        first.release()
        let again = try DeploymentLock(path: dir + "/lock")
        again.release()
    }
}
