import ArgumentParser
import Deploy
import Foundation
import SSHKit

/// What `plan` and `apply` share: the answer files, where files go on the hosts, how to connect.
struct DeploymentArguments: ParsableArguments {
    @Option(name: .customLong("answers"), help: ArgumentHelp("An answer file written by the wizard (repeatable: one per host).", valueName: "FILE"))
    var answers: [String] = []

    @Option(name: .long, help: ArgumentHelp("Folder for the wizard's files on each host (the host's name is appended).", valueName: "DIR"))
    var remoteDir = "/var/lib/ovirt-wizard"

    @OptionGroup var connection: SSHConnectionArguments

    func inputs() throws -> [DeploymentInput] {
        guard !answers.isEmpty else { throw CLIError(message: "no answer file: give --answers FILE (one per host)", code: 2) }
        var inputs: [DeploymentInput] = []
        var problems: [String] = []
        let options = connection.connectOptions()
        for path in answers {
            do {
                inputs.append(try DeploymentInput(path: URL(fileURLWithPath: path).standardizedFileURL.path, options: options))
            } catch {
                problems.append("\(error)")
            }
        }
        if !problems.isEmpty {
            for p in problems.dropLast() { printError(p) }
            throw CLIError(message: problems.last!, code: 2, bare: true)
        }
        return inputs
    }

    var files: DeploymentFiles { DeploymentFiles(answerFile: answers[0]) }

    /// Connects to every host at once (known_hosts verified), reads its platform; the connections are closed.
    static func probePlatforms(_ inputs: [DeploymentInput]) -> (platforms: [String: HostPlatform], failures: [String]) {
        let results = ProbeResults()
        let group = DispatchGroup()
        for input in inputs {
            group.enter()
            let thread = Thread {
                do {
                    let connection = try input.access.connect()
                    defer { connection.close() }
                    results.set(input.hostName, .success(try HostPlatform.probe(connection)))
                } catch {
                    results.set(input.hostName, .failure(error))
                }
                group.leave()
            }
            thread.start()
        }
        group.wait()
        var platforms: [String: HostPlatform] = [:]
        var failures: [String] = []
        for input in inputs {
            switch results.get(input.hostName) {
            case .success(let platform)?: platforms[input.hostName] = platform
            case .failure(let error)?: failures.append("\(input.hostName): \((error as? SSHError)?.description ?? "\(error)")")
            case nil: failures.append("\(input.hostName): not probed")
            }
        }
        return (platforms, failures)
    }
}

final class ProbeResults: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Result<HostPlatform, Error>] = [:]
    func set(_ host: String, _ value: Result<HostPlatform, Error>) { lock.withLock { values[host] = value } }
    func get(_ host: String) -> Result<HostPlatform, Error>? { lock.withLock { values[host] } }
}
