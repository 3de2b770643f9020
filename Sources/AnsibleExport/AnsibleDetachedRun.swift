import Deploy
import HostOps

/// A step whose command runs detached on the host (`PlanStep.detached`: hosted-engine 4.5's deploy) as the export
/// runs it: started by the same `DetachedRun.start` command as `apply`, so its output, exit status, PID and step
/// digest are in the same files, then polled on those files. A run of the step that is still going is followed
/// and never started twice (whichever of `apply` and `ansible-playbook` started it); a run that ended with status
/// 0 is read and not started again (a control connection that dropped before the marker was written); a run that
/// failed is started anew, as `apply` starts a failed step again.
extension AnsibleStep {
    /// How often ssh is tried again when the connection drops while the run is started or polled (the ovirtmgmt
    /// bridge taking the host's address); Ansible pauses 0, 1, 3, 7, 15, then 30 s between tries (about 8 min).
    static let detachedSSHRetries = 20

    static func detachedValues(_ step: PlanStep, command: RemoteCommand, detached: DetachedRun, host: HostPlan,
                               at: String) throws -> [(String, YAMLValue)] {
        var probe: YAMLValue = .null
        var mark: YAMLValue = .null
        switch step.probe {
        case .marker(let path):
            probe = .unsafe(StepMarker.holds(path: path, digest: step.digest).commandLine)
            mark = .unsafe(StepMarker.write(path: path, digest: step.digest).commandLine)
        case .command(let check):
            probe = .unsafe(check.commandLine)
        case .rerun:
            break
        default:
            throw AnsibleExportProblem("\(at): a detached run verified by \(step.shownProbe) has no Ansible form")
        }
        let tool = command.argv.first ?? "the command"
        let advice = tool == "hosted-engine"
            ? "before deploying again run ovirt-hosted-engine-cleanup -q on \(host.name) and empty the hosted-engine storage" : ""
        return [
            ("command", .unsafe(command.commandLine)),
            ("probe", probe), ("mark", mark),
            ("start", .unsafe(detached.start(command, digest: step.digest, attach: false).commandLine)),
            ("start_attach", .unsafe(detached.start(command, digest: step.digest, attach: true).commandLine)),
            ("ended_well", .unsafe(endedWell(detached, digest: step.digest).commandLine)),
            ("poll", .unsafe(poll(detached, host: host.name, tool: tool, advice: advice).commandLine)),
            ("log", .unsafe(detached.logPath)), ("status", .unsafe(detached.statusPath)),
            ("wait_seconds", .int(step.timeout.map { Int($0.rounded(.up)) } ?? toolSeconds)),
            ("ssh_retries", .int(detachedSSHRetries)),
        ]
    }

    /// Exits 0 when a run of this step (same digest) ended with exit status 0.
    static func endedWell(_ detached: DetachedRun, digest: String) -> RemoteCommand {
        .script(#"[ "$(cat "$1" 2>/dev/null)" = 0 ] && [ "$(cat "$2" 2>/dev/null)" = "$3" ]"#,
                arguments: [detached.statusPath, detached.stepPath, digest])
    }

