#!/usr/bin/env bash
# Faults with nothing acknowledged lost (loopback, bounded in time):
#   1. kill -9 abrid in the middle of a load run, restart it: every 201 a
#      client received is in the database and decrypts for a listener;
#   2. restart PostgreSQL under load: 503 meanwhile, abrid recovers by
#      itself, every 201 is there;
#   3. statement_timeout hit while a table is locked: a clear 503 JSON
#      error, nothing half-written, service resumes;
#   4. truncated and garbage requests cut at random points: abrid stays
#      up, the database is unchanged, a valid submission still works.
# Each part prints what it tried and what it checked.
export ABRI_TEST_PORT=$((20000 + RANDOM % 12000)) # below the ephemeral ports (32768-)
source "$(dirname "$0")/../harness/env.sh"
SRV="unix:$T/abrid.sock"
rep() { "$REPORTER" "$1" --server "$SRV" --deployment "$DEPLOYMENT" --org-pub "$T/org.pub.json" "${@:2}"; }
WORKERS=3

abri_env_up

# Load: WORKERS loops submitting reports until $T/stop exists. Each 201
# (the reporter client printed the case) is appended to acked.W with the
# text it carried; failures (abrid or PostgreSQL down) are counted.
worker() {
  local w=$1 n=0 out
  while [ ! -e "$T/stop" ]; do
    n=$((n + 1))
    if out=$(rep submit --text "fault-run $RUN worker $w report $n" 2>>"$T/client-errors.$w"); then
      jq -c --arg t "fault-run $RUN worker $w report $n" '{case_ref, text: $t}' <<<"$out" >>"$T/acked.$RUN"
    else
      echo x >>"$T/failed.$RUN"
      sleep 0.2
    fi
  done
}
start_load() {
  RUN=$1; rm -f "$T/stop"; : >"$T/acked.$RUN"; : >"$T/failed.$RUN"; PIDS=()
  for w in $(seq 1 $WORKERS); do worker "$w" & PIDS+=($!); done
}
stop_load() { touch "$T/stop"; wait "${PIDS[@]}" 2>/dev/null || true; }

# Every acknowledged case is in the database, once, and its report opens
# for listener l1 with exactly the text the client sent.
check_acked() {
  local run=$1 n=0 ref text
  while read -r line; do
    ref=$(jq -r .case_ref <<<"$line"); text=$(jq -r .text <<<"$line")
    [ "$(abri_db "select count(*) from cases c join envelopes e using (case_ref) where case_ref = '$ref' and e.pos = 1")" = 1 ] \
      || fail "acknowledged case $ref is not in the database"
    abri_cli l1 show "$ref" >"$T/show.txt" 2>&1 || fail "abri show $ref: $(tail -n 3 "$T/show.txt")"
    grep -qF "$text" "$T/show.txt" || fail "case $ref does not decrypt to what was sent"
    n=$((n + 1))
  done <"$T/acked.$run"
  echo "$n"
}
consistent() {
  [ "$(abri_db "select count(*) from cases c where not exists (select 1 from envelopes e where e.case_ref = c.case_ref and e.pos = 1)")" = 0 ] \
    || fail "a case without its report (half-written transaction)"
}

# 1. kill -9 during load.
start_load kill
sleep 4
kill -9 "$ABRID_PID"; wait "$ABRID_PID" 2>/dev/null || true; ABRID_PID=""
before=$(wc -l <"$T/acked.kill")
sleep 1
abrid_start
sleep 4
stop_load
n=$(check_acked kill)
echo "  tried: $WORKERS clients submitting; kill -9 abrid after 4 s ($before acknowledged by then), restart 1 s later, 4 s more load"
echo "  checked: $n acknowledged reports (201) all in the database and decrypted by a listener with their text; $(wc -l <"$T/failed.kill") attempts failed while abrid was down"
[ "$n" -gt "$before" ] && [ "$before" -ge 1 ] || fail "too little load to mean anything ($before before, $n in all)"
consistent
ok "kill -9 under load: nothing acknowledged lost, no half-written case"

