import Foundation

/// The Python virtual environment the README's test command creates (`.venv` at the repository root, from
/// `Tests/python-requirements.txt`). Tests that run a Python tool (ansible-playbook, the engine SDK) take it
/// from here, so the tool's version is the one the requirements pin, not whatever the machine has.
package enum TestVenv {
    package struct Missing: Error, CustomStringConvertible {
        package let path: String
        package var description: String {
            "\(path) is missing: create the test venv first (the README's test command does: "
                + "python3 -m venv .venv && .venv/bin/pip install -r Tests/python-requirements.txt)"
        }
    }

    /// The repository root: this file is Sources/LabHosts/TestVenv.swift.
    package static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The path of an executable of the venv (`python`, `ansible-playbook`, …); throws `Missing` naming it.
    package static func executable(_ name: String) throws -> String {
        let path = repository.appendingPathComponent(".venv/bin/\(name)").path
        guard FileManager.default.isExecutableFile(atPath: path) else { throw Missing(path: path) }
        return path
    }
}
