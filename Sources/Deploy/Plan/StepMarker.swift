import HostOps

/// The wizard's marker on a host: a file holding a step's digest, left after a step whose effect no cheap command
/// can read back (a tool run, mkfs) succeeded. `apply` and the Ansible export write and check it the same way, so
/// either one sees what the other did.
package enum StepMarker {
    /// Writes `digest` into the marker at `path` (beside it first, then renamed: a half-written marker never counts).
    package static func write(path: String, digest: String) -> RemoteCommand {
        .script(#"printf '%s\n' "$2" > "$1.tmp" && mv -f "$1.tmp" "$1""#, arguments: [path, digest])
    }

    /// Exits 0 when the marker at `path` holds exactly `digest`.
    package static func holds(path: String, digest: String) -> RemoteCommand {
        .script(#"[ -f "$1" ] && [ "$(cat -- "$1")" = "$2" ]"#, arguments: [path, digest])
    }
}
