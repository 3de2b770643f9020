#!/usr/bin/env bash
# CPU time per keystroke and per full redraw of the TUI layer, whole process, in a real terminal.
#
# Runs the tui-harness binary (the TUI widgets and app loop, no flows) in a private tmux server at
# 200x60 and feeds it many keys. The harness writes its own getrusage (user + system CPU, whole process)
# at exit; a run that only starts and quits is the baseline subtracted from the others.
#
#   Benchmarks/keys.sh [--debug] [--keys N]
#
# Prints one line per scenario: keys sent, CPU ms above the baseline, CPU ms per key. Aim: < 2 ms/key.
set -euo pipefail
cd "$(dirname "$0")/.."

config=release
keys=2000
while [ $# -gt 0 ]; do
  case "$1" in
    --debug) config=debug ;;
    --keys) keys="$2"; shift ;;
    *) echo "usage: $0 [--debug] [--keys N]" >&2; exit 64 ;;
  esac
  shift
done

swift build -c "$config" --product tui-harness >/dev/null
swift build -c "$config" --product ovirt-wizard >/dev/null
bin="$(swift build -c "$config" --show-bin-path)/tui-harness"
wizard="$(swift build -c "$config" --show-bin-path)/ovirt-wizard"

work="$(mktemp -d /tmp/tui-bench.XXXXXX)"
sock="$work/tmux.sock"
tm() { tmux -S "$sock" -f /dev/null "$@"; }
cleanup() { tm kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# run NAME SETUP_KEYS... -- then the benchmark keys are sent by the function named in $bench
start() {
  rm -f "$work/rusage"
  tm kill-server 2>/dev/null || true
  sleep 0.2
  tm new-session -d -s bench -x 200 -y 60 \
    "env TERM=tmux-256color LANG=C.UTF-8 $bin --save $work/out --rusage $work/rusage; echo EXIT=\$?; sleep 600"
  wait_for "Sections"
}

wait_for() {
  for _ in $(seq 1 600); do
    tm capture-pane -p -t bench | grep -qF "$1" && return 0
    sleep 0.05
  done
  echo "timed out waiting for '$1'" >&2
  tm capture-pane -p -t bench >&2
  exit 1
}

finish() {
  tm send-keys -t bench C-c q
  for _ in $(seq 1 1200); do [ -s "$work/rusage" ] && break; sleep 0.05; done
  [ -s "$work/rusage" ] || { echo "the harness did not exit" >&2; exit 1; }
  # events=N user_us=U system_us=S
  awk '{ split($1,e,"="); split($2,u,"="); split($3,s,"="); print e[2], u[2] + s[2] }' "$work/rusage"
}

baseline() { start; finish; }

typing() {
  start
  tm send-keys -t bench Enter
  wait_for "Host fully qualified"
  local chunk sent=0
  chunk="$(printf 'abcdefghij%.0s' $(seq 1 10))"   # 100 characters
  while [ $sent -lt "$keys" ]; do
    tm send-keys -t bench -l "$chunk"
    tm send-keys -t bench C-u
    sent=$((sent + 101))
  done
  echo "$sent"
}

redraws() {
  start
  local sent=0 batch
  batch="$(printf 'C-l %.0s' $(seq 1 100))"
  while [ $sent -lt "$keys" ]; do
    # shellcheck disable=SC2086
    tm send-keys -t bench $batch
    sent=$((sent + 100))
  done
  echo "$sent"
}

moves() {
  start
  local sent=0 batch
  batch="$(printf 'Down Up %.0s' $(seq 1 50))"
  while [ $sent -lt "$keys" ]; do
    # shellcheck disable=SC2086
    tm send-keys -t bench $batch
    sent=$((sent + 100))
  done
  echo "$sent"
}

read -r _ base_us < <(baseline)
printf 'tui-harness (%s) at 200x60; baseline start+quit: %.1f ms CPU\n' "$config" "$(echo "$base_us / 1000" | bc -l)"
printf '%-34s %8s %12s %12s\n' scenario keys "CPU ms" "ms/key"
for scenario in typing moves redraws; do
  sent="$($scenario)"
  read -r events cpu_us < <(finish)
  extra=$((cpu_us - base_us))
  label=$scenario
  case $scenario in
    typing) label="type into a text field (+Ctrl-U)" ;;
    moves) label="hub Down/Up (partial redraw)" ;;
    redraws) label="Ctrl-L (full repaint)" ;;
  esac
  printf '%-34s %8d %12.1f %12.3f   (%d events)\n' "$label" "$sent" "$(echo "$extra / 1000" | bc -l)" \
    "$(echo "$extra / 1000 / $sent" | bc -l)" "$events"
done

# The real wizard (engine-setup flow, offline): CPU of the whole process from /usr/bin/time, typing into the
# FQDN field, minus a run that only opens the question and quits.
wizard_run() {  # $1 = number of characters to type
  rm -f "$work/time" "$work/answers.conf"
  tm kill-server 2>/dev/null || true
  sleep 0.2
  tm new-session -d -s bench -x 200 -y 60 \
    "cd $work && env TERM=tmux-256color LANG=C.UTF-8 /usr/bin/time -f '%U %S' -o $work/time $wizard --flow engine-setup --offline --answers $work/answers.conf; echo EXIT=\$?; sleep 600"
  wait_for "NETWORK CONFIGURATION"
  tm send-keys -t bench Enter
  wait_for "Host fully qualified"
  local sent=0 chunk
  chunk="$(printf 'abcdefghij%.0s' $(seq 1 10))"
  while [ "$sent" -lt "$1" ]; do
    tm send-keys -t bench -l "$chunk"
    tm send-keys -t bench C-u
    sent=$((sent + 101))
  done
  tm send-keys -t bench C-c q
  for _ in $(seq 1 1200); do [ -s "$work/time" ] && break; sleep 0.05; done
  [ -s "$work/time" ] || { echo "ovirt-wizard did not exit" >&2; exit 1; }
  tail -n 1 "$work/time" | awk -v sent="$sent" '{ printf "%d %d\n", sent, ($1 + $2) * 1000000 }'
}
read -r _ wizard_base < <(wizard_run 0)
read -r sent wizard_us < <(wizard_run "$keys")
extra=$((wizard_us - wizard_base))
printf '%-34s %8d %12.1f %12.3f   (/usr/bin/time, 10 ms resolution)\n' "ovirt-wizard: type into FQDN field" "$sent" \
  "$(echo "$extra / 1000" | bc -l)" "$(echo "$extra / 1000 / $sent" | bc -l)"
