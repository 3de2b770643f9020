import ArgumentParser
import Foundation
import WizardCore

/// `--screens DIR` and the lookup of flows, shared by every command that reads `Screens/`.
struct ScreensOptions: ParsableArguments {
    @Option(name: .customLong("screens"), help: ArgumentHelp("Folder of flow files (default: the Screens/ found beside the program).", valueName: "DIR"))
    var directory: String?

    func catalog() throws -> FlowCatalog {
        guard let dir = FlowCatalog.locate(explicit: directory, environment: ProcessInfo.processInfo.environment,
                                           executablePath: CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0] : executablePath(),
                                           currentDirectory: FileManager.default.currentDirectoryPath) else {
            throw CLIError(message: "no Screens/ folder found; give one with --screens DIR or $OVIRT_WIZARD_SCREENS", code: .badInput)
        }
        return FlowCatalog.load(directory: dir)
    }

    func flow(named name: String) throws -> Flow {
        let catalog = try catalog()
        for problem in catalog.problems { printError("warning: \(problem)") }
        guard let flow = catalog.flow(named: name) else {
            let known = catalog.flows.map { "\($0.id) (\($0.version))" }.joined(separator: ", ")
            throw CLIError(message: "no flow named '\(name)' in \(catalog.directory)" + (known.isEmpty ? "" : "; known: \(known)"), code: .badInput)
        }
        return flow
    }

    func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

/// An error the command line reports as one line on stderr, with its exit code.
struct CLIError: Error {
    var message: String
    var code: ExitCode
    /// Printed as it is, without the program name (for `FILE:LINE: message` lines).
    var bare = false
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Runs a command body, turning `CLIError` into a message and an exit code.
func runReportingErrors(_ body: () throws -> Int32) throws {
    do {
        let code = try body()
        if code != 0 { throw ExitCode(code) }
    } catch let error as CLIError {
        printError(error.bare ? error.message : "ovirt-wizard: \(error.message)")
        throw error.code
    }
}
