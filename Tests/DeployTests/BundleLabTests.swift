import Crypto
import Foundation
import LabHosts
import Testing
@testable import Deploy

/// `ovirt-wizard bundle` against lab hosts after a failed deployment: fixture logs holding every secret of the
/// answer files in several encodings, a very large log, an unreachable host; the archive unpacked and searched.
@Suite("support bundle", .serialized, .timeLimit(.minutes(5)))
struct BundleLabTests {
    static let unknownPassword = "Retyped-pw-77"

    /// Logs on a host's stand-in root, as the tools would leave them, with the secrets planted in many forms.
    static func plantLogs(root: String, secrets: [String]) throws {
        func write(_ path: String, _ text: String) throws {
            let full = root + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        var planted: [String] = []
        for secret in secrets { planted += BundleRedactorTests.plantedLines(secret) }
        let otopi = secrets.enumerated().map { i, s in "2014-05-08 05:47:0\(i) DEBUG otopi.context ENV OVESETUP_CONFIG/adminPassword=str:'\(s)'\nQUESTION/\(i + 1)/OVESETUP_CONFIG_ADMIN_SETUP=str:\(s)" }
        // A password the answer files do not hold (typed again after a mismatch): only the patterns can find it.
        let retyped = ["QUESTION/3/OVESETUP_CONFIG_ADMIN_SETUP=str:\(unknownPassword)", "engine db passwd: \(unknownPassword)"]
        try write("/var/log/ovirt-engine/setup/ovirt-engine-setup-20140508050000.log",
                  (["2014-05-08 05:46:49 DEBUG otopi.context context._executeMethod:138 Stage boot"] + otopi + retyped + planted)
                    .joined(separator: "\n") + "\n")
        let ansible = secrets.map { #"2023-03-20 02:09:22,123+0000 DEBUG var changed: host "localhost" var "he_vars" type "<class 'dict'>" value: "{\"he_admin_password\": \"\#($0)\", \"he_appliance_password\": \"\#($0)\"}""# }
        try write("/var/log/ovirt-hosted-engine-setup/ovirt-hosted-engine-setup-ansible-bootstrap_local_vm-20230320020922-7l1ean.log",
                  (ansible + ["-----BEGIN OPENSSH PRIVATE KEY-----", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
                              "QyNTUxOQAAACBHpl0ST8nVbtn4ppq0JjSVYWsEtT5cmZJZd0lDf8rJdwAAAJhmYbbsZmG2", "-----END OPENSSH PRIVATE KEY-----"]
                   ).joined(separator: "\n") + "\n")
        try write("/var/log/messages", secrets.map { "May  8 05:47:01 node1 vdsm root login password=\($0)" }.joined(separator: "\n") + "\n")
        try write("/var/log/ovirt-hosted-engine-ha/agent.log", "MainThread::INFO::agent started\n")
        // vdsm.log of 3 MiB: the head and the tail are marked; a secret sits in the middle and at the end.
        var vdsm = "HEAD-MARKER first line of vdsm.log\n"
        let filler = "Thread-13::DEBUG::2014-05-08 18:23:45,123::task::595::TaskManager.Task::(_updateState) moving from state init -> state preparing\n"
        while vdsm.utf8.count < 3 << 20 { vdsm += filler }
        vdsm += "connectStorageServer password=\(secrets[0]) \n" + Data(secrets[0].utf8).base64EncodedString() + "\nTAIL-MARKER last line\n"
        try write("/var/log/vdsm/vdsm.log", vdsm)
        try write("/etc/hosts", "127.0.0.1 localhost\n192.168.10.101 gs1.lofyer.org gs1\n")
    }

    /// Every file of the unpacked archive, by its path inside it.
    static func unpack(_ archive: String, into folder: String) throws -> [String: Data] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        tar.arguments = ["-xzf", archive, "-C", folder]
        try tar.run()
        tar.waitUntilExit()
        #expect(tar.terminationStatus == 0)
        var files: [String: Data] = [:]
        let walker = FileManager.default.enumerator(atPath: folder)!
        for case let relative as String in walker {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isDir), !isDir.boolValue {
                files[relative] = FileManager.default.contents(atPath: folder + "/" + relative)
            }
        }
        return files
    }

