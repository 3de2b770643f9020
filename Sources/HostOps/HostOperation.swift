import Foundation

/// One thing done on a host, as data: the planners produce these, the runner runs their command lines, the
/// plan printer shows their summaries. Each operation knows its commands, the read-only probe that tells
/// afterwards whether its effect is in place, whether it changes the host and how it reads in a plan, so that
/// nothing downstream recovers a step's meaning from its argv.
/// Paths are absolute; modes are permission bits (e.g. `0o660`); uid/gid are numeric.
package enum HostOperation: Sendable, Hashable {
    /// Create the directory if it is missing, then set exactly this mode and owner.
    case createDirectory(path: String, mode: UInt32, uid: UInt32, gid: UInt32)
    /// `mkdir -p`: the directory and its parents, mode and owner as the host makes them.
    case makeDirectories(path: String)
    /// Create a new file with exactly these bytes, then set mode and owner. An existing file is never
    /// overwritten; one that already holds exactly these bytes counts as written (a resumed run).
    case writeFile(path: String, contents: [UInt8], mode: UInt32, uid: UInt32, gid: UInt32)
    /// Append one line (a newline is added) unless the file already holds that exact line.
    case appendLineIfAbsent(path: String, line: String)
    case installPackages([String], manager: PackageManager)
    /// Enabled at boot and running now.
    case enableService(String, manager: ServiceManager)
    /// Mount what /etc/fstab names for this mount point.
    case mount(mountPoint: String)
    case gluster(GlusterVerb)
    /// Any program; its effect has no probe (the wizard's marker on the host stands for it).
    case run(argv: [String])

    /// The command lines, run in order; the first failure stops the operation. Only `writeFile` reads
    /// standard input (`input`, fed to its first command). Values reach `sh -c` scripts only as positional
    /// parameters (`"$1"`), never pasted into the script text; POSIX tools only (coreutils of EL6 included).
    package var commands: [RemoteCommand] {
        switch self {
        case let .createDirectory(path, mode, uid, gid):
            return [RemoteCommand(["mkdir", "-p", "--", path])] + Self.setAttributes(path, mode, uid, gid)
        case .makeDirectories(let path):
            return [RemoteCommand(["mkdir", "-p", path])]
        case let .writeFile(path, contents, mode, uid, gid):
            // Written beside the target, then hard-linked into place: ln refuses an existing name, so nothing
            // is overwritten, and a run killed while writing leaves no partial file under the real name.
            let write = RemoteCommand.script("""
                if [ -e "$1" ] || [ -h "$1" ]; then \
                [ -f "$1" ] && [ "$(cksum < "$1")" = "$2" ] && exit 0; \
                echo "$1 exists already; an existing file is never overwritten" >&2; exit 1; fi; \
                cat > "$1.ovirt-wizard-partial" && ln -- "$1.ovirt-wizard-partial" "$1"; s=$?; \
                rm -f -- "$1.ovirt-wizard-partial"; exit $s
                """, arguments: [path, FileChecksum.cksumLine(contents)])
            return [write] + Self.setAttributes(path, mode, uid, gid)
        case let .appendLineIfAbsent(path, line):
            return [.script("""
                if ! grep -qxF -e "$1" -- "$2"; then \
                if [ -s "$2" ] && [ -n "$(tail -c 1 -- "$2")" ]; then echo >> "$2"; fi; \
                printf '%s\\n' "$1" >> "$2"; fi
                """, arguments: [line, path])]
        case let .installPackages(packages, manager):
            return [manager.install(packages)]
        case let .enableService(service, manager):
            return manager.enableAndStart(service)
        case .mount(let mountPoint):
            return [RemoteCommand(["mount", mountPoint])]
        case .gluster(let verb):
            return [verb.command]
        case .run(let argv):
            return [RemoteCommand(argv)]
        }
    }

    /// Bytes for the first command's standard input (empty: EOF at once).
    package var input: [UInt8] {
        if case .writeFile(_, let contents, _, _, _) = self { return contents }
        return []
    }

    /// A cheap read-only command that exits 0 when the operation's effect is in place; nil when there is none.
    package var probe: RemoteCommand? {
        switch self {
        case let .createDirectory(path, mode, uid, gid):
            return .script(#"[ -d "$1" ] && [ ! -h "$1" ] && [ "$(stat -c %a:%u:%g -- "$1")" = "$2" ]"#,
                           arguments: [path, Self.statLine(mode, uid, gid)])
        case .makeDirectories(let path):
            return RemoteCommand(["test", "-d", path])
        case let .writeFile(path, contents, mode, uid, gid):
            return .script(#"[ -f "$1" ] && [ "$(cksum < "$1")" = "$2" ] && [ "$(stat -c %a:%u:%g -- "$1")" = "$3" ]"#,
                           arguments: [path, FileChecksum.cksumLine(contents), Self.statLine(mode, uid, gid)])
        case let .appendLineIfAbsent(path, line):
            return RemoteCommand(["grep", "-qxF", "-e", line, "--", path])
        case .installPackages(let packages, _):
            return PackageManager.installedProbe(packages)
        case let .enableService(service, manager):
            return manager.enabledAndRunningProbe(service)
        case .mount(let mountPoint):
            return RemoteCommand(["mountpoint", "-q", mountPoint])
        case .gluster(let verb):
            return verb.probe
        case .run:
            return nil
        }
    }

    /// False for reads, which are safe to repeat and to run in a dry run. Every other operation changes the
    /// host, even an idempotent one such as the /etc/hosts line.
    package var changesHost: Bool {
        if case .gluster(let verb) = self { return verb.changesHost }
        return true
    }

    /// A short word for a step id: `mkdir`, `add-line`, `yum`, `systemctl`, `peer-probe`, a program's name.
    package var stepWord: String {
        switch self {
        case .createDirectory, .makeDirectories: return "mkdir"
        case .writeFile: return "write"
        case .appendLineIfAbsent: return "add-line"
        case .installPackages(_, let manager): return manager.rawValue
        case .enableService(_, let manager): return manager.program
        case .mount: return "mount"
        case .gluster(let verb): return verb.word
        case .run(let argv): return argv[0]
        }
    }

    /// Seconds after which the runner stops the operation: installing packages may download for long.
    package var timeout: Double {
        if case .installPackages = self { return 3600 }
        return 600
    }

    /// A few words naming what happens, for step titles (`create /bricks/b1`, `yum install -y`).
    package var title: String {
        switch self {
        case .createDirectory(let path, _, _, _): return "create \(path)"
        case .writeFile(let path, _, _, _, _): return "write \(path)"
        case let .appendLineIfAbsent(path, line): return "add \"\(line.replacingOccurrences(of: "\t", with: " "))\" to \(path)"
        default: return commands[0].argv.prefix(3).joined(separator: " ")
        }
    }

    /// One line for previews and dry runs, every value quoted as it is sent.
    package var summary: String {
        switch self {
        case let .createDirectory(path, mode, uid, gid):
            return "mkdir \(ShellQuote.quote(path))  (mode \(Self.octal(mode)), owner \(uid):\(gid))"
        case let .writeFile(path, contents, mode, uid, gid):
            return "write \(ShellQuote.quote(path))  (\(contents.count) bytes, mode \(Self.octal(mode)), owner \(uid):\(gid))"
        case let .appendLineIfAbsent(path, line):
            return "append to \(ShellQuote.quote(path)) unless present: \(line.replacingOccurrences(of: "\t", with: "\\t"))"
        default:
            return commands.map(\.commandLine).joined(separator: " && ")
        }
    }

    /// `0755`.
    package static func octal(_ mode: UInt32) -> String {
        "0" + String(mode, radix: 8)
    }

    /// What `stat -c %a:%u:%g` prints for this mode and owner (`755:36:36`).
    static func statLine(_ mode: UInt32, _ uid: UInt32, _ gid: UInt32) -> String {
        "\(String(mode, radix: 8)):\(uid):\(gid)"
    }

    static func setAttributes(_ path: String, _ mode: UInt32, _ uid: UInt32, _ gid: UInt32) -> [RemoteCommand] {
        [RemoteCommand(["chmod", octal(mode), "--", path]), RemoteCommand(["chown", "\(uid):\(gid)", "--", path])]
    }
}
