import HostOps

/// How a step's command runs detached on the host: in a session of its own (`setsid`), stdin from /dev/null,
/// its output to `logPath` and its exit status to `statusPath`, so that a lost SSH connection (hosted-engine 4.5
/// moving the host's address onto the ovirtmgmt bridge) does not end it. The wizard follows the log from a byte
/// offset and re-attaches after reconnecting (`DetachedRunExecution`). Reference hosted-engine-45.md §9 P7, §10.7.
package struct DetachedRun: Sendable, Equatable {
    /// The command's output (stdout and stderr), on the host.
    package var logPath: String
    /// Written (atomically) with the command's exit status when it ends.
    package var statusPath: String
    /// The PID of the detached shell, which is also its process group and session.
    package var pidPath: String
    /// The digest of the step that started the run, so that a resume re-attaches only to its own run.
    package var stepPath: String

    /// Files named after the step in the wizard's folder on the host.
    package init(directory: String, step: String) {
        let base = directory + "/" + step
        logPath = base + ".log"
        statusPath = base + ".status"
        pidPath = base + ".pid"
        stepPath = base + ".step"
    }

    var fingerprint: String { "detached log=\(logPath) status=\(statusPath) pid=\(pidPath)" }

    /// What a start found or did, the first line the start command prints.
    package enum Start: String, Sendable {
        /// A new run was started.
        case started
        /// A run of the same step was still running: followed, not started again.
        case running
        /// A run of the same step had ended (its status is on the host): read, not started again.
        case ended
    }

    /// Starts `command` detached and prints `started PID`, or, with `attach`, first looks for a run of this step
    /// (same digest) and prints `running PID` or `ended PID` when there is one. Never starts a second run while
    /// one is alive. The PID file is written by the detached shell itself (`setsid` may fork), and waited for.
    package func start(_ command: RemoteCommand, digest: String, attach: Bool) -> RemoteCommand {
        .script(#"""
            log=$1; st=$2; pidf=$3; stepf=$4; digest=$5; attach=$6; shift 6
            pid=$(cat "$pidf" 2>/dev/null)
            if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
              if [ "$(cat "$stepf" 2>/dev/null)" = "$digest" ]; then echo "running $pid"; exit 0; fi
              echo "another detached run (PID $pid, $(cat "$stepf" 2>/dev/null)) is still running; its log: $log" >&2; exit 1
            fi
            if [ "$attach" = yes ] && [ -r "$st" ] && [ "$(cat "$stepf" 2>/dev/null)" = "$digest" ]; then echo "ended $pid"; exit 0; fi
            rm -f -- "$st" "$st.part" "$pidf"
            printf '%s\n' "$digest" > "$stepf" || exit 1
            : > "$log" || exit 1
            setsid sh -c 'echo $$ > "$1"; shift; "$@"; echo $? > "$0.part"; mv -f -- "$0.part" "$0"' "$st" "$pidf" "$@" \
              < /dev/null >> "$log" 2>&1 &
            n=0
            while [ ! -s "$pidf" ]; do
              n=$((n + 1)); [ "$n" -gt 300 ] && { echo "the detached run did not write $pidf within 30 s" >&2; exit 1; }
              sleep 0.1
            done
            echo "started $(cat "$pidf")"
            """#, arguments: [logPath, statusPath, pidPath, stepPath, digest, attach ? "yes" : "no"] + command.argv)
    }

    /// Prints the log from byte `offset` (0-based) on, following it until the detached shell has ended; then
    /// exits 0 when its status file is there, 3 when the run ended without one (killed).
    package func follow(from offset: Int64) -> RemoteCommand {
        .script(#"""
            log=$1; st=$2; pidf=$3; off=$4
            pid=$(cat "$pidf" 2>/dev/null)
            [ -n "$pid" ] || { echo "$pidf is missing: the detached run was never started" >&2; exit 3; }
            tail -c +"$((off + 1))" --pid="$pid" -f -- "$log" || exit 2
            [ -r "$st" ] && exit 0
            echo "the detached run (PID $pid) ended without writing its exit status to $st (it was killed)" >&2; exit 3
            """#, arguments: [logPath, statusPath, pidPath, String(offset)])
    }

    /// Prints the exit status the run wrote.
    package var readStatus: RemoteCommand { RemoteCommand(["cat", statusPath]) }

    /// Ends the detached run: TERM to its whole process group (the tool and everything it started).
    package var terminate: RemoteCommand {
        .script(#"pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] && kill -TERM "-$pid""#, arguments: [pidPath])
    }
}
