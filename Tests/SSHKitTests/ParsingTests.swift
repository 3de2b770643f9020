import Foundation
import HostOps
import Testing
@testable import SSHKit

@Suite struct ShellQuoteTests {
    /// Round trip through a real POSIX shell: every argument must come back byte for byte.
    @Test func argumentsSurviveARealShell() throws {
        let nasty = ["plain", "two words", "it's", "$HOME", "`id`", "$(id)", "a\"b", "back\\slash", "*", "", "new\nline",
                     "semi;colon", "-n", "日本語", "'", "''", "!bang"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "for a in " + ShellQuote.join(nasty) + "; do printf '%s\\0' \"$a\"; done"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let back = data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
        #expect(back == nasty)
    }

    @Test func safeWordsStayReadable() {
        #expect(ShellQuote.quote("/etc/ovirt-engine/answers.conf") == "/etc/ovirt-engine/answers.conf")
        #expect(ShellQuote.quote("a b") == "'a b'")
        #expect(ShellQuote.quote("") == "''")
        #expect(ShellQuote.quote("it's") == "'it'\\''s'")
    }

    @Test func commandLineQuotesEnvironmentAndDirectory() {
        let command = RemoteCommand(["engine-setup", "--config-append=/tmp/a b.conf"], environment: [("LANG", "C 1")],
                                    workingDirectory: "/tmp/x y")
        #expect(command.commandLine == "cd '/tmp/x y' && env 'LANG=C 1' engine-setup '--config-append=/tmp/a b.conf'")
    }
}

@Suite struct SSHTargetTests {
    @Test func parsesForms() throws {
        #expect(try SSHTarget(parsing: "host") == SSHTarget(host: "host"))
        #expect(try SSHTarget(parsing: "root@h1.example:2222") == SSHTarget(user: "root", host: "h1.example", port: 2222))
        #expect(try SSHTarget(parsing: "[::1]:22") == SSHTarget(host: "::1", port: 22))
        #expect(try SSHTarget(parsing: "fe80::1") == SSHTarget(host: "fe80::1"))
        #expect(try SSHTarget(parsing: "a@b@c").user == "a@b")
    }

    @Test(arguments: ["", "root@", "@host", "host:0", "host:70000", "host:x", "[::1", "a b"])
    func rejectsBadForms(_ text: String) {
        #expect(throws: SSHError.self) { try SSHTarget(parsing: text) }
    }
}

@Suite struct SSHConfigFileTests {
    let text = """
        # comment
        Host web-* !web-old
            HostName %h.lab.example
            User deploy
            Port 2200
            IdentityFile ~/.ssh/web_key
        Host web-1
            User ignored-because-first-wins
            IdentityFile "~/.ssh/second key"
        Host *
            User fallback
            Port=22
        """

    @Test func firstValueWinsAndIdentityFilesAccumulate() throws {
        let config = try SSHConfigFile(text: text)
        let web1 = config.settings(for: "web-1")
        #expect(web1.hostName == "web-1.lab.example")
        #expect(web1.user == "deploy")
        #expect(web1.port == 2200)
        #expect(web1.identityFiles == ["~/.ssh/web_key", "~/.ssh/second key"])
        let old = config.settings(for: "web-old")
        #expect(old.hostName == nil)
        #expect(old.user == "fallback")
        #expect(old.port == 22)
    }

    @Test func badPortNamesTheLine() {
        #expect {
            try SSHConfigFile(text: "Host a\n  Port ninety\n", path: "/x/config")
        } throws: { error in
            (error as? SSHError)?.description == "/x/config:2: Port 'ninety' is not 1-65535"
        }
    }

    @Test func wildcards() {
        #expect(SSHConfigFile.wildcardMatch("node12", "node?2"))
        #expect(SSHConfigFile.wildcardMatch("a.b.c", "*.c"))
        #expect(!SSHConfigFile.wildcardMatch("a.b.d", "*.c"))
    }
}

@Suite struct KnownHostsFileTests {
    @Test func plainPortAndPatternEntries() {
        let file = KnownHostsFile(path: "kh", text: """
            # comment
            [10.0.0.1]:2222 ssh-ed25519 AAAAkey1
            10.0.0.1 ecdsa-sha2-nistp256 AAAAkey2
            *.lab,!bad.lab ssh-ed25519 AAAAkey3
            @cert-authority *.lab ssh-ed25519 AAAAca
            @revoked * ssh-ed25519 AAAArevoked
            """)
        #expect(file.keyTypes(host: "10.0.0.1", port: 2222) == ["ssh-ed25519"])
        #expect(file.keyTypes(host: "10.0.0.1", port: 22) == ["ecdsa-sha2-nistp256"])
        #expect(file.verdict(host: "10.0.0.1", port: 2222, keyType: "ssh-ed25519", keyBase64: "AAAAkey1") == .known(line: 2))
        #expect(file.verdict(host: "10.0.0.1", port: 2222, keyType: "ssh-ed25519", keyBase64: "AAAAother") == .changed(line: 2))
        #expect(file.verdict(host: "10.0.0.1", port: 2222, keyType: "ecdsa-sha2-nistp256", keyBase64: "x") == .unknown)
        #expect(file.verdict(host: "h.lab", port: 22, keyType: "ssh-ed25519", keyBase64: "AAAAkey3") == .known(line: 4))
        #expect(file.verdict(host: "bad.lab", port: 22, keyType: "ssh-ed25519", keyBase64: "AAAAkey3") == .unknown)
        #expect(file.verdict(host: "any", port: 22, keyType: "ssh-ed25519", keyBase64: "AAAArevoked") == .revoked(line: 6))
    }

