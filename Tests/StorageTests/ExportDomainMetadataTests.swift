import Testing
@testable import WizardCore

@Suite struct ExportDomainMetadataTests {
    static let seedUUID = "37e0e64b-5445-4bc3-8675-ceff4637e8e3"
    static let seedRemotePath = "192.168.1.108:/home/nfs_exports"

    /// The seed's section 14 ("手动创建导出域") prints these keys and
    /// `_SHA_CKSUM=5737f1270bf93fdd660fea819655b01a34c315b9`. Recomputing shows that the printed
    /// checksum does match the printed keys (MASTER_VERSION=0 included).
    static let seedFile = """
        CLASS=Backup
        DESCRIPTION=Export
        IOOPTIMEOUTSEC=10
        LEASERETRIES=3
        LEASETIMESEC=60
        LOCKPOLICY=
        LOCKRENEWALINTERVALSEC=5
        MASTER_VERSION=0
        POOL_UUID=
        REMOTE_PATH=192.168.1.108:/home/nfs_exports
        ROLE=Regular
        SDUUID=37e0e64b-5445-4bc3-8675-ceff4637e8e3
        TYPE=NFS
        VERSION=0
        _SHA_CKSUM=5737f1270bf93fdd660fea819655b01a34c315b9

        """

    @Test func reproducesTheSeedsMetadataByteForByte() throws {
        let request = ExportDomainMetadataRequest(sdUUID: Self.seedUUID, remotePath: Self.seedRemotePath, description: "Export")
        let (metadata, warnings) = try request.metadata()
        #expect(metadata.checksum == "5737f1270bf93fdd660fea819655b01a34c315b9")
        #expect(metadata.fileText == Self.seedFile)
        #expect(warnings.isEmpty)
    }

    @Test func aNeverActivatedDomainHasNoMasterVersion() throws {
        let request = ExportDomainMetadataRequest(sdUUID: Self.seedUUID, remotePath: Self.seedRemotePath, includeMasterVersion: false)
        let metadata = try request.metadata().metadata
        #expect(metadata.values["MASTER_VERSION"] == nil)
        #expect(metadata.checksum == "cd5051bb4d79fe9d5fe6772335acf2f388fe09b5")
    }

    @Test func nonASCIIDescriptionIsStoredAsUTF8AndHashedAsCharacterReferences() throws {
        let request = ExportDomainMetadataRequest(sdUUID: Self.seedUUID, remotePath: Self.seedRemotePath, description: "导出域-é")
        let (metadata, warnings) = try request.metadata()
        #expect(metadata.fileText.contains("DESCRIPTION=导出域-é\n"))
        // Equal to hashing the ASCII text vdsm builds with xmlcharrefreplace…
        var referenced = metadata.values
        referenced["DESCRIPTION"] = "&#23548;&#20986;&#22495;-&#233;"
        #expect(metadata.checksum == VdsmMetadataChecksum.checksum(of: referenced))
        // …and to the value computed independently with Python 3 (hashlib.sha1 over the sorted
        // lines, each .encode('ascii', 'xmlcharrefreplace')). Hashing the UTF-8 bytes instead
        // would give 14ccb94d32c871c4006138b5a6ab990b23fdcbe2, which vdsm rejects.
        #expect(metadata.checksum == "a738227afee7312d3454df9eb16791b28fb7eb66")
        #expect(warnings.count == 1)
        // And the file verifies.
        #expect(StorageDomainMetadataVerifier.verify(metadata.fileBytes).exitCode == 0)
    }

    @Test func rejectsValuesVdsmWouldReadDifferently() {
        #expect(throws: StorageDomainMetadataError.self) {
            try ExportDomainMetadataRequest(sdUUID: Self.seedUUID, remotePath: Self.seedRemotePath, description: "Export ").metadata()
        }
        #expect(throws: StorageDomainMetadataError.self) {
            try ExportDomainMetadataRequest(sdUUID: Self.seedUUID, remotePath: Self.seedRemotePath, description: "a\nb").metadata()
        }
        #expect(throws: StorageDomainMetadataError.self) {
            try ExportDomainMetadataRequest(sdUUID: Self.seedUUID, remotePath: Self.seedRemotePath, description: String(repeating: "x", count: 51)).metadata()
        }
        #expect(throws: StorageDomainMetadataError.self) {
            try ExportDomainMetadataRequest(sdUUID: Self.seedUUID, remotePath: Self.seedRemotePath, description: "").metadata()
        }
        #expect(throws: StorageDomainMetadataError.reservedKey) { try StorageDomainMetadata(values: ["_SHA_CKSUM": "x"]) }
        #expect(throws: StorageDomainMetadataError.invalidKey("A=B")) { try StorageDomainMetadata(values: ["A=B": "x"]) }
    }

    @Test(arguments: [
        "37E0E64B-5445-4BC3-8675-CEFF4637E8E3", "37e0e64b54454bc38675ceff4637e8e3", "37e0e64b-5445-4bc3-8675-ceff4637e8e",
        "zze0e64b-5445-4bc3-8675-ceff4637e8e3", "", "../../etc",
    ])
    func rejectsUUIDs(_ text: String) {
        #expect(throws: StorageDomainMetadataError.invalidUUID(text)) {
            try ExportDomainMetadataRequest(sdUUID: text, remotePath: Self.seedRemotePath).metadata()
        }
    }

    @Test func remotePaths() throws {
        for good in ["nfs:/export", "192.168.1.108:/home/nfs_exports", "[fd00::1]:/export", "nfs.example.com:/a/b/c"] {
            try ExportDomainMetadataRequest.checkRemotePath(good)
        }
        for bad in ["nfs", "nfs:export", ":/export", "nfs:/my export", "[fd00::1]/export", "fd00::1:/x\t"] {
            #expect(throws: StorageDomainMetadataError.self, "\(bad)") { try ExportDomainMetadataRequest.checkRemotePath(bad) }
        }
    }
}
