import Foundation
import Testing

/// An answer file written for one flow is never loaded, or rewritten, by another (`OVIRT_WIZARD/flow`).
@Suite struct AnswerFileOfAnotherFlowTests {
    /// An incomplete engine-setup file, as plain leaves it when its input ends.
    func engineSetupFile(in dir: URL) throws -> String {
        let r = try Wizard.run(["plain", "--flow", "engine-setup", "--offline", "--output", "es.conf"], stdin: "engine.example.com\n", in: dir)
        #expect(r.status == 1)
        let text = try String(contentsOf: dir.appendingPathComponent("es.conf"), encoding: .utf8)
        #expect(text.contains("OVIRT_WIZARD/flow=str:engine-setup"))
        return text
    }

    @Test func plainRefusesToLoadAFileOfAnotherFlowNamingIt() throws {
        let dir = try Wizard.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = try engineSetupFile(in: dir)
        let r = try Wizard.run(["plain", "--flow", "hosted-engine", "--offline", "--answers", "es.conf", "--output", "he.conf"], stdin: "", in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("es.conf was written for the engine-setup flow, not hosted-engine"), "\(r.stderr)")
        #expect(r.stderr.contains("--flow engine-setup"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("he.conf").path))
        #expect(try String(contentsOf: dir.appendingPathComponent("es.conf"), encoding: .utf8) == before)
    }

    @Test func plainRefusesToRewriteAFileOfAnotherFlow() throws {
        let dir = try Wizard.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = try engineSetupFile(in: dir)
        let r = try Wizard.run(["plain", "--flow", "hosted-engine", "--offline", "--output", "es.conf"], stdin: "", in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("was written for the engine-setup flow, not hosted-engine"), "\(r.stderr)")
        #expect(r.stderr.contains("--output"))
        #expect(try String(contentsOf: dir.appendingPathComponent("es.conf"), encoding: .utf8) == before, "left as it is")
    }

    @Test func theSameFlowStillContinuesItsFile() throws {
        let dir = try Wizard.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try engineSetupFile(in: dir)
        let r = try Wizard.run(["plain", "--flow", "engine-setup", "--offline", "--answers", "es.conf", "--output", "es.conf"], stdin: "", in: dir)
        #expect(r.status == 1, "input ends at the next question: \(r.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("es.conf"), encoding: .utf8).contains("OVESETUP_CONFIG/fqdn=str:engine.example.com"))
    }
}

extension AnswerFileOfAnotherFlowTests {
    @Test func eachFlowWritesItsOwnDefaultFile() throws {
        let dir = try Wizard.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for flow in ["engine-setup", "hosted-engine"] {
            let r = try Wizard.run(["plain", "--flow", flow, "--offline", "--random-seed", "7"], stdin: try Wizard.fixture("\(flow)-3.4.answers"), in: dir)
            #expect(r.status == 0, "\(r.stderr)")
        }
        for flow in ["engine-setup", "hosted-engine"] {
            let text = try String(contentsOf: dir.appendingPathComponent("\(flow).conf"), encoding: .utf8)
            #expect(text.contains("OVIRT_WIZARD/flow=str:\(flow)"), "\(flow).conf holds its own flow")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("answers.conf").path))
    }
}
