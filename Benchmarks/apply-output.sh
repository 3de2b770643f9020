#!/usr/bin/env bash
# A step that prints LINES lines (default 100,000): the fixture `yum install` on a private loopback sshd, run
#   (a) by `ovirt-wizard apply --plain` (the install-packages step, as the journal times it: output split into
#       lines, masked, parsed, written to the host log, posted as events), and
#   (b) by OpenSSH `ssh host yum install -y ovirt-engine > log` (the same command, output to a file).
# RUNS times each (default 3); prints the medians and their ratio. Reports; never pass/fail.
#
#   swift build -c release && Benchmarks/apply-output.sh     # BIN=.build/debug/ovirt-wizard for a debug build
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=${LINES:-100000}
RUNS=${RUNS:-3}
BIN=${BIN:-.build/release/ovirt-wizard}
[ -x "$BIN" ] || { echo "apply-output.sh: $BIN not found; run: swift build -c release" >&2; exit 2; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

work=$(mktemp -d /tmp/apply-bench.XXXXXX)
addr="127.0.0.$((200 + $$ % 50))"
port=$(python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$addr")
sshd_pid=""
cleanup() { [ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p /run/sshd "$work/host/bin" "$work/jump"
for f in common.sh engine-setup hosted-engine yum dnf rpm; do cp "Tests/DeployTests/Fixtures/$f" "$work/host/bin/"; done
echo "YUM_LINES=$LINES" > "$work/host/fixture.env"
ssh-keygen -q -t ed25519 -N "" -f "$work/host_key"
ssh-keygen -q -t ed25519 -N "" -f "$work/client_key"
cp "$work/client_key.pub" "$work/authorized_keys"
cat > "$work/sshd_config" <<CFG
ListenAddress $addr:$port
HostKey $work/host_key
PidFile none
AuthorizedKeysFile $work/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
PermitRootLogin prohibit-password
UseDNS no
Subsystem sftp internal-sftp
SetEnv PATH=$work/host/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CFG
/usr/sbin/sshd -D -f "$work/sshd_config" -E "$work/sshd.log" &
sshd_pid=$!
printf '[%s]:%s %s\n' "$addr" "$port" "$(cut -d' ' -f1,2 "$work/host_key.pub")" > "$work/known_hosts"
for _ in $(seq 100); do (exec 3<>"/dev/tcp/$addr/$port") 2>/dev/null && break; sleep 0.05; done
user=$(id -un)

cat > "$work/jump/engine.conf" <<ANS
[environment:default]
OVESETUP_CONFIG/fqdn=str:localhost
OVESETUP_DIALOG/confirmSettings=bool:True
OVIRT_WIZARD/host=str:$addr
OVIRT_WIZARD/sshPort=int:$port
OVIRT_WIZARD/sshUser=str:$user
ANS

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
: > "$work/t.apply"; : > "$work/t.ssh"
for i in $(seq "$RUNS"); do
  rm -rf "$work/jump/engine.conf.deploy" "$work/host/root"
  HOME=$work SSH_AUTH_SOCK= "$BIN" apply --plain --answers "$work/jump/engine.conf" -i "$work/client_key" \
    --known-hosts "$work/known_hosts" --ssh-config /dev/null --remote-dir "$work/remote" > "$work/apply.out"
  grep '"step":"install-packages"' "$work/jump/engine.conf.deploy/journal.jsonl" | grep '"status":"done"' \
    | sed 's/.*"seconds":\([0-9.e-]*\).*/\1/' >> "$work/t.apply"
  t0=$(date +%s.%N)
  ssh -F /dev/null -i "$work/client_key" -o UserKnownHostsFile="$work/known_hosts" -o StrictHostKeyChecking=yes \
    -o BatchMode=yes -p "$port" "$user@$addr" yum install -y ovirt-engine > "$work/ssh.log"
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l >> "$work/t.ssh"
done
a=$(median < "$work/t.apply"); s=$(median < "$work/t.ssh")
echo "OpenSSH: $(ssh -V 2>&1); cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg); binary: $BIN"
printf 'a step printing %d lines, %d runs (median seconds)\n' "$LINES" "$RUNS"
printf '  %-44s %7.3f s\n' "ssh host yum install > file" "$s"
printf '  %-44s %7.3f s  x%.2f of ssh\n' "apply --plain, install-packages step" "$a" "$(echo "$a/$s" | bc -l)"
printf '  host log: %s lines\n' "$(wc -l < "$work/jump/engine.conf.deploy/logs/$addr.log")"
