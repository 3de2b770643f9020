import Foundation
import Testing
import Deploy
import SSHKit

/// The masker's fast byte search for ASCII must hide exactly what Foundation's search hides.
@Suite struct SecretMaskerTests {
    /// The masking as it was before the fast path: Foundation's `contains` for every value.
    static func reference(_ line: String, _ values: [String]) -> String {
        var out = line
        for value in Array(Set(values.filter { $0.count >= 3 })).sorted(by: { $0.count > $1.count }) where out.contains(value) {
            out = out.replacingOccurrences(of: value, with: "********")
        }
        return out
    }

    static let secrets = ["s3cret-pw", "db-pw-123", "pässwört", "K-long-secret-K", "密码密码", "ab"]
    static let lines = [
        "", "password is s3cret-pw and db-pw-123", "s3cret-pw", "xs3cret-pwx s3cret-pw",
        "no secret here at all, just a long yum line   123/456",
        "\u{1B}[32m[ INFO  ]\u{1B}[0m s3cret-pw in colour", "tab\ts3cret-pw\ttab",
        "é before s3cret-pw after", "pässwört in German", "pa\u{0308}sswo\u{0308}rt decomposed",
        "密码密码 in Chinese", "\u{FFFD}\u{FFFD}( s3cret-pw after invalid UTF-8",
        "\u{212A}-long-secret-\u{212A} with Kelvin signs", "K-long-secret-K plain", "s3cret-p", "ab ab ab",
        "db-pw-123db-pw-123", "s3cret-pw\r", "sss3cret-pw", "ends with s3cret-pw", "s3cret-pX s3cret-pw",
    ]

    @Test func masksExactlyWhatFoundationsSearchMasks() {
        let masker = SecretMasker(Self.secrets)
        for line in Self.lines {
            #expect(masker.mask(line) == Self.reference(line, Self.secrets), "line: \(line.debugDescription)")
        }
        #expect(masker.mask("password is s3cret-pw and db-pw-123") == "password is ******** and ********")
        #expect(masker.mask("é before s3cret-pw after") == "é before ******** after")
    }

    @Test func noSecretsLeavesLinesAlone() {
        let masker = SecretMasker([])
        for line in Self.lines { #expect(masker.mask(line) == line) }
    }

    /// Plain commands' output is masked a read at a time (`OutputLines`): every line exactly as `mask` on it
    /// alone, with ASCII and non-ASCII secrets, and with a secret cut by a read's end (the splitter keeps the
    /// cut line until its newline, so the secret is whole when it is masked).
    @Test func blocksAreMaskedAsTheirLines() {
        for secrets in [Self.secrets, ["s3cret-pw", "db-pw-123"], ["K-long-secret-K"]] {
            let masker = SecretMasker(secrets)
            let stream = Array(Self.lines.joined(separator: "\n").utf8) + Array("\nlast s3cret-pw\n".utf8)
            for cut in [1, 7, 13, 64] {
                var blocks = LineBlockSplitter()
                var got: [String] = []
                var at = 0
                while at < stream.count {
                    let n = min(cut, stream.count - at)
                    if let block = blocks.feed(Array(stream[at..<(at + n)])) { got += masker.mask(block).lines }
                    at += n
                }
                var expected: [String] = []
                var lines = LineSplitter()
                lines.feed(stream) { expected.append(masker.mask($0)) }
                #expect(expected.count == Self.lines.count + 1)
                #expect(got == expected, "secrets \(secrets), reads of \(cut) bytes")
            }
            // All lines in one read, without any secret: the block passes as it is.
            let clean = OutputLines(["no secret", "at all"])
            #expect(masker.mask(clean) == clean)
        }
        let none = OutputLines(Self.lines.filter { !$0.contains("\r") })
        #expect(SecretMasker([]).mask(none) == none)
    }
}
