import Foundation

/// Writes the staged folder as a gzip'd tar with the system's `tar` (the package has no archive library): into
/// a temporary file created 0600 beside the target, synced, then renamed over it, so that the archive appears
/// whole or not at all and is never readable by others, even for a moment.
package enum BundleArchive {
    package static func write(stage: BundleStage, to output: String) throws {
        let target = URL(fileURLWithPath: output).standardizedFileURL.path
        let folder = (target as NSString).deletingLastPathComponent
        let partial = folder + "/." + (target as NSString).lastPathComponent + ".part-\(getpid())"
        let fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BundleError("cannot create \(partial): \(String(cString: strerror(errno)))") }
        var renamed = false
        defer {
            close(fd)
            if !renamed { unlink(partial) }
        }
        guard let tar = ["/usr/bin/tar", "/bin/tar"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw BundleError("no tar on this machine (/usr/bin/tar): install it to write the bundle")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tar)
        // Owners and modes are of no use to the reader and say things about the jump host: numeric root, 0600/0700.
        process.arguments = ["-C", stage.directory, "--owner=0", "--group=0", "--numeric-owner", "--mode=go-rwx",
                             "-czf", "-", stage.top]
        process.standardOutput = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BundleError("tar failed (exit \(process.terminationStatus)): \(String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard fsync(fd) == 0 else { throw BundleError("cannot sync \(partial): \(String(cString: strerror(errno)))") }
        guard rename(partial, target) == 0 else {
            throw BundleError("cannot rename \(partial) to \(target): \(String(cString: strerror(errno)))")
        }
        renamed = true
        let dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 { _ = fsync(dir); close(dir) }
    }
}
