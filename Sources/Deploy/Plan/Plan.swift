import Crypto
import EngineAPI
import Foundation
import HostOps
import OtopiKit
import SSHKit

/// Everything one `apply` does: one ordered list of steps per host. `plan` prints exactly this; `apply` runs it.
package struct DeploymentPlan: Sendable {
    package var hosts: [HostPlan]
    /// What the operator must have confirmed by name before apply may run (the disks a Gluster plan wipes).
    package var confirmations: [Confirmation] = []
    /// Why apply refuses to run as the confirmations stand (a disk not confirmed, a confirmation naming nothing).
    package var confirmationProblem: String?
    /// Read-only checks run on a host once every host finished (a Gluster volume's info and status).
    package var finalChecks: [FinalCheck] = []
    /// The planner's warnings, shown with the plan.
    package var warnings: [String] = []
    /// The engine the plan's engine steps talk to (the platform flow); nil for plans without any.
    package var engine: EngineTarget?

    package init(hosts: [HostPlan]) { self.hosts = hosts }

    package func host(named name: String) -> HostPlan? { hosts.first { $0.name == name } }

    /// Each host's answer file, by host name.
    package var answerFiles: [String: String] {
        Dictionary(hosts.map { ($0.name, $0.answerFile) }, uniquingKeysWith: { first, _ in first })
    }
}

/// Something destructive the operator confirms by name (`HOST:DEVICE` for a disk a Gluster plan wipes).
package struct Confirmation: Sendable, Equatable {
    package var host: String
    package var token: String
    /// What happens to it (`/dev/sdb → /dev/sdb1 at /gluster_brick0`).
    package var effect: String
    package var confirmed: Bool
    /// Where the operator confirms it (`GLUSTER/destroyDevices`).
    package var source: String
}

/// A read-only operation run after every host finished, whose output the caller parses and reports.
package struct FinalCheck: Sendable, Equatable {
    package var host: String
    package var operation: HostOperation
    package var purpose: String
}

/// The steps for one host, in order.
package struct HostPlan: Sendable {
    /// How the host is named in progress lines, the journal and log file names (the `OVIRT_WIZARD/host` answer).
    package var name: String
    package var tool: DeployTool
    package var access: HostAccess
    /// The answer file this host's plan came from.
    package var answerFile: String
    /// Where the wizard keeps its files on the host (the uploaded answer file, step markers).
    package var remoteDirectory: String
    package var platform: HostPlatform
    package var steps: [PlanStep]
    /// Replaces the answers' secrets in any output line before it is logged or shown.
    package var masker: SecretMasker
    /// Set on a hosted-engine engine VM's plan: it runs from its host's engine-installation loop, not with the
    /// other hosts.
    package var engineVM: EngineVMRole?

    package init(name: String, tool: DeployTool, access: HostAccess, answerFile: String, remoteDirectory: String,
                platform: HostPlatform, steps: [PlanStep], secretValues: [String]) {
        self.name = name
        self.tool = tool
        self.access = access
        self.answerFile = answerFile
        self.remoteDirectory = remoteDirectory
        self.platform = platform
        self.steps = steps
        self.masker = SecretMasker(secretValues)
    }
}

