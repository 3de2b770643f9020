import Foundation
import Testing
@testable import OtopiKit

@Suite struct AnswerFileParsingTests {
    func parse(_ text: String) throws -> AnswerFile {
        try AnswerFile.parse(text: text, path: "a.conf")
    }

    func problems(_ text: String) -> [String] {
        do {
            _ = try AnswerFile.parse(text: text, path: "a.conf")
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func typedValuesAndComments() throws {
        let file = try parse("""
            # comment
            ; also a comment
            [environment:default]
            OVESETUP_CONFIG/fqdn=str:engine.example.com
            OVESETUP_DB/port=int:5432
              # an indented comment
            OVESETUP_CONFIG/updateFirewall=bool:True
            OVESETUP_CORE/engineStop=none:None
            """)
        let values = Dictionary(uniqueKeysWithValues: file.values(in: .default).map { ($0.key, $0.value) })
        #expect(values["OVESETUP_CONFIG/fqdn"] == .string("engine.example.com"))
        #expect(values["OVESETUP_DB/port"] == .int(5432))
        #expect(values["OVESETUP_CONFIG/updateFirewall"] == .bool(true))
        #expect(values["OVESETUP_CORE/engineStop"] == OtopiValue.none)
        #expect(file.section(.default)?.entry("OVESETUP_DB/port")?.line == 5)
    }

    @Test func keysAreCaseSensitiveAndEndAtFirstDelimiter() throws {
        let file = try parse("[environment:default]\nKey=str:a\nkey=str:b\nA : str:x=y\n")
        let values = file.values(in: .default)
        #expect(values.map(\.key) == ["Key", "key", "A"])
        #expect(values[2].value == .string("x=y"))
    }

    @Test func whitespaceAfterTypePrefixIsKept() throws {
        let file = try parse("[environment:default]\nK = str: x  \n")
        #expect(file.values(in: .default).first?.value == .string(" x"))
    }

    @Test func multiStrContinuationLines() throws {
        let file = try parse("""
            [environment:default]
            L=multi-str:one
             two

             three
            M=multi-str:
                a
                b
            N=str:x
            """)
        let values = Dictionary(uniqueKeysWithValues: file.values(in: .default).map { ($0.key, $0.value) })
        #expect(values["L"] == .multiString(["one", "two", "", "three"]))
        #expect(values["M"] == .multiString(["", "a", "b"]))
        #expect(values["N"] == .string("x"))
    }

    @Test func trailingBlankLinesOfAValueAreDropped() throws {
        let file = try parse("[environment:default]\nL=multi-str:a\n b\n\n\n[environment:enforce]\nX=int:1\n")
        #expect(file.values(in: .default).first?.value == .multiString(["a", "b"]))
        #expect(file.values(in: .enforce).first?.value == .int(1))
    }

    @Test func crlfAndCrLineEndings() throws {
        let file = try parse("[environment:default]\r\nA=str:1\rB=bool:False\r\n")
        #expect(file.values(in: .default).map(\.value) == [.string("1"), .bool(false)])
    }

    @Test func otherSectionsAreKeptButNotTyped() throws {
        let file = try parse("[something]\nfree text=whatever\n[environment:default]\nA=str:1\n")
        #expect(file.sections.count == 2)
        #expect(file.sections[0].entries[0].value == nil)
    }

    @Test func missingSectionHeader() {
        #expect(problems("A=str:1\n") == ["a.conf:1: a key before any section header; the file must start with [environment:default]"])
    }

    @Test func duplicateKeyInOneFile() {
        let p = problems("[environment:default]\nA=str:1\nB=str:2\nA=str:3\n")
        #expect(p == ["a.conf:4: duplicate key A in [environment:default] (first at line 2); otopi refuses the file"])
    }

    /// Found by the fuzzer: section and key names may contain NUL, and `[a]` + key `b\0c` must not be taken for
    /// `[a\0b]` + key `c` (the parser used to join them with NUL and then trap looking for the first line).
    @Test func namesWithNULDoNotCollide() throws {
        let file = try parse("[a\u{0}b]\nc=1\n[a]\nb\u{0}c=2\n")
        #expect(file.sections.map(\.name) == ["a\u{0}b", "a"])
        #expect(file.sections[1].entries.map(\.key) == ["b\u{0}c"])
    }

    @Test func duplicateSection() {
        let p = problems("[environment:default]\nA=str:1\n[environment:default]\nB=str:2\n")
        #expect(p.count == 1)
        #expect(p[0].hasPrefix("a.conf:3: section [environment:default] appears again"))
    }

    @Test func typeErrorsNameTheLine() {
        #expect(problems("[environment:default]\nA=boolean:True\n") ==
                ["a.conf:2: A: unknown type 'boolean' (otopi knows str, bool, int, none and multi-str)"])
        #expect(problems("[environment:default]\n\nA=True\n") ==
                ["a.conf:3: A: value has no type prefix (write type:value, e.g. str:text, bool:True, int:5432, none:None)"])
        #expect(problems("[environment:default]\nP=int:54a\n") == ["a.conf:2: P: '54a' is not an integer"])
    }

