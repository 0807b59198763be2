#!/usr/bin/env bash
# Server benchmark (docs/benchmarks.md, "Server"), one command:
#
#   bash bench/server.sh
#
# Starts a throwaway PostgreSQL cluster and abrid exactly as the
# integration tests do (tests/harness/env.sh: src/scripts/pg.sh, fresh keys,
# a signed recipient list), with proof of work off and no per-address
# limits, then in the same run:
#   1. abrid's peak: bench/loadgen closed loop on the TCP listener at 2/4/8
#      connections, the best kept;
#   2. PostgreSQL's ceiling: pgbench running bench/pgbench-submission.sql
#      (the statements and rows of one POST /v1/cases) with as many clients
#      as abrid has database workers (PostgreSQL connections), interleaved
#      with abrid runs in rounds
#      ("tcp": the best concurrency; "split": 2 connections, one to each of
#      abrid's listeners); the ratio abrid / pgbench; CPU per submission;
#   3. abrid at half its peak rate (open loop): p50/p99/p999, and pgbench
#      at the same rate;
#   4. abrid's VmHWM, then 10,000 idle slow connections: with the default
#      header_timeout (they are cut), then held (VmRSS);
#   5. listener side: `abri cases` over every case now stored, `abri show`
#      of 100 cases; `abri audit report --records` over 100,000 synthetic
#      statistics records.
# Loopback only; prints a summary block at the end. Nothing fails on a time.
#
# Environment: ABRI_BUILD (meson build dir, default $ROOT/build),
#   ABRI_BENCH_SECONDS (each measured phase, default 20),
#   ABRI_BENCH_SWEEP_SECONDS (each concurrency of the sweep, default 8),
#   ABRI_BENCH_ROUNDS (pgbench/abrid alternations, default 3),
#   ABRI_BENCH_THREADS (abrid database workers = PostgreSQL connections =
#     pgbench clients, and libmicrohttpd threads; default 2),
#   ABRI_BENCH_IDLE (idle connections, default 10000),
#   ABRI_BENCH_RECORDS (statistics records, default 100000),
#   ABRI_BENCH_SHOW (cases shown, default 100).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export ABRI_SRC=${ABRI_SRC:-$ROOT}
export ABRI_BUILD=${ABRI_BUILD:-$ROOT/build}
LOADGEN=$ABRI_BUILD/bench/loadgen
SECS=${ABRI_BENCH_SECONDS:-20}
SWEEP_SECS=${ABRI_BENCH_SWEEP_SECONDS:-8}
THREADS=${ABRI_BENCH_THREADS:-2}
IDLE=${ABRI_BENCH_IDLE:-10000}
RECORDS=${ABRI_BENCH_RECORDS:-100000}
SHOW=${ABRI_BENCH_SHOW:-100}

for x in "$ABRI_BUILD/src/abrid/abrid" "$ABRI_BUILD/src/abri/abri" "$LOADGEN"; do
  [ -x "$x" ] || { echo "bench/server.sh: $x missing (meson setup + ninja, or set ABRI_BUILD)" >&2; exit 1; }
done
command -v pgbench >/dev/null || { echo "bench/server.sh: pgbench missing (postgresql-client)" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench/server.sh: jq missing" >&2; exit 1; }

# File descriptors for the idle connections, in this shell and so in abrid
# and loadgen (raising the hard limit needs root; otherwise as far as allowed).
want=$((IDLE + 1024))
ulimit -Hn "$want" 2>/dev/null || true
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -Sn)" != unlimited ] && [ "$(ulimit -Sn)" -lt "$want" ]; then
  IDLE=$(($(ulimit -Sn) - 1024))
  echo "# RLIMIT_NOFILE is $(ulimit -Sn): holding $IDLE idle connections instead" >&2
fi

export ABRI_TEST_PORT=$((20000 + RANDOM % 12000)) # below the ephemeral ports (32768-)
# shellcheck source=tests/harness/env.sh
source "$ABRI_SRC/tests/harness/env.sh"
abri_env_up >/dev/null

