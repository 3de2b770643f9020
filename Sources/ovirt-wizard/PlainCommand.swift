import ArgumentParser
struct PlainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plain", abstract: "Not built yet.")
    func run() throws { throw ValidationError("ovirt-wizard plain is not built yet") }
}
struct AnswersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "answers", abstract: "Not built yet.")
    func run() throws { throw ValidationError("ovirt-wizard answers is not built yet") }
}
struct FlowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "flows", abstract: "Not built yet.")
    func run() throws { throw ValidationError("ovirt-wizard flows is not built yet") }
}
