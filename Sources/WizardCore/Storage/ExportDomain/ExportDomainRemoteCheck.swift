import HostOps

/// What is read back from the NFS server after an export domain was created there, and how it is
/// compared with the layout. The programs are argv arrays a runner starts over SSH; the comparison is pure.
package enum ExportDomainRemoteCheck {
    /// Lists the export directory (one name a line, hidden names included) for the preflight.
    package static func listArgv(exportRoot: String) -> [String] {
        ["ls", "-A1", "--", exportRoot]
    }

    /// One line per path, in order: permission bits (octal), uid, gid, size, file type.
    package static func statArgv(paths: [String]) -> [String] {
        ["stat", "-c", "%a %u %g %s %F", "--"] + paths
    }

    /// Prints a file's bytes exactly.
    package static func readArgv(path: String) -> [String] {
        ["cat", "--", path]
    }

    /// The paths the operations create, in order.
    package static func paths(of operations: [HostOperation]) -> [String] {
        operations.compactMap { operation in
            switch operation {
            case .createDirectory(let path, _, _, _), .writeFile(let path, _, _, _, _): return path
            default: return nil
            }
        }
    }

    /// Differences between what the operations should have made and what `stat` (run with
    /// `statArgv(paths: paths(of: operations))`) printed; empty when everything matches.
    package static func problems(operations: [HostOperation], statOutput: String) -> [String] {
        let lines = statOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
        var problems: [String] = []
        var index = 0
        for operation in operations {
            let expected: (path: String, mode: UInt32, uid: UInt32, gid: UInt32, size: Int?, isDirectory: Bool)
            switch operation {
            case let .createDirectory(path, mode, uid, gid): expected = (path, mode, uid, gid, nil, true)
            case let .writeFile(path, contents, mode, uid, gid): expected = (path, mode, uid, gid, contents.count, false)
            default: continue
            }
            defer { index += 1 }
            guard index < lines.count else {
                problems.append("\(expected.path): stat printed nothing for it")
                continue
            }
            let fields = lines[index].split(separator: " ", maxSplits: 4).map(String.init)
            guard fields.count == 5, let mode = UInt32(fields[0], radix: 8), let uid = UInt32(fields[1]),
                  let gid = UInt32(fields[2]), let size = Int(fields[3]) else {
                problems.append("\(expected.path): cannot read stat's line \"\(lines[index])\"")
                continue
            }
            let type = fields[4]
            let isDirectory = type == "directory"
            let isFile = type == "regular file" || type == "regular empty file"
            if expected.isDirectory && !isDirectory { problems.append("\(expected.path): is a \(type), not a directory") }
            if !expected.isDirectory && !isFile { problems.append("\(expected.path): is a \(type), not a regular file") }
            if mode != expected.mode { problems.append("\(expected.path): mode is \(HostOperation.octal(mode)), expected \(HostOperation.octal(expected.mode))") }
            if uid != expected.uid || gid != expected.gid {
                problems.append("\(expected.path): owner is \(uid):\(gid), expected \(expected.uid):\(expected.gid)")
            }
            if let want = expected.size, size != want { problems.append("\(expected.path): \(size) bytes, expected \(want)") }
        }
        if lines.count > index { problems.append("stat printed \(lines.count) lines for \(index) paths") }
        return problems
    }
}