    @Test func hashedEntryMatchesLikeOpenSSH() throws {
        // Written by real ssh-keygen -H so the HMAC format is OpenSSH's own.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kh-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/known_hosts"
        try "[192.0.2.7]:2022 ssh-ed25519 AAAAhashme\n".write(toFile: path, atomically: true, encoding: .utf8)
        let keygen = Process()
        keygen.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        keygen.arguments = ["-q", "-H", "-f", path]
        keygen.standardOutput = FileHandle.nullDevice
        keygen.standardError = FileHandle.nullDevice
        try keygen.run()
        keygen.waitUntilExit()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("|1|"))
        let file = try KnownHostsFile(path: path)
        #expect(file.keyTypes(host: "192.0.2.7", port: 2022) == ["ssh-ed25519"])
        #expect(file.keyTypes(host: "192.0.2.8", port: 2022).isEmpty)
    }

    @Test func appendCreatesPrivateFileAndKeepsLines() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kh-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/sub/known_hosts"
        var file = try KnownHostsFile(path: path)
        try file.append(host: "h", port: 22, keyType: "ssh-ed25519", keyBase64: "AAAA1")
        try file.append(host: "h", port: 2200, keyType: "ssh-ed25519", keyBase64: "AAAA2")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "h ssh-ed25519 AAAA1\n[h]:2200 ssh-ed25519 AAAA2\n")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}

@Suite struct StreamSplittingTests {
    @Test func linesAcrossChunks() {
        var splitter = LineSplitter()
        var lines: [String] = []
        splitter.feed(Array("ab".utf8)) { lines.append($0) }
        splitter.feed(Array("c\r\nd\n\ne".utf8)) { lines.append($0) }
        splitter.finish { lines.append($0) }
        #expect(lines == ["abc", "d", "", "e"])
    }

    /// The line splitters give the same lines whatever the reads: lines, `\r\n` and UTF-8 sequences cut by a
    /// read's end, empty lines, a lone `\r`, invalid UTF-8, a last line without a newline.
    @Test func blockSplitterGivesLineSplittersLinesForAnyReads() {
        let pieces: [[UInt8]] = [Array("plain".utf8), [0x0A], [0x0D, 0x0A], [0x0D], Array("é日本".utf8), [0xE2, 0x82], [0xFF, 0xC3],
                                 Array("a long line of installer output, repeated ".utf8), [0x1B, 0x5B, 0x33, 0x32, 0x6D], [0x09, 0x07]]
        var state: UInt64 = 42
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        for round in 0..<300 {
            var stream: [UInt8] = []
            for _ in 0..<next(60) { stream += pieces[next(pieces.count)] }
            var reads: [[UInt8]] = []
            var at = 0
            while at < stream.count {
                let n = min(stream.count - at, 1 + next(round % 3 == 0 ? 3 : 40))
                reads.append(Array(stream[at..<(at + n)]))
                at += n
            }
            var expected: [String] = []
            var lines = LineSplitter()
            for read in reads { lines.feed(read) { expected.append($0) } }
            lines.finish { expected.append($0) }
            var got: [String] = []
            var blocks = LineBlockSplitter()
            for read in reads {
                if let block = blocks.feed(read) {
                    #expect(block.count > 0)
                    #expect(block.text.utf8.last == 0x0A)
                    got += block.lines
                }
            }
            if let last = blocks.finish() { got += last.lines }
            #expect(got == expected, "round \(round)")
        }
    }

    @Test func outputLinesGiveTheirNewestLines() {
        let block = OutputLines(["one", "", "three", "vier é"])
        #expect(block.count == 4)
        #expect(block.text == "one\n\nthree\nvier é\n")
        #expect(block.suffix(2) == ["three", "vier é"])
        #expect(block.suffix(3) == ["", "three", "vier é"])
        #expect(block.suffix(9) == ["one", "", "three", "vier é"])
        #expect(block.suffix(0).isEmpty)
        var seen: [String] = []
        block.forEachLine { seen.append(String(decoding: $0, as: UTF8.self)) }
        #expect(seen == block.lines)
        #expect(OutputLines([""]).suffix(1) == [""])
    }

    @Test func pidMarkerIsRemovedOnlyAtTheStart() {
        var marker = PIDMarker(stream: .stderr, active: true)
        var seen: [UInt8] = []
        let line = Array("\u{1F}\(PIDMarker.tag)4242\nreal error\n".utf8)
        marker.filter(.stderr, Array(line[0..<5]), emit: { _, b in seen += b })
        marker.filter(.stderr, Array(line[5...]), emit: { _, b in seen += b })
        #expect(marker.pid == 4242)
        #expect(String(decoding: seen, as: UTF8.self) == "real error\n")

        var other = PIDMarker(stream: .stderr, active: true)
        seen = []
        other.filter(.stderr, Array("plain\n".utf8), emit: { _, b in seen += b })
        #expect(other.pid == nil)
        #expect(String(decoding: seen, as: UTF8.self) == "plain\n")
    }

    @Test func secretsAreMasked() {
        let secret = Secret("hunter2")
        #expect(!"\(secret)".contains("hunter2"))
        #expect(!String(reflecting: secret).contains("hunter2"))
        #expect(!"\(CredentialRequest.password(user: "u", host: "h"))".contains("hunter2"))
    }
}
