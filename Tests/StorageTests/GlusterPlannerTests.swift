import HostOps
import Testing
import SSHKit
@testable import WizardCore

@Suite struct GlusterPlannerTests {
    static func bricks(_ specs: String...) throws -> [GlusterBrickSpec] {
        try specs.map { try GlusterBrickSpec(parsing: $0) }
    }

    /// Seed section 9, first command: each host's two bricks next to each other.
    static let seedFirstOrder = ["host1:/brick1", "host1:/brick2", "host2:/brick1", "host2:/brick2",
                                 "host3:/brick1", "host3:/brick2", "host4:/brick1", "host4:/brick2"]
    /// Seed section 9, second command: one brick of every host, then the second ones.
    static let seedSecondOrder = ["host1:/brick1", "host2:/brick1", "host3:/brick1", "host4:/brick1",
                                  "host1:/brick2", "host2:/brick2", "host3:/brick2", "host4:/brick2"]

    static func seedRequest(_ order: [String]) throws -> GlusterVolumeRequest {
        GlusterVolumeRequest(volumeName: "gluster-vol1", type: .distributedStripedReplicate,
                             bricks: try order.map { try GlusterBrickSpec(parsing: $0) },
                             replicaCount: 2, stripeCount: 2, brickSize: try ByteSize(parsing: "5GB"), force: true)
    }

    @Test func seedFirstOrderIsReorderedWithAWarning() throws {
        let plan = try GlusterVolumePlanner.plan(Self.seedRequest(Self.seedFirstOrder))
        #expect(plan.reordered)
        #expect(plan.bricks.map(\.description) == Self.seedSecondOrder)
        let warning = plan.warnings.first { $0.hasPrefix("your brick order") }
        #expect(warning?.contains("replica set 1 (host1:/brick1 host1:/brick2) entirely on host1") == true)
        #expect(warning?.contains("replica set 4 (host4:/brick1 host4:/brick2) entirely on host4") == true)
        #expect(plan.redundancySets.allSatisfy { Set($0.map(\.host)).count == 2 })
    }

