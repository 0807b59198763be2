#!/usr/bin/env bash
# abri console's speed with many cases (docs/benchmarks.md, "Console"), one
# command:
#
#   bash bench/console.sh
#
# A throwaway cluster and abrid (tests/harness/env.sh); COUNT reports
# written by bench/loadgen (sealed to the listeners of the list, as the web
# app does); then `abri console` as listener 1, logged in and unlocked with
# curl the way the page does it, and timed from outside:
#   - the inbox's first page (GET /api/cases?page=1: abrid's whole list,
#     paged, and the 50 summaries of that page decrypted), its second page,
#     and the first page again (from the cache);
#   - opening a case (GET /api/cases/REF: fetched, opened, verified, local
#     memory compared and saved), median and p90 of 20 cases;
#   - how long the console takes to decrypt every summary in the
#     background (until the inbox says "complete"), and a search over them.
# Beside each figure, PostgreSQL's own time in the same run for the rows
# behind it (psql \timing of the equivalent SELECT on the same tables) and
# the ratio. Loopback only; asserts nothing on time.
#
# Environment: ABRI_BUILD (default $ROOT/build), ABRI_CONSOLE_COUNT
#   (default 10000).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export ABRI_SRC=${ABRI_SRC:-$ROOT}
export ABRI_BUILD=${ABRI_BUILD:-$ROOT/build}
COUNT=${ABRI_CONSOLE_COUNT:-10000}
source "$ABRI_SRC/tests/harness/env.sh"
abri_pg_up
abri_keys_up
abri_conf_up
printf 'pow_difficulty = 0\npow_load_threshold = 0\naddr_max_requests = 1000000\n' >>"$T/abrid.conf"
"$ABRI" admin migrate --dsn "$DSN" >/dev/null
abrid_start
abri_cli l1 admin upload-recipients "$T/list1.json" >/dev/null
t0=$(date +%s.%N)
"$ABRI_BUILD/bench/loadgen" --server "unix:$T/abrid.sock" --deployment "$DEPLOYMENT" \
  --org-pub "$T/org.pub.json" --json --count "$COUNT" --concurrency 4 >"$T/load.json" || true
t1=$(date +%s.%N)
n=$(abri_db "select count(*) from cases")
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
echo "# abri console: $n cases ($(jq .ok "$T/load.json") written by loadgen in $(secs "$t0" "$t1") s), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

grep -v '^passphrase_file' "$T/l1.conf" >"$T/console.conf"
"$ABRI" --config "$T/console.conf" console --no-browser --port 0 >"$T/console.out" 2>"$T/console.err" &
CPID=$!
trap 'kill "$CPID" 2>/dev/null; wait "$CPID" 2>/dev/null || true; abri_env_down' EXIT
for _ in $(seq 1 200); do [ -s "$T/console.out" ] && break; sleep 0.05; done
[[ "$(head -n 1 "$T/console.out")" =~ http://127\.0\.0\.1:([0-9]+)/login#k=([A-Za-z0-9_-]{43})$ ]] ||
  { echo "bench/console.sh: no start URL" >&2; exit 1; }
B="http://127.0.0.1:${BASH_REMATCH[1]}"
curl -fsS -D "$T/h" -o /dev/null -H "Origin: $B" -H 'Content-Type: application/json' \
  -d "{\"secret\":\"${BASH_REMATCH[2]}\"}" "$B/api/login"
COOKIE=$(sed -n 's/^Set-Cookie: abri_console=\([A-Za-z0-9_-]*\);.*/\1/ip' "$T/h" | tr -d '\r')
K=(-H "Cookie: abri_console=$COOKIE")
CSRF=$(curl -fsS "${K[@]}" "$B/api/session" | jq -r .csrf)
jq -n --arg p "$(head -n 1 "$T/pass")" '{passphrase: $p}' >"$T/unlock.json"
# timed METHOD PATH [curl args]: seconds of the request, body in $T/r
timed() {
  local m=$1 p=$2; shift 2
  curl -fsS -X "$m" -o "$T/r" -w '%{time_total}' "${K[@]}" "$@" "$B$p"
}
unlock=$(timed POST /api/unlock -H "Origin: $B" -H 'Content-Type: application/json' \
  -H "X-Abri-CSRF: $CSRF" --data-binary @"$T/unlock.json")
# PostgreSQL's own time for a statement (psql \timing, ms -> s).
pg_time() {
  psql "$DSN" -Atq -c '\timing on' -c "$1" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' |
    awk '{ printf "%.4f", $1 / 1000 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f", a / b; else print "-" }'; }
# The rows behind the inbox: abrid's list (every case, newest week first,
# with its envelope count) and the 50 envelopes of one page's reports.
pg_list=$(pg_time "select c.case_ref, c.state, c.week, count(e.pos) from cases c
  left join envelopes e using (case_ref) group by c.case_ref order by c.week desc, c.case_ref")
pg_page=$(pg_time "select envelope from envelopes where (case_ref, pos) in
  (select case_ref, 1 from cases order by week desc, case_ref limit 50)")

page1=$(timed GET '/api/cases?page=1'); pages=$(jq .pages "$T/r"); total=$(jq .total "$T/r")
page2=$(timed GET '/api/cases?page=2')
again=$(timed GET '/api/cases?page=1')
echo "unlock (key file, /v1/config, list verified): ${unlock} s"
echo "inbox first page ($total cases, $pages pages of 50): ${page1} s; PostgreSQL's list + page rows: $(awk -v a="$pg_list" -v b="$pg_page" 'BEGIN { printf "%.4f", a + b }') s, ratio $(ratio "$page1" "$(awk -v a="$pg_list" -v b="$pg_page" 'BEGIN { print a + b }')")"
echo "inbox second page: ${page2} s; first page again (cached): ${again} s"

mapfile -t refs < <(abri_db "select case_ref from cases order by random() limit 20")
: >"$T/open.txt"
for r in "${refs[@]}"; do timed GET "/api/cases/$r" >>"$T/open.txt"; echo >>"$T/open.txt"; done
read -r p50 p90 < <(sort -n "$T/open.txt" | awk '{ v[NR] = $1 } END { printf "%s %s\n", v[int((NR + 1) / 2)], v[int(NR * 0.9)] }')
pg_case=$(pg_time "select pos, envelope from envelopes where case_ref = '${refs[0]}' order by pos")
echo "case open (20 cases): median ${p50} s, p90 ${p90} s; PostgreSQL's rows of one case: ${pg_case} s, ratio $(ratio "$p50" "$pg_case")"

s0=$(date +%s.%N)
for _ in $(seq 1 3000); do
  curl -fsS "${K[@]}" "$B/api/cases?page=1" -o "$T/r"
  [ "$(jq .complete "$T/r")" = true ] && break
  sleep 0.5
done
s1=$(date +%s.%N)
echo "every summary decrypted in the background: $(jq .decrypted "$T/r") of $(jq .total "$T/r") after $(secs "$s0" "$s1") s more ($(awk -v n="$(jq .decrypted "$T/r")" -v a="$s0" -v b="$s1" -v u="$unlock" -v p="$page1" 'BEGIN { t = b - a + p; if (t > 0) printf "%.0f", n / t; else print "-" }') cases/s)"
search=$(timed GET '/api/cases?q=zzzz-absent')
echo "search over every decrypted case (no match): ${search} s"
echo "console process: $(awk '/VmHWM/ { printf "%.0f MiB peak resident", $2 / 1024 }' "/proc/$CPID/status")"
