import ArgumentParser
import WizardCore

struct FlowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flows", abstract: "List the question flows found in Screens/.")

    @OptionGroup var screens: ScreensOptions

    func run() throws {
        try runReportingErrors {
            let catalog = try screens.catalog()
            for flow in catalog.flows {
                let file = flow.source.split(separator: "/").last.map(String.init) ?? flow.source
                print("\(flow.id.padding(16)) \(flow.version.padding(6)) \(flow.title)  [\(file)]")
            }
            for problem in catalog.problems { printError(problem.description) }
            if catalog.flows.isEmpty { printError("ovirt-wizard: no flow files in \(catalog.directory)") }
            return catalog.problems.isEmpty && !catalog.flows.isEmpty ? 0 : 1
        }
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
