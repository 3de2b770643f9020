# Shared by the fixture commands on the lab hosts (never installed anywhere else).
# $here/../root stands in for the host's / ; $here/../fixture.env sets the behaviour of this host.
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)/root
mkdir -p "$root/var/lib/rpm-fixture"
state="$root/var/lib/rpm-fixture"
DELAY=""
[ -r "$here/../fixture.env" ] && . "$here/../fixture.env"
echo "$(date +%s.%N) $(basename "$0") $*" >> "$root/runs.log"
say() { printf '%s\n' "$1"; if [ -n "$DELAY" ]; then sleep "$DELAY"; fi; }
info() { say "[ INFO  ] $1"; }
warn() { say "[WARNING] $1"; }
error() { say "[ ERROR ] $1"; }
note() { say "          $1"; }
blank() { say "         "; }
title() { blank; note "--== $1 ==--"; blank; }
# The value of KEY in the answer file given with --config-append, without its type.
key() { grep -s "^$1=" "$conf" | head -n 1 | cut -d= -f2- | cut -d: -f2-; }
