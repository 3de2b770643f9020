import Foundation
import LabHosts
import Testing
@testable import Deploy

/// `ovirt-wizard plan/apply --answers gluster-answers.conf` against 4 lab hosts whose `gluster`, `systemctl`,
/// `yum` and `rpm` are fixtures recording their arguments; bricks are directories under the lab's own folder.
@Suite("Gluster volume plans run by plan and apply", .serialized, .timeLimit(.minutes(5)))
struct GlusterApplyTests {
    /// The lab with the Gluster fixtures and an ssh_config naming the lab hosts as the seed names its Gluster
    /// servers (gs1…gs4.example.com), with each one's address and port (the gluster flow has one SSH login for
    /// every host, and the lab hosts listen on different ports). /etc/hosts is a file of the lab.
    final class GlusterLab {
        let lab: LabDeployment
        let sshConfig: String
        let answers: String

        init(brickSources: String? = nil, brickKind: String = "directory", extra: String = "") throws {
            lab = try LabDeployment(hosts: 4)
            for host in lab.cluster.hosts {
                let fixtures = ["gluster": "gluster", "systemctl": "systemctl", "parted": "disktool", "udevadm": "disktool",
                                "mkfs.xfs": "disktool", "mount": "disktool", "mountpoint": "disktool"]
                for (name, source) in fixtures {
                    let target = host.binDirectory + "/" + name
                    try FileManager.default.copyItem(atPath: LabDeployment.fixtures + "/" + source, toPath: target)
                    chmod(target, 0o755)
                }
            }
            sshConfig = lab.cluster.root + "/gluster-ssh-config"
            try lab.cluster.hosts.enumerated().map { "Host gs\($0 + 1).example.com\n  HostName \($1.address)\n  Port \($1.port)\n" }.joined()
                .write(toFile: sshConfig, atomically: true, encoding: .utf8)
            answers = lab.directory + "/gluster-answers.conf"
            lab.answerFiles = [answers]
            try writeAnswers(brickSources: brickSources, brickKind: brickKind, extra: extra)
        }

        /// The seed's volume (section 8): 4 hosts × 2 bricks, distributed-striped-replicate, stripe 2 replica 2.
        func writeAnswers(brickSources: String? = nil, brickKind: String = "directory", extra: String = "") throws {
            let bricks = brickSources ?? "\(lab.cluster.root)/gluster_brick0 \(lab.cluster.root)/gluster_brick1"
            let text = """
                # ovirt-wizard answers for the gluster flow
                [environment:default]
                OVIRT_WIZARD/flow=str:gluster
                OVIRT_WIZARD/flowVersion=str:3.4
                OVIRT_WIZARD/sshUser=str:root
                OVIRT_WIZARD/sshIdentity=str:\(lab.cluster.clientKey)
                GLUSTER/hosts=str:\(hosts.joined(separator: " "))
                GLUSTER/brickKind=str:\(brickKind)
                GLUSTER/brickSources=str:\(bricks)
                GLUSTER/volumeName=str:gluster-vol1
                GLUSTER/volumeType=str:distributed-striped-replicate
                GLUSTER/stripeAccepted=bool:True
                GLUSTER/stripeCount=int:2
                GLUSTER/replicaCount=int:2
                GLUSTER/transport=str:tcp
                GLUSTER/force=bool:True
                GLUSTER/serviceManager=str:systemd
                GLUSTER/addresses=str:\(zip(hosts, lab.cluster.hosts).map { "\($0)=\($1.address)" }.joined(separator: " "))
                GLUSTER/hostsFile=str:\(hostsFile)
                GLUSTER/fstabFile=str:\(fstabFile)
                \(extra)
                """
            try text.write(toFile: answers, atomically: true, encoding: .utf8)
        }

        var hosts: [String] { lab.cluster.hosts.indices.map { "gs\($0 + 1).example.com" } }
        /// One file for the 4 lab hosts, which share this machine's file system.
        var hostsFile: String { lab.cluster.root + "/etc-hosts" }
        var fstabFile: String { lab.cluster.root + "/etc-fstab" }

        func wizard(_ command: String, _ extra: [String] = []) throws -> LabDeployment.Result {
            try lab.wizard([command, "--answers", answers, "--known-hosts", lab.cluster.knownHostsPath,
                            "--ssh-config", sshConfig, "--remote-dir", lab.remoteBase] + extra)
        }

