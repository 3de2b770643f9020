#!/usr/bin/env bash
# Fan-out benchmark (issue 8): the same 20-step plan per host on N loopback sshd hosts, run by
# `ovirt-wizard apply --plan --plain`, ansible-playbook and parallel-ssh, against the floor (one handshake per
# host + the commands run locally) and the ssh floor (the plan as one script through one OpenSSH connection per
# host, the file on its stdin: the least any tool pays that moves the plan's bytes through SSH). 5 interleaved runs each; prints medians, ratios and growth with N, and the
# wizard's CPU seconds (user + sys) and peak memory (max RSS, and that divided by N) per run.
#   Benchmarks/fanout.sh [N ...]        (default 1 4 16; RUNS=5; WIZARD=path to the binary)
# At N=64 the peers need minutes per run (ansible-playbook about 5). Limits that matter at large N: open files
# (each host is an sshd, a wizard socket, ansible's control sockets) and the sshd settings below.
# Needs: a release build (swift build -c release --product ovirt-wizard --build-path .build-release) and
# Benchmarks/.venv with ansible-core and parallel-ssh (python3 -m venv Benchmarks/.venv && pip install ...).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WIZARD=${WIZARD:-$ROOT/.build-release/release/ovirt-wizard}
VENV=$ROOT/Benchmarks/.venv
RUNS=${RUNS:-5}
# TOOLS="wizard sshfloor floor" skips the peers (for quick before/after comparisons of the wizard alone).
TOOLS=${TOOLS:-wizard ansible pssh sshfloor floor}
SIZES=("${@:-1 4 16}"); SIZES=(${SIZES[*]})
[ -x "$WIZARD" ] || { echo "fanout.sh: no wizard binary at $WIZARD (build it, or set WIZARD=)" >&2; exit 2; }
[ "$(ulimit -n)" -ge 4096 ] || ulimit -n 4096 2>/dev/null || echo "fanout.sh: open files limited to $(ulimit -n); large N may fail" >&2
[ -x "$VENV/bin/ansible-playbook" ] || { echo "fanout.sh: no $VENV/bin/ansible-playbook: python3 -m venv $VENV && $VENV/bin/pip install ansible-core parallel-ssh" >&2; exit 2; }
WORK=$ROOT/Benchmarks/.fanout-work
rm -rf "$WORK"; mkdir -p "$WORK"; chmod 700 "$WORK"
mkdir -p /run/sshd
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

LINE=0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789
ssh-keygen -q -t ed25519 -N '' -C fanout-client -f "$WORK/client"
head -c 10485760 /dev/urandom > "$WORK/upload.bin"
: > "$WORK/known_hosts"; : > "$WORK/no-ssh-config"
MAXN=0; for n in "${SIZES[@]}"; do [ "$n" -gt "$MAXN" ] && MAXN=$n; done

# One sshd per host, as LabHosts starts them: own address, port, host key; sessions as this user.
for i in $(seq 1 "$MAXN"); do
  d=$WORK/host$i; mkdir -p "$d"
  addr=127.0.0.$((100 + i)); port=$((24000 + i))
  ssh-keygen -q -t ed25519 -N '' -C host$i -f "$d/hostkey"
  cat > "$d/sshd_config" <<CFG
ListenAddress $addr:$port
HostKey $d/hostkey
PidFile none
AuthorizedKeysFile $WORK/client.pub
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UseDNS no
MaxSessions 64
MaxStartups 100:30:200
Subsystem sftp internal-sftp
CFG
  /usr/sbin/sshd -D -f "$d/sshd_config" -E "$d/sshd.log" & PIDS+=($!)
  echo "[$addr]:$port $(cut -d' ' -f1,2 "$d/hostkey.pub")" >> "$WORK/known_hosts"
  echo "$addr $port" >> "$WORK/hosts.txt"
done
for i in $(seq 1 "$MAXN"); do
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.$((100 + i))/$((24000 + i))) 2>/dev/null && break; sleep 0.05; done
done
USER_NAME=$(id -un)
SSH=(ssh -F "$WORK/no-ssh-config" -i "$WORK/client" -o UserKnownHostsFile="$WORK/known_hosts" -o StrictHostKeyChecking=yes -o BatchMode=yes)

