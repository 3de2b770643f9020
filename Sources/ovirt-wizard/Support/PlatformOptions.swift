import ArgumentParser
import EngineAPI
import Foundation
import OtopiKit
import SSHKit
import WizardCore

/// The platform flow's options (`--flow platform`): the engine answer file, and how to reach and trust the engine,
/// as `engine status` names them.
struct PlatformOptions: ParsableArguments {
    @Option(name: .customLong("engine-answers"), help: ArgumentHelp(
        "platform flow: the engine-setup or hosted-engine answer file of the engine (its FQDN and admin password; the password is not asked).",
        valueName: "FILE"))
    var engineAnswers: String?

    @Option(name: .customLong("engine-port"), help: ArgumentHelp("platform flow: the engine's HTTPS port (the answer PLATFORM/enginePort).", valueName: "N"))
    var enginePort: Int?

    @Option(name: .customLong("engine-address"), help: ArgumentHelp(
        "platform flow: connect to the engine at this address instead of resolving its FQDN; the certificate is still verified against the FQDN.",
        valueName: "ADDRESS"))
    var engineAddress: String?

    @Option(name: .customLong("ca-store"), help: ArgumentHelp(
        "platform flow: where pinned engine CAs are kept (default $XDG_STATE_HOME/ovirt-wizard/engine-ca or ~/.local/state/ovirt-wizard/engine-ca).",
        valueName: "DIR"))
    var caStore: String?

    var isGiven: Bool { engineAnswers != nil || enginePort != nil || engineAddress != nil || caStore != nil }

    /// Refuses the options for another flow, and a port that is not one.
    func check(flow: Flow?) throws {
        if let flow, flow.id != "platform", isGiven {
            throw CLIError(message: "--engine-answers, --engine-port, --engine-address and --ca-store are for --flow platform, not \(flow.id)",
                           code: .badInput)
        }
        if let enginePort, !(1...65535).contains(enginePort) {
            throw CLIError(message: "--engine-port \(enginePort) is not a TCP port (1-65535)", code: .badInput)
        }
        if let engineAnswers, !FileManager.default.isReadableFile(atPath: engineAnswers) {
            throw CLIError(message: "--engine-answers \(engineAnswers): cannot be read", code: .badInput)
        }
    }

    /// What the options answer, typed by the operator on the command line.
    var presets: PlatformPresets {
        PlatformPresets(engineAnswers: engineAnswers.map { URL(fileURLWithPath: $0).standardizedFileURL.path }, enginePort: enginePort)
    }

    func fetcher(offline: Bool, connectOptions: @escaping @Sendable () -> ConnectOptions) -> PlatformFetcher {
        PlatformFetcher(offline: offline, connectOptions: connectOptions, caStore: EngineCAStore(directory: caStore),
                        engineAddress: engineAddress)
    }
}

/// The answers the platform options give (`--engine-answers`, `--engine-port`), put into a platform session.
struct PlatformPresets: Sendable {
    var engineAnswers: String?
    var enginePort: Int?

    func apply(to session: inout FlowSession) {
        guard session.flow.id == "platform" else { return }
        var given: [String: Answer] = [:]
        if let engineAnswers { given[PlatformFacts.engineAnswerFileKey] = Answer(.string(engineAnswers), .operator) }
        if let enginePort { given["PLATFORM/enginePort"] = Answer(.int(enginePort), .operator) }
        if !given.isEmpty { session.accept(given) }
    }
}
