import Foundation
import Synchronization
import Testing

/// The .deb as an operator gets it: made by `Packaging/build-deb.sh` from the binary this test run built, installed
/// with apt, used from another folder with the source tree out of sight, then removed without leftovers.
/// It changes the machine's package set, so it runs only as root (as in CI) and never over an installed copy.
@Suite("Debian package", .serialized, .timeLimit(.minutes(10)),
       .enabled(if: DebianPackage.unavailableReason == nil, Comment(rawValue: DebianPackage.unavailableReason ?? "")))
struct DebianPackageTests {
    @Test func buildsInstallsRunsFromAnotherFolderAndRemovesCleanly() throws {
        let work = try Wizard.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }

        // The test's binary links the Swift runtime from the toolchain (the release .deb links it statically).
        // Its man page generator is built in the test run's own build folder, whose lock `swift test` holds.
        let scratch = URL(fileURLWithPath: Wizard.binary).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let build = try DebianPackage.run(Wizard.repo.path + "/Packaging/build-deb.sh",
                                          ["--output", work.path, "--binary", Wizard.binary, "--scratch-path", scratch,
                                           "--ignore-build-lock", "--allow-toolchain-runtime"], in: Wizard.repo)
        try #require(build.status == 0, "build-deb.sh failed:\n\(build.stderr)")
        let deb = build.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(deb.hasSuffix(".deb"), "\(deb)")
        let name = URL(fileURLWithPath: deb).lastPathComponent
        #expect(name.hasPrefix("ovirt-wizard_0.1.0_"), "\(name)")

        let depends = try DebianPackage.run("/usr/bin/dpkg-deb", ["-f", deb, "Depends"]).stdout
        let dependencies = Set(depends.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        #expect(dependencies.isSuperset(of: ["libc6", "libncursesw6", "libtinfo6", "libssh2-1"]), "\(depends)")
        #expect(!depends.contains("-dev"), "\(depends)")

        // apt as the README says, from the folder holding the file.
        let install = try DebianPackage.run("/usr/bin/apt", ["install", "-y", "--no-install-recommends", "./" + name], in: work)
        defer { _ = try? DebianPackage.run("/usr/bin/dpkg", ["--purge", DebianPackage.name]) }
        try #require(install.status == 0, "apt install failed:\n\(install.stdout)\(install.stderr)")
        let files = try DebianPackage.installedFiles()
        for path in ["/usr/bin/ovirt-wizard", "/usr/share/ovirt-wizard/Screens/engine-setup-3.4.yaml",
                     "/usr/share/man/man1/ovirt-wizard.1.gz", "/usr/share/bash-completion/completions/ovirt-wizard",
                     "/usr/share/zsh/vendor-completions/_ovirt-wizard",
                     "/usr/share/fish/vendor_completions.d/ovirt-wizard.fish"] {
            #expect(files.contains(path), "\(path) is not in the package")
            #expect(FileManager.default.fileExists(atPath: path), "\(path) was not installed")
        }

        // From an empty folder, with the source tree (and .build) hidden where the system allows it.
        let elsewhere = work.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let version = try DebianPackage.installed(["--version"], in: elsewhere)
        #expect(version.status == 0)
        #expect(version.stdout == "0.1.0 (unknown commit)\n", "\(version.stdout)")
        let flows = try DebianPackage.installed(["flows"], in: elsewhere)
        #expect(flows.status == 0, "\(flows.stderr)")
        for flow in ["engine-setup", "hosted-engine", "gluster", "export-domain"] {
            #expect(flows.stdout.split(separator: "\n").contains { $0.hasPrefix(flow + " ") }, "\(flow): \(flows.stdout)")
        }
        let answers = try Wizard.fixture("engine-setup-3.4.answers")
        let plain = try DebianPackage.installed(["plain", "--flow", "engine-setup", "--offline", "--random-seed", "7"],
                                                stdin: answers, in: elsewhere)
        #expect(plain.status == 0, "\(plain.stderr)")
        let written = elsewhere.appendingPathComponent("engine-setup.conf").path
        #expect(plain.stdout.contains("[ INFO  ] Generating answer file '\(written)'"), "\(plain.stdout.suffix(400))")
        let check = try DebianPackage.installed(["answers", "check", "--flow", "engine-setup", "engine-setup.conf"], in: elsewhere)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")

        // The man page where man looks, with the exit codes; completions that complete.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/man") {
            let man = try DebianPackage.run("/usr/bin/man", ["-w", "ovirt-wizard"], in: elsewhere)
            #expect(man.stdout == "/usr/share/man/man1/ovirt-wizard.1.gz\n", "\(man.stdout)\(man.stderr)")
        }
        let page = try DebianPackage.run("/bin/sh", ["-c", "gzip -dc /usr/share/man/man1/ovirt-wizard.1.gz"]).stdout
        #expect(page.contains(".Sh NAME") && page.contains("Exit status") && page.contains("another run holds"))
        #expect(page.contains("ssh run otherwise") || page.contains("Otherwise ssh run"))
        let completion = """
            source /usr/share/bash-completion/completions/ovirt-wizard
            try_complete() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
              COMPREPLY=(); _ovirt-wizard ovirt-wizard "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
              echo "${COMPREPLY[*]}"; }
            try_complete ovirt-wizard pl; try_complete ovirt-wizard ssh r; try_complete ovirt-wizard answers ch
            """
        let completed = try DebianPackage.run("/bin/bash", ["-c", completion], in: elsewhere)
        #expect(completed.stdout == "plain plan\nrun\ncheck\n", "\(completed.stdout)\(completed.stderr)")

