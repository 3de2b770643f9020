import Foundation
import Testing

/// The real `ovirt-wizard` binary, run as an operator would: arguments, a pipe on stdin, exit codes, files.
enum Wizard {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("ovirt-wizard").path
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    }

    static func run(_ arguments: [String], stdin: String = "", in directory: URL? = nil,
                    environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? repo
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self))
    }

    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: repo.appendingPathComponent("Tests/Fixtures/seed/\(name)"), encoding: .utf8)
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ovw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

@Suite(.serialized) struct PlainCommandTests {
    @Test func seedAnswersPipedInReproduceTheTranscript() throws {
        for flow in ["engine-setup", "hosted-engine"] {
            let dir = try Wizard.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let answers = try Wizard.fixture("\(flow)-3.4.answers")
            let r = try Wizard.run(["plain", "--flow", flow, "--offline", "--random-seed", "7"], stdin: answers, in: dir)
            #expect(r.status == 0, "\(r.stderr)")
            let expected = try Wizard.fixture("\(flow)-3.4.prompts").split(separator: "\n").map(String.init)
            // Each prompt line is the 10-space indent, the prompt, and the echoed answer (none for passwords).
            let promptLines = r.lines.filter { line in expected.contains { line.hasPrefix("          " + $0.prefix(30)) } }
            #expect(promptLines.count == expected.count, "\(flow): \(promptLines)")
            for (line, prompt) in zip(promptLines, expected) {
                let masked = line.replacingOccurrences(of: "00:16:3e:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}", with: "00:16:3e:XX:XX:XX",
                                                       options: .regularExpression)
                #expect(masked.hasPrefix("          " + prompt), "\(line)")
            }
            let previewLines = try Wizard.fixture("\(flow)-3.4.preview").split(separator: "\n").map(String.init)
            for line in previewLines where !line.contains("XX") {
                #expect(r.lines.contains("          " + line), "\(flow) preview: \(line)")
            }
            let file = dir.appendingPathComponent("\(flow).conf").path
            #expect(r.stdout.contains("[ INFO  ] Generating answer file '\(file)'"))
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(!r.stdout.contains("S3cret-pw!") && !r.stdout.contains("He-adm1n-pw"), "a password was echoed")
            let check = try Wizard.run(["answers", "check", "--flow", flow, file])
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        }
    }

    @Test func badAnswersAreAskedAgain() throws {
        let dir = try Wizard.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Wizard.run(["plain", "--flow", "engine-setup", "--offline"], stdin: "192.168.1.1\nengine.example.com\nmaybe\n", in: dir)
        #expect(r.lines.contains("[ ERROR ] Host name is not valid: 192.168.1.1 is an IP address and not a FQDN. A FQDN is needed to be able to generate certificates correctly."))
        #expect(r.lines.contains("[ ERROR ] Invalid value"))
        // input ends at the firewall question: what was answered is kept, marked incomplete
        #expect(r.status == 1)
        let saved = try String(contentsOf: dir.appendingPathComponent("engine-setup.conf"), encoding: .utf8)
        #expect(saved.contains("# INCOMPLETE"))
        #expect(saved.contains("OVESETUP_CONFIG/fqdn=str:engine.example.com"))
        // and the next run continues at the first unanswered question
        let resumed = try Wizard.run(["plain", "--flow", "engine-setup", "--offline", "--answers", "engine-setup.conf"], stdin: "", in: dir)
        let firstPrompt = resumed.lines.first { $0.hasPrefix("          ") && $0.hasSuffix(": ") }
        #expect(firstPrompt == "          Do you want Setup to configure the firewall? (Yes, No) [Yes]: ")
    }