# The benchmark's abrid: proof of work off (a submission here carries none),
# no per-address limits (every client is 127.0.0.1), room for the idle
# connections.
# set_conf KEY VALUE: abrid.conf refuses a key set twice.
set_conf() {
  if grep -q "^$1 = " "$T/abrid.conf"; then
    sed -i "s|^$1 = .*|$1 = $2|" "$T/abrid.conf"
  else
    echo "$1 = $2" >>"$T/abrid.conf"
  fi
}
abrid_stop
set_conf threads "$THREADS"
set_conf pow_difficulty 0
set_conf pow_load_threshold 0
set_conf addr_limits 0
set_conf max_connections $((IDLE + 512))
set_conf db_workers "$THREADS"
# The load generators connect first and wait for their start while
# pgbench runs (up to ~15 s): no header deadline for the load phases.
set_conf header_timeout 60
set_conf request_timeout 60
abrid_start
URL=http://127.0.0.1:$ABRI_TEST_PORT
LG=("$LOADGEN" --server "$URL" --deployment "$DEPLOYMENT" --org-pub "$T/org.pub.json" --pid "$ABRID_PID" --json)

nproc_=$(nproc)
echo "# abri server benchmark: $nproc_ CPUs, $(uname -r), PostgreSQL $(pgbench --version | awk '{print $3}'), abrid threads and database workers $THREADS"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# Warm-up (connections, prepared statements, caches); its first envelope is
# the one pgbench stores.
"${LG[@]}" --count 300 --concurrency 4 --envelope-out "$T/envelope.bin" >"$T/warm.json" || true
echo "warm-up: $(jq -c '{count, errors, throughput, p50_ms}' "$T/warm.json")"

