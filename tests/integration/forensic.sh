#!/usr/bin/env bash
# What a seized copy of the server shows (SECURITY.md, "What a copy of the
# server shows"). A scenario runs across simulated weeks with the test
# clock (ABRI_TEST_CLOCK_OFFSET, abrid built with -Dtest_clock=true):
# reports with photos, follow-ups, listeners' replies and notes, state
# changes, survey codes handed out and answered, statistics batches and
# recipient lists, in two sessions per week; abrid's housekeeping runs on
# its own timer (the first week ends while abrid is running) and at each
# start. Then PostgreSQL is stopped, its data directory copied, and
# forensic.py reads the copy as an attacker would — every table, every
# tuple on every page with pageinspect (dead ones too), xmin/xmax and ctid
# joins across tables, TOAST ids, the WAL with pg_waldump, the raw files
# for the keyed hashes of spent survey codes, the server log, pg_stat and
# pg_statistic — with what such an attacker also knows: the pepper, the
# listeners' public keys, the survey codes a listener handed out. It must
# derive no time finer than the week for any ended week, no listener for
# any staff write and no link from an answer to its code.
#
# Positive control (forensic.sh --control, run first by the real run): the
# same scenario with the old layout — no housekeeping, PostgreSQL's log
# with times and WAL recycling, and a replay row with the listener's key
# id and an expiry to the second committed just before each staff write,
# as abrid did before sql/0004 — must be caught by every check. It runs
# one ended week and the current one (ABRI_FORENSIC_CONTROL=0 skips it
# while working on the test itself).
set -euo pipefail
CONTROL=0
[ "${1:-}" = --control ] && CONTROL=1
if [ "$CONTROL" = 0 ] && [ "${ABRI_FORENSIC_CONTROL:-1}" != 0 ]; then
  # The control first, in its own directory: the checks must catch it.
  echo "=== positive control (old layout)"
  ctl=0; bash "$0" --control >"${TMPDIR:-/tmp}/forensic-control.$$.log" 2>&1 || ctl=$?
  sed 's/^/control: /' "${TMPDIR:-/tmp}/forensic-control.$$.log"
  rm -f "${TMPDIR:-/tmp}/forensic-control.$$.log"
  [ "$ctl" = 0 ] || { echo "FAIL: the positive control did not catch the old layout (exit $ctl)"; exit 1; }
  echo "=== the real layout"
fi
source "$(dirname "$0")/../harness/env.sh"
SRV="unix:$T/abrid.sock"
TRUTH=$T/truth.jsonl
: >"$TRUTH"
rep() { "$REPORTER" "$1" --server "$SRV" --deployment "$DEPLOYMENT" --org-pub "$T/org.pub.json" "${@:2}"; }

abri_pg_up
abri_keys_up
abri_conf_up
"$ABRI" keygen --role auditor --name "Auditor" --out "$T/aud" --passphrase-file "$T/pass" --kdf-fast >/dev/null
sed -e "s|$T/l1.key|$T/aud.key|" -e "s|state-l1|state-aud|" "$T/l1.conf" >"$T/aud.conf"
cat >>"$T/abrid.conf" <<CONF
pow_difficulty = 2
pow_load_threshold = 0
sweep_interval = 2
CONF
"$ABRI" admin migrate --dsn "$DSN" >/dev/null
if [ "$CONTROL" = 1 ]; then
  # The old PostgreSQL settings (pg.sh before this change) and the old
  # replay table.
  abri_db "alter system set log_line_prefix = '%m [%p] '" >/dev/null
  abri_db "alter system set wal_recycle = on" >/dev/null
  abri_db "alter system set log_checkpoints = on" >/dev/null
  "$ABRI_SRC/src/scripts/pg.sh" stop "$T/data" >/dev/null
  "$ABRI_SRC/src/scripts/pg.sh" start "$T/data" >/dev/null
  abri_db "create table legacy_replay (key_id bytea, nonce bytea, expires_at bigint)"
  export ABRI_TEST_NO_HOUSEKEEPING=1
fi

