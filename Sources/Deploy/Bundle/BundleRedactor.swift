import Foundation
import OtopiKit

/// Removes secrets from a file's bytes before a support bundle keeps it: every form of the answer files' secret
/// values (`SecretEncodings`), values of secret keys in otopi's and the answer files' `KEY=type:value` lines,
/// `password=` / `passwd:` / JSON `"password": "…"` forms (Ansible's leftovers of `no_log`), authorization
/// headers and bearer tokens, passwords in URLs, JWTs and PEM private keys. Each removal is reported with its
/// line and kind, never with the value.
package struct BundleRedactor: Sendable {
    package struct Redaction: Sendable, Equatable, CustomStringConvertible {
        /// 1-based line in the file as written to the bundle.
        package var line: Int
        package var kind: String
        package var description: String { "line \(line): \(kind)" }
    }

    private struct Needle: Sendable {
        var bytes: [UInt8]
        var kind: String
    }

    private let needles: [Needle]
    /// The secrets' own bytes, for the search in percent-decoded lines.
    private let plainSecrets: [[UInt8]]
    private let secretKeys: Set<String>
    /// Lower-case words one of which a line must contain before the patterns are tried on it.
    private let triggers: [[UInt8]]

    /// `secrets`: the answer files' secret values; `secretKeys`: the keys their flows call secret.
    package init(secrets: [String], secretKeys: Set<String> = []) {
        var needles: [Needle] = []
        var seen = Set<String>()
        for secret in Set(secrets) where secret.count >= 3 {
            for form in SecretEncodings.forms(of: secret) where seen.insert(form.text).inserted {
                needles.append(Needle(bytes: Array(form.text.utf8), kind: "answer-file secret (\(form.encoding))"))
            }
            // A short secret is still removed verbatim; its encodings would match noise.
            if secret.count < 4, seen.insert(secret).inserted {
                needles.append(Needle(bytes: Array(secret.utf8), kind: "answer-file secret (plain)"))
            }
        }
        // Longest first: a form containing another is removed whole.
        self.needles = needles.sorted { $0.bytes.count > $1.bytes.count }
        plainSecrets = Set(secrets).filter { $0.count >= 3 }.map { Array($0.utf8) }.sorted { $0.count > $1.count }
        self.secretKeys = secretKeys
        var words = ["pass", "secret", "token", "pwd", "auth", "bearer", "://", "eyj", "admin_setup", "private key"]
        words += secretKeys.map { $0.lowercased() }
        triggers = Array(Set(words)).map { Array($0.utf8) }
    }

    /// The text with every secret replaced by `Secrets.mask`, and what was replaced where.
    package func redact(_ data: [UInt8]) -> (bytes: [UInt8], redactions: [Redaction]) {
        var marks: [(offset: Int, kind: String)] = []
        let bytes = replaceValues(data, marks: &marks)
        var redactions = Self.lines(of: marks, in: bytes)
        // Whole-buffer searches pick the few lines the line-wise passes need: a log of gigabytes has few.
        let starts = Self.lineStarts(bytes)
        func line(of offset: Int) -> Int {
            var lo = 0, hi = starts.count
            while lo < hi { let mid = (lo + hi) / 2; if starts[mid] <= offset { lo = mid + 1 } else { hi = mid } }
            return lo - 1
        }
        func slice(_ index: Int) -> [UInt8] {
            let end = index + 1 < starts.count ? starts[index + 1] - 1 : bytes.count
            return Array(bytes[starts[index]..<end])
        }
        let lower = bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        var triggeredLines = Set<Int>()
        for trigger in triggers { for hit in Self.find(trigger, in: lower) { triggeredLines.insert(line(of: hit)) } }
        let percentLines = plainSecrets.isEmpty ? [] : Set(Self.find([UInt8(ascii: "%")], in: bytes).map(line(of:)))
        var changed: [Int: [UInt8]] = [:]
        for index in percentLines.sorted() {
            let (clean, count) = replacePercentEncoded(slice(index))
            if count > 0 {
                changed[index] = clean
                redactions += Array(repeating: Redaction(line: index + 1, kind: "answer-file secret (URL-encoded)"), count: count)
            }
        }
        // The patterns run once over the triggered lines joined, not once per line.
        let batch = triggeredLines.sorted()
        if !batch.isEmpty {
            var text = batch.map { String(decoding: changed[$0] ?? slice($0), as: UTF8.self) }.joined(separator: "\n")
            for (position, kind) in applyPatterns(&text) { redactions.append(Redaction(line: batch[position] + 1, kind: kind)) }
            for (position, lineText) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                changed[batch[position]] = Array(lineText.utf8)
            }
        }
        var lines: [[UInt8]]? = nil
        if !Self.find(Array("private key-----".utf8), in: lower).isEmpty {
            var all = starts.indices.map { changed[$0] ?? slice($0) }
            redactions += Self.removePrivateKeys(&all)
            lines = all
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for index in starts.indices {
            if index > 0 { out.append(UInt8(ascii: "\n")) }
            if let lines { out += lines[index] } else if let line = changed[index] { out += line } else { out += slice(index) }
        }
        redactions.sort { ($0.line, $0.kind) < ($1.line, $1.kind) }
        return (out, redactions)
    }

    /// The offset of each line's first byte.
    static func lineStarts(_ bytes: [UInt8]) -> [Int] {
        [0] + find([UInt8(ascii: "\n")], in: bytes).map { $0 + 1 }
    }

    /// Only the known values and their encodings, no patterns.
    package func redactValues(_ data: [UInt8]) -> (bytes: [UInt8], redactions: [Redaction]) {
        var marks: [(offset: Int, kind: String)] = []
        let bytes = replaceValues(data, marks: &marks)
        return (bytes, Self.lines(of: marks, in: bytes))
    }

    package func redact(_ text: String) -> (text: String, redactions: [Redaction]) {
        let (bytes, redactions) = redact(Array(text.utf8))
        return (String(decoding: bytes, as: UTF8.self), redactions)
    }

    // MARK: - Known values

    private func replaceValues(_ data: [UInt8], marks: inout [(offset: Int, kind: String)]) -> [UInt8] {
        var bytes = data
        let mask = Array(Secrets.mask.utf8)
        for needle in needles {
            let hits = Self.find(needle.bytes, in: bytes)
            guard !hits.isEmpty else { continue }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var last = 0
            for hit in hits {
                out += bytes[last..<hit]
                marks.append((out.count, needle.kind))
                out += mask
                last = hit + needle.bytes.count
            }
            out += bytes[last...]
            // Offsets recorded before this needle moved by the replacements before them.
            marks = Self.shift(marks, hits: hits, removed: needle.bytes.count, inserted: mask.count, newest: hits.count)
            bytes = out
        }
        return bytes
    }

    /// Non-overlapping occurrences of `needle`, left to right.
    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard !needle.isEmpty, needle.count <= haystack.count else { return [] }
        var hits: [Int] = []
        haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                let base = h.baseAddress!
                let limit = h.count - n.count
                var start = 0
                while start <= limit {
                    guard let p = memchr(base + start, Int32(n[0]), limit - start + 1) else { break }
                    let at = UnsafeRawPointer(p) - UnsafeRawPointer(base)
                    if memcmp(base + at, n.baseAddress!, n.count) == 0 {
                        hits.append(at)
                        start = at + n.count
                    } else {
                        start = at + 1
                    }
                }
            }
        }
        return hits
    }

    /// Moves the offsets of earlier marks past the replacements made after them; the last `newest` marks are
    /// already in the new text's offsets.
    private static func shift(_ marks: [(offset: Int, kind: String)], hits: [Int], removed: Int, inserted: Int,
                              newest: Int) -> [(offset: Int, kind: String)] {
        let delta = inserted - removed
        var out = marks
        for i in 0..<(marks.count - newest) {
            let before = hits.filter { $0 < marks[i].offset }.count
            out[i].offset += before * delta
        }
        return out
    }

    private static func lines(of marks: [(offset: Int, kind: String)], in bytes: [UInt8]) -> [Redaction] {
        guard !marks.isEmpty else { return [] }
        var newlines: [Int] = []
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { newlines.append(i) }
        return marks.map { mark in
            // Binary search: the number of newlines before the offset.
            var lo = 0, hi = newlines.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if newlines[mid] < mark.offset { lo = mid + 1 } else { hi = mid }
            }
            return Redaction(line: lo + 1, kind: mark.kind)
        }
    }

    /// Secrets written percent-encoded by any encoder (which characters it escapes, upper or lower hex, `+` for
    /// space): the line is decoded with a map back to its bytes, searched, and each hit's encoded span masked.
    func replacePercentEncoded(_ line: [UInt8]) -> (bytes: [UInt8], count: Int) {
        guard !plainSecrets.isEmpty else { return (line, 0) }
        var out = line
        var count = 0
        for plusIsSpace in [false, true] {
            var decoded: [UInt8] = [], starts: [Int] = [], ends: [Int] = []
            var i = 0
            while i < out.count {
                if out[i] == UInt8(ascii: "%"), i + 2 < out.count, let hi = Self.hex(out[i + 1]), let lo = Self.hex(out[i + 2]) {
                    decoded.append(hi << 4 | lo); starts.append(i); ends.append(i + 3); i += 3
                } else {
                    decoded.append(plusIsSpace && out[i] == UInt8(ascii: "+") ? 0x20 : out[i]); starts.append(i); ends.append(i + 1); i += 1
                }
            }
            var spans: [Range<Int>] = []
            for secret in plainSecrets {
                for hit in Self.find(secret, in: decoded) {
                    let span = starts[hit]..<ends[hit + secret.count - 1]
                    if !spans.contains(where: { $0.overlaps(span) }) { spans.append(span) }
                }
            }
            for span in spans.sorted(by: { $0.lowerBound > $1.lowerBound }) {
                out.replaceSubrange(span, with: Array(Secrets.mask.utf8))
                count += 1
            }
        }
        return (out, count)
    }

    static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    // MARK: - Patterns

    private static let envLine = try! NSRegularExpression(
        pattern: #"\b([A-Za-z][A-Za-z0-9_]*(?:/[A-Za-z0-9_]+)+)=(str|multi-str|none|int|bool)?:?('?)([^'\s]*)"#)
    private static let keyValue = try! NSRegularExpression(
        pattern: #"(["']?)(?<![A-Za-z0-9_.\-])([A-Za-z0-9_.\-]*(?:password|passwd|passphrase|secret|token|_pass|pwd)[A-Za-z0-9_.\-]*)\1[ \t]*(=>|=|:)[ \t]*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[^\s,;&}\]\)]+)"#,
        options: [.caseInsensitive])
    private static let authorization = try! NSRegularExpression(
        pattern: #"\b(authorization["']?[ \t]*[:=][ \t]*["']?(?:basic|bearer|negotiate|token)?[ \t]*)([^\s"',]+)"#, options: [.caseInsensitive])
    private static let bearer = try! NSRegularExpression(
        pattern: #"\b(bearer[ \t]+)([A-Za-z0-9._~+/=\-]{8,})"#, options: [.caseInsensitive])
    private static let urlPassword = try! NSRegularExpression(
        pattern: #"(?<![a-z0-9+.\-])([a-z][a-z0-9+.\-]*://[^/\s:@]+:)([^/\s@]+)(@)"#, options: [.caseInsensitive])
    private static let jwt = try! NSRegularExpression(
        pattern: #"\beyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*"#)

    /// Values that are already masked or carry nothing (otopi's `**FILTERED**`, Ansible's no_log placeholder).
    static func isHarmless(_ value: String) -> Bool {
        var v = value
        for prefix in ["str:", "multi-str:", "none:"] where v.hasPrefix(prefix) { v.removeFirst(prefix.count) }
        v = v.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        if v.isEmpty || v.allSatisfy({ $0 == "*" }) { return true }
        let lower = v.lowercased()
        return ["**filtered**", "(hidden)", "none", "null", "true", "false", "nil", Secrets.mask,
                "value_specified_in_no_log_parameter", "[redacted]", "<redacted>", "xxx", "$password"].contains(lower)
            || lower.hasPrefix("{{") || lower.hasPrefix("(hidden") || v.hasPrefix(Secrets.mask)
    }

    /// Applies the patterns to lines joined by newlines; the line (0-based in `text`) and kind of each removal.
    private func applyPatterns(_ text: inout String) -> [(Int, String)] {
        var found: [(Int, String)] = []
        // hosted-engine's temporary VNC password note, as the host logs mask it.
        if text.contains("temporary password") {
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for i in lines.indices where lines[i].contains("temporary password") {
                let masked = OtopiPromptTracker.maskConsolePassword(lines[i])
                if masked != lines[i] { lines[i] = masked; found.append((i, "temporary console password")) }
            }
            text = lines.joined(separator: "\n")
        }
        // otopi environment and answer-file lines: KEY=type:value of a secret key.
        replace(Self.envLine, in: &text, group: 4, found: &found) { match, ns in
            let key = ns.substring(with: match.range(at: 1))
            let value = ns.substring(with: match.range(at: 4))
            let name = key.split(separator: "/").last.map(String.init) ?? key
            let isQuestion = key.hasPrefix("QUESTION/") && ["PASSWORD", "PASSWD", "ADMIN_SETUP", "SECRET", "PWD"]
                .contains { name.uppercased().contains($0) }
            guard secretKeys.contains(key) || Secrets.looksSecret(key) || isQuestion, !Self.isHarmless(value) else { return nil }
            return isQuestion ? "otopi QUESTION answer of \(name)" : "value of secret key \(key)"
        }
        replace(Self.keyValue, in: &text, group: 4, found: &found) { match, ns in
            let value = ns.substring(with: match.range(at: 4))
            guard !Self.isHarmless(value) else { return nil }
            let key = ns.substring(with: match.range(at: 2)).lowercased()
            return key.contains("token") ? "token (\(key)\(ns.substring(with: match.range(at: 3))))"
                : "password (\(key)\(ns.substring(with: match.range(at: 3))) form)"
        }
        for (regex, group, kind) in [(Self.authorization, 2, "authorization header"), (Self.bearer, 2, "bearer token"),
                                     (Self.urlPassword, 2, "password in a URL"), (Self.jwt, 0, "token (JWT)")] {
            replace(regex, in: &text, group: group, found: &found) { match, ns in
                Self.isHarmless(ns.substring(with: match.range(at: group))) ? nil : kind
            }
        }
        return found
    }

    /// Replaces capture `group` of each match by the mask where `decide` returns a kind, recording its line.
    private func replace(_ regex: NSRegularExpression, in text: inout String, group: Int, found: inout [(Int, String)],
                         decide: (NSTextCheckingResult, NSString) -> String?) {
        let ns = text as NSString
        let matches = regex.matches(in: text, range: NSRange(location: 0, length: ns.length))
        guard !matches.isEmpty else { return }
        let units = Array(text.utf16)
        var newlines: [Int] = []
        for (i, unit) in units.enumerated() where unit == 10 { newlines.append(i) }
        // Rebuilt left to right from pieces: replacing in place would move the rest of a long text per match.
        var out: [UInt16] = []
        out.reserveCapacity(units.count)
        var last = 0
        let mask = Array(Secrets.mask.utf16)
        for match in matches {
            let range = match.range(at: group)
            guard range.location != NSNotFound, range.location >= last, let kind = decide(match, ns) else { continue }
            var lo = 0, hi = newlines.count
            while lo < hi { let mid = (lo + hi) / 2; if newlines[mid] < range.location { lo = mid + 1 } else { hi = mid } }
            found.append((lo, kind))
            out += units[last..<range.location]
            out += mask
            last = range.location + range.length
        }
        out += units[last...]
        text = String(decoding: out, as: UTF16.self)
    }

    // MARK: - Private keys

    /// Masks the body of every PEM private key (the BEGIN and END lines stay, so the reader sees what was
    /// there). A block whose start a tail cut off (END without BEGIN) is masked back over its Base64 lines; one
    /// without END to the last line.
    static func removePrivateKeys(_ lines: inout [[UInt8]]) -> [Redaction] {
        let begin = Array("-----BEGIN ".utf8), end = Array("-----END ".utf8), marker = Array("PRIVATE KEY-----".utf8)
        let mask = Array(Secrets.mask.utf8)
        var redactions: [Redaction] = []
        var inside = false
        for i in lines.indices {
            let line = lines[i]
            let hasMarker = !find(marker, in: line).isEmpty
            let b = hasMarker ? find(begin, in: line).first : nil
            let e = hasMarker ? find(end, in: line).first : nil
            if let b, let e, e > b {
                // The whole key on one line (JSON-escaped newlines): mask between the markers.
                let bodyStart = find(marker, in: Array(line[b...])).first! + b + marker.count
                lines[i] = Array(line[..<bodyStart]) + mask + Array(line[e...])
                redactions.append(Redaction(line: i + 1, kind: "private key"))
                inside = false
            } else if b != nil {
                inside = true
                redactions.append(Redaction(line: i + 1, kind: "private key"))
            } else if e != nil {
                if !inside {
                    var j = i - 1
                    while j >= 0, isPEMBody(lines[j]) { lines[j] = mask; j -= 1 }
                    if j < i - 1 { redactions.append(Redaction(line: i + 1, kind: "private key (its start cut off)")) }
                }
                inside = false
            } else if inside, !line.isEmpty {
                lines[i] = mask
            }
        }
        return redactions
    }

    /// A line of a PEM body: Base64 characters, or one of the old encrypted-key headers.
    static func isPEMBody(_ line: [UInt8]) -> Bool {
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("Proc-Type:") || text.hasPrefix("DEK-Info:") { return true }
        return !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+/=".contains($0)) }
    }
}
