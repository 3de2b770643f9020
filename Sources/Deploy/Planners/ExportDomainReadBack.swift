import Foundation
import HostOps
import SSHKit
import WizardCore

/// The read-only checks around an export domain's plan, on one connection to the NFS server: before it, the
/// export directory must be listable and hold no other domain; after it, everything is read back and compared
/// with the layout (modes, owners, sizes, bytes, the metadata checksum).
package struct ExportDomainReadBack {
    package let connection: SSHConnection
    /// For messages: `[user@]host[:port]` as the operator gave it.
    package let hostLabel: String
    package let layout: ExportDomainLayout
    package let exportRoot: String

    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    package init(connection: SSHConnection, hostLabel: String, layout: ExportDomainLayout, exportRoot: String) {
        self.connection = connection
        self.hostLabel = hostLabel
        self.layout = layout
        self.exportRoot = exportRoot
    }

    /// Refuses an export directory that cannot be listed or already holds a storage domain; with
    /// `resuming`, this domain's own directory (left by the interrupted run) is expected.
    package func preflight(resuming: Bool) throws(Failure) {
        let listing = try capture(RemoteCommand(ExportDomainRemoteCheck.listArgv(exportRoot: exportRoot)))
        guard listing.result.succeeded else {
            throw Failure(description: "\(hostLabel): cannot list the export directory \(exportRoot): \(firstLine(listing.stderr))")
        }
        let existing = ExportDomainPreflight.existingDomainNames(in: listing.stdout.split(separator: "\n").map(String.init))
            .filter { !(resuming && $0 == layout.sdUUID) }
        if !existing.isEmpty {
            throw Failure(description: "\(hostLabel): \(exportRoot) already holds \(existing.joined(separator: ", ")); vdsm uses only the first storage domain directory in an export, use an empty export directory")
        }
    }

    /// Reads back what the plan made; any difference is an error naming the path. `progress` is told what is
    /// being checked.
    package func verify(progress: (String) -> Void) throws(Failure) {
        let operations = layout.operations(exportRoot: exportRoot)
        progress("verify modes, owners and sizes")
        let stat = try capture(RemoteCommand(ExportDomainRemoteCheck.statArgv(paths: ExportDomainRemoteCheck.paths(of: operations))))
        guard stat.result.succeeded else {
            throw Failure(description: "\(hostLabel): stat of the new domain failed: \(firstLine(stat.stderr))")
        }
        var problems = ExportDomainRemoteCheck.problems(operations: operations, statOutput: stat.stdout)
        progress("verify file contents and the metadata checksum")
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
            throw Failure(description: "\(hostLabel): the domain does not read back as written:\n  " + problems.joined(separator: "\n  "))
        }
    }

    func read(_ path: String) throws(Failure) -> [UInt8] {
        var bytes: [UInt8] = []
        var errors: [UInt8] = []
        let result: ExecResult
        do {
            // As root (through sudo for a login that becomes root that way): vdsm's files need not be readable by the user.
            result = try connection.execute(RemoteCommand(ExportDomainRemoteCheck.readArgv(path: path)), options: ExecOptions(asRoot: true)) { stream, chunk in
                if stream == .stdout { bytes += chunk } else { errors += chunk }
            }
        } catch {
            throw Failure(description: "\(hostLabel): cannot read \(path): \((error as? SSHError)?.description ?? "\(error)")")
        }
        guard result.succeeded else {
            throw Failure(description: "\(hostLabel): cannot read \(path): \(firstLine(String(decoding: errors, as: UTF8.self)))")
        }
        return bytes
    }

    func capture(_ command: RemoteCommand) throws(Failure) -> CapturedOutput {
        do {
            return try connection.capture(command, options: ExecOptions(asRoot: true))
        } catch {
            throw Failure(description: "\(hostLabel): \(command.commandLine): \((error as? SSHError)?.description ?? "\(error)")")
        }
    }

    func firstLine(_ text: String) -> String {
        let line = text.split(separator: "\n").first.map(String.init) ?? ""
        return line.isEmpty ? "no message" : line
    }
}
