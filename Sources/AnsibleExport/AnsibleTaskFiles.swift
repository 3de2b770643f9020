/// The task files, one per step kind. Each reads `ovw_step` (site.yml gives it per step) and does what the
/// runner does for that kind: the step's probe first, so that a step whose effect is in place changes nothing
/// and a run after a failure continues at the first step that is not done (as `apply --resume`).
enum AnsibleTaskFiles {
    static let all: [(path: String, text: String)] = [
        ("tasks/command.yml", command), ("tasks/command-line.yml", commandLine), ("tasks/upload.yml", upload),
        ("tasks/otopi-tool.yml", tool), ("tasks/detached-run.yml", detachedRun), ("tasks/fetch-results.yml", fetchResults), ("tasks/composed-upload.yml", composedUpload),
        ("tasks/read-back.yml", readBack), ("templates/compose-answer-file.j2", composeTemplate),
    ]

    static let command = """
        # A step that runs commands: its probe (none for read-only checks and for steps that have none, which run
        # every time), the commands in order when the probe does not pass (the first failure stops the step), then
        # the wizard's marker for steps verified by one.
        - name: "{{ ovw_step.id }}: probe"
          ansible.builtin.shell:
            cmd: "{{ ovw_step.probe }}"
          register: ovw_probe
          changed_when: false
          failed_when: false
          check_mode: false
          when: ovw_step.probe is not none

        - name: "{{ ovw_step.id }}: run"
          ansible.builtin.include_tasks: command-line.yml
          loop: "{{ ovw_step.commands }}"
          loop_control:
            loop_var: ovw_command
            index_var: ovw_command_index
            label: "command {{ ovw_command_index + 1 }} of {{ ovw_step.commands | length }}"
          when: ovw_step.probe is none or ovw_probe.rc != 0

        - name: "{{ ovw_step.id }}: marker"
          ansible.builtin.shell:
            cmd: "{{ ovw_step.mark }}"
          when: ovw_step.mark is not none and (ovw_step.probe is none or ovw_probe.rc != 0)

        """

    static let commandLine = """
        # One command line of a step, exactly as the wizard sends it (run by /bin/sh -c); only the first command
        # of a step reads the step's standard input (from its Base64 form: ansible-core 2.19 turns an !unsafe
        # "1\\n" into the number 1, dropping the newline).
        - name: "{{ ovw_step.id }}: command {{ ovw_command_index + 1 }} of {{ ovw_step.commands | length }} (site.yml shows it)"
          ansible.builtin.shell:
            cmd: "{{ ovw_command }}"
            stdin: "{{ (ovw_step.stdin_base64 | b64decode) if (ovw_command_index == 0 and ovw_step.stdin_base64 is not none) else omit }}"
            stdin_add_newline: false
          changed_when: ovw_step.changes
          timeout: "{{ ovw_step.timeout }}"

        """

    static let upload = """
        # A file for the host: copied (mode, SHA-1 checked after the transfer) unless the host already holds these
        # bytes (SHA-256, the runner's probe). Generated answer files come from Ansible Vault and are never shown.
        - name: "{{ ovw_step.id }}: is {{ ovw_step.dest }} there already? (sha256)"
          ansible.builtin.stat:
            path: "{{ ovw_step.dest }}"
            get_checksum: true
            checksum_algorithm: sha256
          register: ovw_stat

        - name: "{{ ovw_step.id }}: copy to {{ ovw_step.dest }} (mode {{ ovw_step.mode }})"
          ansible.builtin.copy:
            src: "{{ ovw_step.src if ovw_step.src.startswith('/') else playbook_dir + '/' + ovw_step.src }}"
            dest: "{{ ovw_step.dest }}"
            mode: "{{ ovw_step.mode }}"
            checksum: "{{ ovw_step.sha1 }}"
          no_log: "{{ ovw_step.secret }}"
          diff: false
          when: not (ovw_stat.stat.exists and ovw_stat.stat.checksum == ovw_step.sha256)

        """

