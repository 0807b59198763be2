#!/usr/bin/env bash
# How long PostgreSQL's WAL keeps a write's commit record, with its time
# (SECURITY.md, "What a copy of the server shows"; docs/benchmarks.md,
# "WAL residue"), one command:
#
#   bash bench/wal-residue.sh
#
# Two throwaway clusters, each with a real abrid (tests/harness/env.sh):
#   A. PostgreSQL's defaults (16 MiB segments, wal_recycle on, min_wal_size
#      80 MB, max_wal_size 1 GB) and abrid without wal_rotate, as on an
#      operator's server that did not apply docs/operations.md: one marker
#      report, then reports in steps of STEP with a checkpoint after each
#      (what checkpoint_timeout does as time passes); after each step, is
#      the marker's commit record still readable (pg_waldump over pg_wal),
#      are the marker's bytes still in pg_wal (a recycled segment keeps its
#      old bytes until they are overwritten)?
#   B. abri's settings (src/scripts/pg.sh: 1 MiB segments, wal_recycle off)
#      and the housekeeping with wal_rotate = 1: one marker report, then
#      nothing; seconds until both are gone.
# Loopback only; prints figures, asserts nothing on time.
#
# Environment: ABRI_BUILD (default $ROOT/build), ABRI_WAL_STEP (reports per
#   step, default 100), ABRI_WAL_MAX (reports at most, default 20000),
#   ABRI_WAL_PER_DAY (writes a day a safe place might see, to express A in
#   days; default 20), ABRI_WAL_SWEEP (sweep_interval for B, default 5).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export ABRI_SRC=${ABRI_SRC:-$ROOT}
export ABRI_BUILD=${ABRI_BUILD:-$ROOT/build}
STEP=${ABRI_WAL_STEP:-100}
MAX=${ABRI_WAL_MAX:-20000}
PER_DAY=${ABRI_WAL_PER_DAY:-20}
SWEEP=${ABRI_WAL_SWEEP:-5}
LOADGEN=$ABRI_BUILD/bench/loadgen
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
for x in "$ABRI_BUILD/src/abrid/abrid" "$LOADGEN" "$PGBIN/pg_waldump"; do
  [ -x "$x" ] || { echo "bench/wal-residue.sh: $x missing" >&2; exit 1; }
done

