import Foundation
import Testing
@testable import Deploy

/// The bundle's redactor on text: known secrets in every encoding, log patterns, private keys; what it reports.
@Suite struct BundleRedactorTests {
    static let secrets = ["Adm1n-s3cret-pw", "He-adm1n-pw-42", "p@ss w/rd&'\"$x", "pässwört-42"]

    /// Every form a tool may write a secret in, embedded in a log line.
    static func plantedLines(_ secret: String) -> [String] {
        let bytes = Array(secret.utf8)
        let json = String(decoding: try! JSONSerialization.data(withJSONObject: ["v": secret]), as: UTF8.self)
        var lines = [
            "2014-05-08 05:46:49 DEBUG plain \(secret) end",
            "base64 \(Data(bytes).base64EncodedString())",
            "urlencoded \(secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
            "uri \(secret.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+")))!)",
            "form \(secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!.replacingOccurrences(of: "%20", with: "+"))",
            "json \(json)",
            "shell \(SecretEncodings.forms(of: secret).first { $0.encoding == "shell-quoted" }?.text ?? secret)",
            "python b'\(SecretEncodings.pythonEscaped(bytes))'",
            "hex \(bytes.map { String(format: "%02x", $0) }.joined())",
        ]
        for prefix in ["", "a", "ab", "admin@internal:", "user:"] {
            for suffix in ["", "x", "yz"] {
                let encoded = Data(Array(prefix.utf8) + bytes + Array(suffix.utf8)).base64EncodedString()
                lines.append("Authorization-ish \(encoded) and url-safe \(encoded.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))")
            }
        }
        return lines
    }

    /// Whether any run of Base64 characters in `text`, decoded at any of its four alignments, holds `secret`.
    static func base64Reveals(_ secret: String, in text: String) -> Bool {
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_")
        var runs: [String] = [], run = ""
        for c in text { if alphabet.contains(c) { run.append(c) } else { runs.append(run); run = "" } }
        runs.append(run)
        let needle = Data(secret.utf8)
        for run in runs where run.count >= 4 {
            let standard = run.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            for start in 0..<4 where start < standard.count {
                var part = String(standard.dropFirst(start))
                part = String(part.prefix(part.count / 4 * 4))
                if let decoded = Data(base64Encoded: part), decoded.range(of: needle) != nil { return true }
            }
        }
        return false
    }

    @Test func everyEncodingOfEverySecretIsRemoved() {
        let redactor = BundleRedactor(secrets: Self.secrets)
        for secret in Self.secrets {
            let text = Self.plantedLines(secret).joined(separator: "\n")
            let (out, redactions) = redactor.redact(text)
            for line in out.split(separator: "\n") {
                #expect(!line.contains(secret), "plain secret left in: \(line)")
                #expect(line.removingPercentEncoding.map { !$0.contains(secret) } ?? true, "URL-encoded secret left in: \(line)")
                #expect(!Self.base64Reveals(secret, in: String(line)), "Base64 of the secret left in: \(line)")
            }
            for form in SecretEncodings.forms(of: secret) {
                #expect(!out.contains(form.text), "\(form.encoding) form left")
            }
            #expect(!redactions.isEmpty)
            #expect(redactions.allSatisfy { !$0.kind.contains(secret) && $0.line >= 1 })
        }
    }

    @Test func reportsLineAndKindOfEachRemoval() {
        let redactor = BundleRedactor(secrets: ["Adm1n-s3cret-pw"])
        let (out, redactions) = redactor.redact("first line\nthe value Adm1n-s3cret-pw here\nthird\n\(Data("Adm1n-s3cret-pw".utf8).base64EncodedString())\n")
        #expect(out == "first line\nthe value ******** here\nthird\n********\n" || out.hasPrefix("first line\nthe value ******** here\nthird\n"))
        #expect(redactions.map(\.line) == [2, 4])
        #expect(redactions[0].kind == "answer-file secret (plain)")
        #expect(redactions[1].kind == "answer-file secret (base64)")
    }

    @Test func removesPasswordsInKnownLogPatterns() {
        let redactor = BundleRedactor(secrets: [], secretKeys: ["OVEHOSTED_VDSM/spicePwd"])
        let lines = [
            "2014-05-08 DEBUG otopi.context ENV OVESETUP_CONFIG/adminPassword=str:'Unknown-pw-1'",
            "OVESETUP_DB/password=str:Unknown-pw-2",
            "QUESTION/1/OVESETUP_CONFIG_ADMIN_SETUP=str:Unknown-pw-3",
            "OVEHOSTED_VDSM/spicePwd=str:Unknown-pw-4",
            "curl -d 'grant_type=password&username=admin%40internal&password=Unknown-pw-5'",
            "root passwd: Unknown-pw-6",
            #"TASK [ovirt.ovirt.hosted_engine_setup : Add host] {"he_admin_password": "Unknown-pw-7", "ansible_ssh_pass": "Unknown-pw-8"}"#,
            "Authorization: Basic dXNlcjpVbmtub3duLXB3LTk=",
            "GET https://admin:Unknown-pw-10@engine.example/ovirt-engine/api",
            "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXZhbHVl",
            "access_token=Unknown-tok-11&x=1",
            "Use temporary password \"2067OGHU\" to connect to vnc console.",
            "--extra-vars he_appliance_password=Unknown-pw-12",
        ]
        let (out, redactions) = redactor.redact(lines.joined(separator: "\n"))
        for leaked in ["Unknown-pw-", "Unknown-tok-", "dXNlcjpVbmtub3duLXB3LTk", "2067OGHU", "eyJzdWIiOiJhZG1pbiJ9"] {
            #expect(!out.contains(leaked), "left: \(leaked) in\n\(out)")
        }
        #expect(Set(redactions.map(\.line)) == Set(1...lines.count))
        #expect(redactions.contains { $0.kind == "otopi QUESTION answer of OVESETUP_CONFIG_ADMIN_SETUP" })
        #expect(redactions.contains { $0.kind == "value of secret key OVEHOSTED_VDSM/spicePwd" })
        #expect(redactions.contains { $0.kind == "temporary console password" })
    }

    @Test func leavesMaskedAndHarmlessLinesAlone() {
        let redactor = BundleRedactor(secrets: ["Adm1n-s3cret-pw"])
        let lines = [
            "ENV OVESETUP_CONFIG/adminPassword=str:'**FILTERED**'",
            "[WARNING] Password is weak: it is based on a dictionary word",
            "          Engine admin password: ",
            "Confirm engine admin password: (hidden)",
            #"ok: [localhost] => {"censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result"}"#,
            "OVESETUP_DB/password=none:None",
            #""password": null"#,
            "yum install -y ovirt-engine",
        ]
        let text = lines.joined(separator: "\n")
        let (out, redactions) = redactor.redact(text)
        #expect(out == text)
        #expect(redactions.isEmpty)
    }

    @Test func removesPrivateKeysWholeAndCut() {
        let body = (0..<5).map { _ in String(repeating: "MIIEowIBAAKCAQEA1b2c3d4", count: 2) }
        let key = ["-----BEGIN OPENSSH PRIVATE KEY-----"] + body + ["-----END OPENSSH PRIVATE KEY-----"]
        let redactor = BundleRedactor(secrets: [])
        let (out, redactions) = redactor.redact((["before"] + key + ["after"]).joined(separator: "\n"))
        #expect(!out.contains("MIIEow"))
        #expect(out.contains("-----BEGIN OPENSSH PRIVATE KEY-----") && out.hasSuffix("after"))
        #expect(redactions == [BundleRedactor.Redaction(line: 2, kind: "private key")])
        // A tail that starts inside the key: its Base64 lines before END are removed too.
        let (cut, cutRedactions) = redactor.redact((Array(body.suffix(3)) + [key.last!, "after"]).joined(separator: "\n"))
        #expect(!cut.contains("MIIEow"))
        #expect(cutRedactions.map(\.kind) == ["private key (its start cut off)"])
        // One line, JSON-escaped.
        let (inline, _) = redactor.redact(#"{"key": "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n"}"#)
        #expect(!inline.contains("MIIEow"))
    }

    @Test func sizesAndTimes() {
        #expect(ByteCount.parse("32M") == 32 << 20)
        #expect(ByteCount.parse("512k") == 512 << 10)
        #expect(ByteCount.parse("1GiB") == 1 << 30)
        #expect(ByteCount.parse("100") == 100)
        #expect(ByteCount.parse("lots") == nil)
        #expect(ByteCount.parse("0") == nil)
    }
}