    static let tool = """
        # An otopi tool's run (engine-setup, hosted-engine) with the uploaded answer file, as `apply --plain` runs
        # it: the answers to questions the answer file cannot hold (hosted-engine's "(1) Continue setup" choices)
        # are read from standard input: the plan's own input when it has one (an additional hosted-engine host's
        # "1"), otherwise the host variable ovw_tool_input (one answer a line; empty: a question ends the run). It
        # runs as an async job, its console output in a log file on the host (the last run's), so a dropped control
        # connection does not stop it. Done once its probe passes: the wizard's marker holds the step's digest (then
        # written after the run), or an additional hosted-engine host's Host ID is in its HA configuration.
        - name: "{{ ovw_step.id }}: done already? (its probe)"
          ansible.builtin.shell:
            cmd: "{{ ovw_step.probe }}"
          register: ovw_probe
          changed_when: false
          failed_when: false
          check_mode: false

        - name: "{{ ovw_step.id }}: its answers to questions (ovw_tool_input)"
          ansible.builtin.copy:
            content: "{{ (ovw_step.stdin_base64 | b64decode) if ovw_step.stdin_base64 is not none else ovw_tool_input }}"
            dest: "{{ ovw_step.input }}"
            mode: "0600"
          when: ovw_probe.rc != 0

        - name: "{{ ovw_step.id }}: its console log, readable by its owner only (a tool may print a console password)"
          ansible.builtin.file:
            path: "{{ ovw_step.log }}"
            state: touch
            mode: "0600"
          when: ovw_probe.rc != 0

        - name: "{{ ovw_step.id }}: start {{ ovw_step.command }} (console output in {{ ovw_step.log }})"
          ansible.builtin.shell:
            cmd: "{{ ovw_step.detached }}"
          async: "{{ ovw_step.async_seconds }}"
          poll: 0
          register: ovw_job
          when: ovw_probe.rc != 0

        - name: "{{ ovw_step.id }}: wait for it"
          ansible.builtin.async_status:
            jid: "{{ ovw_job.ansible_job_id }}"
          register: ovw_job_status
          until: ovw_job_status.finished
          retries: "{{ (ovw_step.async_seconds | int) // (ovw_poll_seconds | int) + 1 }}"
          delay: "{{ ovw_poll_seconds | int }}"
          when: ovw_probe.rc != 0

        - name: "{{ ovw_step.id }}: did otopi report a failure? (see {{ ovw_step.log }})"
          ansible.builtin.shell:
            cmd: "{{ ovw_step.failure_check }}"
          changed_when: false
          when: ovw_probe.rc != 0

        - name: "{{ ovw_step.id }}: marker"
          ansible.builtin.shell:
            cmd: "{{ ovw_step.mark }}"
          when: ovw_step.mark is not none and ovw_probe.rc != 0

        """

    static let fetchResults = """
        # The answer file the tool reported generating, fetched to ovw_results_dir/HOST/ (0600), outside the
        # project: it may hold the tool's secrets.
        - name: "{{ ovw_step.id }}: the answer file reported in {{ ovw_step.log }}"
          ansible.builtin.shell:
            cmd: "{{ ovw_step.find_answer_file }}"
          register: ovw_reported
          changed_when: false
          check_mode: false

        - name: "{{ ovw_step.id }}: fetch it"
          ansible.builtin.fetch:
            src: "{{ ovw_reported.stdout }}"
            dest: "{{ ovw_results_dir }}/{{ inventory_hostname }}/"
            flat: true
          when: ovw_reported.stdout != ""

        - name: "{{ ovw_step.id }}: only the operator may read it"
          ansible.builtin.file:
            path: "{{ ovw_results_dir }}/{{ inventory_hostname }}/{{ ovw_reported.stdout | basename }}"
            mode: "0600"
          delegate_to: localhost
          become: false
          when: ovw_reported.stdout != ""

        # Where it is, for a later part of the run that puts another host's answer file together from it.
        - name: "{{ ovw_step.id }}: remember where it was fetched to"
          ansible.builtin.set_fact:
            ovw_fetched: "{{ (ovw_fetched | default({})) | combine({ovw_step.id: (ovw_results_dir ~ '/' ~ inventory_hostname ~ '/' ~ (ovw_reported.stdout | basename)) if ovw_reported.stdout != '' else ''}) }}"

        """

    /// Parses the base answer file as otopi's reader does for what hosted-engine writes (`[environment:default]`,
    /// `KEY=type:value`, continuation lines indented), sets this host's lines over its values and writes the
    /// values sorted by key after the header, as the wizard's answer-file writer does: the same bytes `apply`
    /// uploads. The base's values are kept as the tool wrote them.
    static let composeTemplate = #"""
        {%- set ns = namespace(section='', key='', values={}) -%}
        {%- for line in ovw_base_text.split('\n') -%}
        {%- set stripped = line.strip() -%}
        {%- if stripped == '' or stripped[:1] in ['#', ';'] -%}
        {%- elif line[:1] in [' ', '\t'] and ns.key != '' -%}
        {%- set ns.values = ns.values | combine({ns.key: ns.values[ns.key] ~ '\n ' ~ stripped}) -%}
        {%- elif stripped[:1] == '[' -%}
        {%- set ns.section = stripped[1:-1] -%}
        {%- set ns.key = '' -%}
        {%- elif ns.section == 'environment:default' and '=' in stripped -%}
        {%- set ns.key = stripped.split('=', 1)[0].strip() -%}
        {%- set ns.values = ns.values | combine({ns.key: ns.key ~ '=' ~ stripped.split('=', 1)[1].strip()}) -%}
        {%- else -%}
        {%- set ns.key = '' -%}
        {%- endif -%}
        {%- endfor -%}
        {%- if ns.values | length == 0 -%}
        {%- set ns.values = {} -%}
        {%- else -%}
        {%- set ns.values = ns.values | combine(ovw_lines.additions) -%}
        {%- if ovw_re_deploying -%}
        {%- set ns.values = ns.values | combine(ovw_lines.re_deployment) -%}
        {%- endif -%}
        {%- endif -%}
        {{ ovw_step.header }}{% for item in ns.values | dictsort(case_sensitive=true) %}{{ item[1] ~ '\n' }}{% endfor %}
        """#

    static let composedUpload = """
        # An answer file put together on this machine (hosted-engine's additional hosts): the answer file the base
        # host's tool generated, fetched by its fetch-results step in an earlier part of this run, with this host's
        # lines over it (from Ansible Vault: they hold the engine's admin password). Nothing of it is shown or
        # written into the project. As apply does: when this host's tool run was started before and did not finish
        # (its console log is there, its probe fails), the re-deployment lines are added, since the storage may
        # already know this Host ID; once that run finished, the file is left alone when it holds either form.
        - name: "{{ ovw_step.id }}: the answer file {{ ovw_step.base_host }} generated"
          ansible.builtin.set_fact:
            ovw_base_file: "{{ (hostvars[ovw_step.base_host].ovw_fetched | default({})).get(ovw_step.base_step, '') }}"

