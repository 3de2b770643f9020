/// The `dom_md/metadata` key/value file of a file-based storage domain, as vdsm writes it:
/// keys in code-point order, one `KEY=VALUE` per line, then `_SHA_CKSUM=<sha1>` as the last line,
/// every line ended by `\n`, stored as UTF-8.
package struct StorageDomainMetadata: Sendable, Equatable {
    /// Every key except `_SHA_CKSUM`.
    package private(set) var values: [String: String]

    /// Checks that each key and value survives a write/read round trip through vdsm unchanged.
    package init(values: [String: String]) throws(StorageDomainMetadataError) {
        for (key, value) in values {
            if key == VdsmMetadataChecksum.key { throw .reservedKey }
            try Self.check(key: key)
            try Self.check(value: value, of: key)
        }
        self.values = values
    }

    package var checksum: String { VdsmMetadataChecksum.checksum(of: values) }

    /// The file's lines without terminators, `_SHA_CKSUM` last.
    package var lines: [String] {
        VdsmMetadataChecksum.sortedKeys(values.keys).map { "\($0)=\(values[$0]!)" }
            + ["\(VdsmMetadataChecksum.key)=\(checksum)"]
    }

    /// The file's text: every line followed by a newline, as vdsm's file backend writes it.
    package var fileText: String { lines.map { $0 + "\n" }.joined() }

    package var fileBytes: [UInt8] { Array(fileText.utf8) }

    static func check(key: String) throws(StorageDomainMetadataError) {
        guard !key.isEmpty else { throw .emptyKey }
        // vdsm's keys are ASCII words (its own tests also use "key 1"); '=' would move the split
        // point, white space at either end is stripped by current vdsm but not by 3.4, and
        // control characters could split the line.
        let printable = key.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7f && $0 != "=" }
        if !printable || key.hasPrefix(" ") || key.hasSuffix(" ") { throw .invalidKey(key) }
    }

    static func check(value: String, of key: String) throws(StorageDomainMetadataError) {
        for scalar in value.unicodeScalars where scalar.properties.generalCategory == .control
            || scalar == "\u{2028}" || scalar == "\u{2029}" {
            // Line breaks would split the line (Python's splitlines knows many); other control
            // characters are never part of a domain's metadata.
            if scalar != "\t" { throw .invalidValue(key: key, reason: "contains the control character U+\(hex4(scalar.value))") }
        }
        if let first = value.unicodeScalars.first, first.properties.isWhitespace {
            throw .invalidValue(key: key, reason: "starts with white space (vdsm 3.4 strips it when reading, current vdsm does not, so the checksum would differ)")
        }
        if let last = value.unicodeScalars.last, last.properties.isWhitespace {
            throw .invalidValue(key: key, reason: "ends with white space (vdsm 3.4 strips it when reading, current vdsm does not, so the checksum would differ)")
        }
    }
}

package enum StorageDomainMetadataError: Error, Sendable, Equatable, CustomStringConvertible {
    case reservedKey
    case emptyKey
    case invalidKey(String)
    case invalidValue(key: String, reason: String)
    case invalidUUID(String)
    case invalidRemotePath(String, reason: String)
    case invalidDescription(String, reason: String)

    package var description: String {
        switch self {
        case .reservedKey: return "_SHA_CKSUM is computed, it cannot be given as a key"
        case .emptyKey: return "a metadata key is empty"
        case .invalidKey(let key): return "metadata key \"\(key)\" must be printable ASCII without '=' and without spaces at either end"
        case let .invalidValue(key, reason): return "metadata value of \(key) \(reason)"
        case let .invalidUUID(text):
            return "\"\(text)\" is not a storage domain UUID: expected 8-4-4-4-12 lower-case hex digits, e.g. 37e0e64b-5445-4bc3-8675-ceff4637e8e3"
        case let .invalidRemotePath(text, reason): return "remote path \"\(text)\": \(reason); expected HOST:/PATH as used to mount the export"
        case let .invalidDescription(text, reason): return "description \"\(text)\": \(reason)"
        }
    }
}

func hex4(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
