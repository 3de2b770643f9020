import Foundation
import Testing
@testable import WizardCore

@Suite struct GlusterOutputParserTests {
    static func fixture(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
        return try String(contentsOf: url, encoding: .utf8)
    }

    @Test func seedVolumeInfo() throws {
        let volumes = try GlusterVolumeInfoParser.parse(Self.fixture("seed-volume-info-3.5.txt"))
        #expect(volumes.count == 1)
        let v = volumes[0]
        #expect(v.name == "gluster-vol1")
        #expect(v.type == "Distributed-Striped-Replicate")
        #expect(v.volumeID == "bc8e102c-2b35-4748-ab71-7cf96ce083f3")
        #expect(v.isStarted)
        #expect(v.numberOfBricks == "2 x 2 x 2 = 8")
        #expect(v.declaredBrickCount == 8)
        #expect(v.transport == "tcp")
        #expect(v.bricks.map(\.number) == Array(1...8))
        #expect(v.bricks[1].name == "gs1.example.com:/gluster_brick1")
        #expect(v.options.isEmpty)
        #expect(v.line == 2)
    }

    @Test func seedVolumeInfoMatchesWhatThePlannerPredicts() throws {
        let v = try GlusterVolumeInfoParser.parse(Self.fixture("seed-volume-info-3.5.txt"))[0]
        // The seed created the volume with `force` in its own (first) order; planning its bricks
        // with that order keeps the shape and type gluster reported.
        let order = v.bricks.map(\.name)
        var request = try GlusterPlannerTests.seedRequest(order)
        request.volumeName = v.name
        let plan = try GlusterVolumePlanner.plan(request)
        #expect(plan.numberOfBricks == v.numberOfBricks)
        #expect(plan.glusterTypeName == v.type)
        #expect(plan.reordered) // and the planner refuses the seed's unsafe order
    }

    @Test func seedVolumeStatus() throws {
        let statuses = try GlusterVolumeStatusParser.parse(Self.fixture("seed-volume-status-3.5.txt"))
        #expect(statuses.count == 1)
        let s = statuses[0]
        #expect(s.volumeName == "gluster-vol1")
        #expect(s.processes.count == 16)
        #expect(s.bricks.count == 8)
        #expect(s.bricksOnline == 8)
        #expect(s.bricks.map(\.tcpPort) == [49152, 49153, 49152, 49153, 49152, 49153, 49152, 49153])
        #expect(s.bricks[0].kind == .brick(host: "gs1.example.com", path: "/gluster_brick0"))
        #expect(s.bricks[0].pid == 1984)
        #expect(s.bricks[0].line == 4)
        #expect(s.selfHealDaemons.count == 4)
        #expect(s.selfHealDaemons.allSatisfy { $0.tcpPort == nil && $0.online })
        #expect(s.selfHealDaemons.map(\.host) == ["localhost", "gs2.example.com", "gs2.example.com", "gs3.example.com"])
        #expect(s.processes.filter { $0.daemonName == "NFS Server" }.map(\.tcpPort) == [2049, 2049, 2049, 2049])
        #expect(s.tasks.isEmpty)
    }

    @Test func seedHealthShowsTheTranscriptsOddities() throws {
        let info = try GlusterVolumeInfoParser.parse(Self.fixture("seed-volume-info-3.5.txt"))[0]
        let status = try GlusterVolumeStatusParser.parse(Self.fixture("seed-volume-status-3.5.txt"))[0]
        // The seed ran the commands on gs2.example.com.
        let health = GlusterVolumeHealth(info: info, status: status, commandHost: "gs2.example.com")
        #expect(health.bricksTotal == 8)
        #expect(health.bricksOnline == 8)
        #expect(!health.isHealthy)
        let messages = health.findings.map(\.message)
        #expect(messages.filter { $0.contains("listed twice") }.count == 4) // NFS + self-heal on gs2, twice each
        #expect(messages.contains("no online Self-heal Daemon is listed for gs1.example.com, which holds bricks of this Distributed-Striped-Replicate volume"))
        #expect(messages.contains { $0.contains("for gs4.example.com") })
        #expect(!messages.contains { $0.contains("for gs3.example.com") })
    }

    @Test func healthyVolume() throws {
        let info = try GlusterVolumeInfoParser.parse("""
            Volume Name: v
            Type: Replicate
            Status: Started
            Number of Bricks: 1 x 2 = 2
            Transport-type: tcp
            Bricks:
            Brick1: a:/b/v
            Brick2: b:/b/v
            """)[0]
        let status = try GlusterVolumeStatusParser.parse("""
            Status of volume: v
            Gluster process\t\t\t\t\t\tPort\tOnline\tPid
            ------------------------------------------------------------------------------
            Brick a:/b/v\t\t\t\t\t\t49152\tY\t10
            Brick b:/b/v\t\t\t\t\t\t49152\tY\t11
            Self-heal Daemon on localhost\t\t\t\t\tN/A\tY\t12
            Self-heal Daemon on b\t\t\t\t\t\tN/A\tY\t13
            """)[0]
        let health = GlusterVolumeHealth(info: info, status: status, commandHost: "a")
        #expect(health.isHealthy, "\(health.findings)")
    }

