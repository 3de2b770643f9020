import Foundation
import HostOps

/// What a support bundle takes from one host: log files and directories, and commands whose output is kept.
package struct BundleHostSpec: Sendable {
    package var name: String
    package var access: HostAccess
    /// The logs the journal recorded for this host's steps (taken first).
    package var recordedLogs: [String]
    /// Files and directories to take besides (directories: every file below them), absolute paths on the host.
    package var logPaths: [String]
    /// The system log since this moment (`journalctl --since`, else `messagesPath`).
    package var since: Date
    package var messagesPath: String
    /// Commands whose output is kept, with the archive name of each.
    package var commands: [BundleCommandSpec]

    package init(name: String, access: HostAccess, recordedLogs: [String], logPaths: [String], since: Date,
                 messagesPath: String, commands: [BundleCommandSpec]) {
        self.name = name
        self.access = access
        self.recordedLogs = recordedLogs
        self.logPaths = logPaths
        self.since = since
        self.messagesPath = messagesPath
        self.commands = commands
    }
}

/// One command a bundle runs on a host; `file` is its name in the host's `commands/` folder.
package struct BundleCommandSpec: Sendable {
    package var file: String
    package var what: String
    package var command: RemoteCommand
    /// Said in the output file instead of nothing when the command is not on the host (rpm on Debian).
    package var absentNote: String?

    package init(file: String, what: String, command: RemoteCommand, absentNote: String? = nil) {
        self.file = file
        self.what = what
        self.command = command
        self.absentNote = absentNote
    }
}

/// The log locations and commands the bundle knows: the logs of oVirt 3.4's and 4.5's tools and the host facts.
package enum BundleSources {
    /// Where engine-setup, hosted-engine --deploy (otopi and its 4.5 Ansible phases), vdsm, supervdsm and the
    /// hosted-engine HA agent and broker log, on oVirt 3.4 and 4.5 (the engine's own Ansible host-deploy logs too).
    package static let knownLogs = [
        "/var/log/ovirt-engine/setup/",
        "/var/log/ovirt-engine/ansible/",
        "/var/log/ovirt-engine/host-deploy/",
        "/var/log/ovirt-engine/engine.log",
        "/var/log/ovirt-hosted-engine-setup/",
        "/var/log/vdsm/vdsm.log",
        "/var/log/vdsm/supervdsm.log",
        "/var/log/ovirt-hosted-engine-ha/agent.log",
        "/var/log/ovirt-hosted-engine-ha/broker.log",
    ]
    /// GlusterFS's own logs (glusterd, bricks, self-heal), taken where Gluster is planned.
    package static let glusterLogs = ["/var/log/glusterfs/"]

    /// `rootPrefix` stands in for `/` (chroots and the tests' lab hosts); empty on a real host.
    package static func logPaths(gluster: Bool, rootPrefix: String) -> [String] {
        (knownLogs + (gluster ? glusterLogs : [])).map { rootPrefix + $0 }
    }

    /// The host facts and the installed oVirt packages.
    package static func factCommands(rootPrefix: String) -> [BundleCommandSpec] {
        [
            BundleCommandSpec(file: "os.txt", what: "operating system and kernel", command: .script("""
                for f in /etc/os-release /etc/redhat-release /etc/centos-release; do
                  [ -r "$f" ] && { echo "== $f"; cat "$f"; }
                done
                echo "== uname -a"; uname -a; echo "== uptime"; uptime
                """)),
            BundleCommandSpec(file: "cpu.txt", what: "CPU model and flags", command: .script("""
                if command -v lscpu >/dev/null 2>&1; then echo "== lscpu"; lscpu; fi
                echo "== /proc/cpuinfo (first processor)"; sed '/^$/q' /proc/cpuinfo
                """)),
            BundleCommandSpec(file: "memory.txt", what: "memory", command: .script("""
                if command -v free >/dev/null 2>&1; then echo "== free -m"; free -m; fi
                echo "== /proc/meminfo"; cat /proc/meminfo
                """)),
            BundleCommandSpec(file: "disks.txt", what: "disks and file systems", command: .script("""
                if command -v lsblk >/dev/null 2>&1; then echo "== lsblk"; lsblk; else echo "== /proc/partitions"; cat /proc/partitions; fi
                echo "== df -h"; df -h; echo "== /proc/mounts"; cat /proc/mounts
                """)),
            BundleCommandSpec(file: "network.txt", what: "addresses and routes", command: .script("""
                if command -v ip >/dev/null 2>&1; then
                  echo "== ip addr"; ip addr; echo "== ip route"; ip route; echo "== ip rule"; ip rule
                else
                  echo "== ifconfig -a"; ifconfig -a; echo "== route -n"; route -n
                fi
                """)),
            BundleCommandSpec(file: "etc-hosts.txt", what: "/etc/hosts", command: RemoteCommand(["cat", rootPrefix + "/etc/hosts"])),
            BundleCommandSpec(file: "rpm-qa.txt", what: "installed oVirt, vdsm, Gluster, libvirt and qemu packages",
                              command: .script("""
                                if ! command -v rpm >/dev/null 2>&1; then echo "rpm is not installed on this host: no RPM package list"; exit 0; fi
                                rpm -qa | grep -E 'ovirt|vdsm|gluster|libvirt|qemu' | sort
                                """)),
        ]
    }

    /// `gluster volume info` and `status` (of `volume`, or of every volume), and the peers.
    package static func glusterCommands(volume: String?) -> [BundleCommandSpec] {
        let info = volume.map { HostOperation.gluster(.volumeInfo(volume: $0)).commands[0] }
            ?? RemoteCommand(["gluster", "volume", "info"])
        let status = volume.map { HostOperation.gluster(.volumeStatus(volume: $0)).commands[0] }
            ?? RemoteCommand(["gluster", "volume", "status"])
        return [
            BundleCommandSpec(file: "gluster-volume-info.txt", what: "gluster volume info", command: info),
            BundleCommandSpec(file: "gluster-volume-status.txt", what: "gluster volume status", command: status),
            BundleCommandSpec(file: "gluster-peer-status.txt", what: "gluster peer status",
                              command: HostOperation.gluster(.peerStatus).commands[0]),
        ]
    }
}
