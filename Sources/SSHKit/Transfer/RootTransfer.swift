import Foundation
import HostOps

/// Files that belong to root on a host where the login user becomes root through sudo: the bytes travel as the
/// login user (SFTP and the upload stream run as that user), root only copies them into place or reads them.
extension SSHConnection {
    /// Installs the staged copy as root: copied beside the target, mode and owner set, then renamed over it, so a
    /// half-copied file never has the real name. `$4` empty: owned by root (who copied it).
    static let installScript: StaticString = """
        cp -- "$1" "$2.ovirt-wizard-part" && chmod "$3" -- "$2.ovirt-wizard-part" && \
        { [ -z "$4" ] || chown -- "$4" "$2.ovirt-wizard-part"; } && mv -f -- "$2.ovirt-wizard-part" "$2"
        """

    /// The upload for `UploadOptions.asRoot` under sudo: written as the login user to a private folder
    /// (`mktemp -d`, 0700), installed by root, checked by root's SHA-256, and the folder removed. Caller holds the lock.
    func uploadThroughSudoLocked(_ localPath: String, to remotePath: String, options: UploadOptions,
                                 parallel: UploadHelpers, progress: (TransferProgress) -> Void) throws -> TransferResult {
        var out: [UInt8] = [], err: [UInt8] = []
        let made = try commandLocked(commandLine: RemoteCommand(["mktemp", "-d", "/tmp/ovirt-wizard-upload.XXXXXXXXXX"]).commandLine,
                                     options: ExecOptions(timeout: 60)) { stream, bytes in
            if stream == .stdout { out += bytes } else { err += bytes }
        }
        let folder = String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard made.succeeded, folder.hasPrefix("/tmp/ovirt-wizard-upload.") else {
            throw SSHError.channelFailed(host: name, detail: "cannot make a private folder for the upload of \(remotePath) (mktemp -d: \(made)): \(String(decoding: err, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        defer { _ = try? checkedLocked(RemoteCommand(["rm", "-rf", "--", folder]), doing: "remove \(folder)") }
        var staged = options
        staged.asRoot = false
        staged.mode = 0o600
        staged.owner = nil
        staged.resume = false
        let stagedPath = folder + "/" + (URL(fileURLWithPath: remotePath).lastPathComponent)
        let sent: TransferResult
        switch options.method {
        case .stream: sent = try uploadStreamLocked(localPath, to: stagedPath, options: staged, parallel: parallel, progress: progress)
        case .sftp: sent = try uploadSFTPLocked(localPath, to: stagedPath, options: staged, parallel: parallel, progress: progress)
        }
        try checkedLocked(RemoteCommand.script(Self.installScript, arguments: [stagedPath, remotePath, String(options.mode, radix: 8), options.owner ?? ""]),
                          doing: "installing \(remotePath) as root", asRoot: true)
        guard options.verify else { return sent }
        let local = try options.knownSHA256 ?? sent.sha256 ?? Self.localSHA256(localPath)
        let installed = try remoteSHA256Locked(remotePath, asRoot: true)
        guard installed == local else {
            throw SSHError.integrityMismatch(host: name, path: remotePath, local: local, remote: installed)
        }
        var result = TransferResult(bytes: sent.bytes, resumedFrom: 0, sha256: installed, verified: true)
        result.streams = sent.streams
        return result
    }

    /// The download for `DownloadOptions.asRoot` under sudo: root prints the file (small files: the tools' answer
    /// files and logs), written locally to a temporary name and renamed; checked against root's SHA-256.
    func downloadThroughSudoLocked(_ remotePath: String, to localPath: String, options: DownloadOptions,
                                   progress: (TransferProgress) -> Void) throws -> TransferResult {
        var out: [UInt8] = [], err: [UInt8] = []
        let result = try commandLocked(commandLine: RemoteCommand(["cat", "--", remotePath]).commandLine,
                                       options: ExecOptions(timeout: 600, asRoot: true)) { stream, bytes in
            if stream == .stdout { out += bytes } else { err += bytes }
        }
        guard result.succeeded else {
            throw SSHError.sftpFailed(host: name, path: remotePath, detail: "cannot read it as root (\(result)): \(String(decoding: err, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let temporary = localPath + ".ovirt-wizard-part"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(out), attributes: [.posixPermissions: 0o600]) else {
            throw SSHError.localFile(path: temporary, detail: "cannot create")
        }
        let hash = try Self.localSHA256(temporary)
        var verified = false
        if options.verify {
            let remote = try remoteSHA256Locked(remotePath, asRoot: true)
            guard remote == hash else {
                unlink(temporary)
                throw SSHError.integrityMismatch(host: name, path: remotePath, local: hash, remote: remote)
            }
            verified = true
        }
        guard rename(temporary, localPath) == 0 else {
            throw SSHError.localFile(path: localPath, detail: "cannot rename from \(temporary): \(String(cString: strerror(errno)))")
        }
        progress(TransferProgress(bytesDone: Int64(out.count), totalBytes: Int64(out.count)))
        return TransferResult(bytes: Int64(out.count), resumedFrom: 0, sha256: hash, verified: verified)
    }
}