/// Secret values to hide in output; its printed form shows none of them.
package struct SecretMasker: Sendable, CustomStringConvertible {
    private let values: [String]
    /// Each value's bytes when it is all ASCII (nil otherwise), for the byte search in `occurs`.
    private let asciiValues: [[UInt8]?]
    package init(_ values: [String]) {
        // Longest first, so that a secret containing another is masked whole; very short values would mask noise.
        self.values = Array(Set(values.filter { $0.count >= 3 })).sorted { $0.count > $1.count }
        asciiValues = self.values.map { value in value.utf8.allSatisfy { $0 < 0x80 } ? Array(value.utf8) : nil }
    }
    package func mask(_ line: String) -> String {
        guard !values.isEmpty else { return line }
        var out = line
        // The mask is ASCII, so an ASCII line stays ASCII after a replacement.
        let asciiLine = Self.isASCII(out)
        for (value, ascii) in zip(values, asciiValues) {
            let found: Bool
            if asciiLine, let ascii { found = Self.occurs(ascii, in: out) } else { found = out.contains(value) }
            if found { out = out.replacingOccurrences(of: value, with: Secrets.mask) }
        }
        return out
    }

    /// `mask` on each line. Lines without any secret (nearly all) stay as they are; when every secret and the
    /// block are ASCII, one byte search over the block decides that for all its lines at once.
    package func mask(_ block: OutputLines) -> OutputLines {
        guard !values.isEmpty else { return block }
        if asciiValues.allSatisfy({ $0 != nil }), Self.isASCII(block.text),
           !asciiValues.contains(where: { Self.occurs($0!, in: block.text) }) {
            return block
        }
        let lines = block.lines
        let masked = lines.map(mask)
        return masked == lines ? block : OutputLines(masked)
    }

    // Foundation's `contains` (which also matches canonically equivalent text) costs microseconds a line and
    // capped a host's output near 9-35 MB/s (Benchmarks/pane.sh). An ASCII secret in an ASCII line can only match
    // byte for byte, so a byte search decides there; any other pair still goes through Foundation.

    static func isASCII(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { bytes in bytes.allSatisfy { $0 < 0x80 } } ?? text.utf8.allSatisfy { $0 < 0x80 }
    }

    /// Whether `needle` occurs in `text`'s UTF-8, byte for byte.
    static func occurs(_ needle: [UInt8], in text: String) -> Bool {
        guard !needle.isEmpty else { return true }
        var text = text
        return text.withUTF8 { haystack in
            needle.withUnsafeBytes { ByteSearch.firstOffset(of: $0, in: UnsafeRawBufferPointer(haystack)) != nil }
        }
    }

    package var description: String { "SecretMasker(\(values.count) values)" }
}

package enum DeployTool: String, Sendable, Codable {
    case engineSetup = "engine-setup"
    case hostedEngine = "hosted-engine"
    /// A Gluster volume's plan (`Screens/gluster.yaml`): host setup, brick preparation, the volume.
    case gluster = "gluster"
    /// A plan read with `apply --plan`: commands and uploads, no oVirt tool.
    case generic = "plan"
    /// An export storage domain's directories and files (`Screens/export-domain.yaml`, `export-domain create`).
    case exportDomain = "export-domain"
    /// The platform through the engine's REST API (`Screens/platform-*.yaml`): hosts and storage domains.
    case platform = "platform"

    /// The package that brings the tool.
    package var package: String {
        switch self {
        case .engineSetup: return "ovirt-engine"
        case .hostedEngine: return "ovirt-hosted-engine-setup"
        case .gluster: return "glusterfs-server"
        case .generic, .exportDomain, .platform: return "(none)"
        }
    }
}