run() { # run A|B: one cluster, printed figures
  local mode=$1
  (
    [ "$mode" = A ] && export ABRI_PG_WAL_SEGSIZE=16
    source "$ABRI_SRC/tests/harness/env.sh"
    abri_pg_up
    if [ "$mode" = A ]; then
      # Back to PostgreSQL's own defaults for everything abri sets.
      for kv in "wal_level=replica" "max_wal_senders=10" "wal_recycle=on" "min_wal_size='80MB'" \
                "max_wal_size='1GB'"; do
        abri_db "alter system set ${kv%%=*} = ${kv#*=}" >/dev/null
      done
      "$ABRI_SRC/src/scripts/pg.sh" stop "$T/data" >/dev/null
      "$ABRI_SRC/src/scripts/pg.sh" start "$T/data" >/dev/null
    fi
    abri_keys_up
    abri_conf_up
    printf 'pow_difficulty = 0\npow_load_threshold = 0\nsweep_interval = %s\nwal_rotate = %s\n' \
      "$SWEEP" "$([ "$mode" = A ] && echo 0 || echo 1)" >>"$T/abrid.conf"
    "$ABRI" admin migrate --dsn "$DSN" >/dev/null
    abrid_start
    abri_cli l1 admin upload-recipients "$T/list1.json" >/dev/null
    LG=("$LOADGEN" --server "unix:$T/abrid.sock" --deployment "$DEPLOYMENT" --org-pub "$T/org.pub.json" --json)
    # The marker opens a fresh segment (the longest any record waits).
    [ "$mode" = A ] && abri_db "select pg_switch_wal()" >/dev/null
    "${LG[@]}" --count 1 --concurrency 1 --envelope-out "$T/marker.bin" >/dev/null
    xid=$(abri_db "select xmin from envelopes")
    # 64 bytes from the middle of the marker's ciphertext: random, found
    # only where the marker's own bytes are.
    probe=$(dd if="$T/marker.bin" bs=1 skip=2048 count=64 2>/dev/null | od -An -tx1 | tr -d ' \n')
    wal=$T/data/pgdata/pg_wal
    readable() {
      local f out
      for f in "$wal"/[0-9A-F]*; do
        [ -f "$f" ] || continue
        # pg_waldump ends with an error at the end of valid WAL: keep its
        # output whatever its status (pipefail is on).
        out=$("$PGBIN/pg_waldump" "$f" 2>/dev/null || true)
        grep -q "tx: *$xid,.*desc: COMMIT" <<<"$out" && return 0
      done
      return 1
    }
    on_disk() {
      python3 - "$wal" "$probe" <<'PY'
import os, sys
d, probe = sys.argv[1], bytes.fromhex(sys.argv[2])
sys.exit(0 if any(probe in open(os.path.join(d, f), "rb").read()
                  for f in os.listdir(d) if os.path.isfile(os.path.join(d, f))) else 1)
PY
    }
    if [ "$mode" = A ]; then
      n=0 gone_read="" gone_disk=""
      lsn0=$(abri_db "select pg_current_wal_insert_lsn() - '0/0'::pg_lsn")
      while [ "$n" -lt "$MAX" ] && { [ -z "$gone_read" ] || [ -z "$gone_disk" ]; }; do
        "${LG[@]}" --count "$STEP" --concurrency 4 >/dev/null || true
        n=$((n + STEP))
        abri_db "checkpoint" >/dev/null
        [ -z "$gone_read" ] && ! readable && gone_read=$n
        [ -z "$gone_disk" ] && ! on_disk && gone_disk=$n
      done
      per=$(abri_db "select ((pg_current_wal_insert_lsn() - '0/0'::pg_lsn) - $lsn0) / $n")
      seg_reports=$((16 * 1048576 / ${per%.*}))
      days() { awk -v n="$1" -v d="$PER_DAY" 'BEGIN { printf "%.0f", n / d }'; }
      echo "A. PostgreSQL defaults, no wal_rotate: $(ls "$wal" | grep -c '^[0-9A-F]\{24\}$') segments of 16 MiB in pg_wal;" \
           "${per%.*} bytes of WAL per report, so one segment holds $seg_reports reports" \
           "($(days "$seg_reports") days at $PER_DAY writes a day)"
      echo "   a commit record stays readable at least until its segment is full and a checkpoint passed:" \
           "$seg_reports reports for a write opening a segment, as here (a checkpoint after every step)"
      echo "   readable (pg_waldump) until ${gone_read:->$MAX} further reports" \
           "(${gone_read:+$(days "$gone_read") days at $PER_DAY writes a day})"
      echo "   its bytes in pg_wal until ${gone_disk:->$MAX} further reports" \
           "(${gone_disk:+$(days "$gone_disk") days at $PER_DAY writes a day})"
    else
      t0=$(date +%s.%N) gone=""
      for _ in $(seq 1 $((SWEEP * 10 + 60))); do
        if ! readable && ! on_disk; then gone=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'); break; fi
        sleep 0.5
      done
      echo "B. abri's settings, wal_rotate = 1, sweep_interval = $SWEEP s: $(ls "$wal" | grep -c '^[0-9A-F]\{24\}$') segments of 1 MiB in pg_wal"
      if [ -n "$gone" ]; then
        echo "   commit record and bytes gone $gone s after the marker (at most one pass: sweep_interval, 600 s by default)"
      else
        echo "   commit record or bytes NOT gone within the wait"
      fi
    fi
  )
}
echo "# abri WAL residue: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'), steps of $STEP reports"
run A
run B