    @Test func seedSecondOrderIsKept() throws {
        let plan = try GlusterVolumePlanner.plan(Self.seedRequest(Self.seedSecondOrder))
        #expect(!plan.reordered)
        #expect(plan.bricks.map(\.description) == Self.seedSecondOrder)
        #expect(!plan.warnings.contains { $0.hasPrefix("your brick order") })
        // Replica sets as glusterd builds them: consecutive pairs; stripe sets: consecutive sets.
        #expect(plan.redundancySets.map { $0.map(\.description) } == [
            ["host1:/brick1", "host2:/brick1"], ["host3:/brick1", "host4:/brick1"],
            ["host1:/brick2", "host2:/brick2"], ["host3:/brick2", "host4:/brick2"],
        ])
        #expect(plan.stripeSets.count == 2)
        #expect(plan.stripeSets[0].flatMap { $0 }.map(\.host) == ["host1", "host2", "host3", "host4"])
    }

    @Test func seedCapacityIs20GB() throws {
        for order in [Self.seedFirstOrder, Self.seedSecondOrder] {
            let plan = try GlusterVolumePlanner.plan(Self.seedRequest(order))
            #expect(plan.capacity?.raw.description == "40 GB")
            #expect(plan.capacity?.usable.description == "20 GB")
            #expect(plan.capacity?.usable.bytes == 20_000_000_000)
            #expect(plan.numberOfBricks == "2 x 2 x 2 = 8")
            #expect(plan.glusterTypeName == "Distributed-Striped-Replicate")
        }
    }

    @Test func stripeAlwaysWarnsAboutGlusterFS6() throws {
        let plan = try GlusterVolumePlanner.plan(Self.seedRequest(Self.seedSecondOrder))
        #expect(plan.warnings.contains { $0.contains("removed stripe volumes in version 6") })
        let replicate = try GlusterVolumePlanner.plan(.init(volumeName: "v", type: .replicate, bricks: Self.bricks("a:/b/x", "b:/b/x", "c:/b/x"), replicaCount: 3))
        #expect(!replicate.warnings.contains { $0.contains("stripe") })
    }

    @Test func seedCommandsAreExact() throws {
        let plan = try GlusterVolumePlanner.plan(Self.seedRequest(Self.seedFirstOrder))
        #expect(plan.commands.map { "\($0.host)$ \($0.operation.summary)" } == [
            "host1$ gluster --mode=script peer probe host2",
            "host1$ gluster --mode=script peer probe host3",
            "host1$ gluster --mode=script peer probe host4",
            "host2$ gluster --mode=script peer probe host1",
            "host1$ gluster peer status",
            "host1$ gluster --mode=script volume create gluster-vol1 stripe 2 replica 2 host1:/brick1 host2:/brick1 host3:/brick1 host4:/brick1 host1:/brick2 host2:/brick2 host3:/brick2 host4:/brick2 force",
            "host1$ gluster --mode=script volume start gluster-vol1",
            "host1$ gluster --mode=script volume set gluster-vol1 storage.owner-uid 36",
            "host1$ gluster --mode=script volume set gluster-vol1 storage.owner-gid 36",
            "host1$ gluster volume info gluster-vol1",
            "host1$ gluster volume status gluster-vol1",
        ])
        #expect(plan.commands.filter { !$0.operation.changesHost }.count == 3)
    }

    @Test func noForceWarnsAboutTopLevelBrickDirectories() throws {
        var request = try Self.seedRequest(Self.seedSecondOrder)
        request.force = false
        let plan = try GlusterVolumePlanner.plan(request)
        #expect(plan.warnings.contains { $0.contains("unless 'force' is given") })
        #expect(!plan.commands.contains { $0.verb.words.last == "force" })
    }

    // MARK: never a layout that one host failure can destroy

    /// Every combination of 1–5 hosts with 1–3 bricks each (bricks per host in a few patterns),
    /// for replica 2 and 3 and disperse 3/1, 4/1, 6/2, in the worst operator order (host by host).
    @Test func neverProposesASetThatDiesWithOneHost() throws {
        var planned = 0
        var refused = 0
        let patterns: [[Int]] = [[1], [2], [3], [1, 1], [2, 2], [3, 1], [1, 3], [2, 2, 2], [3, 2, 1], [1, 1, 4], [2, 2, 2, 2],
                                 [3, 3, 1, 1], [2, 1, 2, 1, 2], [3, 3, 3, 3, 3], [4, 1, 1]]
        let shapes: [(GlusterVolumeType, Int?, Int?, Int?, Int)] = [
            (.distributedReplicate, 2, nil, nil, 1), (.distributedReplicate, 3, nil, nil, 2),
            (.disperse, nil, 3, 1, 1), (.disperse, nil, 4, 1, 1), (.disperse, nil, 6, 2, 2),
            (.distributedStripedReplicate, 2, nil, nil, 1),
        ]
        for pattern in patterns {
            var specs: [GlusterBrickSpec] = []
            for (h, count) in pattern.enumerated() {
                for b in 0..<count { specs.append(GlusterBrickSpec(host: "h\(h)", source: .directory("/bricks/b\(b)"))) }
            }
            for (type, replica, disperse, redundancy, tolerated) in shapes {
                let request = GlusterVolumeRequest(
                    volumeName: "v", type: type, bricks: specs, replicaCount: replica,
                    stripeCount: type == .distributedStripedReplicate ? 2 : nil,
                    disperseCount: disperse, redundancyCount: redundancy)
                do {
                    let plan = try GlusterVolumePlanner.plan(request)
                    planned += 1
                    #expect(plan.bricks.count == specs.count)
                    #expect(Set(plan.bricks.map(\.description)) == Set(specs.map { "\($0.host):\(pathOf($0))" }))
                    for set in plan.redundancySets {
                        var perHost: [String: Int] = [:]
                        for brick in set { perHost[brick.host, default: 0] += 1 }
                        #expect(perHost.values.max()! <= tolerated, "\(pattern) \(type): \(set)")
                        // When enough hosts have bricks left, the spread is perfect.
                        if pattern.filter({ $0 > 0 }).count >= set.count && pattern.allSatisfy({ $0 <= specs.count / set.count }) {
                            #expect(perHost.values.max()! == 1, "\(pattern) \(type): \(set)")
                        }
                    }
                } catch {
                    switch error {
                    case .unsafeLayout:
                        refused += 1
                        // A refusal is only right when no order exists: dealing the bricks host by
                        // host round-robin over the sets gives every set at most ceil(n/sets)
                        // bricks of a host with n bricks, so some host must have more than
                        // sets × tolerated bricks.
                        let sets = specs.count / (replica.map { $0 * (type == .distributedStripedReplicate ? 2 : 1) } ?? disperse!)
                        let setsOfUnit = type == .distributedStripedReplicate ? sets * 2 : sets
                        #expect(pattern.contains { $0 > setsOfUnit * tolerated }, "\(pattern) \(type) refused but a safe order exists")
                    case .invalidCounts: break // brick count not a multiple of the set size
                    default: Issue.record("\(pattern) \(type): \(error)")
                    }
                }
            }
        }
        // The enumeration exercises both outcomes (numbers fixed by the patterns above).
        #expect(planned == 21)
        #expect(refused == 19)
    }

    func pathOf(_ spec: GlusterBrickSpec) -> String {
        if case .directory(let path) = spec.source { return path }
        return ""
    }

    @Test func refusesReplicaOnOneHost() throws {
        let request = GlusterVolumeRequest(volumeName: "v", type: .replicate, bricks: try Self.bricks("a:/b1", "a:/b2"), replicaCount: 2)
        #expect(throws: GlusterPlanError.self) { try GlusterVolumePlanner.plan(request) }
        do {
            _ = try GlusterVolumePlanner.plan(request)
        } catch {
            #expect(error.description.contains("replica set 1 (a:/b1 a:/b2) entirely on a"))
        }
    }

    @Test func replicaThreeOnTwoHostsIsAllowedWithAWarning() throws {
        let plan = try GlusterVolumePlanner.plan(.init(volumeName: "v", type: .replicate, bricks: Self.bricks("a:/b/1", "a:/b/2", "b:/b/1"), replicaCount: 3))
        #expect(plan.warnings.contains { $0.contains("a host holds 2 bricks of one replica set") })
    }

    @Test func hostNamesCompareWithoutCase() throws {
        let request = GlusterVolumeRequest(volumeName: "v", type: .replicate, bricks: try Self.bricks("GS1:/b/1", "gs1:/b/2"), replicaCount: 2)
        #expect(throws: GlusterPlanError.self) { try GlusterVolumePlanner.plan(request) }
    }

    // MARK: capacity for every type

    @Test func capacityOfEveryType() throws {
        func usable(_ type: GlusterVolumeType, _ specs: [String], replica: Int? = nil, stripe: Int? = nil,
                    disperse: Int? = nil, redundancy: Int? = nil, size: String = "5GB") throws -> String? {
            try GlusterVolumePlanner.plan(.init(volumeName: "v", type: type, bricks: specs.map { try GlusterBrickSpec(parsing: $0) },
                                                replicaCount: replica, stripeCount: stripe, disperseCount: disperse,
                                                redundancyCount: redundancy, brickSize: ByteSize(parsing: size))).capacity?.usable.description
        }
        let four = ["a:/b/1", "b:/b/1", "c:/b/1", "d:/b/1"]
        let six = four + ["e:/b/1", "f:/b/1"]
        #expect(try usable(.distribute, four) == "20 GB")
        #expect(try usable(.replicate, ["a:/b/1", "b:/b/1"], replica: 2) == "5 GB")
        #expect(try usable(.replicate, ["a:/b/1", "b:/b/1", "c:/b/1"], replica: 3) == "5 GB")
        #expect(try usable(.distributedReplicate, four, replica: 2) == "10 GB")
        #expect(try usable(.distributedReplicate, six, replica: 3) == "10 GB")
        #expect(try usable(.disperse, six, disperse: 6, redundancy: 2) == "20 GB")
        #expect(try usable(.disperse, six, disperse: 3, redundancy: 1) == "20 GB")  // 2 sets × 2 data bricks
        #expect(try usable(.stripe, ["a:/b/1", "b:/b/1"], stripe: 2) == "10 GB")
        #expect(try usable(.distributedStripedReplicate, four, replica: 2, stripe: 2) == "10 GB")
        #expect(try usable(.distributedReplicate, four, replica: 2, size: "1T") == "2 TiB")
        #expect(try usable(.distributedReplicate, four, replica: 2, size: "1.5GiB") == "3 GiB")
    }

    @Test func unevenBricksUseTheSmallestOfEachSet() throws {
        var specs = try Self.bricks("a:/b/1", "b:/b/1", "a:/b/2", "b:/b/2")
        specs[0].size = try ByteSize(parsing: "10GB")
        specs[1].size = try ByteSize(parsing: "4GB")
        let plan = try GlusterVolumePlanner.plan(.init(volumeName: "v", type: .distributedReplicate, bricks: specs, replicaCount: 2,
                                                       brickSize: ByteSize(parsing: "5GB")))
        #expect(plan.capacity?.usable.description == "9 GB")
        #expect(plan.capacity?.raw.description == "24 GB")
        #expect(plan.warnings.contains { $0.contains("differ in size") })
    }

    @Test func capacityIsUnknownWithoutSizes() throws {
        let plan = try GlusterVolumePlanner.plan(.init(volumeName: "v", type: .distribute, bricks: Self.bricks("a:/b/1")))
        #expect(plan.capacity == nil)
        #expect(plan.warnings.contains { $0.contains("--brick-size") })
    }

    // MARK: counts and names

    @Test func countsAreChecked() throws {
        let four = try Self.bricks("a:/b/1", "b:/b/1", "c:/b/1", "d:/b/1")
        let bad: [GlusterVolumeRequest] = [
            .init(volumeName: "v", type: .distributedReplicate, bricks: four, replicaCount: 3),
            .init(volumeName: "v", type: .distributedReplicate, bricks: four),
            .init(volumeName: "v", type: .distributedReplicate, bricks: four, replicaCount: 1),
            .init(volumeName: "v", type: .replicate, bricks: four, replicaCount: 2),
            .init(volumeName: "v", type: .distribute, bricks: four, replicaCount: 2),
            .init(volumeName: "v", type: .disperse, bricks: four, disperseCount: 4),
            .init(volumeName: "v", type: .disperse, bricks: four, disperseCount: 4, redundancyCount: 2),
            .init(volumeName: "v", type: .distributedStripedReplicate, bricks: four, replicaCount: 2),
            .init(volumeName: "v", type: .distribute, bricks: []),
        ]
        for request in bad {
            #expect(throws: GlusterPlanError.self, "\(request.type) \(String(describing: request.replicaCount))") { try GlusterVolumePlanner.plan(request) }
        }
    }

    @Test func typeNamesAndBrickCountsAsGlusterPrintsThem() throws {
        let six = try Self.bricks("a:/b/1", "b:/b/1", "c:/b/1", "d:/b/1", "e:/b/1", "f:/b/1")
        let disperse = try GlusterVolumePlanner.plan(.init(volumeName: "v", type: .disperse, bricks: six, disperseCount: 6, redundancyCount: 2))
        #expect(disperse.numberOfBricks == "1 x (4 + 2) = 6")
        #expect(disperse.glusterTypeName == "Disperse")
        #expect(disperse.commands.first { $0.verb.words.contains("create") }?.verb.words.suffix(10).prefix(4) == ["disperse", "6", "redundancy", "2"])
        let dd = try GlusterVolumePlanner.plan(.init(volumeName: "v", type: .disperse, bricks: six, disperseCount: 3, redundancyCount: 1))
        #expect(dd.numberOfBricks == "2 x (2 + 1) = 6")
        #expect(dd.glusterTypeName == "Distributed-Disperse")
        let dr = try GlusterVolumePlanner.plan(.init(volumeName: "v", type: .distributedReplicate, bricks: six, replicaCount: 3, transport: .rdma))
        #expect(dr.numberOfBricks == "2 x 3 = 6")
        #expect(dr.glusterTypeName == "Distributed-Replicate")
        #expect(dr.commands.first { $0.verb.words.contains("create") }!.verb.words.contains("transport"))
        let d = try GlusterVolumePlanner.plan(.init(volumeName: "v", type: .distribute, bricks: six))
        #expect(d.numberOfBricks == "6")
        #expect(d.warnings.contains { $0.contains("losing any host loses the files") })
    }

    @Test func brickSyntax() throws {
        #expect(try GlusterBrickSpec(parsing: "gs1.example.com:/gluster_brick0") == .init(host: "gs1.example.com", source: .directory("/gluster_brick0")))
        #expect(try GlusterBrickSpec(parsing: "gs1:/dev/sdb") == .init(host: "gs1", source: .device("/dev/sdb", mountPoint: nil)))
        #expect(try GlusterBrickSpec(parsing: "gs1:/dev/sdb=/bricks/b0") == .init(host: "gs1", source: .device("/dev/sdb", mountPoint: "/bricks/b0")))
        for bad in ["gs1", "gs1:relative", ":/b", "gs 1:/b", "gs1:/b c", "gs1:/b/", "gs1:/", "gs1:/a/../b", "-x:/b", "gs1:/dev/sdb=/dev/sdc", "h;rm:/b"] {
            #expect(throws: GlusterPlanError.self, "\(bad)") { try GlusterBrickSpec(parsing: bad) }
        }
    }

    @Test func duplicateAndNestedBricksAreRefused() throws {
        for pair in [("a:/b/1", "a:/b/1"), ("a:/b", "a:/b/1"), ("a:/dev/sdb", "a:/dev/sdb")] {
            let request = GlusterVolumeRequest(volumeName: "v", type: .distribute, bricks: try Self.bricks(pair.0, pair.1))
            #expect(throws: GlusterPlanError.self, "\(pair)") { try GlusterVolumePlanner.plan(request) }
        }
        // Same path on different hosts is the normal case.
        _ = try GlusterVolumePlanner.plan(.init(volumeName: "v", type: .distribute, bricks: Self.bricks("a:/b/1", "b:/b/1")))
    }

    @Test func volumeNames() throws {
        for bad in ["", "-v", "my vol", "vol/1", "all", String(repeating: "v", count: 65)] {
            #expect(throws: GlusterPlanError.self, "\(bad)") {
                try GlusterVolumePlanner.plan(.init(volumeName: bad, type: .distribute, bricks: Self.bricks("a:/b/1")))
            }
        }
    }

    // MARK: brick preparation

    @Test func devicesArePreparedOnlyWhenEachIsConfirmedByName() throws {
        let request = GlusterVolumeRequest(volumeName: "gluster-vol1", type: .distributedReplicate,
                                           bricks: try Self.bricks("gs1:/dev/sdb", "gs2:/dev/sdb", "gs1:/dev/nvme0n1", "gs2:/dev/sdc=/data/b1"),
                                           replicaCount: 2)
        let plan = try GlusterVolumePlanner.plan(request)
        #expect(plan.requiredConfirmations == ["gs1:/dev/sdb", "gs2:/dev/sdb", "gs1:/dev/nvme0n1", "gs2:/dev/sdc"])
        #expect(plan.bricks.map(\.description) == ["gs1:/gluster_brick0/gluster-vol1", "gs2:/gluster_brick0/gluster-vol1",
                                                   "gs1:/gluster_brick1/gluster-vol1", "gs2:/data/b1/gluster-vol1"])
        let first = plan.preparations[0]
        #expect(first.operations.map { $0.summary } == [
            "parted -s -a optimal /dev/sdb mklabel gpt mkpart primary xfs 0% 100%",
            "udevadm settle",
            "mkfs.xfs -f -i size=512 /dev/sdb1",
            "mkdir -p /gluster_brick0",
            "append to /etc/fstab unless present: /dev/sdb1\\t/gluster_brick0\\txfs\\tdefaults\\t0 0",
            "mount /gluster_brick0",
            "mkdir /gluster_brick0/gluster-vol1  (mode 0755, owner 0:0)",
        ])
        #expect(plan.preparations[2].partition == "/dev/nvme0n1p1")

        #expect(throws: GlusterPlanError.unconfirmedDevices(["gs2:/dev/sdc"])) {
            try plan.confirmedPreparations(confirmed: ["gs1:/dev/sdb", "gs2:/dev/sdb", "gs1:/dev/nvme0n1"])
        }
        #expect(throws: GlusterPlanError.unknownConfirmations(["gs3:/dev/sdb"])) {
            try plan.confirmedPreparations(confirmed: Set(plan.requiredConfirmations + ["gs3:/dev/sdb"]))
        }
        #expect(try plan.confirmedPreparations(confirmed: Set(plan.requiredConfirmations)).count == 4)
        // Sub-directory bricks need no force.
        #expect(!plan.warnings.contains { $0.contains("force") })
    }

    @Test func directoryBricksNeedNoPreparation() throws {
        let plan = try GlusterVolumePlanner.plan(Self.seedRequest(Self.seedSecondOrder))
        #expect(plan.preparations.isEmpty)
        #expect(try plan.confirmedPreparations(confirmed: []).isEmpty)
    }
}