    @Test func gluster7LayoutWithWrappedNamesAndATask() throws {
        let s = try GlusterVolumeStatusParser.parse(Self.fixture("gluster7-volume-status-data.txt"))[0]
        #expect(s.processes.count == 5)
        #expect(s.bricks.map(\.brickName) == [
            "node1.storage.example.com:/gluster_bricks/data/data",
            "node2.storage.example.com:/gluster_bricks/data/data",
            "node3.storage.example.com:/gluster_bricks/data/data",
        ])
        #expect(s.bricks[0].tcpPort == 49152 && s.bricks[0].rdmaPort == 0)
        #expect(s.bricks[0].line == 4) // the line where the wrapped name starts
        #expect(s.bricks[2].online == false && s.bricks[2].pid == nil && s.bricks[2].tcpPort == nil)
        #expect(s.bricksOnline == 2)
        #expect(s.selfHealDaemons.map(\.host) == ["localhost", "node2.storage.example.com"])
        #expect(s.tasks == [GlusterVolumeTask(type: "Rebalance", id: "0a8f1bd1-4fa4-4d0c-9a6a-2b1d1f0e6a11", status: "completed")])
    }

    @Test func gluster34TaskTable() throws {
        let s = try GlusterVolumeStatusParser.parse("""
            Status of volume: v
            Gluster process\t\t\t\t\t\tPort\tOnline\tPid
            ------------------------------------------------------------------------------
            Brick a:/b/v\t\t\t\t\t\t49152\tY\t10
             
                       Task                                      ID         Status
                       ----                                      --         ------
                  Rebalance    0a8f1bd1-4fa4-4d0c-9a6a-2b1d1f0e6a11    in progress
            """)
        #expect(s[0].tasks == [GlusterVolumeTask(type: "Rebalance", id: "0a8f1bd1-4fa4-4d0c-9a6a-2b1d1f0e6a11", status: "in progress")])
    }

    @Test func severalVolumesInOneStatus() throws {
        let text = try Self.fixture("seed-volume-status-3.5.txt") + Self.fixture("gluster7-volume-status-data.txt")
        let statuses = try GlusterVolumeStatusParser.parse(text)
        #expect(statuses.map(\.volumeName) == ["gluster-vol1", "data"])
        #expect(statuses.map(\.processes.count) == [16, 5])
    }

    @Test func statusErrorsNameTheLine() throws {
        #expect(throws: GlusterOutputParseError(line: 1, message: "expected \"Status of volume:\" but gluster printed \"Volume gluster-vol1 is not started\"")) {
            try GlusterVolumeStatusParser.parse("Volume gluster-vol1 is not started\n")
        }
        #expect(throws: GlusterOutputParseError.self) {
            try GlusterVolumeStatusParser.parse("Status of volume: v\nsomething else\n")
        }
        // A process line whose fields are not port/online/pid, with nothing after it.
        #expect(throws: GlusterOutputParseError(line: 4, message: "process name \"Brick a:/b/v\t49152\tmaybe\t10\" without its ports")) {
            try GlusterVolumeStatusParser.parse("Status of volume: v\nGluster process\tPort\tOnline\tPid\n---\nBrick a:/b/v\t49152\tmaybe\t10\n\n")
        }
        #expect(try GlusterVolumeStatusParser.parse("").isEmpty)
    }

    @Test func infoWithOptionsArbiterAndSeveralVolumes() throws {
        let volumes = try GlusterVolumeInfoParser.parse("""

            Volume Name: engine
            Type: Replicate
            Volume ID: 1f2b3c4d-0000-4000-8000-000000000001
            Status: Started
            Snapshot Count: 0
            Number of Bricks: 1 x (2 + 1) = 3
            Transport-type: tcp
            Bricks:
            Brick1: h1:/gluster_bricks/engine/engine
            Brick2: h2:/gluster_bricks/engine/engine
            Brick3: h3:/gluster_bricks/engine/engine (arbiter)
            Options Reconfigured:
            storage.owner-uid: 36
            storage.owner-gid: 36
            performance.quick-read: off

            Volume Name: data
            Type: Distribute
            Volume ID: 1f2b3c4d-0000-4000-8000-000000000002
            Status: Created
            Number of Bricks: 1
            Transport-type: tcp
            Bricks:
            Brick1: h1:/gluster_bricks/data/data
            """)
        #expect(volumes.map(\.name) == ["engine", "data"])
        #expect(volumes[0].bricks.map(\.isArbiter) == [false, false, true])
        #expect(volumes[0].bricks[2].path == "/gluster_bricks/engine/engine")
        #expect(volumes[0].options.map(\.key) == ["storage.owner-uid", "storage.owner-gid", "performance.quick-read"])
        #expect(volumes[0].options[0].value == "36")
        #expect(volumes[0].otherFields == [.init(key: "Snapshot Count", value: "0")])
        #expect(volumes[0].declaredBrickCount == 3)
        #expect(volumes[1].declaredBrickCount == 1)
        #expect(volumes[1].status == "Created" && !volumes[1].isStarted)
    }

    @Test func infoErrors() throws {
        #expect(try GlusterVolumeInfoParser.parse("No volumes present\n").isEmpty)
        #expect(throws: GlusterOutputParseError(line: 1, message: "expected \"Volume Name:\" but gluster printed \"Volume v does not exist\"")) {
            try GlusterVolumeInfoParser.parse("Volume v does not exist\n")
        }
        // Cut off after three of eight bricks.
        let text = try Self.fixture("seed-volume-info-3.5.txt").split(separator: "\n").prefix(10).joined(separator: "\n")
        #expect(throws: GlusterOutputParseError(line: 10, message: "volume gluster-vol1 declares 8 bricks but 3 are listed (output cut off?)")) {
            try GlusterVolumeInfoParser.parse(text)
        }
        #expect(throws: GlusterOutputParseError.self) { try GlusterVolumeInfoParser.parse("Volume Name: v\nBricks:\nBrick1: nocolon\n") }
        #expect(throws: GlusterOutputParseError.self) { try GlusterVolumeInfoParser.parse("Volume Name: v\ngarbage line\n") }
    }
}
