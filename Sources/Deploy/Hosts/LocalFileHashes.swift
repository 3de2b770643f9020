import Foundation
import SSHKit
import Synchronization

/// SHA-256 of the local files a run uploads, computed once per file for all hosts (the same ISO or payload
/// goes to many). A file whose size or modification time changed is hashed again. Hosts asking for a file
/// being hashed wait for that result instead of hashing it too.
final class LocalFileHashes: Sendable {
    private struct Entry {
        var size: Int64
        var modified: timespec
        var hash: String
    }

    private let entries = Mutex<[String: Entry]>([:])

    func sha256(_ path: String) throws -> String {
        try entries.withLock { entries in
            var info = stat()
            guard stat(path, &info) == 0 else {
                throw SSHError.localFile(path: path, detail: "cannot open: \(String(cString: strerror(errno)))")
            }
            if let entry = entries[path], entry.size == Int64(info.st_size),
               entry.modified.tv_sec == info.st_mtim.tv_sec, entry.modified.tv_nsec == info.st_mtim.tv_nsec {
                return entry.hash
            }
            let hash = try SSHConnection.localSHA256(path)
            entries[path] = Entry(size: Int64(info.st_size), modified: info.st_mtim, hash: hash)
            return hash
        }
    }
}