    /// One look at the detached run: exit 0 when it ended with status 0; 75 while it runs; 4 (with what to do on
    /// stderr) while hosted-engine waits at its lock-file pause (the last `Pause execution until LOCK is removed`
    /// task of its output, LOCK still there), which only an operator can answer; 1 when it ended with another
    /// status (its error lines on stderr, Ansible's relayed stderr `b'…'` left out as apply leaves it out of the
    /// reason); 3 when it ended without writing a status (killed).
    static func poll(_ detached: DetachedRun, host: String, tool: String, advice: String) -> RemoteCommand {
        .script(#"""
            log=$1; st=$2; pidf=$3; host=$4; tool=$5; advice=$6
            if [ -r "$st" ]; then
              s=$(cat "$st")
              if [ "$s" = 0 ]; then echo "$host: $tool ended with exit status 0 (its output: $log)"; exit 0; fi
              echo "$host: $tool exited with status $s (its output on the host: $log)" >&2
              grep -e '^\[ ERROR \]' -- "$log" 2>/dev/null | grep -v -e "^\[ ERROR \] b'" -e '^\[ ERROR \] b"' | tail -n 6 | sed 's/^/  /' >&2
              [ -z "$advice" ] || echo "$advice; then run site.yml again: the steps that are done are left alone and $tool starts anew" >&2
              exit 1
            fi
            pid=$(cat "$pidf" 2>/dev/null)
            if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
              lock=$(sed -n 's|.*TASK \[.*Pause execution until \(/[^ ]*\) is removed.*|\1|p' -- "$log" 2>/dev/null | tail -n 1)
              if [ -n "$lock" ] && [ -e "$lock" ]; then
                why=$(grep -F 'has been set in non_operational status' -- "$log" | tail -n 1 | sed 's/^\[[^]]*\] *//')
                url=$(grep -e 'You can now connect to https://' -e 'The bootstrap engine is temporarily accessible via https://' -- "$log" | tail -n 1 | grep -o 'https://[^ ]*')
                echo "$host: PAUSED: hosted-engine added the host to the bootstrap engine, but the host is not up; the deploy waits until $lock is removed, which Ansible cannot decide" >&2
                [ -z "$why" ] || echo "  the engine says: $why" >&2
                [ -z "$url" ] || echo "  fix the host in the bootstrap engine: $url" >&2
                echo "  then remove $lock on $host and run site.yml again: it follows this same run (PID $pid) to its end" >&2
                echo "  or end the deploy: kill -TERM -- -$pid on $host (its process group)${advice:+; $advice}" >&2
                exit 4
              fi
              exit 75
            fi
            [ -r "$st" ] && exit 75
            echo "$host: the detached run of $tool (PID ${pid:-unknown}) ended without writing its exit status to $st (it was killed); its output: $log; run site.yml again to start it anew" >&2
            exit 3
            """#, arguments: [detached.logPath, detached.statusPath, detached.pidPath, host, tool, advice])
    }
}

extension AnsibleTaskFiles {
    static let detachedRun = """
        # A command run detached on the host (hosted-engine 4.5's deploy), through the files apply uses: started in
        # a session of its own (setsid), stdin from /dev/null, its output in ovw_step.log and its exit status in
        # ovw_step.status on the host, so a dropped control connection (the ovirtmgmt bridge taking the host's
        # address) does not end it. A run of this step that still goes on is picked up, never started twice (by
        # ansible-playbook or by apply); one that ended with status 0 is read, not started again; one that failed
        # is started anew. Then polled every ovw_poll_seconds on those files. hosted-engine's lock-file pause (the
        # host added but not up) cannot be answered here: the poll fails naming the lock file and the engine's
        # reason while the run waits on the host; remove the lock file there and run site.yml again to follow it on.
        - name: "{{ ovw_step.id }}: done already? (its probe)"
          ansible.builtin.shell:
            cmd: "{{ ovw_step.probe }}"
          register: ovw_probe
          changed_when: false
          failed_when: false
          check_mode: false
          when: ovw_step.probe is not none

        - name: "{{ ovw_step.id }}: did a run of this step end well already? (exit status 0 in {{ ovw_step.status }})"
          ansible.builtin.shell:
            cmd: "{{ ovw_step.ended_well }}"
          register: ovw_ended_well
          changed_when: false
          failed_when: false
          check_mode: false
          when: ovw_step.probe is none or ovw_probe.rc != 0

        - name: "{{ ovw_step.id }}: start {{ ovw_step.command }} detached (output in {{ ovw_step.log }}), or pick up its run"
          ansible.builtin.shell:
            cmd: "{{ ovw_step.start_attach if ovw_ended_well.rc == 0 else ovw_step.start }}"
          register: ovw_started
          changed_when: ovw_started.stdout.startswith('started')
          timeout: 120
          vars:
            ansible_ssh_retries: "{{ ovw_step.ssh_retries }}"
          when: ovw_step.probe is none or ovw_probe.rc != 0

        - name: "{{ ovw_step.id }}: wait for it to end (its exit status in {{ ovw_step.status }})"
          ansible.builtin.shell:
            cmd: "{{ ovw_step.poll }}"
          register: ovw_poll
          changed_when: false
          failed_when: false
          until: ovw_poll.rc != 75
          retries: "{{ (ovw_step.wait_seconds | int) // (ovw_poll_seconds | int) + 1 }}"
          delay: "{{ ovw_poll_seconds | int }}"
          vars:
            ansible_ssh_retries: "{{ ovw_step.ssh_retries }}"
          when: ovw_step.probe is none or ovw_probe.rc != 0

        - name: "{{ ovw_step.id }}: it ended well"
          ansible.builtin.fail:
            msg: "{{ ovw_poll.stderr if ovw_poll.stderr != '' else (ovw_step.id ~ ' still runs after ' ~ ovw_step.wait_seconds ~ ' s: its output is in ' ~ ovw_step.log ~ ' on the host; run site.yml again to follow it on') }}"
          when: (ovw_step.probe is none or ovw_probe.rc != 0) and ovw_poll.rc != 0

        - name: "{{ ovw_step.id }}: marker"
          ansible.builtin.shell:
            cmd: "{{ ovw_step.mark }}"
          vars:
            ansible_ssh_retries: "{{ ovw_step.ssh_retries }}"
          when: ovw_step.mark is not none and (ovw_step.probe is none or ovw_probe.rc != 0)

        """
}
