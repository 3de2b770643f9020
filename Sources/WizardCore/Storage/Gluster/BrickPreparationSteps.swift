import HostOps

/// Partitioning, formatting and mounting the disks behind device bricks.
extension GlusterVolumePlanner {
    static func makePreparations(_ bricks: [GlusterBrick], fstabFile: String = "/etc/fstab") -> [BrickPreparation] {
        bricks.compactMap { brick in
            guard let device = brick.device, let mount = brick.mountPoint else { return nil }
            let partition = partitionName(device)
            return BrickPreparation(
                host: brick.host, device: device, partition: partition, mountPoint: mount, brickDirectory: brick.path,
                operations: [
                    .run(argv: ["parted", "-s", "-a", "optimal", device, "mklabel", "gpt", "mkpart", "primary", "xfs", "0%", "100%"]),
                    .run(argv: ["udevadm", "settle"]),
                    // 512-byte inodes leave room for gluster's extended attributes. (The seed writes
                    // "-i size 512", which mkfs.xfs rejects; the option is "size=512".)
                    .run(argv: ["mkfs.xfs", "-f", "-i", "size=512", partition]),
                    // mkdir -p: a chosen mount point may need parents (e.g. /bricks/engine).
                    .makeDirectories(path: mount),
                    .appendLineIfAbsent(path: fstabFile, line: "\(partition)\t\(mount)\txfs\tdefaults\t0 0"),
                    .mount(mountPoint: mount),
                    .createDirectory(path: brick.path, mode: 0o755, uid: 0, gid: 0),
                ])
        }
    }

    /// `/dev/sdb` → `/dev/sdb1`; `/dev/nvme0n1`, `/dev/mmcblk0` → `…p1` (names ending in a digit).
    package static func partitionName(_ device: String) -> String {
        device.last?.isNumber == true ? device + "p1" : device + "1"
    }
}