    @Test func answersFromAFileAreSkippedOrAskedAgainWithTheReason() throws {
        let dir = try Wizard.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "[environment:default]\nOVESETUP_CONFIG/fqdn=str:not a name\nOVESETUP_CONFIG/updateFirewall=bool:False\n"
            .write(to: dir.appendingPathComponent("in.conf"), atomically: true, encoding: .utf8)
        let r = try Wizard.run(["plain", "--flow", "engine-setup", "--offline", "--answers", "in.conf", "--output", "out.conf"],
                               stdin: "e.example.com\n", in: dir)
        #expect(r.lines.contains("[ ERROR ] in.conf:2: OVESETUP_CONFIG/fqdn=not a name was not used: not a name contains characters that are not allowed in a host name"))
        #expect(!r.stdout.contains("Do you want Setup to configure the firewall?"))
        #expect(r.stdout.contains("Where is the Engine database located?"))
    }

    @Test func unknownFlowAndMissingFile() throws {
        let r = try Wizard.run(["plain", "--flow", "nope", "--offline"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("no flow named 'nope'"))
        let m = try Wizard.run(["plain", "--flow", "engine-setup", "--offline", "--answers", "/nonexistent.conf"])
        #expect(m.status == 2)
        #expect(m.stderr == "/nonexistent.conf:0: cannot read the file: No such file or directory\n")
    }
}

@Suite struct AnswersCommandTests {
    func file(_ text: String) throws -> (URL, String) {
        let dir = try Wizard.temporaryDirectory()
        let path = dir.appendingPathComponent("a.conf")
        try Data(text.utf8).write(to: path)
        return (dir, path.path)
    }

    @Test func malformedFilesExitTwoWithFileAndLine() throws {
        let cases: [(String, String)] = [
            ("OVESETUP_CONFIG/fqdn=str:x\n", ":1: a key before any section header; the file must start with [environment:default]"),
            ("[environment:default]\nA=boolean:True\n", ":2: A: unknown type 'boolean' (otopi knows str, bool, int, none and multi-str)"),
            ("[environment:default]\nA=str:1\nA=str:2\n", ":3: duplicate key A in [environment:default] (first at line 2); otopi refuses the file"),
            ("[environment:default]\nA=str:" + String(repeating: "x", count: 10 * 1024 * 1024) + "\n", ":2: line is 10485766 bytes long; the limit is 65536"),
            ("[environment:default]\nA=int:x\n", ":2: A: 'x' is not an integer"),
        ]
        for (text, message) in cases {
            let (dir, path) = try file(text)
            defer { try? FileManager.default.removeItem(at: dir) }
            let r = try Wizard.run(["answers", "check", "--flow", "engine-setup", path])
            #expect(r.status == 2)
            #expect(r.stderr == path + message + "\n")
            #expect(r.stdout.isEmpty)
        }
    }

    @Test func binaryGarbageAndUnreadableFiles() throws {
        var bytes = [UInt8]()
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<4096 { bytes.append(UInt8.random(in: 0...255, using: &rng)) }
        let dir = try Wizard.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let garbage = dir.appendingPathComponent("garbage.bin")
        try Data(bytes).write(to: garbage)
        let r = try Wizard.run(["answers", "check", "--flow", "hosted-engine", garbage.path])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix(garbage.path + ":"), "\(r.stderr)")
        let d = try Wizard.run(["answers", "show", dir.path])
        #expect(d.status == 2)
        #expect(d.stderr == "\(dir.path):0: is a directory, not an answer file\n")
    }

