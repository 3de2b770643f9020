import Foundation

/// Writes an `AnsibleProject` into a folder. The generated answer files are encrypted by `ansible-vault` (from
/// ansible-core) with the password file the operator names: their text goes to ansible-vault's standard input and
/// never into a plain file in the folder.
package struct AnsibleExporter: Sendable {
    /// `ansible-vault`'s path, or nil to find it on PATH.
    package var ansibleVault: String?
    /// The operator's vault password file (its first line is the password); only its path is written (ansible.cfg).
    package var vaultPasswordFile: String?

    package init(ansibleVault: String? = nil, vaultPasswordFile: String? = nil) {
        self.ansibleVault = ansibleVault
        self.vaultPasswordFile = vaultPasswordFile
    }

    /// A file the exporter leaves in every project, so that exporting into the same folder again is allowed.
    static let stamp = ".ovirt-wizard-export"

    /// Writes the project into `directory` (created if missing; refused when it holds files of something else).
    /// Returns the paths written, relative to `directory`.
    @discardableResult
    package func write(_ project: AnsibleProject, to directory: String) throws -> [String] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw AnsibleExportProblem("\(directory) exists and is not a folder") }
            let entries = (try? fm.contentsOfDirectory(atPath: directory)) ?? []
            if !entries.isEmpty, !entries.contains(Self.stamp) {
                throw AnsibleExportProblem("\(directory) is not empty and holds no earlier export: name an empty or new folder")
            }
        }
        var passwordFile: String?
        if project.needsVault {
            guard let given = vaultPasswordFile else {
                throw AnsibleExportProblem("the plan uploads answer files that hold secrets: name a vault password file with --vault-password-file FILE (its first line is the password; the file is not copied)")
            }
            let absolute = URL(fileURLWithPath: given).standardizedFileURL.path
            guard fm.isReadableFile(atPath: absolute) else { throw AnsibleExportProblem("cannot read the vault password file \(absolute)") }
            passwordFile = absolute
        }
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var written: [String] = []
        for (path, text) in project.plainFiles(vaultPasswordFile: passwordFile) {
            try write(text, to: directory + "/" + path, mode: 0o644)
            written.append(path)
        }
        for (path, content) in project.vaultFiles {
            try encrypt(content, to: directory + "/" + path, passwordFile: passwordFile!)
            written.append(path)
        }
        try write("ovirt-wizard export ansible\n", to: directory + "/" + Self.stamp, mode: 0o644)
        return written
    }

    func write(_ text: String, to path: String, mode: Int) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw AnsibleExportProblem("cannot write \(path): \(error.localizedDescription)")
        }
        chmod(path, mode_t(mode))
    }

    /// `ansible-vault encrypt --output PATH -` with `content` on its standard input.
    func encrypt(_ content: String, to path: String, passwordFile: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try? FileManager.default.removeItem(atPath: path)
        let process = Process()
        if let ansibleVault {
            process.executableURL = URL(fileURLWithPath: ansibleVault)
            process.arguments = []
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["ansible-vault"]
        }
        process.arguments! += ["encrypt", "--vault-password-file", passwordFile, "--output", path, "-"]
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw AnsibleExportProblem("cannot start \(ansibleVault ?? "ansible-vault") (from ansible-core; --ansible-vault PATH names it): \(error.localizedDescription)")
        }
        input.fileHandleForWriting.write(Data(content.utf8))
        try? input.fileHandleForWriting.close()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let said = String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw AnsibleExportProblem("\(ansibleVault ?? "ansible-vault") could not encrypt \(path) (exit \(process.terminationStatus)): \(said.isEmpty ? "no message" : said)")
        }
        chmod(path, 0o600)
    }
}
