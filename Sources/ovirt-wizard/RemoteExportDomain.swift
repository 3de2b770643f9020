import Foundation
import SSHKit
import WizardCore

/// Creates an export domain on an NFS server over one SSH connection: the preflight, the layout's
/// `execSteps` in order, then everything read back and compared (modes, owners, sizes, bytes, checksum).
struct RemoteExportDomain {
    let ssh: SSHConnection
    /// For messages: `[user@]host[:port]` as the operator gave it.
    let hostLabel: String
    let layout: ExportDomainLayout
    let exportRoot: String
    /// Told about each step before it runs (a progress line).
    var onStep: (String) -> Void = { _ in }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    var domainDirectory: String {
        (exportRoot.hasSuffix("/") ? String(exportRoot.dropLast()) : exportRoot) + "/" + layout.sdUUID
    }

    func create() throws {
        try preflight()
        let operations = layout.operations(exportRoot: exportRoot)
        for operation in operations {
            onStep(operation.summary(quotedBy: ShellQuote.quote))
            for step in operation.execSteps {
                let output = try capture(step.argv, stdin: step.stdin)
                guard output.result.succeeded else {
                    throw Failure(description: "\(hostLabel): \(ShellQuote.join(step.argv)) failed (\(output.result)): \(firstLine(output.stderr))"
                                  + "; the domain is incomplete: remove \(domainDirectory) on \(hostLabel) before trying again")
                }
            }
        }
        try verify(operations)
    }

    /// Refuses an export directory that cannot be listed or already holds a storage domain.
    func preflight() throws {
        let listing = try capture(ExportDomainRemoteCheck.listArgv(exportRoot: exportRoot))
        guard listing.result.succeeded else {
            throw Failure(description: "\(hostLabel): cannot list the export directory \(exportRoot): \(firstLine(listing.stderr))")
        }
        let existing = ExportDomainPreflight.existingDomainNames(in: listing.stdout.split(separator: "\n").map(String.init))
        if !existing.isEmpty {
            throw Failure(description: "\(hostLabel): \(exportRoot) already holds \(existing.joined(separator: ", ")); vdsm uses only the first storage domain directory in an export, use an empty export directory")
        }
    }

    /// Reads back what was made; any difference is an error naming the path.
    func verify(_ operations: [StorageOperation]) throws {
        onStep("verify modes, owners and sizes")
        let stat = try capture(ExportDomainRemoteCheck.statArgv(paths: ExportDomainRemoteCheck.paths(of: operations)))
        guard stat.result.succeeded else {
            throw Failure(description: "\(hostLabel): stat of the new domain failed: \(firstLine(stat.stderr))")
        }
        var problems = ExportDomainRemoteCheck.problems(operations: operations, statOutput: stat.stdout)
        onStep("verify file contents and the metadata checksum")
        for case let .writeFile(path, contents, _, _, _) in operations {
            let bytes = try read(path)
            if bytes != contents { problems.append("\(path): its \(bytes.count) bytes differ from the \(contents.count) bytes written") }
            if path.hasSuffix("/dom_md/metadata") {
                switch StorageDomainMetadataVerifier.verify(bytes).outcome {
                case .valid(let metadata) where metadata.values["SDUUID"] == layout.sdUUID: break
                case .valid: problems.append("\(path): SDUUID is not \(layout.sdUUID)")
                case let .checksumMismatch(declared, _, expected, _): problems.append("\(path): _SHA_CKSUM is \(declared), vdsm computes \(expected)")
                case .checksumMissing: problems.append("\(path): no _SHA_CKSUM line")
                case .malformed(let found): problems += found.map { $0.located(in: path) }
                }
            }
        }
        if !problems.isEmpty {
            throw Failure(description: "\(hostLabel): the new domain does not read back as written:\n  " + problems.joined(separator: "\n  "))
        }
    }

    func read(_ path: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var errors: [UInt8] = []
        let result = try ssh.execute(RemoteCommand(ExportDomainRemoteCheck.readArgv(path: path))) { stream, chunk in
            if stream == .stdout { bytes += chunk } else { errors += chunk }
        }
        guard result.succeeded else {
            throw Failure(description: "\(hostLabel): cannot read \(path): \(firstLine(String(decoding: errors, as: UTF8.self)))")
        }
        return bytes
    }

    func capture(_ argv: [String], stdin: [UInt8] = []) throws -> CapturedOutput {
        do {
            return try ssh.capture(RemoteCommand(argv), options: ExecOptions(stdin: stdin))
        } catch {
            let text = (error as? SSHError)?.description ?? "\(error)"
            throw Failure(description: "\(hostLabel): \(ShellQuote.join(argv)): \(text)")
        }
    }

    func firstLine(_ text: String) -> String {
        let line = text.split(separator: "\n").first.map(String.init) ?? ""
        return line.isEmpty ? "no message" : line
    }
}