    @Test func missingAndInvalidAnswersExitOne() throws {
        let (dir, path) = try file("""
            [environment:default]
            OVESETUP_CONFIG/fqdn=str:10.1.1.1
            OVESETUP_CONFIG/updateFirewall=bool:no
            OVESETUP_CONFIG/applicationMode=str:both
            """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Wizard.run(["answers", "check", "--flow", "engine-setup", path])
        #expect(r.status == 1)
        #expect(r.lines.contains("OVESETUP_CONFIG/fqdn: 10.1.1.1 is an IP address and not a FQDN. A FQDN is needed to be able to generate certificates correctly. (\(path):2)"))
        #expect(r.lines.contains("OVESETUP_CONFIG/updateFirewall: bool:no is read by otopi as True (only f, F, false and False are False); write bool:True or bool:False (\(path):3)"))
        #expect(r.lines.contains("OVESETUP_CONFIG/adminPassword: missing (engine-setup will ask: Engine admin password)"))
        #expect(!r.stdout.contains("OVESETUP_CONFIG/applicationMode"))
        #expect(!r.stdout.contains("OVIRT_WIZARD/host"), "a file without wizard keys is checked as the tool sees it")
    }

    @Test func valuesOtopiOneTwoReadsDifferentlyAreProblems() throws {
        // otopi 1.2 (oVirt 3.4) reads with Python 2's ConfigParser: ' ;' starts a comment, '%(' is interpolated.
        let (dir, path) = try file("""
            [environment:default]
            OVESETUP_CONFIG/adminPassword=str:Kx9q ;Zr8w!
            OVESETUP_PKI/organization=str:Pa%(x)s
            OVESETUP_CONFIG/applicationMode=str:both
            X/note=str:a ;b
            Y/fine=str:a;b ;c 50%
            """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Wizard.run(["answers", "check", "--flow", "engine-setup", path])
        #expect(r.status == 1)
        #expect(r.lines.contains { $0.hasPrefix("OVESETUP_CONFIG/adminPassword: otopi 1.2") && $0.contains("comment") && $0.hasSuffix("(\(path):2)") })
        #expect(r.lines.contains { $0.hasPrefix("OVESETUP_PKI/organization: otopi 1.2") && $0.contains("'%('") && $0.hasSuffix("(\(path):3)") })
        #expect(r.lines.contains { $0.hasPrefix("X/note: otopi 1.2") && $0.hasSuffix("(\(path):5)") })
        #expect(!r.stdout.contains("Y/fine"), "only the first ';' counts, and '%' alone is literal")
        #expect(!(r.stdout + r.stderr).contains("Kx9q"), "the password is never repeated")
    }

    @Test func showMasksSecrets() throws {
        let (dir, path) = try file("""
            [environment:default]
            OVESETUP_CONFIG/adminPassword=str:hunter2
            OVESETUP_DB/port=int:5432
            OVESETUP_CORE/engineStop=none:None
            X/list=multi-str:a
             b
            [environment:enforce]
            OVESETUP_DB/port=int:5433
            """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try Wizard.run(["answers", "show", path])
        #expect(text.status == 0)
        #expect(!text.stdout.contains("hunter2"))
        #expect(text.stdout.contains("********"))
        let json = try Wizard.run(["answers", "show", "--json", path])
        #expect(json.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let values = try #require(object?["values"] as? [String: [String: Any]])
        #expect(values["OVESETUP_CONFIG/adminPassword"]?["value"] as? String == "********")
        #expect(values["OVESETUP_DB/port"]?["value"] as? Int == 5433)
        #expect(values["OVESETUP_DB/port"]?["section"] as? String == "environment:enforce")
        #expect(values["OVESETUP_CORE/engineStop"]?["value"] is NSNull)
        #expect(values["X/list"]?["value"] as? [String] == ["a", "b"])
        #expect(!json.stdout.contains("hunter2"))
    }

    @Test func flowsAreListed() throws {
        let r = try Wizard.run(["flows"])
        #expect(r.status == 0)
        #expect(r.lines.contains { $0.hasPrefix("engine-setup") && $0.contains("3.4") })
        #expect(r.lines.contains { $0.hasPrefix("hosted-engine") && $0.contains("3.4") })
        #expect(r.lines.contains { $0.hasPrefix("platform") && $0.contains("3.4") && $0.contains("[platform-3.4.yaml]") })
        #expect(r.lines.contains { $0.hasPrefix("platform") && $0.contains("4.5") && $0.contains("[platform-4.5.yaml]") })
        let empty = try Wizard.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        let none = try Wizard.run(["flows", "--screens", empty.path])
        #expect(none.status == 1)
    }
}
