#!/usr/bin/env bash
# The cost of the weekly re-stamp (docs/operations.md, "Housekeeping";
# docs/benchmarks.md, "Re-stamp"), one command:
#
#   bash bench/restamp.sh
#
# A throwaway cluster and abrid (tests/harness/env.sh); COUNT reports (each
# a case and a 4 KiB-bucket envelope) written by bench/loadgen in the
# current week; then one housekeeping pass a week later on the test clock
# (abrid --housekeeping-now, built with -Dtest_clock=true): it re-stamps
# every row written since the last re-stamp in one transaction and
# rewrites every table (CLUSTER), the time during which submissions wait.
# Prints the rows, the pass's duration, the tables' sizes, and a baseline
# from the same run: PostgreSQL's own VACUUM FULL of the same tables.
# Loopback only; asserts nothing on time.
#
# Environment: ABRI_BUILD (default $ROOT/build), ABRI_RESTAMP_COUNT
#   (default 20000).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export ABRI_SRC=${ABRI_SRC:-$ROOT}
export ABRI_BUILD=${ABRI_BUILD:-$ROOT/build}
COUNT=${ABRI_RESTAMP_COUNT:-20000}
source "$ABRI_SRC/tests/harness/env.sh"
abri_pg_up
abri_keys_up
abri_conf_up
printf 'pow_difficulty = 0\npow_load_threshold = 0\nsweep_interval = 86400\n' >>"$T/abrid.conf"
"$ABRI" admin migrate --dsn "$DSN" >/dev/null
abrid_start
abri_cli l1 admin upload-recipients "$T/list1.json" >/dev/null
grep -q "test clock" <(ABRI_TEST_CLOCK_OFFSET=1 "$ABRID" --housekeeping-now -c "$T/abrid.conf" 2>&1) ||
  { echo "bench/restamp.sh: abrid was built without -Dtest_clock=true" >&2; exit 1; }
"$ABRI_BUILD/bench/loadgen" --server "unix:$T/abrid.sock" --deployment "$DEPLOYMENT" \
  --org-pub "$T/org.pub.json" --json --count "$COUNT" --concurrency 4 >"$T/load.json" || true
abrid_stop
size() { abri_db "select pg_size_pretty(sum(pg_total_relation_size(c))::bigint) from unnest(array['cases','envelopes']::regclass[]) c"; }
echo "# abri re-stamp: $(jq .ok "$T/load.json") reports, cases + envelopes $(size), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(date +%s.%N)
ABRI_TEST_CLOCK_OFFSET=$((7 * 86400)) "$ABRID" --housekeeping-now -c "$T/abrid.conf" >"$T/pass.log" 2>&1
t1=$(date +%s.%N)
echo "housekeeping pass a week later: $(grep -o 'week re-stamped: [0-9]* rows' "$T/pass.log"), $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
# How long the rewrite of each table holds its lock: CLUSTER alone, again.
for t in cases envelopes; do
  s0=$(date +%s.%N); abri_db "cluster $t using ${t}_pkey" >/dev/null; s1=$(date +%s.%N)
  v0=$(date +%s.%N); abri_db "vacuum full $t" >/dev/null; v1=$(date +%s.%N)
  echo "$t: CLUSTER $(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.2f", b - a }') s, PostgreSQL's VACUUM FULL $(awk -v a="$v0" -v b="$v1" 'BEGIN { printf "%.2f", b - a }') s"
done
