/// The storage checks as plain functions for the flow validators (nil = fine, else the message),
/// so that `Validators` can name them without knowing the storage types.
public enum StorageValidators {
    public static func exportDomainUUID(_ value: String) -> String? {
        message { () throws(StorageDomainMetadataError) in try ExportDomainMetadataRequest.checkUUID(value) }
    }

    public static func nfsRemotePath(_ value: String) -> String? {
        message { () throws(StorageDomainMetadataError) in try ExportDomainMetadataRequest.checkRemotePath(value) }
    }

    public static func exportDomainDescription(_ value: String) -> String? {
        // Any valid UUID and path: only the description is under test.
        let probe = ExportDomainMetadataRequest(sdUUID: "00000000-0000-0000-0000-000000000000", remotePath: "h:/p", description: value)
        return message { () throws(StorageDomainMetadataError) in _ = try probe.metadata() }
    }

    public static func glusterBrick(_ value: String) -> String? {
        gluster { () throws(GlusterPlanError) in _ = try GlusterBrickSpec(parsing: value) }
    }

    public static func glusterVolumeName(_ value: String) -> String? {
        gluster { () throws(GlusterPlanError) in try GlusterNames.checkVolumeName(value) }
    }

    public static func byteSize(_ value: String) -> String? {
        gluster { () throws(GlusterPlanError) in _ = try ByteSize(parsing: value) }
    }

    static func message(_ body: () throws(StorageDomainMetadataError) -> Void) -> String? {
        do { try body(); return nil } catch { return error.description }
    }

    static func gluster(_ body: () throws(GlusterPlanError) -> Void) -> String? {
        do { try body(); return nil } catch { return error.description }
    }
}
