import ArgumentParser
import Foundation
import SSHKit
import WizardCore

/// `ovirt-wizard export-domain …`: an export (Backup) storage domain made by hand, as in the seed's
/// section 14, with vdsm's exact `_SHA_CKSUM`.
struct ExportDomainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-domain",
        abstract: "Make or check the metadata of an export storage domain created by hand.",
        subcommands: [ExportDomainMetadataCommand.self, ExportDomainVerifyCommand.self, ExportDomainCreateCommand.self]
    )
}

struct ExportDomainOptions: ParsableArguments {
    @Option(help: "The domain UUID, which is also its directory name (generated when not given).")
    var uuid: String?

    @Option(name: .customLong("remote-path"), help: "HOST:/PATH exactly as the engine will mount the NFS export.")
    var remotePath: String

    @Option(help: "The domain name shown by the engine (at most 50 characters).")
    var description: String = ExportDomainMetadataRequest.defaultDescription

    @Flag(name: .customLong("no-master-version"), help: "Leave out MASTER_VERSION=0 (the seed's file has it).")
    var noMasterVersion = false

    /// The request; a generated UUID is announced on standard error so that it is never lost.
    func request() -> ExportDomainMetadataRequest {
        let sdUUID: String
        if let uuid {
            sdUUID = uuid
        } else {
            sdUUID = UUID().uuidString.lowercased()
            FileHandle.standardError.write(Data("generated domain UUID \(sdUUID)\n".utf8))
        }
        return ExportDomainMetadataRequest(sdUUID: sdUUID, remotePath: remotePath, description: description,
                                           includeMasterVersion: !noMasterVersion)
    }
}

struct ExportDomainMetadataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata",
        abstract: "Print the dom_md/metadata file of a new export domain."
    )

    @OptionGroup var domain: ExportDomainOptions

    func run() throws {
        do {
            let (metadata, warnings) = try domain.request().metadata()
            for warning in warnings { StorageCommandOutput.error("warning: \(warning)") }
            FileHandle.standardOutput.write(Data(metadata.fileBytes))
        } catch {
            throw ValidationError(error.description)
        }
    }
}

struct ExportDomainVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a dom_md/metadata file as vdsm reads it.",
        discussion: "Exit 0 when the _SHA_CKSUM is right, 1 when it is wrong or missing (the expected value is printed), 2 when the file cannot be read or is malformed (FILE:LINE named)."
    )

    @Argument(help: "The metadata file.")
    var file: String

    func run() throws {
        let bytes: [UInt8]
        do {
            bytes = try LocalStorageWriter.readFile(file)
        } catch {
            StorageCommandOutput.error(error.description)
            throw ExitCode(2)
        }
        let result = StorageDomainMetadataVerifier.verify(bytes)
        for warning in result.warnings { StorageCommandOutput.error("warning: " + warning.located(in: file)) }
        switch result.outcome {
        case .valid(let metadata):
            checkDirectoryName(metadata)
            print("\(file): _SHA_CKSUM=\(metadata.checksum) is correct")
        case let .checksumMismatch(declared, line, expected, _):
            StorageCommandOutput.error("\(file):\(line): _SHA_CKSUM is \(declared) but vdsm computes \(expected); vdsm would refuse this domain (MetaDataSealIsBroken)")
            print("_SHA_CKSUM=\(expected)")
        case let .checksumMissing(expected, _):
            StorageCommandOutput.error("\(file): no _SHA_CKSUM line; vdsm trusts such a file as it is, but the seal it would write is \(expected)")
            print("_SHA_CKSUM=\(expected)")
        case .malformed(let problems):
            for problem in problems { StorageCommandOutput.error(problem.located(in: file)) }
        }
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }

    /// A file at `<uuid>/dom_md/metadata` should name that UUID.
    func checkDirectoryName(_ metadata: StorageDomainMetadata) {
        let parts = URL(fileURLWithPath: file).standardizedFileURL.pathComponents
        guard parts.count >= 3, parts[parts.count - 2] == "dom_md", let declared = metadata.values["SDUUID"] else { return }
        let directory = parts[parts.count - 3]
        if directory != declared {
            StorageCommandOutput.error("warning: \(file): SDUUID is \(declared) but the domain directory is \(directory)")
        }
    }
}

struct ExportDomainCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create the export domain's directories and files in a local directory (run on the NFS server).",
        discussion: "Creating it on a remote NFS server over SSH is not built yet."
    )

    @OptionGroup var domain: ExportDomainOptions

    @Option(name: .customLong("export-dir"), help: "The exported directory on this machine.")
    var exportDirectory: String

    @Flag(name: .customLong("dry-run"), help: "Print the operations instead of applying them.")
    var dryRun = false

    @Flag(name: .customLong("no-chown"), help: "Do not change owners to 36:36 (then run chown -R 36:36 yourself).")
    var noChown = false

    func run() throws {
        let layout: ExportDomainLayout
        do {
            layout = try ExportDomainLayout(request: domain.request())
        } catch {
            throw ValidationError(error.description)
        }
        let operations = layout.operations(exportRoot: exportDirectory)
        if dryRun {
            for operation in operations { print(operation.summary(quotedBy: ShellQuote.quote)) }
            return
        }
        if !noChown && geteuid() != 0 {
            throw ValidationError("owner 36:36 (vdsm:kvm) can only be set as root; run as root, or pass --no-chown and run chown -R 36:36 \(exportDirectory) afterwards")
        }
        do {
            try LocalStorageWriter(ownership: noChown ? .skip : .apply).write(layout, exportRoot: exportDirectory)
        } catch {
            StorageCommandOutput.error("error: \(error.description)")
            throw ExitCode(1)
        }
        print("created export domain \(layout.sdUUID) in \(exportDirectory)")
        if noChown { print("now run: chown -R 36:36 \(ShellQuote.quote(exportDirectory))") }
    }
}

enum StorageCommandOutput {
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
