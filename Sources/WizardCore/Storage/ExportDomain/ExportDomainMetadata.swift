import Foundation

/// The metadata of an export (Backup) storage domain made by hand, with the values the engine and
/// vdsm 4.14 (oVirt 3.4) give one: storage format V1 (vdsm `VERSION=0`), NFS, Regular role, not
/// attached to any pool, default lease parameters. See reference §3.2 and the seed's section 14.
package struct ExportDomainMetadataRequest: Sendable, Equatable {
    /// The domain UUID, which is also the directory name.
    package var sdUUID: String
    /// `HOST:/PATH` exactly as the engine will mount it.
    package var remotePath: String
    /// The domain name shown by the engine (vdsm allows at most 50 characters).
    package var description: String
    /// `MASTER_VERSION=0` is written by vdsm whenever a non-master domain is activated in a pool;
    /// the seed's file has it, a domain never activated does not. Either form is valid.
    package var includeMasterVersion: Bool

    package static let defaultDescription = "Export"

    package init(sdUUID: String, remotePath: String, description: String = defaultDescription, includeMasterVersion: Bool = true) {
        self.sdUUID = sdUUID
        self.remotePath = remotePath
        self.description = description
        self.includeMasterVersion = includeMasterVersion
    }

    /// vdsm `sd.MAX_DOMAIN_DESCRIPTION_SIZE`.
    package static let maximumDescriptionLength = 50

    /// The metadata, and warnings that do not stop it from being valid.
    package func metadata() throws(StorageDomainMetadataError) -> (metadata: StorageDomainMetadata, warnings: [String]) {
        try Self.checkUUID(sdUUID)
        try Self.checkRemotePath(remotePath)
        var warnings: [String] = []
        let length = description.unicodeScalars.count
        if length == 0 { throw .invalidDescription(description, reason: "is empty") }
        if length > Self.maximumDescriptionLength {
            throw .invalidDescription(description, reason: "has \(length) characters, vdsm allows at most \(Self.maximumDescriptionLength)")
        }
        if !description.unicodeScalars.allSatisfy(\.isASCII) {
            warnings.append("the description is not ASCII: the checksum follows vdsm (non-ASCII characters hashed as &#NNN;), but vdsm itself only creates or renames domains of VERSION 3 and later with such names (export domains are VERSION 0)")
        }
        var values: [String: String] = [
            "CLASS": "Backup",
            "DESCRIPTION": description,
            "IOOPTIMEOUTSEC": "10",
            "LEASERETRIES": "3",
            "LEASETIMESEC": "60",
            "LOCKPOLICY": "",
            "LOCKRENEWALINTERVALSEC": "5",
            "POOL_UUID": "",
            "REMOTE_PATH": remotePath,
            "ROLE": "Regular",
            "SDUUID": sdUUID,
            "TYPE": "NFS",
            "VERSION": "0",
        ]
        if includeMasterVersion { values["MASTER_VERSION"] = "0" }
        do {
            return (try StorageDomainMetadata(values: values), warnings)
        } catch .invalidValue(key: "DESCRIPTION", let reason) {
            throw .invalidDescription(description, reason: reason)
        }
    }

    /// vdsm finds domains by globbing `*-*-*-*-*` and the engine parses the name as a GUID;
    /// both use the lower-case text form.
    package static func checkUUID(_ text: String) throws(StorageDomainMetadataError) {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        let lengths = [8, 4, 4, 4, 12]
        let ok = groups.count == 5
            && zip(groups, lengths).allSatisfy { group, length in
                group.count == length && group.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
            }
        if !ok { throw .invalidUUID(text) }
    }

    package static func checkRemotePath(_ text: String) throws(StorageDomainMetadataError) {
        guard let colon = text.firstIndex(of: ":") else {
            throw .invalidRemotePath(text, reason: "there is no ':' between host and path")
        }
        var host = text[..<colon]
        var path = text[text.index(after: colon)...]
        if text.hasPrefix("[") {
            // An IPv6 address is written in brackets: [fd00::1]:/export
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw .invalidRemotePath(text, reason: "an IPv6 address needs the form [ADDRESS]:/PATH")
            }
            host = text[...close]
            path = text[text.index(close, offsetBy: 2)...]
        }
        if host.isEmpty { throw .invalidRemotePath(text, reason: "the host is empty") }
        if !path.hasPrefix("/") { throw .invalidRemotePath(text, reason: "the path must be absolute (start with /)") }
        if text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
            throw .invalidRemotePath(text, reason: "it contains white space or control characters")
        }
    }
}
