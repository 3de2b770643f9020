#!/usr/bin/env bash
# Host pane ingestion (issue 8 item 2): how fast the deploy screen takes in a host's output, and the CPU per frame
# at 200x60 while it streams. Reports numbers; never pass/fail.
#
# 1. pane-bench (Sources/pane-bench) streams MB megabytes (default 1000) of installer-like lines (~100 bytes,
#    some long, ANSI colours, \r progress, tabs, multibyte and invalid UTF-8) through the real path of `apply`:
#    LineSplitter on 32 KiB reads, SecretMasker, EventBatcher, DeployPanesApp in AppRunner, drawn per
#    batch (every 100 ms) to a 200x60 in-memory backend, and once to ncurses in a private tmux at 200x60.
#    "UI ms/frame" is the UI thread's CPU (applying the batch + view + draw) per frame drawn; view and draw
#    are that thread's CPU inside DeployPanesView.render and backend.draw.
# 2. End to end (unless --no-e2e): `ovirt-wizard apply --plan` (panes, not --plain) in tmux at 200x60 against
#    one loopback sshd, a step `yes <100 chars> | head -c MB*10^6`, next to `ssh host 'yes … | head -c …' >
#    /dev/null` and `ovirt-wizard ssh run` (libssh2 alone, the bound) in the same run, E2E_RUNS times (default 3)
#    interleaved: wall time of the step (journal) and the wizard's CPU (/usr/bin/time); medians.
#
#   swift build -c release --product pane-bench --build-path .build-release
#   swift build -c release --product ovirt-wizard --build-path .build-release     # for the end-to-end row
#   Benchmarks/pane.sh [--mb N] [--no-e2e | --e2e-only]       (BIN_DIR=.build-release/release)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN_DIR=${BIN_DIR:-$ROOT/.build-release/release}
MB=1000
E2E=1
MEMORY=1
while [ $# -gt 0 ]; do
  case "$1" in
    --mb) MB="$2"; shift ;;
    --no-e2e) E2E=0 ;;
    --e2e-only) MEMORY=0 ;;
    *) echo "usage: $0 [--mb N] [--no-e2e | --e2e-only]" >&2; exit 64 ;;
  esac
  shift
done
BENCH=$BIN_DIR/pane-bench
WIZARD=$BIN_DIR/ovirt-wizard
[ -x "$BENCH" ] || { echo "pane.sh: no $BENCH; run: swift build -c release --product pane-bench --build-path .build-release" >&2; exit 2; }
if [ "$E2E" = 1 ] && [ ! -x "$WIZARD" ]; then
  echo "pane.sh: no $WIZARD (build it, or pass --no-e2e)" >&2; exit 2
fi

