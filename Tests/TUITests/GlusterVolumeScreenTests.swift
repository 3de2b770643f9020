import Foundation
import Testing
@testable import TUI
import WizardCore

/// The Gluster volume screen from the seed's saved `volume info` / `volume status` (GlusterFS 3.5,
/// Tests/StorageTests/Fixtures), rendered at the reference sizes and compared with golden text.
@Suite struct GlusterVolumeScreenTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("StorageTests/Fixtures")

    static func text(_ name: String) throws -> String {
        try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
    }

    static func report(status: String? = nil, localName: String? = nil) throws -> GlusterVolumeReport {
        let info = try #require(try GlusterVolumeInfoParser.parse(text("seed-volume-info-3.5.txt")).first)
        let volume = try #require(try GlusterVolumeStatusParser.parse(status ?? text("seed-volume-status-3.5.txt")).first)
        return GlusterVolumeReport(info: info, status: volume, localName: localName)
    }

    static func frame(_ state: GlusterVolumeApp.State, _ size: Size) -> Frame { GlusterVolumeApp().view(state, size) }

    @Test func theSeedMatchesItsGoldenTextAtEverySize() throws {
        let screen = GlusterVolumeScreen(report: try Self.report(), origin: "read from the seed's saved outputs")
        for size in GoldenScreenTests.sizes {
            Golden.check(Self.frame(GlusterVolumeApp.State(screen: screen), size), "gluster-volume-\(size)")
        }
        let text = Self.frame(GlusterVolumeApp.State(screen: screen), Size(columns: 120, rows: 40)).lines.joined(separator: "\n")
        #expect(text.contains("Volume gluster-vol1  Distributed-Striped-Replicate  Started"))
        #expect(text.contains("Number of Bricks: 2 x 2 x 2 = 8   Transport: tcp"))
        #expect(text.contains("Y 2007, Y 1995 (2x)"), "the seed's duplicate gs2 NFS server is shown, not hidden")
        #expect(text.contains("- status line 16: NFS Server on gs2.example.com is listed twice"))
    }

    @Test func at80x24ItScrollsToTheWarnings() throws {
        var state = GlusterVolumeApp.State(screen: GlusterVolumeScreen(report: try Self.report(), origin: "seed"))
        let size = Size(columns: 80, rows: 24)
        state.size = size
        let first = Self.frame(state, size).lines.joined(separator: "\n")
        #expect(first.contains("↓ more"))
        #expect(!first.contains("Warnings:"))
        let app = GlusterVolumeApp()
        for _ in 0..<3 { state = app.update(state, .key(.pageDown)).0 }
        let last = Self.frame(state, size).lines.joined(separator: "\n")
        #expect(last.contains("Warnings:"), "\(last)")
        #expect(last.contains("no online Self-heal Daemon is listed for gs4.example.com"), "\(last)")
        #expect(last.contains("end"))
        for line in state.screen.lines(width: 78) { #expect(CellWidth.of(line.text) <= 78, "\(line.text)") }
        for line in state.screen.lines(width: 58) { #expect(CellWidth.of(line.text) <= 58, "\(line.text)") }
        // q leaves with 1: the volume has findings.
        let quit = app.update(state, .key(.character("q"))).1
        #expect(quit.count == 1)
        if case .quit(let code)? = quit.first { #expect(code == 1) } else { Issue.record("q did not quit: \(quit)") }
    }

    @Test func onlineFlagsAreHighlightedAndAnOfflineBrickIsAWarning() throws {
        let seed = try Self.text("seed-volume-status-3.5.txt")
        let broken = seed.replacingOccurrences(of: "Brick gs3.example.com:/gluster_brick1\t\t\t49153\tY\t1972",
                                               with: "Brick gs3.example.com:/gluster_brick1\t\t\tN/A\tN\tN/A")
        #expect(broken != seed)
        let screen = GlusterVolumeScreen(report: try Self.report(status: broken, localName: "gs1.example.com"))
        let lines = screen.lines(width: 118)
        let row = try #require(lines.first { $0.text.contains("gs3.example.com") && $0.text.contains("/gluster_brick1") })
        #expect(row.spans.contains { $0.text == "N" && $0.style == .error }, "\(row)")
        #expect(row.text.contains("N/A"))
        let good = try #require(lines.first { $0.text.contains("gs3.example.com") && $0.text.contains("/gluster_brick0") })
        #expect(good.spans.contains { $0.text == "Y" && $0.style == .success })
        #expect(lines.contains { $0.text == "Bricks online: 7 of 8" && $0.spans[0].style == .error })
        #expect(lines.contains { $0.text.contains("brick gs3.example.com:/gluster_brick1 is offline") && $0.spans[0].style == .warning })
    }

    @Test func aHealthyVolumeSaysSo() throws {
        // The seed's status with its slip fixed: the second gs2 pair belongs to gs4.
        var lines = try Self.text("seed-volume-status-3.5.txt").components(separatedBy: "\n")
        let second = try #require(lines.indices.filter { lines[$0].hasPrefix("NFS Server on gs2") }.last)
        lines[second] = lines[second].replacingOccurrences(of: "gs2", with: "gs4")
        lines[second + 1] = lines[second + 1].replacingOccurrences(of: "gs2", with: "gs4")
        let report = try Self.report(status: lines.joined(separator: "\n"))
        #expect(report.localName == "gs1.example.com")
        #expect(report.health.isHealthy, "\(report.health.findings)")
        let screen = GlusterVolumeScreen(report: report)
        let text = screen.lines(width: 78).map(\.text)
        #expect(text.contains { $0.hasPrefix("Healthy") })
        #expect(text.contains { $0.contains("gs1.example.com (localhost)") && $0.contains("Y 1999") && $0.contains("Y 2006") })
        if case .quit(let code)? = GlusterVolumeApp().update(GlusterVolumeApp.State(screen: screen), .key(.escape)).1.first {
            #expect(code == 0)
        } else { Issue.record("Esc did not quit") }
    }
}