        - name: "{{ ovw_step.id }}: {{ ovw_step.base_host }} has fetched one"
          ansible.builtin.assert:
            that: ovw_base_file != ''
            fail_msg: "{{ ovw_step.base_host }} has no fetched answer file (its step {{ ovw_step.base_step }} did not fetch one), which this host's answers are made from"
            quiet: true

        - name: "{{ ovw_step.id }}: was {{ ovw_step.run_step }} started before? (its console log)"
          ansible.builtin.stat:
            path: "{{ ovw_step.run_log }}"
            get_checksum: false
          register: ovw_run_log

        - name: "{{ ovw_step.id }}: is {{ ovw_step.run_step }} done? (its probe)"
          ansible.builtin.shell:
            cmd: "{{ ovw_step.run_probe }}"
          register: ovw_run_done
          changed_when: false
          failed_when: false
          check_mode: false

        - name: "{{ ovw_step.id }}: is {{ ovw_step.dest }} there already? (sha1)"
          ansible.builtin.stat:
            path: "{{ ovw_step.dest }}"
            get_checksum: true
            checksum_algorithm: sha1
          register: ovw_stat

        - name: "{{ ovw_step.id }}: put it together (secrets not shown)"
          ansible.builtin.set_fact:
            ovw_base_text: "{{ lookup('ansible.builtin.file', ovw_base_file) }}"
            ovw_lines: "{{ lookup('ansible.builtin.unvault', ovw_step.lines if ovw_step.lines.startswith('/') else playbook_dir + '/' + ovw_step.lines) | from_yaml }}"
          no_log: true

        - name: "{{ ovw_step.id }}: with and without the re-deployment lines (secrets not shown)"
          ansible.builtin.set_fact:
            ovw_composed: "{{ lookup('ansible.builtin.template', 'compose-answer-file.j2', template_vars={'ovw_re_deploying': false}) }}"
            ovw_composed_re_deploying: "{{ lookup('ansible.builtin.template', 'compose-answer-file.j2', template_vars={'ovw_re_deploying': true}) }}"
          no_log: true

        - name: "{{ ovw_step.id }}: the base answer file holds answers"
          ansible.builtin.assert:
            that: ovw_composed != ovw_step.header
            fail_msg: "the answer file {{ ovw_step.base_host }} generated ({{ ovw_base_file }}) holds no answers"
            quiet: true

        - name: "{{ ovw_step.id }}: copy to {{ ovw_step.dest }} (mode {{ ovw_step.mode }})"
          ansible.builtin.copy:
            content: "{{ ovw_composed_re_deploying if (ovw_run_log.stat.exists and ovw_run_done.rc != 0) else ovw_composed }}"
            dest: "{{ ovw_step.dest }}"
            mode: "{{ ovw_step.mode }}"
          no_log: true
          diff: false
          when: not (ovw_run_done.rc == 0 and ovw_stat.stat.exists and ovw_stat.stat.checksum in [ovw_composed | hash('sha1'), ovw_composed_re_deploying | hash('sha1')])

        """

    static let readBack = """
        # A read-only check run after every host finished (a Gluster volume's info and status): its output is shown.
        - name: "{{ ovw_check.purpose }}"
          ansible.builtin.shell:
            cmd: "{{ ovw_check.command }}"
          register: ovw_check_result
          changed_when: false

        - name: "{{ ovw_check.purpose }}: output"
          ansible.builtin.debug:
            var: ovw_check_result.stdout_lines

        """
}
