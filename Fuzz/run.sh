#!/bin/sh
# Builds the libFuzzer targets of OtopiKit and runs each for SECONDS (default 600).
#   Fuzz/run.sh [SECONDS] [TARGET...]      targets: answer-file otopi-output (default: both)
# Builds into .build-fuzz/ with the toolchain's swiftc (-sanitize=fuzzer,address), outside `swift test`.
# New inputs go to .build-fuzz/corpus/TARGET (the committed seeds in Fuzz/corpus/TARGET are only read);
# a crash leaves .build-fuzz/crash-TARGET-* and makes the script exit 1 naming it.
set -u
cd "$(dirname "$0")/.."
seconds=600
case "${1:-}" in ''|*[!0-9]*) ;; *) seconds=$1; shift ;; esac
targets=${*:-"answer-file otopi-output"}
SWIFTC=${SWIFTC:-swiftc}
out=.build-fuzz
mkdir -p "$out"
status=0
for t in $targets; do
  [ -f "Fuzz/$t.swift" ] || { echo "run.sh: no fuzz target '$t' (Fuzz/$t.swift)" >&2; exit 2; }
  echo "== building $t"
  # ld.gold warns once per ASan helper symbol ("Cannot export local symbol"); those lines are noise.
  if ! "$SWIFTC" -sanitize=fuzzer,address -parse-as-library -O -module-name OtopiFuzz -package-name ovirt_wizard \
        Sources/OtopiKit/*.swift "Fuzz/$t.swift" -o "$out/$t" 2>"$out/$t.build.log"; then
    grep -v "Cannot export local symbol" "$out/$t.build.log" >&2
    echo "run.sh: $t does not build" >&2; exit 2
  fi
  mkdir -p "$out/corpus/$t"
  log="$out/$t.log"
  echo "== running $t for ${seconds}s (log: $log)"
  # The Swift backtracer reads memory ASan has poisoned and hides the real report; libFuzzer prints the trap.
  SWIFT_BACKTRACE=enable=no "./$out/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=8192 \
      -print_final_stats=1 -artifact_prefix="$out/crash-$t-" \
      "$out/corpus/$t" "Fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  artifact=$(sed -n 's/^.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
  if [ "$rc" -eq 0 ] && [ -z "$artifact" ]; then
    echo "$t: ${seconds}s runs=${runs:-?} exec/s=${speed:-?} cov=${cov:-?} ft=${ft:-?} crashes=0"
  else
    echo "$t: ${seconds}s runs=${runs:-?} exec/s=${speed:-?} cov=${cov:-?} ft=${ft:-?} crashes=1 (exit $rc) reproducer: ${artifact:-none, see $log}"
    grep -m 5 -E 'ERROR|Fatal error|Precondition failed|SUMMARY' "$log" | sed 's/^/    /'
    echo "    reproduce: ./$out/$t ${artifact:-<input>}"
    status=1
  fi
done
exit $status