        // Removal leaves none of the package's files (directories other packages share stay).
        let remove = try DebianPackage.run("/usr/bin/apt", ["purge", "-y", DebianPackage.name])
        #expect(remove.status == 0, "\(remove.stdout)\(remove.stderr)")
        #expect(!DebianPackage.isInstalled)
        for path in files where path != "/." {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            let ours = !isDirectory.boolValue || path.hasSuffix("/ovirt-wizard") || path.contains("/ovirt-wizard/")
            #expect(!ours, "\(path) is left after apt purge")
        }
    }
}

/// Running things for `DebianPackageTests`: dpkg, apt, and the installed `ovirt-wizard`.
enum DebianPackage {
    static let name = "ovirt-wizard"

    /// Why the package test cannot run here, or nil.
    static let unavailableReason: String? = {
        if geteuid() != 0 { return "installing a .deb needs root (CI runs as root); run as root to test the package" }
        for tool in ["/usr/bin/apt", "/usr/bin/dpkg", "/usr/bin/dpkg-deb", "/usr/bin/objdump"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) is missing"
        }
        if isInstalled { return "the ovirt-wizard package is installed on this machine; the test would replace and remove it" }
        return nil
    }()

    static var isInstalled: Bool {
        let status = try? run("/usr/bin/dpkg-query", ["-W", "-f=${Status}", name])
        return status?.stdout.contains("install ok installed") ?? false
    }

    static func installedFiles() throws -> [String] {
        try run("/usr/bin/dpkg", ["-L", name]).stdout.split(separator: "\n").map(String.init)
    }

    /// `/usr/bin/ovirt-wizard ARGUMENTS` in `directory` with a plain environment; in a mount namespace of its own
    /// with the source tree covered by an empty tmpfs when the system allows it (root outside most containers).
    static func installed(_ arguments: [String], stdin: String = "", in directory: URL) throws -> Wizard.Result {
        let environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": directory.path, "LANG": "C.UTF-8",
                           "TERM": "dumb"]
        if hidingWorks {
            return try run("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c",
                                                "mount -t tmpfs none \"$0\" && exec /usr/bin/ovirt-wizard \"$@\"",
                                                Wizard.repo.path] + arguments,
                           stdin: stdin, in: directory, environment: environment)
        }
        return try run("/usr/bin/ovirt-wizard", arguments, stdin: stdin, in: directory, environment: environment)
    }

    /// Whether a private mount namespace can cover the source tree (it cannot in an unprivileged container; the
    /// installed binary then still finds nothing there, as it searches beside itself and in its working folder).
    static let hidingWorks: Bool = {
        let probe = try? run("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c",
                                                  "mount -t tmpfs none \"$0\" && ! test -e \"$0/Package.swift\"",
                                                  Wizard.repo.path])
        return probe?.status == 0
    }()

    static func run(_ program: String, _ arguments: [String], stdin: String = "", in directory: URL? = nil,
                    environment: [String: String]? = nil) throws -> Wizard.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var base = ProcessInfo.processInfo.environment
        base["DEBIAN_FRONTEND"] = "noninteractive"
        process.environment = environment ?? base
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        // stderr is read on its own thread: apt can fill one pipe while the other is being waited on.
        let errorData = DebianPackage.Collected()
        let reader = Thread { errorData.set(errors.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let err = errorData.wait()
        return Wizard.Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                             stderr: String(decoding: err, as: UTF8.self))
    }

    /// Bytes handed over from a reader thread once it is done.
    final class Collected: Sendable {
        private let done = DispatchSemaphore(value: 0)
        private let box = Mutex(Data())
        func set(_ data: Data) { box.withLock { $0 = data }; done.signal() }
        func wait() -> Data { done.wait(); return box.withLock { $0 } }
    }
}
