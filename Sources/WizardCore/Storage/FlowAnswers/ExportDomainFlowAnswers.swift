import OtopiKit

/// The answers of `Screens/export-domain.yaml` (keys `EXPORT_DOMAIN/…`) turned into a metadata request
/// and the directory on the NFS server that receives the domain.
package struct ExportDomainFlowAnswers: Sendable, Equatable {
    package static let nfsServerKey = "EXPORT_DOMAIN/nfsServer"
    package static let exportPathKey = "EXPORT_DOMAIN/exportPath"
    package static let descriptionKey = "EXPORT_DOMAIN/description"
    package static let uuidKey = "EXPORT_DOMAIN/sdUUID"

    package var request: ExportDomainMetadataRequest
    package var nfsServer: String
    /// The exported directory as the engine mounts it; on the server it is also where the domain is created,
    /// unless the command is given another directory.
    package var exportPath: String

    package init(_ value: (String) -> OtopiValue?) throws(ExportDomainFlowAnswersError) {
        func text(_ key: String) throws(ExportDomainFlowAnswersError) -> String {
            guard let v = value(key), !v.isNone, !v.displayText.isEmpty else { throw .missing(key) }
            return v.displayText
        }
        nfsServer = try text(Self.nfsServerKey)
        if case .error(let message) = Validators.validate("host_address", nfsServer, context: .local) {
            throw .invalid(Self.nfsServerKey, message)
        }
        exportPath = try text(Self.exportPathKey)
        if let problem = StorageValidators.exportPath(exportPath) { throw .invalid(Self.exportPathKey, problem) }
        let uuid = try text(Self.uuidKey)
        if let problem = StorageValidators.exportDomainUUID(uuid) { throw .invalid(Self.uuidKey, problem) }
        let description = try text(Self.descriptionKey)
        if let problem = StorageValidators.exportDomainDescription(description) { throw .invalid(Self.descriptionKey, problem) }
        request = ExportDomainMetadataRequest(sdUUID: uuid, remotePath: "\(nfsServer):\(exportPath)", description: description)
    }

    package init(environment: OtopiEnvironment) throws(ExportDomainFlowAnswersError) {
        try self.init { environment[$0]?.value }
    }
}

package enum ExportDomainFlowAnswersError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(String)
    case invalid(String, String)

    package var description: String {
        switch self {
        case .missing(let key): return "\(key) is not answered (run: ovirt-wizard plain --flow export-domain --answers FILE)"
        case let .invalid(key, problem): return "\(key): \(problem)"
        }
    }
}
