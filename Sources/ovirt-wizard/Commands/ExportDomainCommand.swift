import ArgumentParser
import Deploy
import Foundation
import HostOps
import OtopiKit
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
    var remotePath: String?

    @Option(help: "The domain name shown by the engine (at most 50 characters).")
    var description: String = ExportDomainMetadataRequest.defaultDescription

    @Flag(name: .customLong("no-master-version"), help: "Leave out MASTER_VERSION=0 (the seed's file has it).")
    var noMasterVersion = false

    /// The request; a generated UUID is announced on standard error so that it is never lost.
    func request() throws -> ExportDomainMetadataRequest {
        guard let remotePath else { throw ValidationError("give --remote-path HOST:/PATH (or --answers FILE for create)") }
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
        let request = try domain.request()
        do {
            let (metadata, warnings) = try request.metadata()
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
            throw ExitCode.badInput
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
        abstract: "Create an export domain's directories and files, over SSH on the NFS server or in a local directory.",
        discussion: """
            With --host the domain is made over SSH (host keys checked against known_hosts; the login must be root \
            there to set the owner 36:36) by the same runner as apply: one step per directory and file, a journal \
            in FILE.deploy/ beside the first answer file (export-domain-UUID.deploy/ in the current directory \
            without --answers), the deploy panes (or --plain lines); --resume continues an interrupted run, trusting \
            only the steps whose effect is verified on the server. Then everything is read back and verified: modes, \
            owners, sizes, bytes and the metadata checksum. Without --host it is made over SSH on the NFS server named in --answers FILE \
            (OVIRT_WIZARD/host, with its SSH user, port and key), and when the file names none (a flow answered \
            with --offline), in a local directory (run on the NFS server itself). The values come from \
            --answers FILE (written by: ovirt-wizard plain --flow export-domain) or from \
            --remote-path/--uuid/--description. An export directory that already holds a domain is refused.
            """
    )

    @OptionGroup var domain: ExportDomainOptions

    @Option(name: .customLong("answers"), help: ArgumentHelp("Answer file of the export-domain flow (repeatable; later files win).", valueName: "FILE"))
    var answerFiles: [String] = []

    @Option(name: .customLong("export-dir"), help: "The exported directory on the NFS server (default with --answers: the export path).")
    var exportDirectory: String?

    @Option(help: ArgumentHelp("Create it over SSH on this NFS server.", valueName: "[user@]host[:port]"))
    var host: String?

    @OptionGroup var connection: SSHConnectionArguments

    @Flag(help: "Create it in a local directory even when the answers name an NFS server to log in to.")
    var local = false

    @Flag(name: .customLong("dry-run"), help: "Print the plan (over SSH: its steps as `plan` prints them) instead of applying it.")
    var dryRun = false

    @Flag(name: .customLong("no-chown"), help: "Local only: do not change owners to 36:36 (then run chown -R 36:36 yourself).")
    var noChown = false

    @Flag(help: "Over SSH: continue the run recorded in the journal.") var resume = false
    @Flag(help: "Over SSH: host-prefixed progress lines instead of the full-screen panes.") var plain = false
    @Flag(help: "With --plain, also print every output line of the server.") var verbose = false

    func validate() throws {
        if local && host != nil { throw ValidationError("give either --host or --local, not both") }
        if noChown && host != nil { throw ValidationError("--no-chown is for local directories; over SSH the owner is always 36:36") }
        if !answerFiles.isEmpty && (domain.remotePath != nil || domain.uuid != nil) {
            throw ValidationError("give either --answers or --remote-path/--uuid, not both")
        }
    }

    /// The layout and the directory that receives it, from the answer file or the options.
    func resolve() throws -> (ExportDomainLayout, String, HostAccess?) {
        var request: ExportDomainMetadataRequest
        var directory = exportDirectory
        var access: HostAccess?
        if answerFiles.isEmpty {
            request = try domain.request()
        } else {
            let environment = OtopiEnvironment(files: try loadAnswerFiles(answerFiles))
            do {
                access = HostAccess(try TargetLogin(environment: environment), options: connection.connectOptions())
            } catch {
                throw ValidationError("\(answerFiles.joined(separator: ", ")): \(error)")
            }
            do {
                let answers = try ExportDomainFlowAnswers(environment: environment)
                request = answers.request
                directory = directory ?? answers.exportPath
            } catch {
                throw ValidationError("\(answerFiles.joined(separator: ", ")): \(error.description)")
            }
            request.includeMasterVersion = !domain.noMasterVersion
        }
        guard let directory else { throw ValidationError("give --export-dir DIR, the exported directory on the NFS server") }
        guard directory.hasPrefix("/") else { throw ValidationError("--export-dir \(directory): give an absolute path") }
        do {
            return (try ExportDomainLayout(request: request), directory, access)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let (layout, directory, access) = try resolve()
        if let (access, label) = try remote(access) {
            try createRemotely(layout, directory, access: access, label: label)
            return
        }
        if dryRun {
            for operation in layout.operations(exportRoot: directory) { print(operation.summary) }
            return
        }
        if resume { throw ValidationError("--resume is for a domain made over SSH; a local one is made in one go") }
        if !noChown && geteuid() != 0 {
            throw ValidationError("owner 36:36 (vdsm:kvm) can only be set as root; run as root, or pass --no-chown and run chown -R 36:36 \(directory) afterwards")
        }
        do {
            try LocalStorageWriter(ownership: noChown ? .skip : .apply).write(layout, exportRoot: directory)
        } catch {
            StorageCommandOutput.error("error: \(error.description)")
            throw ExitCode.problemFound
        }
        print("created export domain \(layout.sdUUID) in \(directory)")
        if noChown { print("now run: chown -R 36:36 \(ShellQuote.quote(directory))") }
    }

    /// The NFS server to log in to and how it is named in messages; nil: the domain is made locally.
    func remote(_ answered: HostAccess?) throws -> (HostAccess, String)? {
        if let host {
            let target: SSHTarget
            do { target = try SSHTarget(parsing: host) } catch { throw fail(error) }
            return (HostAccess(target: target, options: connection.connectOptions()), host)
        }
        guard var access = answered, !local else { return nil }
        // -i given on the command line wins over the key named in the answers.
        if !connection.identity.isEmpty { access.options.identityFiles = connection.identity }
        return (access, access.target.description)
    }

    /// The preflight on the server, the plan through the deployment runner (journal, resume, panes), then the
    /// read-back. A dry run prints the plan as `plan` does and contacts nothing.
    func createRemotely(_ layout: ExportDomainLayout, _ directory: String, access: HostAccess, label: String) throws {
        func checks() throws -> ExportDomainReadBack {
            do {
                return ExportDomainReadBack(connection: try access.connect(forRootSteps: true), hostLabel: label, layout: layout, exportRoot: directory)
            } catch {
                throw fail(error)
            }
        }
        var options = DeploymentRunner.Options()
        options.resume = resume
        let files = DeploymentFiles(answerFile: answerFiles.first ?? "export-domain-\(layout.sdUUID)")
        let execution = PlanExecution(files: files, options: options, plain: plain, verbose: verbose)
        let plan = ExportDomainPlanner().plan(layout, exportRoot: directory, host: label, access: access,
                                              answerFile: answerFiles.first ?? "the command line")
        if dryRun {
            for line in PlanPrinter.text(plan, files: files) { print(line) }
            return
        }
        // An earlier run's journal is named before the preflight, which would refuse the domain it began.
        try runReportingErrors {
            try execution.checkJournal()
            return 0
        }
        let before = try checks()
        do {
            try before.preflight(resuming: resume)
            before.connection.close()
        } catch {
            before.connection.close()
            StorageCommandOutput.error("error: \(error.description)")
            throw ExitCode.problemFound
        }
        try runReportingErrors {
            let lock = try execution.begin()
            defer { lock.release() }
            let code = try execution.run(plan, connectFirst: false)
            guard code == 0 else {
                printError("ovirt-wizard: the domain on \(label) is incomplete; continue it with the same command and --resume")
                return code
            }
            let after = try checks()
            defer { after.connection.close() }
            do {
                try after.verify { print("[\(label)] \($0)") }
            } catch {
                StorageCommandOutput.error("error: \(error)")
                return 1
            }
            print("created export domain \(layout.sdUUID) in \(label):\(directory) and verified it (metadata _SHA_CKSUM=\(layout.metadata.checksum))")
            return 0
        }
    }
}

enum StorageCommandOutput {
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