    @Test func boolNoIsTrueNotAnError() throws {
        // otopi reads bool:no as True; the parser must do the same (the flow checks flag it).
        let file = try parse("[environment:default]\nA=bool:no\n")
        #expect(file.values(in: .default).first?.value == .bool(true))
    }

    @Test func garbageLine() {
        let p = problems("[environment:default]\nthis is not a key\n")
        #expect(p == ["a.conf:2: expected KEY=type:value, a [section] header or a # comment, found 'this is not a key'"])
    }

    @Test func emptyKey() {
        #expect(problems("[environment:default]\n=str:x\n") == ["a.conf:2: a value without a key: '=str:x'"])
    }

    @Test func veryLongLineIsRefusedQuickly() {
        let long = String(repeating: "A", count: 10 * 1024 * 1024)
        let p = problems("[environment:default]\nK=str:" + long + "\n")
        #expect(p == ["a.conf:2: line is \(10 * 1024 * 1024 + 6) bytes long; the limit is 65536"])
    }

    @Test func binaryGarbage() {
        var bytes: [UInt8] = Array("[environment:default]\nA=str:".utf8)
        bytes += [0xFF, 0xFE, 0x00, 0x80]
        #expect(throws: AnswerFileError.self) { try AnswerFile.parse(data: Data(bytes), path: "b.bin") }
        do {
            _ = try AnswerFile.parse(data: Data(bytes), path: "b.bin")
        } catch {
            #expect(error.description == "b.bin:2: not UTF-8 text (byte 0xFF at column 7); is this an answer file?")
        }
    }

    @Test func byteOrderMark() {
        do {
            _ = try AnswerFile.parse(data: Data([0xEF, 0xBB, 0xBF] + Array("[environment:default]\n".utf8)), path: "x")
            Issue.record("a BOM must be refused")
        } catch {
            #expect(error.problems.first?.line == 1)
        }
    }

    @Test func unreadableAndMissingFiles() throws {
        do {
            _ = try AnswerFile.load(path: "/nonexistent/answers.conf")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "/nonexistent/answers.conf:0: cannot read the file: No such file or directory")
        }
        do {
            _ = try AnswerFile.load(path: "/tmp")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "/tmp:0: is a directory, not an answer file")
        }
    }

    @Test func manyProblemsAreCapped() {
        let text = "[environment:default]\n" + (1...100).map { "bad line \($0)" }.joined(separator: "\n")
        #expect(problems(text).count == 20)
    }
}