# 2. PostgreSQL restart under load.
start_load pgrestart
sleep 3
"$ABRI_SRC/src/scripts/pg.sh" stop "$T/data" >/dev/null
code=$(curl -s -o "$T/resp" -D "$T/h" -w '%{http_code}' --unix-socket "$T/abrid.sock" http://abrid/healthz)
sleep 1
"$ABRI_SRC/src/scripts/pg.sh" start "$T/data" >/dev/null
sleep 4
stop_load
n=$(check_acked pgrestart)
echo "  tried: PostgreSQL stopped under load for ~1 s, then started again; abrid not restarted"
echo "  checked: healthz during the outage said $code; $n acknowledged reports all present and decrypting; $(wc -l <"$T/failed.pgrestart") attempts failed meanwhile"
[ "$code" = 503 ] && grep -qi '^Retry-After:' "$T/h" || fail "no 503 + Retry-After during the outage ($code)"
kill -0 "$ABRID_PID" || fail "abrid died"
rep submit --text "after the restart" >/dev/null || fail "abrid did not recover by itself"
consistent
ok "PostgreSQL restart under load: 503 meanwhile, recovery without restarting abrid, nothing acknowledged lost"

# 3. statement_timeout: a lock held elsewhere makes abrid's insert wait
# past its statement_timeout.
abrid_stop
echo 'statement_timeout = 500' >>"$T/abrid.conf"
abrid_start
rep seal --text "blocked by a lock" >"$T/blocked.json" || fail "seal"
snap=$(abri_db_snapshot)
psql "$DSN" -Atq -c "begin; lock table cases in access exclusive mode; select pg_sleep(4); commit;" >/dev/null &
LOCKER=$!
sleep 0.5
t0=$(date +%s%N)
abri_api POST /v1/cases -H 'Content-Type: application/json' --data-binary @"$T/blocked.json" -D "$T/h"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "  tried: a submission while another session holds an exclusive lock on cases, statement_timeout 500 ms: HTTP $status after $ms ms"
expect_error 503 unavailable
grep -qi '^Retry-After:' "$T/h" || fail "503 without Retry-After"
grep -q '57014\|statement\|lock' "$T/resp" && fail "the error text leaks database details: $(cat "$T/resp")"
wait "$LOCKER"
[ "$(abri_db_snapshot)" = "$snap" ] || fail "the timed-out submission changed the database"
abri_api POST /v1/cases -H 'Content-Type: application/json' --data-binary @"$T/blocked.json"
[ "$status" = 201 ] || fail "the same submission after the lock: $status $(cat "$T/resp")"
consistent
ok "statement_timeout: 503 unavailable + Retry-After in $ms ms, nothing written, the retry succeeds"

# 4. Truncated and garbage requests at random points (raw TCP). A cut
# request is followed by the client's FIN; abrid must not wait for the
# rest beyond that.
rep seal --text "valid body" >"$T/valid.json"
snap=$(abri_db_snapshot)
rc=0
python3 - "$ABRI_TEST_PORT" "$T/valid.json" <<'PY' >"$T/garbage.txt" || rc=$?
import os, random, socket, sys
port, body = int(sys.argv[1]), open(sys.argv[2], "rb").read()
req = (b"POST /v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
       b"Content-Length: %d\r\n\r\n" % len(body)) + body
rng = random.Random(int.from_bytes(os.urandom(4), "little"))
kinds = {"cut": 0, "garbage": 0, "flipped": 0}
answers = {}
for i in range(200):
    k = rng.choice(list(kinds))
    kinds[k] += 1
    if k == "cut":          # the valid request cut at a random byte
        data = req[:rng.randrange(1, len(req))]
    elif k == "garbage":    # random bytes, sometimes after a request line
        data = (b"POST /v1/cases HTTP/1.1\r\n" if rng.random() < 0.5 else b"") + os.urandom(rng.randrange(1, 3000))
    else:                   # the body's JSON frame with bytes changed, length kept
        # Only the frame ({"envelope":"): a changed byte inside a base64
        # value can still be a valid submission (abrid cannot see inside
        # the sealed body), which would rightly get a 201.
        b = bytearray(body)
        frame = body.index(b'"envelope"') + len(b'"envelope"') + 2
        for _ in range(rng.randrange(1, 6)):
            i = rng.randrange(frame)
            b[i] = (b[i] + rng.randrange(1, 256)) % 256
        data = req[:len(req) - len(body)] + bytes(b)
    s = socket.socket(); s.settimeout(1.5)
    try:
        s.connect(("127.0.0.1", port)); s.sendall(data); s.shutdown(socket.SHUT_WR)
        first = s.recv(64).split(b"\r\n")[0].decode(errors="replace")
        code = first.split(" ")[1] if first.startswith("HTTP/1.1 ") else "closed"
    except OSError:
        code = "closed"
    finally:
        s.close()
    answers[code] = answers.get(code, 0) + 1
print(" ".join("%s=%d" % kv for kv in sorted(kinds.items())), "|", " ".join("%s:%d" % kv for kv in sorted(answers.items())))
# 4xx (ours or libmicrohttpd's), 505 for a mangled HTTP version, or a
# closed connection; never a 2xx (garbage accepted) or a 500/503.
bad = [c for c in answers if not (c.startswith("4") or c in ("505", "closed"))]
sys.exit(1 if bad else 0)
PY
echo "  tried: 200 requests: $(cut -d'|' -f1 "$T/garbage.txt")"
echo "  answers: $(cut -d'|' -f2 "$T/garbage.txt")"
[ "$rc" = 0 ] || fail "an answer outside 4xx/closed (a 2xx or 5xx to garbage)"
kill -0 "$ABRID_PID" || fail "abrid died on garbage"
[ "$(abri_db_snapshot)" = "$snap" ] || fail "garbage changed the database"
abri_api POST /v1/cases -H 'Content-Type: application/json' --data-binary @"$T/valid.json"
[ "$status" = 201 ] || fail "a valid submission after the garbage: $status"
ok "truncated/garbage/flipped requests: only 4xx or a closed connection, database unchanged, abrid serving"
