import Deploy

/// The full-screen progress panes for `apply` on a terminal.
enum DeployPanesRunner {
    static func run(plan: DeploymentPlan, files: DeploymentFiles, options: DeploymentRunner.Options) throws -> Int32 {
        throw CLIError(message: "the full-screen progress panes are not built yet; use apply --plain", code: 2)
    }
}