        /// The fixture calls of the steps (not the platform probe's rpm -E nor the resume probes), as `cmd args`.
        func calls(_ index: Int, of programs: Set<String> = ["gluster", "systemctl", "yum"]) -> [String] {
            lab.runs(index).compactMap { line in
                let words = line.split(separator: " ", maxSplits: 1).map(String.init)
                guard words.count == 2, let program = words[1].split(separator: " ").first.map(String.init),
                      programs.contains(program) else { return nil }
                return words[1]
            }
        }

        func times(_ index: Int, _ prefix: String) -> [Double] {
            lab.runs(index).compactMap { line in
                let words = line.split(separator: " ", maxSplits: 1).map(String.init)
                guard words.count == 2, words[1].hasPrefix(prefix) else { return nil }
                return Double(words[0])
            }
        }
    }

    @Test func seedVolumeDryRunListsExactlyWhatApplyRuns() throws {
        let g = try GlusterLab()
        let dry = try g.wizard("plan", ["--json"])
        #expect(dry.status == 0, "\(dry.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])
        let hosts = try #require(json["hosts"] as? [[String: Any]])
        #expect(hosts.compactMap { $0["name"] as? String } == g.hosts)
        #expect(hosts.allSatisfy { $0["tool"] as? String == "gluster" })
        let readBack = try #require(json["readBack"] as? [[String: Any]])
        #expect(readBack.compactMap { $0["argv"] as? [String] } == [["gluster", "volume", "info", "gluster-vol1"], ["gluster", "volume", "status", "gluster-vol1"]])

        let text = try g.wizard("plan")
        #expect(text.status == 0, "\(text.stderr)")
        let bricks = g.hosts.map { "\($0):\(g.lab.cluster.root)/gluster_brick0" } + g.hosts.map { "\($0):\(g.lab.cluster.root)/gluster_brick1" }
        #expect(text.stdout.contains("gluster --mode=script volume create gluster-vol1 stripe 2 replica 2 \(bricks.joined(separator: " ")) force"))
        #expect(text.stdout.contains("host setup: yum install -y"))
        #expect(text.stdout.contains("verify: grep -qxF -e '\(g.lab.cluster.hosts[3].address)\tgs4.example.com' -- \(g.hostsFile)"))
        #expect(text.stdout.contains("after:  \(g.hosts[1])/setup-6-systemctl, \(g.hosts[2])/setup-6-systemctl, \(g.hosts[3])/setup-6-systemctl"))
        #expect(text.stdout.contains("verify: rpm -q glusterfs glusterfs-fuse glusterfs-server xfsprogs"))
        #expect(text.stdout.contains("  gluster volume status gluster-vol1"))

        let applied = try g.wizard("apply", ["--plain"])
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        #expect(applied.stdout.contains("Distributed-Striped-Replicate"))
        #expect(applied.stdout.contains("Bricks online: 8 of 8"), "\(applied.stdout)")
        #expect(applied.stdout.contains("Healthy: every brick online"))

        // Every step the dry run listed ran, in order, with the dry run's digest; nothing else reached the hosts.
        let records = Journal.read(path: g.lab.files.journal).records
        for (index, host) in hosts.enumerated() {
            let name = try #require(host["name"] as? String)
            let steps = try #require(host["steps"] as? [[String: Any]])
            let ran = records.filter { $0.kind == .stepEnded && $0.host == name }
            #expect(ran.map(\.step) == steps.map { $0["id"] as? String })
            #expect(ran.map(\.digest) == steps.map { $0["digest"] as? String })
            var expected = steps.compactMap { $0["argv"] as? [String] }.filter { ["gluster", "systemctl", "yum"].contains($0[0]) }
                .map { $0.joined(separator: " ") }
            if index == 0 { expected += readBack.compactMap { $0["argv"] as? [String] }.map { $0.joined(separator: " ") } }
            #expect(g.calls(index) == expected, "host \(index)")
        }
        // The seed's /etc/hosts lines (section 8), here in the lab's file.
        let lines = (try String(contentsOfFile: g.hostsFile, encoding: .utf8)).split(separator: "\n").map(String.init)
        #expect(Set(lines) == Set(zip(g.hosts, g.lab.cluster.hosts).map { "\($1.address)\t\($0)" }))
        // The phases: glusterd runs on every host before the first peer probe.
        let firstProbe = try #require(g.times(0, "gluster --mode=script peer probe").min())
        for index in 0..<4 {
            let started = try #require(g.times(index, "systemctl enable").first)
            #expect(started < firstProbe, "host \(index)")
        }
        // The second host probes the first back by name, after the first host probed it.
        #expect(g.calls(1, of: ["gluster"]) == ["gluster --mode=script peer probe \(g.hosts[0])"])
    }