# Simulated time: W1 is the Monday three to nine weeks ahead such that the
# first day of a month falls in W2 or W3 (so a survey batch runs).
read -r W1 < <(python3 - <<'PY'
import datetime, time
now = int(time.time())
d = datetime.datetime.fromtimestamp(now + 21 * 86400, datetime.timezone.utc).date()
d -= datetime.timedelta(days=d.weekday())
while True:
    w2, w4 = d + datetime.timedelta(days=7), d + datetime.timedelta(days=21)
    if any((w2 + datetime.timedelta(days=i)).day == 1 for i in range((w4 - w2).days)):
        break
    d += datetime.timedelta(days=7)
print(int(datetime.datetime(d.year, d.month, d.day, tzinfo=datetime.timezone.utc).timestamp()))
PY
)
WEEK=604800

# at SIMTIME: every following command (abrid, the CLI, the reporter) runs
# on the simulated clock.
at() { export ABRI_TEST_CLOCK_OFFSET=$(($1 - $(date -u +%s))); NOW=$1; }
# A session starts once the housekeeping's first pass is done: a week's
# re-stamp and a month's survey batch come before any write of the new
# week (what a late pass would do to early writes: SECURITY.md).
session_start() {
  at "$1"; abrid_start
  [ "$CONTROL" = 1 ] && return 0
  local monday month1 i
  monday=$(date -u -d "@$(( NOW / 86400 * 86400 - ((NOW / 86400 + 3) % 7) * 86400 ))" +%F)
  month1=$(date -u -d "@$NOW" +%Y-%m-01)
  for i in $(seq 1 200); do
    [ "$(abri_db "select restamped_week >= '$monday' and not rewrite_pending and survey_month >= '$month1' from housekeeping")" = t ] && return 0
    sleep 0.1
  done
  fail "the housekeeping's first pass did not finish"
}
session_end() { abrid_stop; }

seq_no=0
# record WHAT ACTOR CASE POS XID [extra jq args]: one line of ground truth.
record() {
  seq_no=$((seq_no + 1))
  jq -nc --arg what "$1" --arg actor "$2" --arg case "$3" --argjson pos "${4:-null}" \
    --argjson xid "${5:-null}" --argjson time "$NOW" --argjson seq "$seq_no" \
    --argjson week "$(( (NOW - W1) / WEEK ))" "{what: \$what, actor: \$actor, case: \$case, pos: \$pos, xid: \$xid, time: \$time, seq: \$seq, week: \$week} ${6:-}" >>"$TRUTH"
}
last_env_xid() { abri_db "select xmin from envelopes where case_ref = '$1' order by pos desc limit 1"; }
last_pos() { abri_db "select max(pos) from envelopes where case_ref = '$1'"; }
kid_hex() { python3 -c "import base64,hashlib,json,sys; pk=base64.b64decode(json.load(open(sys.argv[1]))['ed25519']); print(hashlib.blake2b(b'abri-kid\x02'+pk, digest_size=16).hexdigest())" "$1"; }
# Before a listener's write, in the control: the old replay row (key id,
# nonce, expiry to the second), committed just before the request.
legacy() {
  [ "$CONTROL" = 1 ] || return 0
  abri_db "insert into legacy_replay values ('\\x$(kid_hex "$T/$1.pub.json")', decode(md5(random()::text), 'hex'), $((NOW + 600)))"
}

LISTVER=1
new_list() {
  LISTVER=$((LISTVER + 1))
  abri_sign_list "$LISTVER" "$T/list$LISTVER.json" "$T/keys/server.pub.json" "$T/l1.pub.json" "$T/l2.pub.json" "$T/aud.pub.json"
  abri_cli l1 admin upload-recipients "$T/list$LISTVER.json" >/dev/null || fail "upload list $LISTVER"
  record "recipient list" operator "" null "$(abri_db "select xmin from recipient_lists where version = $LISTVER")"
}

