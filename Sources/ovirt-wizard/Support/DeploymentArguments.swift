import ArgumentParser
import Deploy
import Foundation
import OtopiKit
import SSHKit
import WizardCore

/// What `plan` and `apply` share: the answer files, where files go on the hosts, how to connect.
struct DeploymentArguments: ParsableArguments {
    @Option(name: .customLong("answers"), help: ArgumentHelp("An answer file written by the wizard (repeatable: one per host).", valueName: "FILE"))
    var answers: [String] = []

    @Option(name: .long, help: ArgumentHelp("Folder for the wizard's files on each host (the host's name is appended).", valueName: "DIR"))
    var remoteDir = "/var/lib/ovirt-wizard"

    @OptionGroup var connection: SSHConnectionArguments

    @OptionGroup var screens: ScreensOptions

    /// The answer files, each read once, as either the tools' files (one per host) or one file of the gluster
    /// flow. The flow each file names comes from Screens/; a file naming none is read by its key prefixes.
    func source() throws -> DeploymentSource {
        guard !answers.isEmpty else { throw CLIError(message: "no answer file: give --answers FILE (one per host)", code: .badInput) }
        if let path = answers.first, let file = PlatformInput.names(path) {
            // The platform file names its hosts and engine itself (one file for the whole platform).
            guard answers.count == 1 else {
                throw CLIError(message: "\(path) is a platform flow answer file, which describes the whole platform: give it alone, without other --answers files", code: .badInput)
            }
            return .platform(try PlatformInput(path: URL(fileURLWithPath: path).standardizedFileURL.path, file: file,
                                               options: connection.connectOptions()))
        }
        let flows = (try? screens.catalog()) ?? FlowCatalog(directory: "Screens/ (no such folder found)", flows: [])
        var files: [DeploymentAnswerFile] = []
        var problems: [String] = []
        for path in answers {
            do {
                files.append(try DeploymentAnswerFile.load(path: URL(fileURLWithPath: path).standardizedFileURL.path, flows: flows))
            } catch {
                problems.append("\(error)")
            }
        }
        for warning in files.compactMap(\.warning) { printError(warning) }
        if let gluster = files.first(where: \.isGluster) {
            guard answers.count == 1 else {
                throw CLIError(message: "\(gluster.path) is a gluster flow answer file, which describes every Gluster host: give it alone, without other --answers files", code: .badInput)
            }
            do {
                return .gluster(try GlusterDeploymentInput(gluster, options: connection.connectOptions()))
            } catch {
                throw CLIError(message: "\(error)", code: .badInput)
            }
        }
        var inputs: [DeploymentInput] = []
        let options = connection.connectOptions()
        for file in files {
            do {
                inputs.append(try DeploymentInput(file, options: options))
            } catch {
                problems.append("\(error)")
            }
        }
        if !problems.isEmpty {
            for p in problems.dropLast() { printError(p) }
            throw CLIError(message: problems.last!, code: .badInput, bare: true)
        }
        return .tools(inputs)
    }

    var files: DeploymentFiles { DeploymentFiles(answerFile: answers[0]) }

    /// Connects to every host (known_hosts verified), reads its platform; the connections are closed.
    /// `forRootSteps` (apply): a login that becomes root through sudo also gets its sudo password asked and
    /// checked now, before anything runs (the credential cache keeps it for the run).
    static func probePlatforms(_ inputs: [DeploymentInput], forRootSteps: Bool = false) -> (platforms: [String: HostPlatform], failures: [String]) {
        probePlatforms(inputs.flatMap(\.hosts), forRootSteps: forRootSteps)
    }

    static func probePlatforms(_ hosts: [(name: String, access: HostAccess)], forRootSteps: Bool = false) -> (platforms: [String: HostPlatform], failures: [String]) {
        onEveryHost(hosts, forRootSteps: forRootSteps) { try HostPlatform.probe($0) }
    }

    /// Connects to every host and closes again: unknown host keys and passwords are settled before a
    /// full screen takes the terminal (a typed password is kept for the run). The failures, one line each.
    static func checkAccess(_ hosts: [(name: String, access: HostAccess)]) -> [String] {
        onEveryHost(hosts, forRootSteps: true) { _ in () }.failures
    }

    /// Hosts probed at the same time: enough for a whole cluster at once, bounded for a long host list.
    static let probeConcurrency = 16

    /// Runs `body` on a fresh connection to every host, `probeConcurrency` at a time; the connections are closed.
    static func onEveryHost<T: Sendable>(_ hosts: [(name: String, access: HostAccess)], forRootSteps: Bool = false,
                                         _ body: @escaping @Sendable (SSHConnection) throws -> T) -> (platforms: [String: T], failures: [String]) {
        let results = forEachHost(hosts.map(\.access), limit: probeConcurrency) { access -> Result<T, Error> in
            Result {
                let connection = try access.connect(forRootSteps: forRootSteps)
                defer { connection.close() }
                return try body(connection)
            }
        }
        var values: [String: T] = [:]
        var failures: [String] = []
        for ((name, _), result) in zip(hosts, results) {
            switch result {
            case .success(let value): values[name] = value
            case .failure(let error): failures.append("\(name): \((error as? SSHError)?.description ?? "\(error)")")
            }
        }
        return (values, failures)
    }
}
