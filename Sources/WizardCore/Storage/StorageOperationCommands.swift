/// One program run on a host: the argv and the bytes fed to its standard input.
public struct StorageExecStep: Sendable, Equatable {
    public var argv: [String]
    public var stdin: [UInt8]

    public init(argv: [String], stdin: [UInt8] = []) {
        self.argv = argv
        self.stdin = stdin
    }
}

extension StorageOperation {
    /// The operation as programs a runner can start over an SSH exec channel, with POSIX tools only
    /// (coreutils of EL6 included). Values reach `sh -c` scripts only as positional parameters
    /// (`"$1"`), never pasted into the script text.
    public var execSteps: [StorageExecStep] {
        switch self {
        case let .createDirectory(path, mode, uid, gid):
            return [
                StorageExecStep(argv: ["mkdir", "-p", "--", path]),
                StorageExecStep(argv: ["chmod", octal(mode), "--", path]),
                StorageExecStep(argv: ["chown", "\(uid):\(gid)", "--", path]),
            ]
        case let .writeFile(path, contents, mode, uid, gid):
            return [
                // noclobber: an existing file is never overwritten.
                StorageExecStep(argv: ["sh", "-c", "set -C && cat > \"$1\"", "sh", path], stdin: contents),
                StorageExecStep(argv: ["chmod", octal(mode), "--", path]),
                StorageExecStep(argv: ["chown", "\(uid):\(gid)", "--", path]),
            ]
        case let .appendLineIfAbsent(path, line):
            let script = """
                if ! grep -qxF -e "$1" -- "$2"; then \
                if [ -s "$2" ] && [ -n "$(tail -c 1 -- "$2")" ]; then echo >> "$2"; fi; \
                printf '%s\\n' "$1" >> "$2"; fi
                """
            return [StorageExecStep(argv: ["sh", "-c", script, "sh", line, path])]
        case .run(let argv):
            return [StorageExecStep(argv: argv)]
        }
    }
}