WORK=$(mktemp -d /tmp/pane-bench.XXXXXX)
SOCK=$WORK/tmux.sock
sshd_pid=""
tm() { tmux -S "$SOCK" -f /dev/null "$@"; }
cleanup() {
  tm kill-server 2>/dev/null || true
  [ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

get() { sed -n "s/^$1=//p" "$2"; }
row() { # LABEL FILE
  local f=$2 frames ui proc
  frames=$(get frames "$f"); proc=$(get process_cpu_s "$f")
  printf '%-34s %8s %10s %7s %5s %9s %8s %8s %9s %8s %7s\n' "$1" "$(get mb_per_s "$f")" "$(get lines_per_s "$f")" \
    "$frames" "$(get fps "$f")" "$(get ui_cpu_ms_per_frame "$f")" "$(get view_ms_per_frame "$f")" \
    "$(get draw_ms_per_frame "$f")" "$(echo "$proc * 1000 / $frames" | bc -l | xargs printf '%.1f')" "$proc" "$(get max_rss_mb "$f")"
  [ "$(get lines "$f")" = "$(get lines_in_panes "$f")" ] || echo "  note: the panes counted $(get lines_in_panes "$f") of $(get lines "$f") lines"
}

echo "pane.sh: $(nproc) cores, load at start $(cut -d' ' -f1-3 /proc/loadavg) (shared machine); $MB MB per row; $BIN_DIR"
if [ "$MEMORY" = 1 ]; then
printf '%-34s %8s %10s %7s %5s %9s %8s %8s %9s %8s %7s\n' scenario MB/s lines/s frames fps "UI ms/fr" "view ms" "draw ms" "proc ms/fr" "CPU s" "RSS MB"
"$BENCH" --mb "$MB" --secrets 0 > "$WORK/m0";  row "memory, 1 host, no secrets (--plan)" "$WORK/m0"
"$BENCH" --mb "$MB" --secrets 3 > "$WORK/m3";  row "memory, 1 host, 3 secrets (engine)" "$WORK/m3"
"$BENCH" --mb "$MB" --secrets 0 --hosts 4 > "$WORK/m4"; row "memory, 4 hosts (4 panes)" "$WORK/m4"
"$BENCH" --mb "$MB" --secrets 0 --log-open > "$WORK/ml"; row "memory, 1 host, full log open" "$WORK/ml"

# The real terminal: ncurses in a private tmux server at 200x60.
tm new-session -d -s pane -x 200 -y 60 \
  "env TERM=tmux-256color LANG=C.UTF-8 $BENCH --mb $MB --secrets 0 --backend ncurses --out $WORK/nc; echo EXIT=\$? > $WORK/nc.exit; sleep 600"
for _ in $(seq 1 3000); do [ -s "$WORK/nc.exit" ] && break; sleep 0.1; done
if [ -s "$WORK/nc" ]; then row "ncurses in tmux 200x60, 1 host" "$WORK/nc"; else echo "ncurses run failed: $(cat "$WORK/nc.exit" 2>/dev/null)"; fi
tm kill-server 2>/dev/null || true
fi

[ "$E2E" = 1 ] || exit 0

# End to end against one loopback sshd (set up as Benchmarks/apply-output.sh does).
LINE=0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789
BYTES=$((MB * 1000000))
addr="127.0.0.$((200 + $$ % 50))"
port=$(python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$addr")
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N "" -f "$WORK/host_key"
ssh-keygen -q -t ed25519 -N "" -f "$WORK/client_key"
cat > "$WORK/sshd_config" <<CFG
ListenAddress $addr:$port
HostKey $WORK/host_key
PidFile none
AuthorizedKeysFile $WORK/client_key.pub
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UseDNS no
CFG
/usr/sbin/sshd -D -f "$WORK/sshd_config" -E "$WORK/sshd.log" &
sshd_pid=$!
printf '[%s]:%s %s\n' "$addr" "$port" "$(cut -d' ' -f1,2 "$WORK/host_key.pub")" > "$WORK/known_hosts"
: > "$WORK/no-ssh-config"
for _ in $(seq 100); do (exec 3<>"/dev/tcp/$addr/$port") 2>/dev/null && break; sleep 0.05; done
user=$(id -un)
python3 - "$WORK" "$user" "$addr" "$port" "$LINE" "$BYTES" <<'PY'
import json, sys
w, user, addr, port, line, size = sys.argv[1:]
json.dump({"hosts": [{"name": "h1", "target": f"{user}@{addr}:{port}", "identity": w + "/client_key", "knownHosts": w + "/known_hosts"}],
           "steps": [{"id": "stream", "run": ["sh", "-c", f"yes {line} | head -c {size}"]}]}, open(w + "/plan.json", "w"))
PY

SSH=(ssh -F "$WORK/no-ssh-config" -i "$WORK/client_key" -o UserKnownHostsFile="$WORK/known_hosts" -o StrictHostKeyChecking=yes
     -o BatchMode=yes -p "$port" "$user@$addr")
# Prints the seconds of plain OpenSSH taking the step's output into /dev/null.
run_ssh() {
  local t0; t0=$(date +%s.%N)
  "${SSH[@]}" "yes $LINE | head -c $BYTES" > /dev/null
  echo "$(date +%s.%N) - $t0" | bc -l
}
# The wizard's SSH library alone (libssh2 1.10, `ssh run` copies the bytes to /dev/null, no lines): the bound the
# line handling of `apply` sits on. Prints: seconds, CPU s, user, sys, RSS MB.
run_transport() {
  local t0 t1; t0=$(date +%s.%N)
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.run" "$WIZARD" ssh run "$user@$addr:$port" -i "$WORK/client_key" \
    --known-hosts "$WORK/known_hosts" --ssh-config "$WORK/no-ssh-config" -- "yes $LINE | head -c $BYTES" > /dev/null
  t1=$(date +%s.%N)
  read -r _ u s m < <(tail -n 1 "$WORK/time.run")
  echo "$(echo "$t1 - $t0" | bc -l) $(echo "$u + $s" | bc -l) $u $s $((m / 1024))"
}

# $1 = 1 to open the host's full log (Enter) while the step streams. Prints: step seconds, CPU s, user, sys, RSS MB.
run_e2e() {
  rm -rf "$WORK/plan.json.deploy" "$WORK/time" "$WORK/e2e.exit"
  tm new-session -d -s e2e -x 200 -y 60 \
    "cd $WORK && env HOME=$WORK TERM=tmux-256color LANG=C.UTF-8 /usr/bin/time -f '%e %U %S %M' -o $WORK/time $WIZARD apply --plan $WORK/plan.json --ssh-config $WORK/no-ssh-config; echo EXIT=\$? > $WORK/e2e.exit; sleep 600"
  local journal=$WORK/plan.json.deploy/journal.jsonl
  if [ "$1" = 1 ]; then
    for _ in $(seq 1 300); do tm capture-pane -p -t e2e 2>/dev/null | grep -qF "step 1/1" && break; sleep 0.1; done
    tm send-keys -t e2e Enter
  fi
  for _ in $(seq 1 3000); do
    grep '"step":"stream"' "$journal" 2>/dev/null | grep -q '"status":"done"' && break
    [ -s "$WORK/e2e.exit" ] && break
    sleep 0.1
  done
  sleep 0.5
  tm capture-pane -p -t e2e > "$WORK/e2e.screen" 2>/dev/null || true
  # q until it exits: with the log open the first closes it; the panes quit once every host has finished.
  for _ in $(seq 1 120); do
    [ -s "$WORK/time" ] && break
    tm send-keys -t e2e q
    sleep 0.5
  done
  tm kill-server 2>/dev/null || true
  local step_s
  step_s=$(grep '"step":"stream"' "$journal" 2>/dev/null | grep '"status":"done"' | sed 's/.*"seconds":\([0-9.e-]*\).*/\1/' | tail -n 1)
  if [ -z "$step_s" ] || [ ! -s "$WORK/time" ]; then
    echo "end to end: the wizard did not finish the step; screen:" >&2; cat "$WORK/e2e.screen" >&2; exit 1
  fi
  read -r _ u s m < <(tail -n 1 "$WORK/time")
  echo "$step_s $(echo "$u + $s" | bc -l) $u $s $((m / 1024))"
}
e2e_row() { # LABEL STEP_S CPU USER SYS RSS
  printf '  %-40s %8.2f s %8.1f MB/s  speed x%.2f of ssh; wizard CPU %.2f s (user %s + sys %s), max RSS %d MB\n' "$1" \
    "$2" "$(echo "$BYTES / 1000000 / $2" | bc -l)" "$(echo "$ssh_s / $2" | bc -l)" "$3" "$4" "$5" "$6"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# The row (all columns) of the run whose first column is the median.
median_row() { sort -n "$1" | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'; }
E2E_RUNS=${E2E_RUNS:-3}
: > "$WORK/r.ssh"; : > "$WORK/r.run"; : > "$WORK/r.p"; : > "$WORK/r.l"
for _ in $(seq "$E2E_RUNS"); do   # interleaved, so that a change in load hits every row alike
  run_ssh >> "$WORK/r.ssh"
  run_transport >> "$WORK/r.run"
  run_e2e 0 >> "$WORK/r.p"
  log_lines=$(wc -l < "$WORK/plan.json.deploy/logs/h1.log")
  run_e2e 1 >> "$WORK/r.l"
done
[ "$(wc -l < "$WORK/r.p")" = "$E2E_RUNS" ] && [ "$(wc -l < "$WORK/r.l")" = "$E2E_RUNS" ] || { echo "pane.sh: an end-to-end run failed (see above)" >&2; exit 1; }
ssh_s=$(median < "$WORK/r.ssh")
read -r t_s t_cpu t_u t_sys t_rss < <(median_row "$WORK/r.run")
read -r p_s p_cpu p_u p_sys p_rss < <(median_row "$WORK/r.p")
read -r l_s l_cpu l_u l_sys l_rss < <(median_row "$WORK/r.l")
echo
echo "end to end, one loopback sshd, a step printing $BYTES bytes of 101-byte lines ($(ssh -V 2>&1)); medians of $E2E_RUNS runs interleaved"
printf '  %-40s %8.2f s %8.1f MB/s  (runs: %s)\n' "ssh host 'yes | head -c' > /dev/null" "$ssh_s" "$(echo "$BYTES / 1000000 / $ssh_s" | bc -l)" \
  "$(xargs printf '%.2f ' < "$WORK/r.ssh")"
e2e_row "ovirt-wizard ssh run > /dev/null (bound)" "$t_s" "$t_cpu" "$t_u" "$t_sys" "$t_rss"
e2e_row "apply --plan (panes, tmux 200x60)" "$p_s" "$p_cpu" "$p_u" "$p_sys" "$p_rss"
e2e_row "  the same, host's full log open" "$l_s" "$l_cpu" "$l_u" "$l_sys" "$l_rss"
echo "  apply runs (s): $(cut -d' ' -f1 "$WORK/r.p" | xargs printf '%.2f '); with the log open: $(cut -d' ' -f1 "$WORK/r.l" | xargs printf '%.2f ')"
echo "  host log: $log_lines lines; load at end $(cut -d' ' -f1-3 /proc/loadavg)"
