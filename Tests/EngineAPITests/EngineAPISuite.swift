import Testing

/// Every engine test runs one after another: each starts its own fake engine (a Python process with the oVirt SDK
/// and a fresh PKI), and dozens of them at once would only slow down the rest of the test run on a small machine.
@Suite(.serialized) enum EngineAPISuite {}
