import Foundation
import OtopiKit

/// The hosted-engine 4.5 pause at a lock file (reference hosted-engine-45.md §5.5, §9 P1): the host was added to
/// the bootstrap engine but is not up, and the deploy waits (up to 24 h) until the file is removed.
package struct LockFilePause: Sendable, Equatable {
    /// `/tmp/ansible.XXXX_he_setup_lock` on the host.
    package var lockFile: String
    /// What the engine said about the host (`The host has been set in non_operational status, …`), if printed.
    package var reason: String?
    /// `https://<host>:6900/ovirt-engine/`, the bootstrap engine, if printed.
    package var engineURL: String?
}

package enum LockPauseDecision: Sendable, Equatable {
    /// The operator fixed the host: the wizard removes the lock file and the deploy goes on.
    case proceed
    /// The wizard ends the deploy.
    case abort
    /// Nobody decides (the wizard is being stopped): the deploy stays paused on the host, the lock file in place.
    case leave
}

/// Reads hosted-engine 4.5's console (otopi lines, with Ansible's task lines relayed as INFO) for what the panes
/// and the plain lines show: milestones in the order of §5.4, Ansible's stderr as warnings (§9 P9: not fatal),
/// the fatal task with its message, and the lock-file pause. Pure and incremental, one line at a time.
package struct HostedEngine45Console: Sendable {
    /// The milestones of a successful deploy (§5.4, without the storage and disk-size questions, which the
    /// answer file answers): a stage, a message prefix, or a task name (any role).
    package static let milestones: [(name: String, match: Match)] = [
        ("Environment customization", .stage("Environment customization")),
        ("Checking network interfaces", .message("Checking available network interfaces")),
        ("Setup validation", .stage("Setup validation")),
        ("Closing up", .stage("Closing up")),
        ("Cleaning previous attempts", .message("Cleaning previous attempts")),
        ("Starting local VM", .message("Starting local VM")),
        ("Create local VM", .task("Create local VM")),
        ("Wait for the local VM", .task("Wait for the local VM")),
        ("Run engine-setup", .task("Run engine-setup with answerfile")),
        ("Bootstrap engine reachable", .message("The bootstrap engine is temporarily accessible via")),
        ("Add host", .task("Add host")),
        ("Wait for the host to be up", .task("Wait for the host to be up")),
        ("Creating Storage Domain", .message("Creating Storage Domain")),
        ("Activate storage domain", .task("Activate storage domain")),
        ("Creating Target VM", .message("Creating Target VM")),
        ("Add HE disks", .task("Add HE disks")),
        ("Copy local VM disk to shared storage", .task("Copy local VM disk to shared storage")),
        ("Start ovirt-ha-agent", .task("Start ovirt-ha-agent service on the host")),
        ("Check engine VM health", .task("Check engine VM health")),
        ("Clean up", .stage("Clean up")),
        ("Cleaning temporary resources", .message("Cleaning temporary resources")),
        ("Generating answer file", .message("Generating answer file")),
        ("Termination", .stage("Termination")),
        ("Hosted Engine successfully deployed", .message("Hosted Engine successfully deployed")),
    ]

    package enum Match: Sendable, Equatable {
        case stage(String), message(String), task(String)
    }

    package enum Event: Sendable, Equatable {
        /// Milestone `ordinal` (1-based) of `milestones.count` reached.
        case milestone(ordinal: Int, name: String)
        /// Not fatal: Ansible's stderr relayed as `[ ERROR ] b'…'`, or another ERROR/WARNING line.
        case warning(String)
        /// A task failed (`fatal: … FAILED!`, `failed: …`, `UNREACHABLE!`): its name and Ansible's message.
        case taskFailed(task: String?, message: String)
        case lockFilePause(LockFilePause)
        /// Any other ERROR line (`Failed to execute stage …`, `Hosted Engine deployment failed …`).
        case error(String)
    }

    package private(set) var milestone = 0
    /// The task running now (`TASK [role : name]`).
    package private(set) var task: String?
    /// The first failed task and its message: the cause; the role's rescue prints a generic second one.
    package private(set) var firstFailure: (task: String?, message: String)?
    var nonOperational: String?
    var engineURL: String?

    package init() {}

    package static var milestoneCount: Int { milestones.count }

    /// What one (masked) console line means; most lines mean nothing here.
    package mutating func feed(_ rawLine: String) -> [Event] {
        guard let (level, message) = Self.logLine(rawLine) else { return [] }
        var events: [Event] = []
        if level == "INFO" {
            if let name = Self.taskName(message) {
                task = name
                if let lock = Self.lockFile(inTask: name) {
                    events.append(.lockFilePause(LockFilePause(lockFile: lock, reason: nonOperational, engineURL: engineURL)))
                }
            } else if message.contains("has been set in non_operational status") {
                nonOperational = message
            } else if message.hasPrefix("You can now connect to https://"), let url = Self.firstURL(message) {
                engineURL = url
            } else if message.hasPrefix("The bootstrap engine is temporarily accessible via "), let url = Self.firstURL(message) {
                engineURL = url
            }
            if let reached = reachedMilestone(message) { events.append(.milestone(ordinal: reached, name: Self.milestones[reached - 1].name)) }
        } else if level == "ERROR" {
            if message.hasPrefix("b'") || message.hasPrefix("b\"") {
                events.append(.warning("Ansible said (not fatal): " + Self.bytesText(message)))
            } else if let failure = Self.failedTask(message) {
                if firstFailure == nil { firstFailure = (task, failure) }
                events.append(.taskFailed(task: task, message: failure))
            } else {
                events.append(.error(message))
            }
        } else if level == "WARNING" {
            events.append(.warning(message))
        }
        return events
    }

    /// The failure the run ended with, in words: the first failed task and its message.
    package var failureSummary: String? {
        guard let firstFailure else { return nil }
        return (firstFailure.task.map { "task '\($0)' failed: " } ?? "a task failed: ") + firstFailure.message
    }

    mutating func reachedMilestone(_ message: String) -> Int? {
        let stage = message.hasPrefix("Stage: ") ? String(message.dropFirst("Stage: ".count)) : nil
        let taskName = Self.taskName(message)
        for index in milestone..<Self.milestones.count {
            let hit: Bool
            switch Self.milestones[index].match {
            case .stage(let name): hit = stage == name
            case .message(let prefix): hit = message.hasPrefix(prefix)
            case .task(let name): hit = taskName == name
            }
            if hit {
                milestone = index + 1
                return milestone
            }
        }
        return nil
    }

    /// `[ INFO  ] text` → ("INFO", "text"), colours removed.
    static func logLine(_ line: String) -> (String, String)? {
        var text = Substring(line)
        if text.contains("\u{1B}") { text = Substring(text.replacingOccurrences(of: #"\u{1B}\[[0-9;]*m"#, with: "", options: .regularExpression)) }
        guard text.first == "[", let close = text.firstIndex(of: "]") else { return nil }
        let level = text[text.index(after: text.startIndex)..<close].trimmingCharacters(in: .whitespaces)
        guard ["INFO", "WARNING", "ERROR", "CRITICAL"].contains(level) else { return nil }
        var rest = text[text.index(after: close)...]
        if rest.first == " " { rest = rest.dropFirst() }
        return (level == "CRITICAL" ? "ERROR" : level, String(rest))
    }

    /// `TASK [ovirt.ovirt.hosted_engine_setup : Add host]` → `Add host`.
    static func taskName(_ message: String) -> String? {
        guard message.hasPrefix("TASK ["), message.hasSuffix("]") else { return nil }
        let inner = message.dropFirst("TASK [".count).dropLast()
        if let separator = inner.range(of: " : ") { return String(inner[separator.upperBound...]) }
        return String(inner)
    }

    /// `Pause execution until /tmp/ansible.X_he_setup_lock is removed, delete it once ready to proceed` → the path.
    static func lockFile(inTask name: String) -> String? {
        guard name.hasPrefix("Pause execution until ") else { return nil }
        let path = name.dropFirst("Pause execution until ".count).prefix { $0 != " " }
        return path.hasPrefix("/") ? String(path) : nil
    }

    /// `fatal: [localhost]: FAILED! => {"msg": "…"}` → the message (or the JSON when it has no `msg`).
    static func failedTask(_ message: String) -> String? {
        let isFailure = message.hasPrefix("fatal: [") || message.hasPrefix("failed: [")
        guard isFailure, let arrow = message.range(of: "=> ") else { return nil }
        let json = String(message[arrow.upperBound...])
        if let data = json.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            if let msg = object["msg"] as? String { return msg.trimmingCharacters(in: .whitespacesAndNewlines) }
            if let stderr = object["stderr"] as? String, !stderr.isEmpty { return stderr.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        return json
    }

    /// `b'[DEPRECATION WARNING]: … \n'` → the text inside.
    static func bytesText(_ message: String) -> String {
        var text = message.dropFirst(2)
        if let last = text.last, last == "'" || last == "\"" { text = text.dropLast() }
        return text.replacingOccurrences(of: "\\n", with: " ").trimmingCharacters(in: .whitespaces)
    }

    static func firstURL(_ message: String) -> String? {
        guard let start = message.range(of: "https://") else { return nil }
        let url = message[start.lowerBound...].prefix { !$0.isWhitespace }
        return String(url.hasSuffix(".") || url.hasSuffix(",") ? url.dropLast() : url)
    }
}