    /// grep -r over the unpacked archive (what an operator would run): true when `text` is found anywhere.
    static func grep(_ text: String, in folder: String) throws -> [String] {
        let grep = Process()
        grep.executableURL = URL(fileURLWithPath: "/usr/bin/grep")
        grep.arguments = ["-r", "-l", "-F", "-e", text, folder]
        let out = Pipe()
        grep.standardOutput = out
        try grep.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        grep.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// The forms of a secret searched for in the unpacked archive, worked out here independently of the redactor.
    static func encodings(_ secret: String) -> [String] {
        let bytes = Data(secret.utf8)
        let json = String(decoding: try! JSONSerialization.data(withJSONObject: [secret]), as: UTF8.self).dropFirst(2).dropLast(2)
        return [secret, bytes.base64EncodedString(), secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!,
                String(json), bytes.map { String(format: "%02x", $0) }.joined()]
    }

    @Test func afterAFailedDeploymentOneArchiveWithEveryHostAndNoSecret() throws {
        let lab = try LabDeployment(hosts: 2)
        let engine = try lab.writeEngineSetupAnswers(0)
        let hosted = try lab.writeHostedEngineAnswers(1)
        let secrets = try lab.inputs().flatMap(\.secretValues)
        #expect(Set(secrets) == [LabDeployment.adminPassword, LabDeployment.hostedPassword])
        try Self.plantLogs(root: lab.root(0), secrets: secrets)
        try FileManager.default.createDirectory(atPath: lab.root(0) + "/var/lib/rpm-fixture", withIntermediateDirectories: true)

        // The deployment fails on the engine host in Misc configuration; the host log names engine-setup's log.
        try lab.setFixture(0, "ENGINE_SETUP_MODE=fail\n")
        let applied = try lab.wizard(["apply", "--plain", "--answers", engine] + lab.sshArguments)
        #expect(applied.status == 1, "\(applied.stdout)\n\(applied.stderr)")
        let recorded = SupportBundle.recordedLogs(files: lab.files, hosts: [lab.cluster.hosts[0].address])
        let engineHost = lab.cluster.hosts[0].address
        #expect(recorded[engineHost] == [lab.root(0) + "/var/log/ovirt-engine/setup/ovirt-engine-setup-20140508054649.log"])
        // The wizard's own host log gets a secret too, as a careless line would leave it.
        try (try String(contentsOfFile: lab.files.log(host: engineHost), encoding: .utf8) + "leak \(LabDeployment.adminPassword)\n")
            .write(toFile: lab.files.log(host: engineHost), atomically: true, encoding: .utf8)

        // The hosted-engine host is down when the bundle is made.
        lab.cluster.hosts[1].stop()
        let output = lab.directory + "/support.tar.gz"
        let made = try lab.wizard(["bundle", "--answers", engine, "--answers", hosted, "--output", output,
                                   "--host-root", lab.root(0), "--max-file-size", "1M"] + lab.sshArguments)
        #expect(made.status == 1, "\(made.stdout)\n\(made.stderr)")
        #expect(made.stderr.contains("not reached (recorded in the MANIFEST): \(lab.cluster.hosts[1].address)"))
        #expect(made.stdout.contains("[\(engineHost)] [####################]"), "\(made.stdout)")
        #expect(made.stdout.contains("[\(lab.cluster.hosts[1].address)] NOT REACHED"))
        for secret in secrets { #expect(!made.stdout.contains(secret) && !made.stderr.contains(secret)) }

        var info = stat()
        #expect(stat(output, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: lab.directory).allSatisfy { !$0.hasPrefix(".") }, "staging or partial files left")

        let folder = lab.directory + "/unpacked"
        let files = try Self.unpack(output, into: folder)
        let top = try #require(files.keys.first { $0.hasSuffix("/MANIFEST") }).dropLast("/MANIFEST".count)
        func file(_ path: String) -> String? { files["\(top)/\(path)"].map { String(decoding: $0, as: UTF8.self) } }

        // Not one secret, in any of its encodings, anywhere in the archive.
        for secret in secrets {
            for (index, form) in Self.encodings(secret).enumerated() {
                let found = try Self.grep(form, in: folder)
                #expect(found.isEmpty, "form \(index) of a secret found in \(found)")
            }
            for (path, data) in files {
                let text = String(decoding: data, as: UTF8.self)
                #expect(!text.split(separator: "\n").contains { BundleRedactorTests.base64Reveals(secret, in: String($0)) },
                        "Base64 of a secret in \(path)")
            }
        }
        #expect(try Self.grep("b3BlbnNzaC1rZXktdjE", in: folder).isEmpty, "private key body left")
        #expect(try Self.grep(Self.unknownPassword, in: folder).isEmpty, "a password in a known log pattern left")

        // Every host's files: the recorded and known logs, the facts, rpm -qa; the unreachable host said as such.
        let hostFolder = "hosts/\(engineHost)"
        let setupLog = try #require(file("\(hostFolder)/files\(lab.root(0))/var/log/ovirt-engine/setup/ovirt-engine-setup-20140508054649.log"))
        #expect(setupLog.contains("Stage boot"))
        #expect(file("\(hostFolder)/files\(lab.root(0))/var/log/ovirt-hosted-engine-ha/agent.log") == "MainThread::INFO::agent started\n")
        #expect(file("\(hostFolder)/commands/etc-hosts.txt")?.contains("gs1.lofyer.org") == true)
        #expect(file("\(hostFolder)/commands/rpm-qa.txt")?.contains("ovirt-engine-3.4.0-1.el6.noarch") == true)
        #expect(file("\(hostFolder)/commands/cpu.txt")?.contains("flags") == true)
        #expect(file("\(hostFolder)/commands/network.txt")?.contains("127.0.0.1") == true)
        #expect(file("hosts/\(lab.cluster.hosts[1].address)/UNREACHABLE.txt")?.contains("could not be reached") == true)
        #expect(file("local/journal.jsonl")?.contains("run-engine-setup") == true)
        #expect(file("local/logs/\(engineHost).log")?.contains("leak ********") == true)
        #expect(file("local/answers/engine-0.conf")?.contains("OVESETUP_CONFIG/adminPassword=str:********") == true)
        #expect(file("local/plan.txt")?.contains("engine-setup --offline") == true)

        // The very large log: its end kept within the cap, the cut recorded.
        let vdsm = try #require(file("\(hostFolder)/files\(lab.root(0))/var/log/vdsm/vdsm.log"))
        #expect(vdsm.hasSuffix("TAIL-MARKER last line\n"))
        #expect(!vdsm.contains("HEAD-MARKER"))
        #expect(vdsm.utf8.count <= 1 << 20)
        #expect(vdsm.hasPrefix("Thread-13::"), "starts at a whole line")

        // The manifest: each file with source, size, sha256 and truncation; the host not reached; the removals.
        let manifest = try #require(file("MANIFEST"))
        #expect(manifest.contains("\(lab.cluster.hosts[1].address): NOT REACHED"))
        let vdsmLine = try #require(manifest.split(separator: "\n").first { $0.hasPrefix("\(hostFolder)/files\(lab.root(0))/var/log/vdsm/vdsm.log |") })
        let fields = vdsmLine.components(separatedBy: " | ")
        #expect(fields[2] == "\(engineHost):\(lab.root(0))/var/log/vdsm/vdsm.log")
        #expect(fields[3] == "\((try FileManager.default.attributesOfItem(atPath: lab.root(0) + "/var/log/vdsm/vdsm.log")[.size] as! NSNumber).intValue) bytes")
        #expect(fields[5] == SHA256.hash(data: Data(vdsm.utf8)).map { String(format: "%02x", $0) }.joined())
        #expect(fields[6].hasPrefix("TRUNCATED"))
        let journalLine = try #require(manifest.split(separator: "\n").first { $0.hasPrefix("local/journal.jsonl |") })
        #expect(journalLine.hasSuffix("| complete"))
        #expect(manifest.contains("\(hostFolder)/files\(lab.root(0))/var/log/vdsm/vdsm.log:") && manifest.contains("| answer-file secret (plain)"))
        #expect(manifest.contains("| answer-file secret (base64)"))
        #expect(manifest.contains("| private key"))
        #expect(manifest.contains("| otopi QUESTION answer of OVESETUP_CONFIG_ADMIN_SETUP"))
        #expect(manifest.contains("\(engineHost):\(lab.root(0))/var/log/ovirt-engine/ansible/ | not on the host"))
        for secret in secrets { #expect(!manifest.contains(secret)) }
    }

    @Test func hostCapKeepsNewestFilesAndRecordsTheRest() throws {
        let lab = try LabDeployment(hosts: 1)
        try lab.writeEngineSetupAnswers(0)
        let dir = lab.root(0) + "/var/log/ovirt-engine/setup"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for i in 0..<4 {
            let path = dir + "/ovirt-engine-setup-\(i).log"
            try String(repeating: "line \(i) of an older run\n", count: 20_000).write(toFile: path, atomically: true, encoding: .utf8)
            // Older runs have older times: file 3 is the newest.
            var times = [timespec(tv_sec: 1_400_000_000 + i * 100, tv_nsec: 0), timespec(tv_sec: 1_400_000_000 + i * 100, tv_nsec: 0)]
            #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        }
        // The host's rpm is missing: the package list says so plainly.
        try FileManager.default.removeItem(atPath: lab.cluster.hosts[0].binDirectory + "/rpm")
        let output = lab.directory + "/capped.tar.gz"
        let made = try lab.wizard(["bundle", "--answers", lab.answerFiles[0], "--output", output, "--host-root", lab.root(0),
                                   "--max-file-size", "300K", "--max-host-size", "700K"] + lab.sshArguments)
        #expect(made.status == 0, "\(made.stdout)\n\(made.stderr)")
        let files = try Self.unpack(output, into: lab.directory + "/capped")
        let top = try #require(files.keys.first { $0.hasSuffix("/MANIFEST") }).dropLast("/MANIFEST".count)
        let manifest = String(decoding: files["\(top)/MANIFEST"]!, as: UTF8.self)
        let host = lab.cluster.hosts[0].address
        #expect(manifest.contains("\(host):\(dir)/ovirt-engine-setup-0.log | not taken: the host's cap of 700.0 KiB was reached"))
        #expect(files.keys.contains { $0.hasSuffix("/ovirt-engine-setup-3.log") })
        let taken = files.filter { $0.key.hasPrefix("\(top)/hosts/") }.values.reduce(0) { $0 + $1.count }
        #expect(taken <= 700 << 10)
        #expect(String(decoding: files["\(top)/hosts/\(host)/commands/rpm-qa.txt"]!, as: UTF8.self).contains("rpm is not installed on this host"))
    }
}

/// `b` in the failure dialog of a real `apply` in tmux: the bundle is written while the dialog waits.
@Suite("support bundle from the panes", .serialized, .timeLimit(.minutes(3)))
struct BundlePanesEndToEndTests {
    @Test func bInTheFailureDialogWritesTheBundle() throws {
        let lab = try LabDeployment(hosts: 1)
        try lab.writeEngineSetupAnswers(0)
        try lab.setFixture(0, "ENGINE_SETUP_MODE=fail\n")
        let argv = ["apply"] + lab.answerFiles.flatMap { ["--answers", $0] } + lab.sshArguments
        let inDirectory = "cd \(Tmux.quote(lab.directory)) && exec " + ([LabDeployment.binary] + argv).map(Tmux.quote).joined(separator: " ")
        let tmux = try Tmux(command: "sh -c " + Tmux.quote(inDirectory),
                            environment: lab.binaryEnvironment.filter { ["HOME", "PATH"].contains($0.key) })
        var screen = try tmux.waitFor("b bundle", timeout: 60)
        #expect(screen.contains("step 9/9 failed") || screen.contains("failed"))
        try tmux.send("b")
        screen = try tmux.waitFor("support bundle written", timeout: 60)
        print(screen)
        let archive = try #require(try FileManager.default.contentsOfDirectory(atPath: lab.directory).first { $0.hasSuffix(".tar.gz") })
        var info = stat()
        #expect(stat(lab.directory + "/" + archive, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let files = try BundleLabTests.unpack(lab.directory + "/" + archive, into: lab.directory + "/unpacked")
        #expect(files.keys.contains { $0.hasSuffix("/MANIFEST") })
        #expect(files.keys.contains { $0.hasSuffix("/local/journal.jsonl") })
        #expect(try BundleLabTests.grep(LabDeployment.adminPassword, in: lab.directory + "/unpacked").isEmpty)
        try tmux.send("a")
        _ = try tmux.waitFor("q quit", timeout: 30)
        try tmux.send("q")
    }
}

/// A gluster flow answer file: every Gluster host gives `gluster volume info/status` and its peers.
@Suite("support bundle of a Gluster deployment", .serialized, .timeLimit(.minutes(5)))
struct BundleGlusterTests {
    @Test func everyGlusterHostGivesVolumeInfoAndStatus() throws {
        let g = try GlusterApplyTests.GlusterLab()
        let output = g.lab.directory + "/gluster-bundle.tar.gz"
        let made = try g.wizard("bundle", ["--output", output])
        #expect(made.status == 0, "\(made.stdout)\n\(made.stderr)")
        let files = try BundleLabTests.unpack(output, into: g.lab.directory + "/unpacked")
        for (index, host) in g.hosts.enumerated() {
            #expect(g.calls(index, of: ["gluster"]).contains("gluster volume info gluster-vol1"))
            #expect(g.calls(index, of: ["gluster"]).contains("gluster volume status gluster-vol1"))
            for name in ["gluster-volume-info.txt", "gluster-volume-status.txt", "gluster-peer-status.txt"] {
                #expect(files.keys.contains { $0.hasSuffix("/hosts/\(host)/commands/\(name)") }, "\(host): \(name)")
            }
        }
        let manifest = try #require(files.first { $0.key.hasSuffix("/MANIFEST") }.map { String(decoding: $0.value, as: UTF8.self) })
        #expect(manifest.contains(":/var/log/glusterfs/"), "the Gluster logs were looked for")
    }
}
