/// The checksum POSIX `cksum` prints for a file's bytes (CRC-32, polynomial 0x04C11DB7, the length folded in),
/// so that a probe can compare a remote file with the bytes the plan writes using the tools of any host (EL6
/// included) without sending the bytes again.
package enum FileChecksum {
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index) << 24
        for _ in 0..<8 { crc = crc & 0x8000_0000 != 0 ? (crc << 1) ^ 0x04C1_1DB7 : crc << 1 }
        return crc
    }

    package static func crc(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0
        func feed(_ byte: UInt8) { crc = (crc << 8) ^ table[Int(UInt8(crc >> 24) ^ byte)] }
        for byte in bytes { feed(byte) }
        var length = bytes.count
        while length > 0 {
            feed(UInt8(length & 0xff))
            length >>= 8
        }
        return ~crc
    }

    /// What `cksum < FILE` prints for these bytes, without the newline: `CRC SIZE`.
    package static func cksumLine(_ bytes: [UInt8]) -> String {
        "\(crc(bytes)) \(bytes.count)"
    }
}
