import Crypto

/// vdsm's `_SHA_CKSUM` seal over a storage domain's metadata (vdsm `lib/vdsm/storage/persistent.py`,
/// `_dump_lines` + `_calc_checksum`; 3.4's `persistentDict.py` computes the same thing):
/// SHA-1 over `KEY=VALUE` for every key except `_SHA_CKSUM`, in code-point order of the keys, with
/// nothing between the lines, each line encoded as ASCII where every other character becomes its
/// decimal character reference `&#NNN;` (Python's `xmlcharrefreplace`). Lower-case hex digest.
package enum VdsmMetadataChecksum {
    package static let key = "_SHA_CKSUM"

    /// The digest of an empty dictionary (vdsm writes it for cleared metadata).
    package static let empty = "da39a3ee5e6b4b0d3255bfef95601890afd80709"

    package static func checksum(of values: [String: String]) -> String {
        var hasher = Insecure.SHA1()
        for key in sortedKeys(values.keys) where key != Self.key {
            hasher.update(data: hashedBytes(of: key + "=" + values[key]!))
        }
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Keys in Python's `sorted()` order: by Unicode code points, not by Swift's `<` on `String`
    /// (which compares canonically equivalent forms and is not code-point order).
    package static func sortedKeys<S: Sequence>(_ keys: S) -> [String] where S.Element == String {
        keys.sorted { codePointsLess($0, $1) }
    }

    static func codePointsLess(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
    }

    /// The bytes vdsm feeds to SHA-1 for one line: ASCII kept, everything else as `&#NNN;`.
    package static func hashedBytes(of line: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(line.unicodeScalars.count)
        for scalar in line.unicodeScalars {
            if scalar.isASCII {
                bytes.append(UInt8(scalar.value))
            } else {
                bytes.append(contentsOf: Array("&#\(scalar.value);".utf8))
            }
        }
        return bytes
    }
}
