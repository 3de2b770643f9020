import ArgumentParser
import Deploy
import Foundation
import SSHKit
import WizardCore

/// After the preview: when the answers name a target host, the wizard offers to run them there at once
/// (the same `apply` with its panes), or says how to do it later.
func offerApply(answerFile path: String, flows: FlowCatalog) throws -> Int32 {
    guard let input = try? DeploymentInput(path: path, flows: flows, options: ConnectOptions()) else { return 0 }
    print("Dry run: ovirt-wizard plan --answers \(path)")
    let hosts = input.hosts.map(\.name).joined(separator: ", ")
    print("Run it on \(hosts): ovirt-wizard apply --answers \(path)")
    guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { return 0 }
    print("Run \(input.tool.rawValue) on \(hosts) now? (Yes, No) [No]: ", terminator: "")
    fflush(nil)
    guard let reply = readLine()?.trimmingCharacters(in: .whitespaces).lowercased(), reply == "yes" || reply == "y" else { return 0 }
    let apply = try ApplyCommand.parse(["--answers", path, "--screens", flows.directory])
    do {
        try apply.run()
        return 0
    } catch let exit as ExitCode {
        return exit.rawValue
    }
}