head -c 70000 /dev/urandom >"$T/photo.bin"
n_case=0
report() { # report SESSION-TAG [--attach FILE]: a new case
  n_case=$((n_case + 1))
  rep submit --text "report $n_case ($1)" --token-out "$T/tok$n_case" "${@:2}" >"$T/sub$n_case.json" || fail "submit $n_case"
  local ref; ref=$(jq -r .case_ref "$T/sub$n_case.json")
  echo "$ref" >"$T/ref$n_case"
  record report reporter "$ref" 1 "$(abri_db "select xmin from cases where case_ref = '$ref'")"
}
followup() { # followup N
  local ref; ref=$(cat "$T/ref$1")
  rep message --token-file "$T/tok$1" --text "more about case $1" >/dev/null || fail "message to $1"
  record "follow-up" reporter "$ref" "$(last_pos "$ref")" "$(last_env_xid "$ref")"
}
reply() { # reply LISTENER N [abri reply args]
  local ref; ref=$(cat "$T/ref$2")
  legacy "$1"
  abri_cli "$1" reply "$ref" -m "reply to case $2" "${@:3}" >/dev/null 2>&1 || fail "reply to $2"
  record reply "$1" "$ref" "$(last_pos "$ref")" "$(last_env_xid "$ref")"
}
state() { # state LISTENER N STATE
  local ref; ref=$(cat "$T/ref$2")
  legacy "$1"
  abri_cli "$1" state "$ref" "$3" >/dev/null || fail "state $2 $3"
  record "state $3" "$1" "$ref" null "$(abri_db "select xmin from cases where case_ref = '$ref'")"
}
code() { # code LISTENER N: coding note + queued statistics record
  local ref; ref=$(cat "$T/ref$2")
  legacy "$1"
  abri_cli "$1" code "$ref" --kind violence.domestic --context family --listened --informed \
    --outcome ongoing >/dev/null 2>&1 || fail "code $2"
  record coding "$1" "$ref" "$(last_pos "$ref")" "$(last_env_xid "$ref")"
}
answer() { # answer N: the reporter of case N answers the survey with the code it got
  local code
  rep open --token-file "$T/tok$1" >"$T/open$1.json" || fail "open $1"
  code=$(jq -r 'select(.survey_code) | .survey_code' "$T/open$1.json" | tail -1)
  [ -n "$code" ] || fail "case $1 got no survey code"
  rep survey --code "$code" --answers '{"listened":"yes","safe":"yes","overall":4}' >/dev/null || fail "survey $1"
  record "survey answer" reporter "" null "$(abri_db "select max(xmin::text::bigint) from survey_inbox")" "+ {code: \"$code\"}"
}

week() { # week N: two sessions, Tuesday 10:00 and Friday 16:00
  local w=$1 base=$((W1 + ($1 - 1) * WEEK)) s
  session_start $((base + 86400 + 36000))
  new_list
  s="w$w-tue"
  report "$s" --attach "$T/photo.bin"; report "$s"; report "$s"; report "$s"
  local a=$((n_case - 3)) b=$((n_case - 2)) c=$((n_case - 1)) d=$n_case
  reply l1 "$a"; reply l2 "$b"
  state l2 "$c" open
  [ "$w" -gt 1 ] && followup $((a - 4))
  if [ "$w" = 1 ]; then
    legacy l1
    abri_cli l1 survey-codes new --count 6 >/dev/null || fail "survey codes"
    record "survey codes" l1 "" null "$(abri_db "select max(xmin::text::bigint) from survey_codes")"
  fi
  session_end
  session_start $((base + 4 * 86400 + 57600))
  s="w$w-fri"
  report "$s"; report "$s" --attach "$T/photo.bin"; report "$s"; report "$s"
  followup "$a"; followup "$c"
  reply l1 "$d" --survey-code
  answer "$d"
  code l2 "$b"
  state l1 "$a" closed
  reply l2 "$c" --note
  session_end
}