@Suite struct ByteSizeTests {
    @Test func parsing() throws {
        #expect(try ByteSize(parsing: "5GB") == ByteSize(bytes: 5_000_000_000, decimal: true))
        #expect(try ByteSize(parsing: "5G") == ByteSize(bytes: 5 << 30))
        #expect(try ByteSize(parsing: "5 GiB") == ByteSize(bytes: 5 << 30))
        #expect(try ByteSize(parsing: "2500G") == ByteSize(bytes: 2500 << 30))
        #expect(try ByteSize(parsing: "1.5T") == ByteSize(bytes: 3 << 39))
        #expect(try ByteSize(parsing: "512") == ByteSize(bytes: 512))
        #expect(try ByteSize(parsing: "1tb") == ByteSize(bytes: 1_000_000_000_000, decimal: true))
        for bad in ["", "GB", "5XB", "0", "1.2.3G", "99999999999999999999P", "-5G"] {
            #expect(throws: GlusterPlanError.self, "\(bad)") { try ByteSize(parsing: bad) }
        }
    }

    @Test func formatting() {
        #expect(ByteSize(bytes: 20_000_000_000, decimal: true).description == "20 GB")
        #expect(ByteSize(bytes: 1536 << 20).description == "1.5 GiB")
        #expect(ByteSize(bytes: 512).description == "512 B")
        #expect(ByteSize(bytes: 999, decimal: true).description == "999 B")
        #expect(ByteSize(bytes: 1_250_000, decimal: true).description == "1.25 MB")
    }
}

