/// Checks an existing `dom_md/metadata` file the way vdsm reads it (trailing NUL bytes dropped,
/// UTF-8, one `KEY=VALUE` per line split at the first `=`, `_SHA_CKSUM` compared with the
/// recomputed seal), and is stricter where vdsm would silently read something else than the
/// author meant (lines without `=`, repeated keys, white space that vdsm 3.4 and current vdsm
/// treat differently).
package enum StorageDomainMetadataVerifier {
    package static func verify(_ bytes: [UInt8]) -> StorageDomainMetadataVerification {
        var problems: [MetadataFileProblem] = []
        var warnings: [MetadataFileProblem] = []

        var end = bytes.count
        while end > 0 && bytes[end - 1] == 0 { end -= 1 }
        let content = bytes[..<end]
        if content.isEmpty {
            return .init(outcome: .malformed([.init(line: nil, message: "the file is empty (vdsm would read no metadata at all)")]), warnings: [])
        }

        // Split on LF at byte level so that a line number can be named even for bad UTF-8.
        var rawLines = content.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        if rawLines.last == [] { rawLines.removeLast() } else {
            warnings.append(.init(line: rawLines.count, message: "the last line has no newline (vdsm ends every line with one)"))
        }

        var values: [String: String] = [:]
        var keyLines: [String: Int] = [:]
        var declared: (value: String, line: Int)?
        for (index, raw) in rawLines.enumerated() {
            let number = index + 1
            var lineBytes = raw
            if lineBytes.last == 0x0D {
                lineBytes.removeLast()
                warnings.append(.init(line: number, message: "the line ends with CR LF (vdsm writes LF only)"))
            }
            guard let line = String(validating: lineBytes, as: UTF8.self) else {
                problems.append(.init(line: number, message: "the line is not valid UTF-8"))
                continue
            }
            if line.isEmpty {
                warnings.append(.init(line: number, message: "empty line (vdsm ignores it)"))
                continue
            }
            if let bad = line.unicodeScalars.first(where: breaksLineForPython) {
                problems.append(.init(line: number, message: "contains U+\(hex4(bad.value)), which Python's splitlines() in vdsm treats as a line break"))
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                problems.append(.init(line: number, message: "has no '=' (vdsm ignores such a line, so it is not part of the metadata)"))
                continue
            }
            let key = String(line[..<equals])
            let value = String(line[line.index(after: equals)...])
            if key == VdsmMetadataChecksum.key {
                if let previous = declared {
                    problems.append(.init(line: number, message: "a second _SHA_CKSUM (the first is on line \(previous.line))"))
                } else if value.unicodeScalars.first?.properties.isWhitespace == true || value.unicodeScalars.last?.properties.isWhitespace == true {
                    problems.append(.init(line: number, message: "the _SHA_CKSUM value has white space around it (current vdsm compares it as it is)"))
                } else {
                    declared = (value, number)
                }
                continue
            }
            if let previous = keyLines[key] {
                problems.append(.init(line: number, message: "key \(key) repeated (first on line \(previous); vdsm would silently keep the last one)"))
                continue
            }
            do {
                try StorageDomainMetadata.check(key: key)
                try StorageDomainMetadata.check(value: value, of: key)
            } catch {
                problems.append(.init(line: number, message: error.description))
                continue
            }
            values[key] = value
            keyLines[key] = number
        }

        if !problems.isEmpty { return .init(outcome: .malformed(problems), warnings: warnings) }
        if values.isEmpty && declared == nil {
            return .init(outcome: .malformed([.init(line: nil, message: "the file has no KEY=VALUE lines")]), warnings: warnings)
        }
        let metadata = try! StorageDomainMetadata(values: values) // every key and value was checked above
        let expected = metadata.checksum
        warnings += missingKeyWarnings(values)
        let outcome: StorageDomainMetadataVerification.Outcome
        if let declared {
            outcome = declared.value == expected
                ? .valid(metadata: metadata)
                : .checksumMismatch(declared: declared.value, line: declared.line, expected: expected, metadata: metadata)
        } else {
            outcome = .checksumMissing(expected: expected, metadata: metadata)
        }
        return .init(outcome: outcome, warnings: warnings)
    }

    /// Keys every file domain has (vdsm `sd.SD_MD_FIELDS` and `fileSD.REMOTE_PATH`).
    package static let expectedKeys = [
        "CLASS", "DESCRIPTION", "IOOPTIMEOUTSEC", "LEASERETRIES", "LEASETIMESEC", "LOCKPOLICY",
        "LOCKRENEWALINTERVALSEC", "POOL_UUID", "REMOTE_PATH", "ROLE", "SDUUID", "TYPE", "VERSION",
    ]

    static func missingKeyWarnings(_ values: [String: String]) -> [MetadataFileProblem] {
        expectedKeys.filter { values[$0] == nil }.map {
            .init(line: nil, message: "key \($0) is missing (vdsm and the engine expect it in a storage domain)")
        }
    }

    /// Characters other than LF that Python's `str.splitlines()` splits on.
    static func breaksLineForPython(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0D, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }
}

package struct MetadataFileProblem: Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number, or nil when the problem is about the whole file.
    package var line: Int?
    package var message: String

    package init(line: Int?, message: String) {
        self.line = line
        self.message = message
    }

    package var description: String { line.map { "line \($0): \(message)" } ?? message }

    /// `FILE:LINE: message` (or `FILE: message`).
    package func located(in file: String) -> String {
        line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)"
    }
}

package struct StorageDomainMetadataVerification: Sendable, Equatable {
    package enum Outcome: Sendable, Equatable {
        /// The declared `_SHA_CKSUM` is what vdsm computes.
        case valid(metadata: StorageDomainMetadata)
        /// vdsm would refuse the domain (`MetaDataSealIsBroken`).
        case checksumMismatch(declared: String, line: Int, expected: String, metadata: StorageDomainMetadata)
        /// vdsm would trust the file as it is (with a warning); the engine's own writes add a seal.
        case checksumMissing(expected: String, metadata: StorageDomainMetadata)
        /// The file cannot be read as metadata, or would be read differently from what it says.
        case malformed([MetadataFileProblem])
    }

    package var outcome: Outcome
    /// Things that do not change the verdict but deserve a look.
    package var warnings: [MetadataFileProblem]

    /// 0 valid, 1 checksum wrong or missing, 2 malformed: the exit codes of `export-domain verify`.
    package var exitCode: Int32 {
        switch outcome {
        case .valid: return 0
        case .checksumMismatch, .checksumMissing: return 1
        case .malformed: return 2
        }
    }
}
