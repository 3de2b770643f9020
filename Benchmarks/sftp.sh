#!/usr/bin/env bash
# Uploads a SIZE_MIB file (default 1024) to a private loopback sshd with `ovirt-wizard ssh put` and with
# OpenSSH `scp`, RUNS times each (default 3), interleaved, and prints the medians and their ratio: on loopback,
# then through a proxy adding each of DELAYS_MS each way (default "5 25 50": 10, 50 and 100 ms RTT).
# Reports ratios; never pass/fail.
#
#   swift build -c release && Benchmarks/sftp.sh            # BIN=... to use another build
#
# `ssh put` verifies by default (the host hashes each part it wrote, compared with the local SHA-256) and, for files
# of 64 MiB or more, spreads the file over as many connections as the measured round trip needs (2 to 8); the
# table also shows --no-verify (scp does no verification at all) and a fixed --streams 2 (what the default was
# before it was sized from the link); on loopback also --streams 1 and the SFTP path. Every upload is compared with
# the source (cmp) before it counts. LOOPBACK=0 leaves out the loopback rows.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MIB=${SIZE_MIB:-1024}
RUNS=${RUNS:-3}
DELAYS_MS=${DELAYS_MS:-5 25 50}
BIN=${BIN:-.build/release/ovirt-wizard}
[ -x "$BIN" ] || { echo "sftp.sh: $BIN not found; run: swift build -c release" >&2; exit 2; }

