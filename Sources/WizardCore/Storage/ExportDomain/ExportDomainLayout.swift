import HostOps

/// Everything an export domain made by hand consists of, relative to the NFS export directory,
/// with vdsm 4.14's modes (`FileStorageDomain._prepareMetadata`, `createMasterTree`) and owner
/// 36:36 (`vdsm` user, `kvm` group) on every entry:
///
///     <sdUUID>/                       0755
///       dom_md/                       0775
///         ids inbox outbox            0660, empty (sanlock / mailbox; unused on V0 domains)
///         leases                      0660, the 512-byte SafeLease FREE block
///         metadata                    0644, the sealed key/value file
///       images/                       0755
///       master/ master/vms/ master/tasks/   0755
///
/// vdsm itself adds `__DIRECT_IO_TEST__` at the mount root when it checks O_DIRECT; it is not ours.
package struct ExportDomainLayout: Sendable, Equatable {
    package static let vdsmUID: UInt32 = 36
    package static let kvmGID: UInt32 = 36
    /// Mode of the export directory itself, so that vdsm:kvm can read, write and enter it.
    package static let exportRootMode: UInt32 = 0o755

    package struct Entry: Sendable, Equatable {
        package enum Kind: Sendable, Equatable {
            case directory
            case file(contents: [UInt8])
        }

        /// Relative to the export directory, `/`-separated, starting with the domain UUID.
        package var relativePath: String
        package var kind: Kind
        package var mode: UInt32
        package var uid: UInt32 = ExportDomainLayout.vdsmUID
        package var gid: UInt32 = ExportDomainLayout.kvmGID
    }

    package let sdUUID: String
    package let metadata: StorageDomainMetadata
    /// Parents before children.
    package let entries: [Entry]

    package init(sdUUID: String, metadata: StorageDomainMetadata) throws(StorageDomainMetadataError) {
        try ExportDomainMetadataRequest.checkUUID(sdUUID)
        if let declared = metadata.values["SDUUID"], declared != sdUUID {
            throw .invalidValue(key: "SDUUID", reason: "is \(declared) but the domain directory is \(sdUUID)")
        }
        self.sdUUID = sdUUID
        self.metadata = metadata
        let d = sdUUID
        entries = [
            Entry(relativePath: d, kind: .directory, mode: 0o755),
            Entry(relativePath: "\(d)/dom_md", kind: .directory, mode: 0o775),
            Entry(relativePath: "\(d)/dom_md/ids", kind: .file(contents: []), mode: 0o660),
            Entry(relativePath: "\(d)/dom_md/inbox", kind: .file(contents: []), mode: 0o660),
            Entry(relativePath: "\(d)/dom_md/outbox", kind: .file(contents: []), mode: 0o660),
            Entry(relativePath: "\(d)/dom_md/leases", kind: .file(contents: SafeLease.freeBlock), mode: 0o660),
            Entry(relativePath: "\(d)/dom_md/metadata", kind: .file(contents: metadata.fileBytes), mode: 0o644),
            Entry(relativePath: "\(d)/images", kind: .directory, mode: 0o755),
            Entry(relativePath: "\(d)/master", kind: .directory, mode: 0o755),
            Entry(relativePath: "\(d)/master/vms", kind: .directory, mode: 0o755),
            Entry(relativePath: "\(d)/master/tasks", kind: .directory, mode: 0o755),
        ]
    }

    /// The layout for a new export domain described by `request`.
    package init(request: ExportDomainMetadataRequest) throws(StorageDomainMetadataError) {
        try self.init(sdUUID: request.sdUUID, metadata: request.metadata().metadata)
    }

    /// The operations that create this domain under `exportRoot` (an absolute path on the NFS
    /// server): the export directory itself made 36:36 0755, then every entry in order.
    package func operations(exportRoot: String) -> [HostOperation] {
        let root = exportRoot.count > 1 && exportRoot.hasSuffix("/") ? String(exportRoot.dropLast()) : exportRoot
        let base = root == "/" ? "" : root
        var operations: [HostOperation] = [
            .createDirectory(path: root, mode: Self.exportRootMode, uid: Self.vdsmUID, gid: Self.kvmGID),
        ]
        for entry in entries {
            let path = base + "/" + entry.relativePath
            switch entry.kind {
            case .directory:
                operations.append(.createDirectory(path: path, mode: entry.mode, uid: entry.uid, gid: entry.gid))
            case .file(let contents):
                operations.append(.writeFile(path: path, contents: contents, mode: entry.mode, uid: entry.uid, gid: entry.gid))
            }
        }
        return operations
    }
}
