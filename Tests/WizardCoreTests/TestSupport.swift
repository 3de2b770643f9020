import Foundation
import OtopiKit
@testable import WizardCore

/// The repository's folders, found from this file.
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let screens = root.appendingPathComponent("Screens").path
    static let seed = root.appendingPathComponent("Tests/Fixtures/seed")

    static func flow(_ name: String) throws -> Flow {
        try FlowLoader.load(path: "\(screens)/\(name).yaml")
    }

    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: seed.appendingPathComponent(name), encoding: .utf8)
    }

    static func fixtureLines(_ name: String) throws -> [String] {
        try fixture(name).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
}

/// Answers from a script, output captured; prompts are what was written without a newline.
final class ScriptedIO: DialogIO {
    var input: [String]
    var output = ""
    var prompts: [String] = []
    var hiddenPrompts: [String] = []
    let color = false

    init(_ input: [String]) { self.input = input }
    convenience init(text: String) {
        self.init(text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init))
    }

    func write(_ text: String) {
        output += text
        if !text.hasSuffix("\n") {
            prompts.append(String(text.dropFirst(10)))
        }
    }

    func readLine(hidden: Bool) -> String? {
        if hidden { hiddenPrompts.append(prompts.last ?? "") }
        guard !input.isEmpty else { return nil }
        let line = input.removeFirst()
        output += (hidden ? "" : line) + "\n"
        return line
    }

    var lines: [String] { output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    var titles: [String] { lines.filter { $0.hasPrefix("          --== ") }.map { String($0.dropFirst(10)) } }
    func errors() -> [String] { lines.filter { $0.hasPrefix("[ ERROR ]") } }
}

/// A checker whose answers the test decides (host checks run on a real host in Deploy's tests).
struct ScriptedChecker: HostChecker {
    var outcomes: [String: CheckOutcome]
    func run(check: String, value: String, answers: Answers) -> CheckOutcome {
        outcomes[check] ?? .passed
    }
}

extension FlowSession {
    static func offline(_ flow: Flow, seed: UInt64 = 1) -> FlowSession {
        FlowSession(flow: flow, offline: true, randomSeed: seed)
    }
}
