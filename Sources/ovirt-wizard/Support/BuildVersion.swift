/// What `--version` prints: the version and the git commit the binary was built from.
///
/// `Packaging/install.sh` stamps its build: it writes `BuildStamp.swift` (ignored by git, removed after the
/// build) and compiles with `-D OVIRT_WIZARD_STAMPED`. Any other build (`swift build`, the test run, a source
/// tree outside git) says `unknown commit`.
enum BuildVersion {
    static let number = "0.1.0"

    static var commit: String {
        #if OVIRT_WIZARD_STAMPED
        return BuildStamp.commit
        #else
        return "unknown commit"
        #endif
    }

    static var text: String { "\(number) (\(commit))" }
}
