import Testing
@testable import WizardCore

/// Vectors published in vdsm's own tests (oVirt/vdsm master, fd4b0df2):
/// `tests/storage/persistent_test.py` (TestPersistentDict, TestDictValidator) and
/// `tests/storage/filesd_metadata_test.py` (`EXAMPLE_DATA`).
@Suite struct VdsmMetadataChecksumTests {
    @Test func persistentTestVectors() {
        #expect(VdsmMetadataChecksum.checksum(of: [:]) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(VdsmMetadataChecksum.checksum(of: [:]) == VdsmMetadataChecksum.empty)
        #expect(VdsmMetadataChecksum.checksum(of: ["key 1": "value 1"]) == "fce57dc690209dc4109d993de9c11d72c8ffd4b6")
        #expect(VdsmMetadataChecksum.checksum(of: ["key 1": "value 1", "key 2": "value 2"]) == "ad4e8ffdd89dde809bf1ed700838b590b08a3826")
        #expect(VdsmMetadataChecksum.checksum(of: ["key 1": "value 1", "key 2": "new value 2"]) == "3c313d2c72ab17086f75350f5cf71d9a42655419")
        #expect(VdsmMetadataChecksum.checksum(of: ["key 1": "value 1", "key 2": "new value 2", "key 3": "value 3"]) == "96cff78771397697ce609321364aabc818299be8")
        #expect(VdsmMetadataChecksum.checksum(of: ["int_str": "1", "str_str": "2"]) == "fd58b7962408a4956bd694d617a1201306b363c2")
        #expect(VdsmMetadataChecksum.checksum(of: ["func_func": "3", "int_str": "1", "str_str": "2"]) == "5e5ad85614c502d9a2f44d0473b9384ac49eedff")
    }

    @Test func checksumKeyItselfIsNeverHashed() {
        let withSeal = ["key 1": "value 1", "_SHA_CKSUM": "anything"]
        #expect(VdsmMetadataChecksum.checksum(of: withSeal) == "fce57dc690209dc4109d993de9c11d72c8ffd4b6")
    }

    static func filesdExample(blockSize: String, alignment: String) -> [String: String] {
        [
            "ALIGNMENT": alignment, "BLOCK_SIZE": blockSize, "CLASS": "Data", "DESCRIPTION": "storage domain",
            "IOOPTIMEOUTSEC": "10", "LEASERETRIES": "3", "LEASETIMESEC": "60", "LOCKPOLICY": "",
            "LOCKRENEWALINTERVALSEC": "5", "POOL_UUID": "", "REMOTE_PATH": "server:/path", "ROLE": "Regular",
            "SDUUID": "275766cb-c7d8-43d6-a663-4e52160de620", "TYPE": "LOCALFS", "VERSION": "5",
        ]
    }

    @Test(arguments: [
        ("512", "1048576", "9336f77705ff9e3d5faf65c4d0dc818a29de458d"),
        ("4096", "1048576", "7910a564cc0a340f93aea5680e0e9c2d6ff4903a"),
        ("4096", "2097152", "769baef6c65aeef08cf6d177c2c44046b2aac877"),
    ])
    func filesdMetadataExamples(blockSize: String, alignment: String, expected: String) throws {
        let metadata = try StorageDomainMetadata(values: Self.filesdExample(blockSize: blockSize, alignment: alignment))
        #expect(metadata.checksum == expected)
        // The whole file, byte for byte as vdsm's test expects it.
        let expectedText = """
            ALIGNMENT=\(alignment)
            BLOCK_SIZE=\(blockSize)
            CLASS=Data
            DESCRIPTION=storage domain
            IOOPTIMEOUTSEC=10
            LEASERETRIES=3
            LEASETIMESEC=60
            LOCKPOLICY=
            LOCKRENEWALINTERVALSEC=5
            POOL_UUID=
            REMOTE_PATH=server:/path
            ROLE=Regular
            SDUUID=275766cb-c7d8-43d6-a663-4e52160de620
            TYPE=LOCALFS
            VERSION=5
            _SHA_CKSUM=\(expected)

            """
        #expect(metadata.fileText == expectedText)
    }

    @Test func nonASCIIIsHashedAsDecimalCharacterReferences() {
        #expect(VdsmMetadataChecksum.hashedBytes(of: "D=é") == Array("D=&#233;".utf8))
        #expect(VdsmMetadataChecksum.hashedBytes(of: "D=导出") == Array("D=&#23548;&#20986;".utf8))
        // Outside the BMP: one reference for the code point (Python 3 and wide Python 2 builds).
        #expect(VdsmMetadataChecksum.hashedBytes(of: "D=😀") == Array("D=&#128512;".utf8))
        // Precomposed and decomposed forms are different code points and hash differently.
        #expect(VdsmMetadataChecksum.hashedBytes(of: "D=e\u{301}") == Array("D=e&#769;".utf8))
        #expect(VdsmMetadataChecksum.checksum(of: ["D": "é"]) == VdsmMetadataChecksum.checksum(of: ["D": "&#233;"]))
    }

    @Test func keysSortByCodePointNotBySwiftStringOrder() {
        // Python's sorted(): upper-case before '_' before lower-case, by code point.
        #expect(VdsmMetadataChecksum.sortedKeys(["b", "_A", "B", "a", "A"]) == ["A", "B", "_A", "a", "b"])
        #expect(VdsmMetadataChecksum.sortedKeys(["VERSION", "MASTER_VERSION", "LOCKPOLICY", "LOCKRENEWALINTERVALSEC"])
            == ["LOCKPOLICY", "LOCKRENEWALINTERVALSEC", "MASTER_VERSION", "VERSION"])
    }
}