    @Test func resumeAfterAHostFailedHalfWay() throws {
        let g = try GlusterLab()
        try g.lab.setFixture(0, "GLUSTER_FAIL='volume start*'\n")
        let failed = try g.wizard("apply", ["--plain"])
        #expect(failed.status == 1, "\(failed.stdout)\n\(failed.stderr)")
        #expect(g.calls(0).filter { $0.contains("volume create") }.count == 1)
        #expect(!failed.stdout.contains("Self-heal Daemon"), "no read-back after a failure")

        try g.lab.setFixture(0, "")
        let again = try g.wizard("apply", ["--plain"])
        #expect(again.status == 2, "a second apply without --resume is refused: \(again.stderr)")

        let resumed = try g.wizard("apply", ["--plain", "--resume"])
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        // Verified by their probes, not run again: packages, glusterd, peer probes, volume create.
        for index in 0..<4 {
            #expect(g.calls(index, of: ["yum"]).count == 1, "host \(index)")
            #expect(g.calls(index, of: ["systemctl"]).filter { $0.hasPrefix("systemctl enable") }.count == 1, "host \(index)")
        }
        let calls = g.calls(0, of: ["gluster"])
        #expect(calls.filter { $0.hasPrefix("gluster --mode=script peer probe") }.count == 3)
        #expect(calls.filter { $0.hasPrefix("gluster --mode=script volume create") }.count == 1)
        #expect(calls.filter { $0.hasPrefix("gluster --mode=script volume start") }.count == 2)
        #expect(calls.filter { $0.hasPrefix("gluster --mode=script volume set") }.count == 2)
        let records = Journal.read(path: g.lab.files.journal).records
        #expect(records.contains { $0.kind == .stepEnded && $0.host == g.hosts[0] && $0.step?.contains("volume-create") == true && $0.status == .verified })
    }

    @Test func unhealthyReadBackExitsOne() throws {
        let g = try GlusterLab()
        let brick = "\(g.hosts[2]):\(g.lab.cluster.root)/gluster_brick1"
        try g.lab.setFixture(0, "GLUSTER_OFFLINE='\(brick)'\n")
        let applied = try g.wizard("apply", ["--plain"])
        #expect(applied.status == 1, "\(applied.stdout)\n\(applied.stderr)")
        #expect(applied.stdout.contains("brick \(brick) is offline"), "\(applied.stdout)")
    }

