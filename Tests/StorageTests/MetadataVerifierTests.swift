import Foundation
import Testing
@testable import WizardCore

@Suite struct MetadataVerifierTests {
    func verify(_ text: String) -> StorageDomainMetadataVerification {
        StorageDomainMetadataVerifier.verify(Array(text.utf8))
    }

    @Test func theSeedsFileIsValid() {
        let result = verify(ExportDomainMetadataTests.seedFile)
        guard case .valid(let metadata) = result.outcome else { Issue.record("\(result)"); return }
        #expect(metadata.values["SDUUID"] == "37e0e64b-5445-4bc3-8675-ceff4637e8e3")
        #expect(result.warnings.isEmpty)
        #expect(result.exitCode == 0)
    }

    @Test func vdsmsPersistentTestLinesAreValid() {
        let result = verify("key 1=value 1\nkey 2=value 2\n_SHA_CKSUM=ad4e8ffdd89dde809bf1ed700838b590b08a3826\n")
        guard case .valid = result.outcome else { Issue.record("\(result)"); return }
        // Not a storage domain, so the expected keys are missing: warnings only.
        #expect(result.warnings.count == StorageDomainMetadataVerifier.expectedKeys.count)
    }

    @Test func aChangedValueBreaksTheSealAndNamesTheExpectedValue() {
        let edited = ExportDomainMetadataTests.seedFile.replacingOccurrences(of: "DESCRIPTION=Export", with: "DESCRIPTION=export")
        let result = verify(edited)
        #expect(result.outcome == .checksumMismatch(
            declared: "5737f1270bf93fdd660fea819655b01a34c315b9", line: 15,
            expected: "460728abc069920b9aa04329c9af0b2be34700a3",
            metadata: try! StorageDomainMetadataVerifier.metadataForTest(edited)))
        #expect(result.exitCode == 1)
        // vdsm's own bad-checksum test.
        #expect(verify("key 1=value 1\nkey 2=value 2\n_SHA_CKSUM=badchecksum\n").exitCode == 1)
    }

    @Test func upperCaseHexIsAMismatchBecauseVdsmComparesText() {
        let upper = "key 1=value 1\n_SHA_CKSUM=FCE57DC690209DC4109D993DE9C11D72C8FFD4B6\n"
        guard case let .checksumMismatch(_, _, expected, _) = verify(upper).outcome else { Issue.record("not a mismatch"); return }
        #expect(expected == "fce57dc690209dc4109d993de9c11d72c8ffd4b6")
    }

    @Test func missingChecksumIsReportedWithTheValueToAdd() {
        let withoutSeal = ExportDomainMetadataTests.seedFile.split(separator: "\n").dropLast().joined(separator: "\n") + "\n"
        guard case .checksumMissing(let expected, _) = verify(withoutSeal).outcome else { Issue.record("not missing"); return }
        #expect(expected == "5737f1270bf93fdd660fea819655b01a34c315b9")
        #expect(verify(withoutSeal).exitCode == 1)
    }

    @Test func orderOfLinesDoesNotMatterToVdsm() {
        var lines = ExportDomainMetadataTests.seedFile.split(separator: "\n").map(String.init)
        lines.reverse()
        #expect(verify(lines.joined(separator: "\n") + "\n").exitCode == 0)
    }

    @Test func trailingNULsAreIgnoredLikeVdsm() {
        let bytes = Array(ExportDomainMetadataTests.seedFile.utf8) + [0, 0, 0]
        #expect(StorageDomainMetadataVerifier.verify(bytes).exitCode == 0)
    }

    @Test func malformedLinesAreNamedByNumber() {
        let text = "CLASS=Backup\nthis line has no equals sign\nCLASS=Data\nD=a\u{2028}b\n\tKEY=x\n_SHA_CKSUM=abc\n"
        guard case .malformed(let problems) = verify(text).outcome else { Issue.record("not malformed"); return }
        #expect(problems.map(\.line) == [2, 3, 4, 5])
        #expect(problems[0].located(in: "md") == "md:2: has no '=' (vdsm ignores such a line, so it is not part of the metadata)")
        #expect(problems[1].message.contains("repeated (first on line 1"))
        #expect(verify(text).exitCode == 2)
    }

    @Test func invalidUTF8IsMalformedAtItsLine() {
        let bytes = Array("CLASS=Backup\nDESCRIPTION=".utf8) + [0xC3, 0x28] + Array("\n_SHA_CKSUM=x\n".utf8)
        guard case .malformed(let problems) = StorageDomainMetadataVerifier.verify(bytes).outcome else { Issue.record("not malformed"); return }
        #expect(problems == [MetadataFileProblem(line: 2, message: "the line is not valid UTF-8")])
    }

    @Test func whiteSpaceThatTheTwoVdsmGenerationsReadDifferentlyIsMalformed() {
        #expect(verify("DESCRIPTION=Export \n_SHA_CKSUM=x\n").exitCode == 2)
        #expect(verify("DESCRIPTION = Export\n_SHA_CKSUM=x\n").exitCode == 2)
        #expect(verify("A=1\n_SHA_CKSUM= x\n").exitCode == 2)
    }

    @Test func emptyFileIsMalformed() {
        #expect(verify("").exitCode == 2)
        #expect(verify("\n\n").exitCode == 2)
    }

    @Test func crlfAndMissingFinalNewlineOnlyWarn() {
        let crlf = ExportDomainMetadataTests.seedFile.replacingOccurrences(of: "\n", with: "\r\n")
        let result = verify(crlf)
        #expect(result.exitCode == 0)
        #expect(result.warnings.count == 15)
        let noNewline = String(ExportDomainMetadataTests.seedFile.dropLast())
        #expect(verify(noNewline).exitCode == 0)
        #expect(verify(noNewline).warnings == [MetadataFileProblem(line: 15, message: "the last line has no newline (vdsm ends every line with one)")])
    }

    @Test func nonASCIIFileVerifies() throws {
        let metadata = try StorageDomainMetadata(values: ["DESCRIPTION": "Sauvegarde é 😀", "SDUUID": "x"])
        #expect(StorageDomainMetadataVerifier.verify(metadata.fileBytes).exitCode == 0)
        // A file whose seal was computed over the UTF-8 bytes (a common mistake) fails.
        let naive = metadata.fileText.replacingOccurrences(of: metadata.checksum, with: String(repeating: "0", count: 40))
        #expect(verify(naive).exitCode == 1)
    }
}

extension StorageDomainMetadataVerifier {
    /// The metadata of a file whose lines are known to be well formed.
    static func metadataForTest(_ text: String) throws -> StorageDomainMetadata {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts[0] != "_SHA_CKSUM" { values[String(parts[0])] = String(parts[1]) }
        }
        return try StorageDomainMetadata(values: values)
    }
}
