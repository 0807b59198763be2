#!/usr/bin/env bash
# Fuzzing campaign: every libFuzzer target for a set time under
# ASan + UBSan, then one table of executions and coverage.
#
#   bash fuzz/campaign.sh [SECONDS_PER_TARGET] [JOBS]     (default 300, 2)
#
# Builds with clang into $ABRI_FUZZ_BUILD (default /tmp/abri-fuzz), starts
# each target from its committed seed corpus (fuzz/corpus/<target>) plus
# what earlier campaigns found (kept in $ABRI_FUZZ_BUILD/corpus/<target>,
# not committed: it grows), with its dictionary fuzz/<target>.dict. A
# crash leaves its input in fuzz/crashes/<target>/; once fixed, copy it
# into fuzz/corpus/<target>/ so the 'fuzz' meson suite replays it forever
# (the regression test). Prints a Markdown table for docs/fuzzing.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECS=${1:-300}
JOBS=${2:-2}
B=${ABRI_FUZZ_BUILD:-/tmp/abri-fuzz}

if [ ! -f "$B/build.ninja" ]; then
  CC=clang meson setup "$B" "$ROOT" -Dfuzz=true -Dtests=false -Db_lundef=false >/dev/null
fi
ninja -C "$B" -j"$JOBS" >/dev/null

run_one() {
  local bin=$1 t corpus dict=()
  t=$(basename "$bin")
  corpus=$B/corpus/$t
  mkdir -p "$corpus" "$ROOT/fuzz/crashes/$t"
  [ -f "$ROOT/fuzz/$t.dict" ] && dict=(-dict="$ROOT/fuzz/$t.dict")
  # The first corpus directory receives new inputs; the seeds are read only.
  "$bin" "${dict[@]}" -max_total_time="$SECS" -print_final_stats=1 -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="$ROOT/fuzz/crashes/$t/" \
    "$corpus" "$ROOT/fuzz/corpus/$t" >"$B/$t.log" 2>&1 && echo ok >"$B/$t.rc" || echo FAILED >"$B/$t.rc"
}
export -f run_one
export B ROOT SECS

start=$(date +%s)
find "$B/fuzz" -maxdepth 1 -type f -executable -name 'fuzz_*' | sort | xargs -P "$JOBS" -I{} bash -c 'run_one {}'
end=$(date +%s)

echo "Fuzzing campaign: ${SECS} s per target, $JOBS at a time, ASan+UBSan, $(date -u +%Y-%m-%d), $(nproc) cores, wall time $((end - start)) s"
echo
echo "| target | executions | exec/s | coverage (edges) | features | corpus | result |"
echo "|---|---:|---:|---:|---:|---:|---|"
total=0
for bin in $(find "$B/fuzz" -maxdepth 1 -type f -executable -name 'fuzz_*' | sort); do
  t=$(basename "$bin")
  log=$B/$t.log
  execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log" | tail -n1)
  rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$log" | tail -n1)
  # The last status line: "#N  DONE cov: C ft: F corp: K/..."
  cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -n1 | awk '{print $2}' || true)
  ft=$(grep -Eo 'ft: [0-9]+' "$log" | tail -n1 | awk '{print $2}' || true)
  corp=$(ls "$B/corpus/$t" | wc -l)
  echo "| $t | ${execs:-0} | ${rate:-0} | ${cov:-?} | ${ft:-?} | $corp | $(cat "$B/$t.rc") |"
  total=$((total + ${execs:-0}))
done
echo
echo "Total executions: $total"
! grep -lx FAILED "$B"/fuzz_*.rc >/dev/null 2>&1
