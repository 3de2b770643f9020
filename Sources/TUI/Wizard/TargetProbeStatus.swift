import SSHKit
import WizardCore

/// Where the wizard stands with its target host: the probe started last, what it found, and a host key
/// waiting for the operator's decision.
package struct TargetProbeStatus: Sendable {
    /// The target of the probe started last; a new probe starts when the answers name another one.
    package var target: String?
    package var running = false
    /// The probed host's CPU (the CPU check screen shows it).
    package var cpu: HostCPUReport?
    /// Where the CPU came from ("probed on gs1 over SSH").
    package var cpuOrigin: String?
    /// Why there is no CPU yet.
    package var absence: String
    /// Why the host checks were not run: the last probe could not reach the host (the banner says it).
    package var unreachable: String?
    /// Why no version of the flow runs on the probed host: the preview cannot be confirmed until another host
    /// is named.
    package var versionRefused: String?
    /// Replaces the app's offline checker once the host was probed.
    package var checker: (any HostChecker)?
    /// A host key the probe is waiting on; the dialog opens as soon as no other one is open.
    package var pendingHostKey: UnknownHostKey?
    package var hostKeyShown = false
    /// A password (or keyboard-interactive answer, or key passphrase) the probe is waiting on.
    package var pendingCredential: CredentialRequest?
    package var credentialShown = false

    package init(absence: String) { self.absence = absence }
}

/// Messages posted to the wizard's UI loop.
package enum WizardMessage: Sendable {
    /// A saved answer file, or why not.
    case notice(Notice)
    /// The outcome of writing the answers to `path`: `notice` says where, or why not (kind `.error`).
    case saved(path: String, Notice)
    /// The probe met a host key known_hosts does not hold and waits for the operator.
    case hostKey(UnknownHostKey)
    /// The probe needs a password or passphrase and waits for the operator (the answer never enters the state).
    case credential(CredentialRequest)
    case probed(TargetProbeResult)
    /// The host checks of the pending answer `id` ran.
    case checked(id: Int, PrecomputedChecker)
    /// A section's fetch (`FlowFetchSource`) finished; `signature` names the inputs it ran with.
    case fetched(FlowFetchSource, signature: String, FlowFetchResult)
}