@Suite struct GlusterHostSetupTests {
    @Test func seedHostsFileLinesPackagesAndSysVServices() throws {
        let addresses = ["gs1.example.com": "192.168.10.101", "gs2.example.com": "192.168.10.102",
                         "gs3.example.com": "192.168.10.103", "gs4.example.com": "192.168.10.104"]
        let bricks = try ["gs1.example.com", "gs2.example.com", "gs3.example.com", "gs4.example.com"].flatMap { host in
            try ["/gluster_brick0/v", "/gluster_brick1/v"].map { try GlusterBrickSpec(parsing: "\(host):\($0)") }
        }
        let plan = try GlusterVolumePlanner.plan(.init(volumeName: "v", type: .distributedReplicate, bricks: bricks, replicaCount: 2,
                                                       addresses: addresses, serviceManager: .sysvinit))
        #expect(plan.hostSetup.map(\.host) == ["gs1.example.com", "gs2.example.com", "gs3.example.com", "gs4.example.com"])
        // The seed's `echo -e "192.168.10.101\tgs1.example.com\n…" >> /etc/hosts`, on every host, once.
        #expect(plan.hostSetup[2].operations.map { $0.summary } == [
            "append to /etc/hosts unless present: 192.168.10.101\\tgs1.example.com",
            "append to /etc/hosts unless present: 192.168.10.102\\tgs2.example.com",
            "append to /etc/hosts unless present: 192.168.10.103\\tgs3.example.com",
            "append to /etc/hosts unless present: 192.168.10.104\\tgs4.example.com",
            "yum install -y glusterfs glusterfs-fuse glusterfs-server xfsprogs",
            // One operation: glusterd enabled at boot and started.
            "chkconfig glusterd on && service glusterd start",
        ])
        #expect(!plan.warnings.contains { $0.contains("--address") })
    }

    @Test func systemdAndNoAddresses() throws {
        let plan = try GlusterVolumePlanner.plan(.init(volumeName: "v", type: .replicate,
                                                       bricks: GlusterPlannerTests.bricks("a:/b/v", "b:/b/v", "c:/b/v"), replicaCount: 3))
        #expect(plan.hostSetup[0].operations.map { $0.summary } == [
            "yum install -y glusterfs glusterfs-fuse glusterfs-server xfsprogs", "systemctl enable --now glusterd",
        ])
        #expect(plan.warnings.contains { $0.contains("no --address given") })
    }

    @Test func addressesAreChecked() throws {
        for bad in [["x": "10.0.0.1"], ["a": "10.0.0.256"], ["a": "gs1"], ["a": "1.2.3"]] {
            #expect(throws: GlusterPlanError.self, "\(bad)") {
                try GlusterVolumePlanner.plan(.init(volumeName: "v", type: .distribute, bricks: GlusterPlannerTests.bricks("a:/b/v"), addresses: bad))
            }
        }
        _ = try GlusterVolumePlanner.plan(.init(volumeName: "v", type: .distribute, bricks: GlusterPlannerTests.bricks("a:/b/v"), addresses: ["A": "fd00::1"]))
        let partial = try GlusterVolumePlanner.plan(.init(volumeName: "v", type: .distribute, bricks: GlusterPlannerTests.bricks("a:/b/v", "b:/b/v", "c:/b/v"),
                                                          addresses: ["a": "10.0.0.1"]))
        #expect(partial.warnings.contains("no --address for b, c: these names must resolve by DNS on every host"))
    }
}

@Suite struct StorageValidatorsTests {
    @Test func messagesOrNil() {
        #expect(StorageValidators.exportDomainUUID("37e0e64b-5445-4bc3-8675-ceff4637e8e3") == nil)
        #expect(StorageValidators.exportDomainUUID("x")?.contains("is not a storage domain UUID") == true)
        #expect(StorageValidators.nfsRemotePath("nfs:/export") == nil)
        #expect(StorageValidators.nfsRemotePath("nfs")?.contains("no ':'") == true)
        #expect(StorageValidators.exportDomainDescription("Export") == nil)
        #expect(StorageValidators.exportDomainDescription(String(repeating: "x", count: 51))?.contains("at most 50") == true)
        #expect(StorageValidators.glusterBrick("gs1.example.com:/gluster_brick0") == nil)
        #expect(StorageValidators.glusterBrick("gs1.example.com:brick")?.contains("not an absolute path") == true)
        #expect(StorageValidators.glusterVolumeName("gluster-vol1") == nil)
        #expect(StorageValidators.glusterVolumeName("all") != nil)
        #expect(StorageValidators.byteSize("5GB") == nil)
        #expect(StorageValidators.byteSize("5 parsecs") != nil)
    }
}