work=$(mktemp -d /tmp/sftp-bench.XXXXXX)
addr="127.0.0.$((200 + $$ % 50))"
free_port() { python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$addr"; }
port=$(free_port)
proxy_port=$(free_port)
sshd_pid="" proxy_pid=""
stop_proxy() { [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null; proxy_pid=""; }
cleanup() {
  stop_proxy || true
  [ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p /run/sshd "$work/remote"
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
CFG
/usr/sbin/sshd -D -f "$work/sshd_config" -E "$work/sshd.log" &
sshd_pid=$!
hostkey=$(cut -d' ' -f1,2 "$work/host_key.pub")
printf '[%s]:%s %s\n[%s]:%s %s\n' "$addr" "$port" "$hostkey" "$addr" "$proxy_port" "$hostkey" > "$work/known_hosts"
for _ in $(seq 100); do (exec 3<>"/dev/tcp/$addr/$port") 2>/dev/null && break; sleep 0.05; done
start_proxy() {   # $1 = milliseconds each way
  python3 Benchmarks/delay-proxy.py "$addr" "$proxy_port" "$addr" "$port" "$1" &
  proxy_pid=$!
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/$addr/$proxy_port") 2>/dev/null && break; sleep 0.05; done
}

head -c $((SIZE_MIB << 20)) /dev/urandom > "$work/payload.bin"
user=$(id -un)

tck=$(getconf CLK_TCK)
# CPU seconds of the loopback sshd and every session process it has reaped (fields utime+stime+cutime+cstime).
server_cpu() { awk -v t="$tck" '{print ($14+$15+$16+$17)/t}' "/proc/$sshd_pid/stat"; }
# CPU seconds of the delay proxy (0 on loopback): it shares the cores too.
proxy_cpu() { if [ -n "$proxy_pid" ]; then awk -v t="$tck" '{print ($14+$15)/t}' "/proc/$proxy_pid/stat"; else echo 0; fi; }
# Runs a client command; appends its wall seconds to $1, and its CPU seconds (with its children: scp's ssh), the
# server's and the proxy's to $1.cpu as "client server proxy". The server's session processes count once sshd has
# reaped them.
seconds() {
  local out=$1 t0 t1 s0 s1 p0 c; shift
  s0=$(server_cpu); p0=$(proxy_cpu); t0=$(date +%s.%N)
  c=$( ("$@" >/dev/null; awk -v t="$tck" '{print ($16+$17)/t}' "/proc/$BASHPID/stat") )
  t1=$(date +%s.%N)
  for _ in $(seq 50); do [ -z "$(pgrep -P "$sshd_pid")" ] && break; sleep 0.02; done
  s1=$(server_cpu)
  echo "$t1 - $t0" | bc -l >> "$out"
  echo "$c $(echo "$s1 - $s0" | bc -l) $(echo "$(proxy_cpu) - $p0" | bc -l)" >> "$out.cpu"
}
# Its report line ("..., N connections (round trip X ms)") is kept for the table.
put()      { "$BIN" ssh put "$user@$addr:$1" "$work/payload.bin" "$work/remote/put.bin" -i "$work/client_key" \
               --known-hosts "$work/known_hosts" --ssh-config /dev/null "${@:2}" > "$work/put.last"; }
scp_put()  { scp -q -F /dev/null -i "$work/client_key" -o UserKnownHostsFile="$work/known_hosts" \
               -o StrictHostKeyChecking=yes -o BatchMode=yes -P "$1" "$work/payload.bin" "$user@$addr:$work/remote/scp.bin"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# "client + server [+ proxy] = total" from a file of "client server proxy" lines (medians of each column and of
# their sums).
cpu_medians() {
  if [ -n "$proxy_pid" ]; then
    printf '%.2f + %.2f + %.2f = %.2f' "$(cut -d' ' -f1 "$1" | median)" "$(cut -d' ' -f2 "$1" | median)" \
      "$(cut -d' ' -f3 "$1" | median)" "$(awk '{print $1 + $2 + $3}' "$1" | median)"
  else
    printf '%.2f + %.2f = %.2f' "$(cut -d' ' -f1 "$1" | median)" "$(cut -d' ' -f2 "$1" | median)" \
      "$(awk '{print $1 + $2}' "$1" | median)"
  fi
}

# Each variant: a label and the extra arguments of `ssh put`. VARIANTS=short keeps only the default put.
all_variants=(
  "ssh put (default: streams by RTT, verify)|"
  "ssh put --no-verify|--no-verify"
  "ssh put --streams 2 (fixed, verify)|--streams 2"
  "ssh put --streams 1|--streams 1"
  "ssh put --sftp (streams by RTT, verify)|--sftp"
)

bench() {   # $1 = port, $2 = label
  local p=$1 label=$2 i v k
  # Loopback shows every variant; a delayed link the ones that differ there (the others are CPU-bound alike).
  if [ "$p" = "$port" ]; then variants=("${all_variants[@]}"); else variants=("${all_variants[@]:0:3}"); fi
  [ "${VARIANTS:-all}" = short ] && variants=("${variants[0]}")
  : > "$work/t.scp"; : > "$work/t.scp.cpu"
  for k in "${!variants[@]}"; do : > "$work/t.$k"; : > "$work/t.$k.cpu"; done
  for i in $(seq "$RUNS"); do
    sync; seconds "$work/t.scp" scp_put "$p"
    for k in "${!variants[@]}"; do
      v=${variants[$k]#*|}
      # shellcheck disable=SC2086
      sync; seconds "$work/t.$k" put "$p" $v
      sed -n 's/.*verif[a-z]*\( sha256 [0-9a-f]*\)\{0,1\}, *//p' "$work/put.last" > "$work/t.$k.how"
      cmp -s "$work/payload.bin" "$work/remote/put.bin" || { echo "sftp.sh: ${variants[$k]%%|*}: uploaded file differs" >&2; exit 1; }
      rm -f "$work/remote/put.bin"
    done
    cmp -s "$work/payload.bin" "$work/remote/scp.bin" || { echo "sftp.sh: scp: uploaded file differs" >&2; exit 1; }
    rm -f "$work/remote/"*
  done
  local s t
  s=$(median < "$work/t.scp")
  printf '%s, %d MiB, %d runs interleaved (median seconds, MB/s, speed vs scp; median CPU s of client + sshd side); load before: %s\n' \
    "$label" "$SIZE_MIB" "$RUNS" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf '  %-42s %7.3f s %8.1f MB/s         CPU %s\n' "scp" "$s" "$(echo "$SIZE_MIB*1.048576/$s" | bc -l)" "$(cpu_medians "$work/t.scp.cpu")"
  for k in "${!variants[@]}"; do
    t=$(median < "$work/t.$k")
    printf '  %-42s %7.3f s %8.1f MB/s  x%.2f  CPU %s  (runs: %s) %s\n' "${variants[$k]%%|*}" "$t" \
      "$(echo "$SIZE_MIB*1.048576/$t" | bc -l)" "$(echo "$s/$t" | bc -l)" "$(cpu_medians "$work/t.$k.cpu")" \
      "$(tr '\n' ' ' < "$work/t.$k" | xargs printf '%.2f ')" "$(cat "$work/t.$k.how")"
  done
  printf '  scp runs: %s\n' "$(xargs printf '%.2f ' < "$work/t.scp")"
  # Both ends (and the proxy) share this machine's cores: no schedule can beat the CPU each upload needs / cores.
  # Behind the proxy this bounds only the uploads the window does not bound already.
  if true; then
    local cores c t
    cores=$(nproc)
    for k in "${!variants[@]}"; do
      c=$(awk '{print $1 + $2 + $3}' "$work/t.$k.cpu" | median)
      t=$(median < "$work/t.$k")
      printf '  CPU bound, %-33s %5.2f s CPU / %d cores = %.3f s at best (x%.2f of scp); reached %.2f of it\n' \
        "${variants[$k]%%|*}:" "$c" "$cores" "$(echo "$c/$cores" | bc -l)" "$(echo "$s*$cores/$c" | bc -l)" \
        "$(echo "$c/$cores/$t" | bc -l)"
    done
  fi
}

echo "OpenSSH: $(ssh -V 2>&1); cores: $(nproc); $(uptime)"
[ "${LOOPBACK:-1}" = 0 ] || bench "$port" "loopback"
for d in $DELAYS_MS; do
  start_proxy "$d"
  bench "$proxy_port" "loopback + ${d} ms each way (RTT $((2 * d)) ms)"
  stop_proxy || true
done