@Suite struct AnswerFileWriterTests {
    @Test func layoutIsSortedAndTyped() throws {
        let text = try AnswerFileWriter.render([
            "OVESETUP_DB/port": .int(5432),
            "OVESETUP_CONFIG/fqdn": .string("gs1.lofyer.org"),
            "OVESETUP_CORE/engineStop": .none,
            "OVESETUP_CONFIG/updateFirewall": .bool(false),
            "X/list": .multiString(["a", "b"]),
        ], comments: ["written by a test"])
        #expect(text == """
            # written by a test
            [environment:default]
            OVESETUP_CONFIG/fqdn=str:gs1.lofyer.org
            OVESETUP_CONFIG/updateFirewall=bool:False
            OVESETUP_CORE/engineStop=none:None
            OVESETUP_DB/port=int:5432
            X/list=multi-str:a
             b

            """)
    }

    @Test func roundTripOfEveryShape() throws {
        let values: [String: OtopiValue] = [
            "a": .string(""), "b": .string(" leading space kept"), "c": .string("a:b=c;d #e"),
            "d": .string("two\nlines"), "e": .bool(true), "f": .bool(false), "g": .int(-3), "h": .none,
            "i": .multiString([]), "j": .multiString(["", "x"]), "k": .multiString(["x", "", "y"]),
            "l": .string("日本語 ✓"), "m": .int(Int.max),
        ]
        let text = try AnswerFileWriter.render(values)
        let back = try AnswerFile.parse(text: text, path: "rt")
        let parsed = Dictionary(uniqueKeysWithValues: back.values(in: .default).map { ($0.key, $0.value) })
        #expect(parsed == values)
    }

    @Test func unrepresentableValuesAreRefused() {
        let cases: [(String, OtopiValue)] = [
            ("trailing", .string("x ")), ("cont", .string("a\n  b")), ("comment", .string("a\n#b")),
            ("endsEmpty", .string("a\n")), ("ctl", .string("a\u{07}")), ("one", .multiString([""])),
            ("item", .multiString(["a\nb"])), ("k=ey", .string("x")), ("k:ey", .string("x")), ("", .string("x")),
            ("#k", .string("x")), ("k k", .string("x")),
        ]
        for (key, value) in cases {
            #expect(throws: AnswerFileWriter.Unrepresentable.self, "\(key)") {
                try AnswerFileWriter.render([key: value])
            }
        }
    }

    @Test func otherSectionsFollowDefault() throws {
        let text = try AnswerFileWriter.render([.enforce: ["A": .int(1)], .default: ["B": .bool(true)]])
        #expect(text == "[environment:default]\nB=bool:True\n[environment:enforce]\nA=int:1\n")
    }

    @Test func atomicWriteIsPrivate() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("answers.conf").path
        _ = FileManager.default.createFile(atPath: path, contents: Data("old".utf8), attributes: [.posixPermissions: 0o644])
        try AtomicFile.write("new\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["answers.conf"])
    }

    @Test func atomicWriteFailsClearly() {
        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write("x", to: "/nonexistent-dir/a.conf") }
    }
}

@Suite struct OtopiEnvironmentTests {
    func file(_ name: String, _ text: String) throws -> AnswerFile {
        try AnswerFile.parse(text: text, path: name)
    }

    @Test func laterFileWinsWithinASection() throws {
        let a = try file("a", "[environment:default]\nK=str:a\nOnlyA=int:1\n")
        let b = try file("b", "[environment:default]\nK=str:b\n")
        let env = OtopiEnvironment(files: [a, b])
        #expect(env["K"]?.value == .string("b"))
        #expect(env["K"]?.origin.description == "b:2")
        #expect(env["OnlyA"]?.value == .int(1))
    }

    @Test func sectionPrecedence() throws {
        let a = try file("a", """
            [environment:enforce]
            K=str:enforce
            [environment:override]
            K=str:override
            L=str:override
            [environment:init]
            K=str:init
            L=str:init
            M=str:init
            [environment:default]
            K=str:default
            L=str:default
            M=str:default
            N=str:default
            """)
        let env = OtopiEnvironment(files: [a])
        #expect(env["K"]?.value == .string("enforce"))
        #expect(env["L"]?.value == .string("override"))
        #expect(env["M"]?.value == .string("init"))
        #expect(env["N"]?.value == .string("default"))
        #expect(env["K"]?.origin.section == .enforce)
    }

    @Test func enforceInALaterFileBeatsDefaultInAnEarlierOne() throws {
        let a = try file("a", "[environment:enforce]\nK=str:a\n")
        let b = try file("b", "[environment:default]\nK=str:b\n")
        #expect(OtopiEnvironment(files: [a, b])["K"]?.value == .string("a"))
    }

    @Test func noneIsNotAnAnswer() throws {
        let a = try file("a", "[environment:default]\nK=none:None\nL=str:\n")
        #expect(OtopiEnvironment(files: [a]).answeredKeys == ["L"])
    }

    @Test func defaultSectionReachesEveryEnvironmentSection() throws {
        let a = try file("a", "[DEFAULT]\nD=str:d\n[environment:default]\nK=str:k\n")
        let env = OtopiEnvironment(files: [a])
        #expect(env["D"]?.value == .string("d"))
    }
}

@Suite struct RoundTripTests {
    /// The shape of what hosted-engine 1.1 writes (reference §1.9), with every section otopi reads added.
    let realistic = """
        [environment:default]
        OVEHOSTED_NETWORK/bridgeIf=none:None
        OVEHOSTED_NETWORK/fqdn=str:engine.example.com
        OVEHOSTED_NETWORK/bridgeName=str:ovirtmgmt
        OVEHOSTED_NETWORK/firewallManager=str:iptables
        OVEHOSTED_NETWORK/gateway=str:192.168.1.1
        OVEHOSTED_STORAGE/storageDomainConnection=str:nfs.example.com:/he
        OVEHOSTED_STORAGE/connectionUUID=str:1a2b3c4d-0000-4000-8000-000000000001
        OVEHOSTED_STORAGE/storageType=none:None
        OVEHOSTED_STORAGE/imgSizeGB=str:25
        OVEHOSTED_VM/vmMACAddr=str:00:16:3e:4a:1b:2c
        OVEHOSTED_VDSM/spicePkiSubject=str:C=EN, L=Test, O=Test, CN=Test
        OVEHOSTED_VDSM/pkiSubject=str:/C=EN/L=Test/O=Test/CN=Test
        OVEHOSTED_NOTIF/smtpPort=str:25
        OVEHOSTED_CORE/confirmSettings=bool:True
        OVESETUP_DB/port=int:5432
        SOME/list=multi-str:a
         b
        [environment:init]
        A/b=bool:False
        [environment:override]
        A/c=int:-1
        [environment:enforce]
        A/d=str:x:y=z
        """

    @Test func everyEnvironmentSectionSurvives() throws {
        let file = try AnswerFile.parse(text: realistic, path: "answers.conf")
        let text = try AnswerFileWriter.render(file.environmentValues)
        let back = try AnswerFile.parse(text: text, path: "written.conf")
        #expect(back.environmentValues == file.environmentValues)
        #expect(OtopiEnvironment(files: [back]).items.mapValues(\.value) == OtopiEnvironment(files: [file]).items.mapValues(\.value))
        // and writing again gives the same bytes
        #expect(try AnswerFileWriter.render(back.environmentValues) == text)
    }
}