make_inputs() { # N: writes plan.json (wizard), site.yml + inventory + ansible.cfg, hosts.json (pssh)
  local n=$1 dir=$WORK/n$1; mkdir -p "$dir"
  python3 - "$n" "$dir" "$WORK" "$USER_NAME" "$LINE" <<'PY'
import json, sys
n, d, w, user, line = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
hosts = [l.split() for l in open(w + "/hosts.txt").read().splitlines()[:n]]
out = w + "/remote"
steps = [{"id": f"true-{k}", "run": ["true"]} for k in range(1, 11)]
steps.append({"id": "print-1mb", "run": ["sh", "-c", f"yes {line} | head -c 1048576"]})
steps.append({"id": "upload-10mb", "upload": w + "/upload.bin", "to": out + "/wizard-{host}.bin"})
steps.append({"id": "stdin", "run": ["cat"], "stdin": "hello\n"})
steps += [{"id": f"sleep-{k}", "run": ["sleep", "0.05"]} for k in range(14, 21)]
json.dump({"hosts": [{"name": f"h{i}", "target": f"{user}@{a}:{p}", "identity": w + "/client", "knownHosts": w + "/known_hosts"}
                     for i, (a, p) in enumerate(hosts)], "steps": steps}, open(d + "/plan.json", "w"))
json.dump([{"address": a, "port": int(p), "user": user, "key": w + "/client"} for a, p in hosts], open(d + "/hosts.json", "w"))
with open(d + "/inventory.ini", "w") as f:
    f.write("[lab]\n")
    for i, (a, p) in enumerate(hosts):
        f.write(f"h{i} ansible_host={a} ansible_port={p} ansible_user={user}\n")
    f.write(f"[lab:vars]\nansible_ssh_private_key_file={w}/client\nansible_python_interpreter=/usr/bin/python3\n")
    f.write(f"ansible_ssh_common_args=-F {w}/no-ssh-config -o UserKnownHostsFile={w}/known_hosts -o StrictHostKeyChecking=yes\n")
with open(d + "/ansible.cfg", "w") as f:
    f.write(f"[defaults]\nforks = {n}\ngathering = explicit\nhost_key_checking = True\nstdout_callback = default\n"
            f"[ssh_connection]\npipelining = True\n")
tasks = [{"command": "true"}] * 10
tasks.append({"shell": f"yes {line} | head -c 1048576"})
tasks.append({"copy": {"src": w + "/upload.bin", "dest": out + "/ansible-{{ inventory_hostname }}.bin"}})
tasks.append({"command": {"cmd": "cat", "stdin": "hello"}})
tasks += [{"command": "sleep 0.05"}] * 7
json.dump([{"hosts": "lab", "gather_facts": False, "tasks": tasks}], open(d + "/site.yml", "w"))
PY
}

now() { date +%s.%N; }
# Each runner prints its wall time in seconds; any failure stops the benchmark (a failed run is not a number).
run_wizard() { # also leaves the wizard's user and system CPU seconds and max RSS (KiB) in $d/wizard.time
  local d=$WORK/n$1; rm -rf "$d/plan.json.deploy"
  local t0; t0=$(now)
  HOME=$WORK /usr/bin/time -f '%U %S %M' -o "$d/wizard.time" \
    "$WIZARD" apply --plan "$d/plan.json" --plain --jobs "$1" --ssh-config "$WORK/no-ssh-config" > "$d/wizard.out" 2>&1 \
    || { echo "wizard failed, see $d/wizard.out" >&2; tail -5 "$d/wizard.out" >&2; exit 1; }
  echo "$(now) - $t0" | bc
}
run_ansible() {
  local d=$WORK/n$1 t0; t0=$(now)
  (cd "$d" && ANSIBLE_CONFIG=$d/ansible.cfg ANSIBLE_LOCAL_TEMP=$d/ansible-tmp ANSIBLE_SSH_CONTROL_PATH_DIR=$(mktemp -d "$d/cp.XXXX") \
     "$VENV/bin/ansible-playbook" -i inventory.ini site.yml > "$d/ansible.out" 2>&1) \
    || { echo "ansible failed, see $d/ansible.out" >&2; tail -5 "$d/ansible.out" >&2; exit 1; }
  echo "$(now) - $t0" | bc
}
run_pssh() {
  local d=$WORK/n$1 t0; t0=$(now)
  "$VENV/bin/python" "$ROOT/Benchmarks/fanout_pssh.py" "$d/hosts.json" "$WORK/upload.bin" "$WORK/remote" > "$d/pssh.out" 2>&1 \
    || { echo "parallel-ssh failed, see $d/pssh.out" >&2; tail -5 "$d/pssh.out" >&2; exit 1; }
  echo "$(now) - $t0" | bc
}
floor_one() { # one handshake, then the plan's commands run locally
  "${SSH[@]}" -p "$2" "$USER_NAME@$1" true
  for _ in $(seq 10); do true; done
  yes $LINE | head -c 1048576 > /dev/null
  cp "$WORK/upload.bin" "$WORK/remote/floor-$1.bin"
  echo hello | cat > /dev/null
  for _ in $(seq 7); do sleep 0.05; done
}
# The same plan through one OpenSSH connection per host: the commands as one remote shell script, the 10 MB file
# on that connection's stdin, the 1 MB of output read back. No tool that moves the plan's bytes through SSH can do
# less work; on 2 shared cores the encryption of the uploads on both ends is what separates it from the floor.
sshfloor_one() {
  "${SSH[@]}" -p "$2" "$USER_NAME@$1" "for i in 1 2 3 4 5 6 7 8 9 10; do true; done; yes $LINE | head -c 1048576;
    head -c 10485760 > '$WORK/remote/sshfloor-$1.bin'; echo hello | cat; for i in 1 2 3 4 5 6 7; do sleep 0.05; done" \
    < "$WORK/upload.bin" > /dev/null
}
run_sshfloor() {
  local t0; t0=$(now)
  while read -r a p; do sshfloor_one "$a" "$p" & done < <(head -n "$1" "$WORK/hosts.txt")
  wait
  for a in $(head -n "$1" "$WORK/hosts.txt" | cut -d' ' -f1); do
    cmp -s "$WORK/upload.bin" "$WORK/remote/sshfloor-$a.bin" || { echo "ssh floor: the upload to $a is wrong" >&2; exit 1; }
  done
  echo "$(now) - $t0" | bc
}
run_floor() {
  local t0; t0=$(now)
  while read -r a p; do floor_one "$a" "$p" < /dev/null & done < <(head -n "$1" "$WORK/hosts.txt")
  wait
  echo "$(now) - $t0" | bc
}

