/// Takes the runner's events. A sink that throws stops the run (the journal could not record a step).
/// Called on the hosts' threads, one event at a time per host, in the order the host run emits them.
protocol RunSink {
    func take(_ event: RunEvent) throws
}

/// The caller's event handler (the panes, `--plain` lines, a test's recorder).
struct EventHandlerSink: RunSink {
    let handle: @Sendable (RunEvent) -> Void
    func take(_ event: RunEvent) { handle(event) }
}
