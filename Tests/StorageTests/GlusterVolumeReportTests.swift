import Foundation
import Testing
@testable import WizardCore

/// `volume info` + `volume status` joined for the operator (the text of `gluster status`).
@Suite struct GlusterVolumeReportTests {
    static func fixture(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// `volume info data` written for the GlusterFS 7 status fixture (replica 3 over node1-3), in 7's layout.
    static let gluster7Info = """
        \u{20}
        Volume Name: data
        Type: Replicate
        Volume ID: 6f0a3c2e-9c4b-4a57-8d55-0c1b8a9e2f11
        Status: Started
        Snapshot Count: 0
        Number of Bricks: 1 x 3 = 3
        Transport-type: tcp
        Bricks:
        Brick1: node1.storage.example.com:/gluster_bricks/data/data
        Brick2: node2.storage.example.com:/gluster_bricks/data/data
        Brick3: node3.storage.example.com:/gluster_bricks/data/data
        Options Reconfigured:
        storage.owner-uid: 36
        storage.owner-gid: 36

        """

    static func seed() throws -> GlusterVolumeReport {
        GlusterVolumeReport(info: try GlusterVolumeInfoParser.parse(fixture("seed-volume-info-3.5.txt"))[0],
                            status: try GlusterVolumeStatusParser.parse(fixture("seed-volume-status-3.5.txt"))[0])
    }

    @Test func theSeedKeepsLocalhostUnknownAndShowsItsDuplicates() throws {
        let report = try Self.seed()
        #expect(report.localName == nil, "gs1 and gs4 are both named nowhere in the status")
        #expect(report.localHostUnknown)
        #expect(report.daemonHosts.map(\.label) == ["gs1.example.com", "gs2.example.com", "gs3.example.com", "gs4.example.com", "localhost"])
        let gs2 = report.daemonHosts[1]
        #expect(GlusterVolumeReport.cell(gs2.nfsServers) == "Y 2007, Y 1995 (2x)")
        #expect(report.cellIsBad(gs2.nfsServers, selfHeal: false))
        #expect(GlusterVolumeReport.cell(report.daemonHosts[3].selfHealDaemons) == "none")
        #expect(report.cellIsBad(report.daemonHosts[3].selfHealDaemons, selfHeal: true), "a replicated volume needs self-heal on gs4")
        #expect(report.bricks.map(\.port) == ["49152", "49153", "49152", "49153", "49152", "49153", "49152", "49153"])
        #expect(report.health.findings.count == 4)
        let text = GlusterVolumeText.render(report, origin: nil)
        #expect(text.contains("  8  gs4.example.com  /gluster_brick1  49153  Y       1986\n"))
        #expect(text.contains("give --gluster-name NAME"))
    }

    @Test func namingLocalhostMergesItsDaemonsIntoTheHost() throws {
        let seed = try Self.seed()
        let report = GlusterVolumeReport(info: seed.info, status: seed.status, localName: "gs1.example.com")
        #expect(!report.localHostUnknown)
        #expect(report.daemonHosts.map(\.label) == ["gs1.example.com (localhost)", "gs2.example.com", "gs3.example.com", "gs4.example.com"])
        #expect(GlusterVolumeReport.cell(report.daemonHosts[0].selfHealDaemons) == "Y 2006")
        #expect(!report.health.findings.contains { $0.message.contains("listed for gs1") })
        #expect(report.health.findings.contains { $0.message.contains("listed for gs4") })
    }

    @Test func gluster7LayoutWithAnOfflineBrickAndWrappedNames() throws {
        let info = try GlusterVolumeInfoParser.parse(Self.gluster7Info)[0]
        let status = try GlusterVolumeStatusParser.parse(Self.fixture("gluster7-volume-status-data.txt"))[0]
        let report = GlusterVolumeReport(info: info, status: status, localName: "node1.storage.example.com")
        #expect(report.bricks.map(\.online) == ["Y", "Y", "N"])
        #expect(report.bricks.map(\.port) == ["49152", "49152", "N/A"])
        #expect(report.bricks[2].pid == "N/A")
        #expect(report.health.bricksOnline == 2)
        #expect(report.daemonHosts.map(\.label) == ["node1.storage.example.com (localhost)", "node2.storage.example.com", "node3.storage.example.com"])
        #expect(report.daemonHosts.map { GlusterVolumeReport.cell($0.selfHealDaemons) } == ["Y 2901", "Y 2812", "none"])
        #expect(report.daemonHosts.map { GlusterVolumeReport.cell($0.nfsServers) } == ["none", "none", "none"])
        #expect(!report.daemonHosts.contains { report.cellIsBad($0.nfsServers, selfHeal: false) }, "gluster 7 has no NFS server; none is fine")
        let messages = report.health.findings.map(\.message)
        #expect(messages.contains("brick node3.storage.example.com:/gluster_bricks/data/data is offline"))
        #expect(messages.contains { $0.contains("no online Self-heal Daemon is listed for node3.storage.example.com") })
        #expect(messages.count == 2, "\(messages)")
    }

    @Test func aBrickWithoutAStatusLineShowsAsUnknown() throws {
        let seed = try Self.seed()
        var status = seed.status
        status.processes.removeAll { $0.brickName == "gs3.example.com:/gluster_brick0" }
        let report = GlusterVolumeReport(info: seed.info, status: status, localName: "gs1.example.com")
        let row = try #require(report.bricks.first { $0.host == "gs3.example.com" && $0.path == "/gluster_brick0" })
        #expect([row.port, row.online, row.pid] == ["-", "?", "-"])
        #expect(!row.isOnline)
        #expect(report.health.findings.contains { $0.message.contains("gs3.example.com:/gluster_brick0 has no line in volume status") })
    }
}
