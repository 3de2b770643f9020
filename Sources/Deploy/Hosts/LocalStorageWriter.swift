#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HostOps
import WizardCore

/// Applies `HostOperation`s to the local file system: an export domain made on the NFS server itself (no
/// SSH), and the tests' domains in temporary directories; on hosts the same operations run over SSH.
/// Files are created exclusively (an existing file is never overwritten) and synced.
package struct LocalStorageWriter: Sendable {
    package enum Ownership: Sendable, Equatable {
        /// chown every entry (needs root, or the owner already being right).
        case apply
        /// Leave the owner as the process creates it (tests not running as root).
        case skip
    }

    package var ownership: Ownership

    package init(ownership: Ownership) {
        self.ownership = ownership
    }

    /// `.apply` when running as root, otherwise `.skip`.
    package static func forCurrentUser() -> LocalStorageWriter {
        LocalStorageWriter(ownership: geteuid() == 0 ? .apply : .skip)
    }

    package func apply(_ operations: [HostOperation]) throws(LocalStorageWriterError) {
        for operation in operations { try apply(operation) }
    }

    /// Creates an export domain under `exportRoot`, refusing when the export already holds one.
    package func write(_ layout: ExportDomainLayout, exportRoot: String) throws(LocalStorageWriterError) {
        let existing = ExportDomainPreflight.existingDomainNames(in: try listDirectory(exportRoot))
        if !existing.isEmpty {
            throw .init(path: exportRoot, message: "already holds \(existing.joined(separator: ", ")); vdsm uses only the first storage domain directory in an export, use an empty export directory")
        }
        try apply(layout.operations(exportRoot: exportRoot))
    }

    func apply(_ operation: HostOperation) throws(LocalStorageWriterError) {
        switch operation {
        case let .createDirectory(path, mode, uid, gid):
            if mkdir(path, mode_t(mode)) != 0 {
                let code = errno
                var info = stat()
                guard code == EEXIST, stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                    throw .init(path: path, message: "cannot create the directory: \(describe(code))")
                }
            }
            // mkdir's mode is reduced by the umask; set it exactly.
            if chmod(path, mode_t(mode)) != 0 { throw .init(path: path, message: "cannot set mode \(HostOperation.octal(mode)): \(describe(errno))") }
            try own(path, uid, gid)
        case let .writeFile(path, contents, mode, uid, gid):
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
            if fd < 0 { throw .init(path: path, message: "cannot create the file: \(describe(errno))") }
            defer { close(fd) }
            var written = 0
            while written < contents.count {
                let n = contents[written...].withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw .init(path: path, message: "cannot write: \(describe(errno))")
                }
                written += n
            }
            if fsync(fd) != 0 { throw .init(path: path, message: "cannot sync: \(describe(errno))") }
            if fchmod(fd, mode_t(mode)) != 0 { throw .init(path: path, message: "cannot set mode \(HostOperation.octal(mode)): \(describe(errno))") }
            try own(path, uid, gid)
        case let .appendLineIfAbsent(path, line):
            try appendLineIfAbsent(path: path, line: line)
        case .makeDirectories, .installPackages, .enableService, .mount, .gluster, .run:
            throw .init(path: operation.commands[0].argv[0], message: "the local writer only creates directories and files and appends lines (\(operation.summary)); this step needs the plan runner")
        }
    }

    func own(_ path: String, _ uid: UInt32, _ gid: UInt32) throws(LocalStorageWriterError) {
        guard ownership == .apply else { return }
        if chown(path, uid_t(uid), gid_t(gid)) != 0 {
            throw .init(path: path, message: "cannot change the owner to \(uid):\(gid): \(describe(errno))")
        }
    }

    func appendLineIfAbsent(path: String, line: String) throws(LocalStorageWriterError) {
        let existing = try Self.readFile(path)
        let text = String(decoding: existing, as: UTF8.self)
        if text.split(separator: "\n", omittingEmptySubsequences: false).contains(where: { $0 == line }) { return }
        var bytes: [UInt8] = []
        if !existing.isEmpty && existing.last != 0x0A { bytes.append(0x0A) }
        bytes += Array(line.utf8) + [0x0A]
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        if fd < 0 { throw .init(path: path, message: "cannot open for appending: \(describe(errno))") }
        defer { close(fd) }
        let n = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
        if n != bytes.count { throw .init(path: path, message: "cannot append: \(describe(errno))") }
        if fsync(fd) != 0 { throw .init(path: path, message: "cannot sync: \(describe(errno))") }
    }

    /// The whole file, or an error naming the path and the system's reason.
    package static func readFile(_ path: String) throws(LocalStorageWriterError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .init(path: path, message: "cannot open: \(describe(errno))") }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .init(path: path, message: "cannot read: \(describe(errno))")
            }
            if n == 0 { return result }
            result += buffer[..<n]
        }
    }

    func listDirectory(_ path: String) throws(LocalStorageWriterError) -> [String] {
        guard let dir = opendir(path) else {
            throw .init(path: path, message: "cannot open the export directory: \(describe(errno))")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

package struct LocalStorageWriterError: Error, Sendable, Equatable, CustomStringConvertible {
    package var path: String
    package var message: String

    package init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    package var description: String { "\(path): \(message)" }
}

/// The C `write`, which the writer's own methods would otherwise shadow.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}

private func describe(_ code: Int32) -> String {
    String(cString: strerror(code))
}