ENDED=3
[ "$CONTROL" = 1 ] && ENDED=1
W4=$((W1 + ENDED * WEEK))
week 1
if [ "$CONTROL" = 0 ]; then
  # The end of week 1 with abrid running: its timer re-stamps at Monday
  # 00:00:01.
  before=$(grep -c "week re-stamped" "$T/abrid.log" || true)
  session_start $((W1 + WEEK - 3))
  for _ in $(seq 1 150); do [ "$(grep -c "week re-stamped" "$T/abrid.log")" -gt "$before" ] && break; sleep 0.1; done
  [ "$(grep -c "week re-stamped" "$T/abrid.log")" -gt "$before" ] || fail "the week did not end on abrid's timer"
  ok "week 1 ended on abrid's timer: $(grep "week re-stamped" "$T/abrid.log" | tail -1)"
  session_end
fi
for w in $(seq 2 "$ENDED"); do week "$w"; done
# The week after the last ended one is the current week: a session on Tuesday; the month's statistics
# go up (abri stats upload sends the batches of ended months).
at $((W4 + 86400 + 36000)); abrid_start
report "w4-tue"; reply l1 "$n_case"
legacy l2
abri_cli l2 stats upload >/dev/null 2>&1 || fail "stats upload l2"
record "statistics" l2 "" null "$(abri_db "select coalesce(max(xmin::text::bigint), 0) from stats_batches")"
# Let a few passes run, as on a server left alone for a moment.
sleep 5
abrid_stop
if [ "$CONTROL" = 0 ]; then
  grep -q "survey answers released" "$T/abrid.log" || fail "no survey batch ran"
  [ "$(grep -c "week re-stamped" "$T/abrid.log")" -ge "$ENDED" ] || fail "not every week was re-stamped"
fi
ok "scenario: $(wc -l <"$TRUTH") writes over $ENDED ended week(s) and the current one"

# The seizure: PostgreSQL stopped, its data directory copied.
"$ABRI_SRC/src/scripts/pg.sh" stop "$T/data" >/dev/null
COPY=$T/seized
mkdir -p "$COPY"
cp -a "$T/data/pgdata" "$COPY/pgdata"
cp "$T/data/postgresql.log" "$COPY/postgresql.log"
if [ "$(id -u)" = 0 ]; then chown -R "$(stat -c %U "$T/data/pgdata")" "$COPY"; fi
mkdir -p "$COPY/sock"; chmod 700 "$COPY/sock"
[ "$(id -u)" = 0 ] && chown "$(stat -c %U "$T/data/pgdata")" "$COPY/sock"
owner() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u "$(stat -c %U "$COPY/pgdata")" -- "$@"); else "$@"; fi; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
# The analyzer's own PostgreSQL on the copy (after the raw reads below it
# only adds pageinspect).
owner "$PGBIN/pg_ctl" -D "$COPY/pgdata" -l "$COPY/attacker.log" -w \
  -o "-c unix_socket_directories=$COPY/sock -c listen_addresses=''" start >/dev/null
seized_down() {
  local rc=$?
  owner "$PGBIN/pg_ctl" -D "$COPY/pgdata" -m immediate stop >/dev/null 2>&1 || true
  (exit "$rc"); abri_env_down
}
trap seized_down EXIT
rc=0
python3 "$ABRI_SRC/tests/integration/forensic.py" \
  --dsn "host=$COPY/sock dbname=abri user=abri" --pgdata "$COPY/pgdata" --pglog "$COPY/postgresql.log" \
  --waldump "$PGBIN/pg_waldump" --truth "$TRUTH" --pepper "$T/keys/pepper.key" \
  --listener-pub "$T/l1.pub.json" --listener-pub "$T/l2.pub.json" --current-week "$W4" \
  --challenge-ttl 600 --upload-ttl 86400 --summary "$T/summary.json" || rc=$?
echo "summary: $(cat "$T/summary.json")"
if [ "$CONTROL" = 1 ]; then
  for check in xids order attribution clock survey wal log; do
    jq -e --arg c "$check" '.leaks[$c] > 0' "$T/summary.json" >/dev/null ||
      fail "the positive control was not caught by the '$check' check"
  done
  ok "the old layout is caught by every check (xids, order, attribution, clock, survey, wal, log)"
  exit 0
fi
[ "$rc" = 0 ] || fail "the copy of the server shows more than it may"
ok "a copy of the data directory shows no time finer than the week for ended weeks, no listener, no answer-to-code link"