/// One step: what it runs, whether it changes the host, how to tell afterwards that it is done.
package struct PlanStep: Sendable {
    /// Stable identifier within the host's plan (`install-packages`), used by the journal.
    package var id: String
    /// What the operator reads (`Install ovirt-engine`).
    package var title: String
    package var action: StepAction
    /// False for checks that only read.
    package var changesHost: Bool
    /// A cheap read-only command that exits 0 when the step's effect is in place (`rpm -q ovirt-engine`).
    /// nil: the step is verified by running it again (read-only checks) or by the wizard's marker on the host.
    package var probe: Probe
    /// Whether the operator may skip the step after a failure (e.g. a repository added by hand).
    package var skipIsSafe: Bool
    /// Why skipping is or is not safe, shown with the failure choices.
    package var skipNote: String
    /// Steps on other hosts that must have finished first (`host`, `step id`).
    package var waitsFor: [StepReference]
    /// Seconds after which the command is stopped; nil for the tools, which may run for an hour.
    package var timeout: Double?
    /// Bytes written to a `run` command's standard input (then EOF); nil: stdin is closed at once.
    package var stdin: [UInt8]? = nil
    /// Whether the step (its commands, upload or fetch, and its probe) runs as root: through sudo when the login
    /// user is not root (`HostAccess.become`). False for reads that need no root (`check-os`, `check-fqdn`).
    /// Not part of the digest: how the host is reached does not change what the step does.
    package var runsAsRoot = true
    /// Set on hosted-engine's step when the wizard sets up the engine in the VM: at the tool's engine-installation
    /// loop the runner runs the VM's steps and answers 1 only after engine-setup succeeded there.
    package var engineVM: EngineVMRole? = nil
    /// Set for a `run` that must outlive the SSH connection (hosted-engine 4.5): it runs detached on the host and
    /// the wizard follows its log and exit status, re-attaching after a reconnect. Enters the digest only when set.
    package var detached: DetachedRun? = nil

    /// What the step is, as one string: the journal keeps it so a resume only trusts a step that has not changed.
    package var digest: String {
        var text = "\(id)\n\(action.fingerprint)\n\(probe.fingerprint)"
        if let stdin {
            // Text as it is (the digests of text steps stay what they were); other bytes by their hash.
            if let shown = String(bytes: stdin, encoding: .utf8) { text += "\nstdin " + shown } else { text += "\nstdin sha256 " + sha256Hex(stdin) }
        }
        text += "\n" + waitsFor.map(\.description).joined(separator: ",")
        if let engineVM { text += "\nengine VM " + engineVM.description }
        if let detached { text += "\n" + detached.fingerprint }
        return SHA256.hash(data: Data(text.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}

func sha256Hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: Data(bytes)).map { String(format: "%02x", $0) }.joined()
}

package struct StepReference: Sendable, Equatable, CustomStringConvertible {
    package var host: String
    /// A step id, or nil for "every step of that host".
    package var step: String?
    package init(host: String, step: String?) {
        self.host = host
        self.step = step
    }
    package var description: String { step.map { "\(host)/\($0)" } ?? "\(host) (all steps)" }
}

package enum StepAction: Sendable {
    /// A command. `otopi`: its output is otopi's console (Stage lines drive the progress bar); `interactive`:
    /// stdin stays open so that prompts can be answered.
    case run(RemoteCommand, otopi: Bool, interactive: Bool)
    /// A file to put on the host.
    case upload(Upload)
    /// Files the tool reported (its generated answer file, its log) copied back beside the local answer file.
    case fetchResults(fromStep: String)
    /// A typed host operation: its commands in order, the first fed the operation's input bytes.
    case operation(HostOperation)
    /// A call to the engine's REST API (or an SSH step fed by the engine), run through the plan's `EngineTarget`.
    case engine(EngineStep, version: EngineAPIVersion)

    package var fingerprint: String {
        switch self {
        case let .run(command, otopi, interactive): return "run \(command.commandLine) otopi=\(otopi) interactive=\(interactive)"
        case .operation(let operation):
            let commands = operation.commands
            // One command without input reads as the `run` it replaces, so plans keep their digests.
            if commands.count == 1 && operation.input.isEmpty { return StepAction.run(commands[0], otopi: false, interactive: false).fingerprint }
            var text = "operation " + commands.map(\.commandLine).joined(separator: "\n")
            if !operation.input.isEmpty { text += "\ninput sha256 " + sha256Hex(operation.input) }
            return text
        case .upload(let upload):
            // The masked text, never a hash of the real one: a digest of content with a password in it could be
            // used to test password guesses. A changed password is still caught on resume by the hash probe.
            let content: String
            switch upload.source {
            case .generated(_, let shown): content = shown
            case .localFile(let path): content = path
            case .composed(let c): content = "from \(c.baseHost)/\(c.baseStep)\n\(c.shown)"
            }
            return "upload \(upload.remotePath) mode=\(String(upload.mode, radix: 8)) \(content)"
        case .fetchResults(let step): return "fetch \(step)"
        case let .engine(step, version): return step.fingerprint(version: version)
        }
    }
}

package struct Upload: Sendable {
    package enum Source: Sendable, CustomStringConvertible {
        /// Made by the wizard; `text` may hold secrets and goes only into the uploaded file. `shown` is masked.
        case generated(text: String, shown: String)
        /// A local file (an installation ISO).
        case localFile(String)
        /// Put together while the plan runs from an answer file another host's tool generated (hosted-engine's
        /// additional hosts: the first host's answers.conf and the wizard's lines over it).
        case composed(ComposedAnswerFile)

        package var description: String {
            switch self {
            case .generated: return "generated"
            case .localFile(let path): return path
            case .composed(let c): return "the answer file \(c.baseHost) generated, with the wizard's lines"
            }
        }
    }

    package var source: Source
    package var remotePath: String
    package var mode: Int32
    /// SHA-256 of the content when known at plan time (generated files); a local file is hashed when it runs.
    package var sha256: String?
}

/// How a step is verified when a run resumes.
package enum Probe: Sendable {
    /// Exit 0 means done.
    case command(RemoteCommand)
    /// The remote file's SHA-256 matches the upload's.
    case remoteHashMatches
    /// The marker the wizard leaves on the host after the step succeeded holds the step's digest.
    case marker(path: String)
    /// Files fetched to this machine exist.
    case localFiles
    /// No probe: on resume the step runs again (generic plans whose steps name no probe).
    case rerun
    /// hosted-engine's HA agent is configured with this Host ID: `host_id=N` in `hosted-engine.conf`, in the
    /// folder of the answer file the tool reported (`/etc/ovirt-hosted-engine/` on a real host), or in
    /// `configDirectory` when it reported none.
    case hostedEngineHostID(Int, configDirectory: String)
    /// The engine's state read through its API (host up, domain active in the data center).
    case engine(EngineProbe)

    var fingerprint: String {
        switch self {
        case .command(let c): return "probe \(c.commandLine)"
        case .remoteHashMatches: return "probe sha256"
        case .marker(let path): return "probe marker \(path)"
        case .localFiles: return "probe local files"
        case .rerun: return "probe none (runs again)"
        case let .hostedEngineHostID(id, directory): return "probe host_id=\(id) in hosted-engine.conf (\(directory))"
        case .engine(let probe): return "probe engine: " + probe.fingerprint
        }
    }
}

extension PlanStep {
    /// The command line shown to the operator (dry run, failures); secrets never appear in commands.
    package var shownAction: String {
        switch action {
        case .run(let command, _, _):
            guard let detached else { return command.commandLine }
            return command.commandLine + "  (detached on the host: output to \(detached.logPath), exit status to \(detached.statusPath))"
        case .operation(let operation): return operation.commands.map(\.commandLine).joined(separator: " && ")
        case .upload(let upload):
            let what: String
            switch upload.source {
            case .generated: what = "(generated answer file)"
            case .localFile(let path): what = path
            case .composed(let c): what = "(the answer file \(c.baseHost) generated, with this host's lines)"
            }
            return "upload \(what) -> \(upload.remotePath) (mode \(String(upload.mode, radix: 8)))"
        case .fetchResults(let step): return "fetch the answer file and log that \(step) reported"
        case let .engine(step, version): return step.request(version: version).first ?? ""
        }
    }

    package var shownProbe: String {
        switch probe {
        case .command(let c): return c.commandLine
        case .remoteHashMatches: return "sha256sum of the remote file matches"
        case .marker(let path): return "the wizard's marker \(path) holds this step's digest"
        case .localFiles: return "the fetched files exist locally"
        case .rerun: return "none: the step runs again on resume"
        case let .hostedEngineHostID(id, directory):
            return "host_id=\(id) in \(directory)/hosted-engine.conf (the folder of the answer file hosted-engine reports)"
        case .engine(let probe): return "the engine: " + probe.fingerprint
        }
    }
}