echo "fanout: $(nproc) cores; load at start: $(cut -d' ' -f1-3 /proc/loadavg); wizard $WIZARD"
RESULTS=$WORK/results.txt; : > "$RESULTS"
for n in "${SIZES[@]}"; do
  make_inputs "$n"
  for r in $(seq 1 "$RUNS"); do
    for tool in $TOOLS; do
      rm -rf "$WORK/remote"; mkdir -p "$WORK/remote"
      t=$(run_$tool "$n")
      cpu=- rss=- extra=
      if [ "$tool" = wizard ]; then
        read -r user sys rss < "$WORK/n$n/wizard.time"
        cpu=$(echo "$user + $sys" | bc)
        extra=$(printf '  cpu %5.2f s  max RSS %4d MiB (%.1f MiB per host)' "$cpu" $((rss / 1024)) "$(echo "$rss / 1024 / $n" | bc -l)")
      fi
      echo "$n $tool $r $t $(cut -d' ' -f1 /proc/loadavg) $cpu $rss" >> "$RESULTS"
      printf 'N=%-2s run %s %-8s %6.2f s  (load %s)%s\n' "$n" "$r" "$tool" "$t" "$(cut -d' ' -f1 /proc/loadavg)" "$extra"
    done
  done
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$RESULTS" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
med, load, cpu, rss = {}, {}, {}, {}
for n, tool, _, t, l, c, m in rows:
    med.setdefault((int(n), tool), []).append(float(t)); load.setdefault(int(n), []).append(float(l))
    if tool == "wizard":
        cpu.setdefault(int(n), []).append(float(c)); rss.setdefault(int(n), []).append(int(m) / 1024)
ns = sorted({k[0] for k in med})
tools = ["wizard", "ansible", "pssh", "floor", "sshfloor"]
m = {k: statistics.median(v) for k, v in med.items()}
for n in ns:  # tools left out with TOOLS= show as nan
    for t in tools: m.setdefault((n, t), float("nan"))
print("\nmedians (s)")
print("| N | ovirt-wizard | ansible-playbook | parallel-ssh | ssh floor | floor | ansible/wizard | pssh/wizard | wizard/ssh floor | wizard/floor | ssh floor/floor | load (median) |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for n in ns:
    w, a, p, f, s = (m[(n, t)] for t in tools)
    print(f"| {n} | {w:.2f} | {a:.2f} | {p:.2f} | {s:.2f} | {f:.2f} | {a/w:.1f}x | {p/w:.2f}x | {w/s:.2f}x | {w/f:.2f}x | {s/f:.2f}x | {statistics.median(load[n]):.1f} |")
if cpu:
    print("\nthe wizard's own CPU (user + sys) and peak memory, medians (runs)")
    print("| N | CPU s | CPU s per host | max RSS MiB | RSS MiB per host |")
    print("|---|---|---|---|---|")
    for n in ns:
        if n not in cpu: continue
        c, r = statistics.median(cpu[n]), statistics.median(rss[n])
        print(f"| {n} | {c:.2f} ({' '.join(f'{x:.2f}' for x in cpu[n])}) | {c / n:.3f} | {r:.0f} ({' '.join(f'{x:.0f}' for x in rss[n])}) | {r / n:.2f} |")
if len(ns) > 1:
    print("\ngrowth with N (median at N / median at N=%d)" % ns[0])
    print("| tool | " + " | ".join(f"N={n}" for n in ns) + " |")
    print("|---|" + "---|" * len(ns))
    for t in tools:
        print(f"| {t} | " + " | ".join(f"{m[(n, t)] / m[(ns[0], t)]:.2f}x" for n in ns) + " |")
big = ns[-1]
w, a, p, f, s = (m[(big, t)] for t in tools)
print(f"\nN={big}: ansible/wizard {a/w:.1f}x, pssh/wizard {p/w:.2f}x, wizard/floor {w/f:.2f}x (issue 20: <= 1.25), "
      f"wizard/ssh floor {w/s:.2f}x (the floor through SSH is {s/f:.2f}x the floor)")
PY