    @Test func confirmedDiskBricksArePreparedAfterEveryHostsSetup() throws {
        let g = try GlusterLab()
        let mounts = "\(g.lab.cluster.root)/mnt/b0 \(g.lab.cluster.root)/mnt/b1"
        // Devices that exist nowhere: the fixtures record the calls; a real tool would only fail.
        let tokens = g.hosts.flatMap { ["\($0):/dev/labdisk0", "\($0):/dev/labdisk1"] }
        try g.writeAnswers(brickSources: "/dev/labdisk0=\(g.lab.cluster.root)/mnt/b0 /dev/labdisk1=\(g.lab.cluster.root)/mnt/b1",
                           brickKind: "disk", extra: "GLUSTER/destroyDevices=str:\(tokens.joined(separator: " "))")
        let applied = try g.wizard("apply", ["--plain"])
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        let lastSetup = try #require((0..<4).compactMap { g.times($0, "systemctl enable").first }.max())
        for index in 0..<4 {
            let disk = g.calls(index, of: ["parted", "mkfs.xfs", "mount"])
            #expect(disk == [
                "parted -s -a optimal /dev/labdisk0 mklabel gpt mkpart primary xfs 0% 100%",
                "mkfs.xfs -f -i size=512 /dev/labdisk0p1",
                "mount \(g.lab.cluster.root)/mnt/b0",
                "parted -s -a optimal /dev/labdisk1 mklabel gpt mkpart primary xfs 0% 100%",
                "mkfs.xfs -f -i size=512 /dev/labdisk1p1",
                "mount \(g.lab.cluster.root)/mnt/b1",
            ], "host \(index)")
            let firstParted = try #require(g.times(index, "parted").first)
            #expect(firstParted > lastSetup, "host \(index) prepared a disk before every host's setup finished")
        }
        let fstab = (try String(contentsOfFile: g.fstabFile, encoding: .utf8)).split(separator: "\n").map(String.init)
        #expect(Set(fstab) == ["/dev/labdisk0p1\t\(g.lab.cluster.root)/mnt/b0\txfs\tdefaults\t0 0",
                               "/dev/labdisk1p1\t\(g.lab.cluster.root)/mnt/b1\txfs\tdefaults\t0 0"])
        for mount in mounts.split(separator: " ") {
            #expect(FileManager.default.fileExists(atPath: "\(mount)/gluster-vol1"))
        }
        #expect(g.calls(0, of: ["gluster"]).contains { $0.contains("volume create gluster-vol1 stripe 2 replica 2 gs1.example.com:\(g.lab.cluster.root)/mnt/b0/gluster-vol1 ") })
        #expect(applied.stdout.contains("Bricks online: 8 of 8"))
    }

    @Test func diskBricksNeedExactConfirmations() throws {
        let g = try GlusterLab(brickSources: "/dev/sdb /dev/sdc", brickKind: "disk")
        let refused = try g.wizard("apply", ["--plain"])
        #expect(refused.status == 2, "\(refused.stdout)\n\(refused.stderr)")
        #expect(refused.stderr.contains("\(g.hosts[0]):/dev/sdb"))
        #expect(refused.stderr.contains("nothing was changed"))
        for index in 0..<4 { #expect(g.lab.runs(index).isEmpty, "host \(index) was contacted") }
        #expect(!FileManager.default.fileExists(atPath: g.lab.files.journal))

        let plan = try g.wizard("plan", ["--no-probe"])
        #expect(plan.status == 2)
        #expect(plan.stdout.contains("mkfs.xfs -f -i size=512 /dev/sdb1"))
        #expect(plan.stderr.contains("GLUSTER/destroyDevices"))
        #expect(plan.stderr.contains("\(g.hosts[3]):/dev/sdc"))

        // One disk too many is refused as well; the exact list is accepted by the dry run.
        let tokens = g.hosts.flatMap { ["\($0):/dev/sdb", "\($0):/dev/sdc"] }
        try g.writeAnswers(brickSources: "/dev/sdb /dev/sdc", brickKind: "disk",
                           extra: "GLUSTER/destroyDevices=str:\((tokens + ["\(g.hosts[0]):/dev/sdd"]).joined(separator: " "))")
        let wrong = try g.wizard("apply", ["--plain"])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("/dev/sdd"))
        for index in 0..<4 { #expect(g.lab.runs(index).isEmpty, "host \(index) was contacted") }
        try g.writeAnswers(brickSources: "/dev/sdb /dev/sdc", brickKind: "disk",
                           extra: "GLUSTER/destroyDevices=str:\(tokens.joined(separator: " "))")
        let exact = g
        let dry = try exact.wizard("plan", ["--no-probe", "--json"])
        #expect(dry.status == 0, "\(dry.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])
        let hosts = try #require(json["hosts"] as? [[String: Any]])
        let steps = try #require(hosts[1]["steps"] as? [[String: Any]])
        // The first brick step of a host waits for the other hosts' host setup; mkfs.xfs is verified by marker only.
        let firstBrick = try #require(steps.first { ($0["id"] as? String)?.hasPrefix("bricks-") == true })
        #expect((firstBrick["waitsFor"] as? [String])?.count == 3)
        let mkfs = try #require(steps.first { ($0["argv"] as? [String])?.first == "mkfs.xfs" })
        #expect((mkfs["probe"] as? String)?.contains("marker") == true)
        #expect((mkfs["title"] as? String)?.contains("destroys the data on \(exact.hosts[1]):/dev/sdb") == true)
    }
}
