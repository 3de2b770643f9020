import Foundation
import Testing
@testable import TUI

/// Runs the wizard's loop until `done` holds; probes and host checks post their results from other threads.
func settle(_ runner: AppRunner<WizardApp>, _ done: (WizardState) -> Bool, sourceLocation: SourceLocation = #_sourceLocation) {
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline {
        _ = runner.run(stopWhenIdle: true)
        if done(runner.state) { return }
        Thread.sleep(forTimeInterval: 0.02)
    }
    Issue.record("the wizard did not settle; notice: \(runner.state.notice?.text ?? "none")", sourceLocation: sourceLocation)
}