# CPU seconds used so far: abrid (all threads), PostgreSQL (every live
# process plus the children the postmaster has reaped, e.g. pgbench's
# backends), per abrid worker thread.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
cpu_abrid() { ticks "$ABRID_PID"; }
cpu_pg() {
  local pm s=0 p
  pm=$(head -n 1 "$T/data/pgdata/postmaster.pid")
  s=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
  for p in $(pgrep -P "$pm"); do s=$((s + $(ticks "$p"))); done
  echo "$s"
}
threads_cpu() { for t in /proc/"$ABRID_PID"/task/*; do echo "$(basename "$t") $(awk '{print $14 + $15}' "$t/stat")"; done; }
HZ=$(getconf CLK_TCK)
per_req_ms() { awk -v t="$1" -v n="$2" -v hz="$HZ" 'BEGIN { printf "%.2f", (n > 0) ? t / hz / n * 1000 : 0 }'; }
# pool RATE SECONDS [FACTOR]: submissions to prepare for a run.
pool() { awk -v r="$1" -v s="$2" -v f="${3:-1.3}" 'BEGIN { print int(r * s * f) + 200 }'; }

# ---- 1. abrid: closed loop, concurrency sweep ---------------------------------
best_c=2 best_tput=0
for c in 2 4 8; do
  "${LG[@]}" --count "$(pool 700 "$SWEEP_SECS" 1)" --concurrency "$c" --duration "$SWEEP_SECS" \
    >"$T/sweep-$c.json" || true
  echo "sweep c=$c: $(jq -c '{count, errors, throughput, p50_ms, p99_ms}' "$T/sweep-$c.json")"
  tput=$(jq .throughput "$T/sweep-$c.json")
  if awk -v a="$tput" -v b="$best_tput" 'BEGIN { exit !(a > b) }'; then best_c=$c best_tput=$tput; fi
done

# ---- 2. pgbench ceiling and abrid peak, interleaved ---------------------------
# The machine may be shared: ROUNDS alternations of pgbench and abrid, each
# ROUND_SECS, so that both see the same background load; the figures are
# totals over all rounds. abrid runs twice per round: on its TCP listener
# with the sweep's best concurrency ("tcp"), and with its connections split
# between the TCP and the Unix socket listeners ("split"): each listener is
# its own libmicrohttpd daemon. Both hand their transactions to the same
# db_workers database workers (src/abrid/dbpool.h), so "tcp" and "split"
# should now perform alike.
envhex=$(od -An -v -tx1 "$T/envelope.bin" | tr -d ' \n')
ROUNDS=${ABRI_BENCH_ROUNDS:-3}
ROUND_SECS=$(( (SECS + ROUNDS - 1) / ROUNDS ))
pg_n=0 pg_s=0 pg_cpu=0 pg_failed=0 pg_ranges=""
declare -A ab_n=([tcp]=0 [split]=0) ab_s=([tcp]=0 [split]=0) ab_cpu=([tcp]=0 [split]=0) ab_pgcpu=([tcp]=0 [split]=0)

pgbench_round() {
  local r=$1 x0 x1 c0 c1 n tps f
  x0=$(abri_db "select txid_current()"); c0=$(cpu_pg)
  pgbench -n -M prepared -c "$THREADS" -j "$THREADS" -T "$ROUND_SECS" --max-tries 8 \
    -D "env=\\x$envhex" -f "$ABRI_SRC/bench/pgbench-submission.sql" "$DSN" >"$T/pgbench-$r.out" 2>&1 ||
    fail "pgbench: $(tail -n 5 "$T/pgbench-$r.out")"
  c1=$(cpu_pg); x1=$(abri_db "select txid_current()")
  pg_ranges+="${pg_ranges:+ or }xmin::text::bigint between $x0 and $x1"
  n=$(awk '/^number of transactions actually processed/ {print $NF; exit}' "$T/pgbench-$r.out")
  tps=$(awk '/^tps = / {print $3; exit}' "$T/pgbench-$r.out")
  f=$(awk '/^number of failed transactions/ {print $5; exit}' "$T/pgbench-$r.out")
  pg_n=$((pg_n + n)); pg_failed=$((pg_failed + ${f:-0})); pg_cpu=$((pg_cpu + c1 - c0))
  pg_s=$(awk -v a="$pg_s" -v n="$n" -v t="$tps" 'BEGIN { print a + n / t }')
  round_tps=$tps
  echo "round $r pgbench: $(printf %.1f "$tps") tps"
}

# abrid_prepare R TAG CONCURRENCY SERVER...: a loadgen that prepares its
# submissions, connects and waits for abrid_go (so that the preparation is
# not between the pgbench run and the abrid runs it is compared with).
declare -A ab_pid
abrid_prepare() {
  local r=$1 tag=$2 c=$3 n s args=(); shift 3
  for s in "$@"; do args+=(--server "$s"); done
  n=$(pool "$(awk -v a="$best_tput" -v b="$prev_tps" 'BEGIN { m = (a > b) ? a : b; print m }')" "$ROUND_SECS" 2)
  rm -f "$T/ready-$tag" "$T/go-$tag"
  "$LOADGEN" "${args[@]}" --deployment "$DEPLOYMENT" --org-pub "$T/org.pub.json" --pid "$ABRID_PID" \
    --json --count "$n" --concurrency "$c" --duration "$ROUND_SECS" \
    --ready-file "$T/ready-$tag" --start-file "$T/go-$tag" >"$T/$tag-$r.json" &
  ab_pid[$tag]=$!
  while [ ! -e "$T/ready-$tag" ] && kill -0 "${ab_pid[$tag]}" 2>/dev/null; do sleep 0.05; done
}

# abrid_go R TAG: starts the prepared loadgen, waits, adds up its figures.
abrid_go() {
  local r=$1 tag=$2 c0 c1 a0 a1 out=$T/$2-$1.json
  c0=$(cpu_pg); a0=$(cpu_abrid)
  touch "$T/go-$tag"
  wait "${ab_pid[$tag]}" || true
  c1=$(cpu_pg); a1=$(cpu_abrid)
  ab_n[$tag]=$((ab_n[$tag] + $(jq .count "$out"))); ab_cpu[$tag]=$((ab_cpu[$tag] + a1 - a0))
  ab_pgcpu[$tag]=$((ab_pgcpu[$tag] + c1 - c0))
  ab_s[$tag]=$(awk -v a="${ab_s[$tag]}" -v d="$(jq .duration_s "$out")" 'BEGIN { print a + d }')
  echo "round $r abrid $tag: $(jq -c '{concurrency, count, errors, throughput, p50_ms, p99_ms}' "$out")" \
    "ratio $(awk -v a="$(jq .throughput "$out")" -v b="$round_tps" 'BEGIN { printf "%.2f", a / b }')"
}

prev_tps=1000
threads_cpu >"$T/threads0"
for r in $(seq 1 "$ROUNDS"); do
  abrid_prepare "$r" tcp "$best_c" "$URL"
  abrid_prepare "$r" split 2 "$URL" "unix:$T/abrid.sock"
  pgbench_round "$r"
  prev_tps=$round_tps
  [ "$r" = 1 ] && threads_cpu >"$T/threads0"
  abrid_go "$r" tcp
  [ "$r" = 1 ] && threads_cpu >"$T/threads1"
  abrid_go "$r" split
done
PG_TPS=$(awk -v n="$pg_n" -v s="$pg_s" 'BEGIN { printf "%.1f", n / s }')
rate() { awk -v n="${ab_n[$1]}" -v s="${ab_s[$1]}" 'BEGIN { printf "%.1f", n / s }'; }
PEAK=$(rate tcp) SPLIT=$(rate split)
RATIO=$(awk -v a="$PEAK" -v b="$PG_TPS" 'BEGIN { printf "%.2f", a / b }')
RATIO_SPLIT=$(awk -v a="$SPLIT" -v b="$PG_TPS" 'BEGIN { printf "%.2f", a / b }')
PEAK_P99=$(jq -s 'map(.p99_ms) | max' "$T"/tcp-*.json)
PEAK_P50=$(jq -s 'map(.p50_ms) | add / length' "$T"/tcp-*.json)
SPLIT_P50=$(jq -s 'map(.p50_ms) | add / length' "$T"/split-*.json)
PG_CPU_MS=$(per_req_ms "$pg_cpu" "$pg_n")
AB_CPU_MS=$(per_req_ms "${ab_cpu[tcp]}" "${ab_n[tcp]}")
AB_PG_CPU_MS=$(per_req_ms "${ab_pgcpu[tcp]}" "${ab_n[tcp]}")
# Which abrid threads did the work in round 1 "tcp" (network threads and
# database workers; with the worker pool the database work spreads over
# every worker whichever network thread accepted the connections).
WORKERS=$(join "$T/threads0" "$T/threads1" | awk '$3 - $2 > 0 {printf "%s%d", sep, $3 - $2; sep = "/"}')
echo "pgbench: $PG_TPS tps over $pg_n transactions (failed $pg_failed)"
echo "abrid tcp: $PEAK/s over ${ab_n[tcp]} (ratio $RATIO); split: $SPLIT/s over ${ab_n[split]} (ratio $RATIO_SPLIT)"
echo "CPU per submission: PostgreSQL under pgbench $PG_CPU_MS ms; under abrid $AB_PG_CPU_MS ms + abrid $AB_CPU_MS ms"
echo "abrid CPU ticks per busy thread, round 1 tcp: $WORKERS"
# Remove pgbench's rows: the listener side sees only abrid's cases.
abri_db "delete from cases where $pg_ranges" >/dev/null
abri_db "vacuum analyze cases" >/dev/null
abri_db "vacuum analyze envelopes" >/dev/null
# Flush what the peak rounds and the vacuum left in shared buffers now,
# not in the middle of the latency measurement below.
abri_db "checkpoint" >/dev/null
sleep 2

# ---- 3. half the peak rate, open loop ----------------------------------------
HALF=$(awk -v p="$PEAK" 'BEGIN { printf "%.1f", p / 2 }')
"${LG[@]}" --count "$(pool "$HALF" "$SECS")" --concurrency 16 --duration "$SECS" --rate "$HALF" >"$T/half.json" || true
echo "half rate: $(jq -c . "$T/half.json")"
"${LG[@]}" --server "unix:$T/abrid.sock" --count "$(pool "$HALF" "$SECS")" --concurrency 16 --duration "$SECS" \
  --rate "$HALF" >"$T/half-split.json" || true
echo "half rate, split: $(jq -c . "$T/half-split.json")"
# The same rate straight into PostgreSQL: pgbench -R, per-transaction log
# (latency from the scheduled start, as loadgen's open loop).
x0=$(abri_db "select txid_current()")
pgbench -n -M prepared -c "$THREADS" -j "$THREADS" -T "$SECS" -R "$HALF" --max-tries 8 -l \
  --log-prefix "$T/pgrate" -D "env=\\x$envhex" -f "$ABRI_SRC/bench/pgbench-submission.sql" "$DSN" \
  >"$T/pgbench-rate.out" 2>&1 || fail "pgbench -R: $(tail -n 5 "$T/pgbench-rate.out")"
x1=$(abri_db "select txid_current()")
abri_db "delete from cases where xmin::text::bigint between $x0 and $x1" >/dev/null
PGR=$(cat "$T"/pgrate.* | awk '{print $3 / 1000}' | sort -n | awk '{a[NR] = $1} END {
  i50 = int(NR * 0.5 + 0.999); i99 = int(NR * 0.99 + 0.999); i999 = int(NR * 0.999 + 0.999)
  printf "p50 %.1f ms, p99 %.1f ms, p999 %.1f ms (%d transactions)", a[i50], a[i99], a[i999], NR }')
echo "pgbench at ${HALF}/s: $PGR"
HWM=$(awk '/^VmHWM/ {print $2}' "/proc/$ABRID_PID/status")

# ---- 4. idle slow connections ----------------------------------------------
# a) As deployed: header_timeout (10 s by default) ends every connection
#    that has not sent its headers, whatever it trickles.
abrid_stop
set_conf header_timeout 10
abrid_start
"$LOADGEN" --server "$URL" --idle "$IDLE" --hold 30 --interval 5 --pid "$ABRID_PID" --json \
  >"$T/idle-cut.json" || true
echo "idle, default header_timeout: $(cat "$T/idle-cut.json")"
curl -fsS -o /dev/null "$URL/healthz" || fail "abrid does not answer after the idle test"
# b) The memory they cost while held: the same clients with the deadlines
#    at their maximum, so that all of them stay for the 30 s.
abrid_stop
set_conf header_timeout 3600
set_conf request_timeout 3600
abrid_start
"$LOADGEN" --server "$URL" --idle "$IDLE" --hold 30 --interval 5 --pid "$ABRID_PID" --json >"$T/idle.json" ||
  true
echo "idle, header_timeout 3600: $(cat "$T/idle.json")"
# abrid still serves after the idle connections are gone.
curl -fsS -o /dev/null "$URL/healthz" || fail "abrid does not answer after the idle test"

# ---- 5. listener side ----------------------------------------------------
NCASES=$(abri_db "select count(*) from cases")
# tm CMD...: runs it, its wall time in seconds in $TM.
tm() { local t0 rc=0; t0=$(date +%s.%N); "$@" || rc=$?; TM=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'); return $rc; }
tm abri_cli l1 cases >"$T/cases.txt" 2>"$T/cases.err" || fail "abri cases: $(tail -n 3 "$T/cases.err")"
CASES_S=$TM
LISTED=$(grep -c '^[0-9A-HJKMNP-TV-Z]\{10\} ' "$T/cases.txt" || true)
echo "abri cases: $LISTED of $NCASES cases listed in $CASES_S s"
abri_db "select case_ref from cases order by random() limit $SHOW" >"$T/refs"
show_all() { while read -r ref; do abri_cli l1 show "$ref" >/dev/null 2>>"$T/show.err" || return 1; done <"$T/refs"; }
tm show_all || fail "abri show: $(tail -n 3 "$T/show.err")"
SHOW_S=$TM
SHOW_EACH=$(awk -v s="$SHOW_S" -v n="$SHOW" 'BEGIN { printf "%.0f", s / n * 1000 }')
echo "abri show: $SHOW cases in $SHOW_S s ($SHOW_EACH ms per case, one process each)"
python3 "$ABRI_SRC/bench/records.py" "$RECORDS" "$T/records.json"
tm "$ABRI" audit report --year 2026 --records "$T/records.json" --out "$T/report" >"$T/report.out" 2>&1 ||
  fail "abri audit report: $(tail -n 3 "$T/report.out")"
REPORT_S=$TM
echo "abri audit report: $RECORDS records in $REPORT_S s"

# abrid's warnings and errors during the run (a 503 says why here).
echo "abrid warnings and errors (count, message):"
grep -E ': (warn|error): ' "$T/abrid.log" | grep -v 'running as root' | sort | uniq -c | sort -rn | head -n 10 || true

# ---- summary -----------------------------------------------------------------
j() { jq -r "$1" "$2"; }
cat <<SUMMARY

==== abri server benchmark summary ====
machine            $nproc_ CPUs; load average now $(cut -d' ' -f1-3 /proc/loadavg)
pgbench ceiling    $PG_TPS submissions/s ($THREADS clients = abrid db_workers, synchronous_commit on, failed $pg_failed)
abrid peak         $PEAK submissions/s (closed loop, $best_c connections), p50 $(printf %.1f "$PEAK_P50") ms, worst p99 $(printf %.1f "$PEAK_P99") ms
ratio abrid/pgbench $RATIO   (target >= 0.8; $ROUNDS interleaved rounds of $ROUND_SECS s each)
abrid split        $SPLIT submissions/s (2 connections: TCP + Unix listener), p50 $(printf %.1f "$SPLIT_P50") ms; ratio $RATIO_SPLIT
CPU per submission PostgreSQL $PG_CPU_MS ms under pgbench; $AB_PG_CPU_MS ms under abrid, + abrid $AB_CPU_MS ms
abrid workers      CPU ticks per busy thread: $WORKERS
half peak (${HALF}/s)  p50 $(printf %.1f "$(j .p50_ms "$T/half.json")") ms, p99 $(printf %.1f "$(j .p99_ms "$T/half.json")") ms, p999 $(printf %.1f "$(j .p999_ms "$T/half.json")") ms   (target p99 < 25 ms); errors $(jq -c .errors "$T/half.json")
 ... pgbench -R     $PGR
 ... split         p50 $(printf %.1f "$(j .p50_ms "$T/half-split.json")") ms, p99 $(printf %.1f "$(j .p99_ms "$T/half-split.json")") ms, p999 $(printf %.1f "$(j .p999_ms "$T/half-split.json")") ms (16 connections over TCP + Unix); errors $(jq -c .errors "$T/half-split.json")
abrid VmHWM        $((HWM / 1024)) MiB after the load runs
idle connections   $(j .open_at_end "$T/idle.json") of $IDLE held 30 s, abrid max VmRSS $(( $(j .max_vmrss_kib "$T/idle.json") / 1024 )) MiB   (target < 64 MiB; header_timeout 3600)
 ... as deployed   $(j .open_at_end "$T/idle-cut.json") of $IDLE still open after 30 s (header_timeout 10), abrid max VmRSS $(( $(j .max_vmrss_kib "$T/idle-cut.json") / 1024 )) MiB
abri cases         $LISTED cases in $CASES_S s
abri show          $SHOW_EACH ms per case (average of $SHOW)
abri audit report  $RECORDS records in $REPORT_S s
SUMMARY
