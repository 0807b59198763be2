#!/usr/bin/env bash
# abrid as an operator and a client see it: configuration check, refusal
# to start on an outdated schema, TCP on loopback with the security
# headers, JSON errors for unknown paths and methods, proof of work,
# idempotent retries, and recovery after PostgreSQL restarts.
export ABRI_TEST_PORT=$((20000 + RANDOM % 12000)) # below the ephemeral ports (32768-)
source "$(dirname "$0")/../harness/env.sh"
SRV="unix:$T/abrid.sock"
rep() { "$REPORTER" "$1" --server "$SRV" --deployment "$DEPLOYMENT" --org-pub "$T/org.pub.json" "${@:2}"; }

abri_pg_up
abri_keys_up
abri_conf_up

# 1. Configuration check mode.
"$ABRID" -n -c "$T/abrid.conf" >/dev/null 2>&1 || fail "abrid -n rejects a good configuration"
cp "$T/abrid.conf" "$T/bad.conf"; echo "listen_prot = 80" >>"$T/bad.conf"
if "$ABRID" -n -c "$T/bad.conf" >"$T/n.txt" 2>&1; then fail "abrid -n accepts an unknown key"; fi
grep -q "listen_prot" "$T/n.txt" && grep -qE "line [0-9]+|:[0-9]+" "$T/n.txt" || fail "abrid -n does not name the bad key and line: $(cat "$T/n.txt")"
ok "abrid -n checks the configuration and names the bad line"

# 2. Outdated schema: abrid refuses to start and says what to do.
if timeout 10 "$ABRID" -c "$T/abrid.conf" >"$T/refuse.txt" 2>&1; then fail "abrid started on an empty database"; fi
grep -q "abri admin migrate" "$T/refuse.txt" || fail "refusal does not say to migrate: $(cat "$T/refuse.txt")"
ok "abrid refuses to start on an outdated schema"

"$ABRI" admin migrate --dsn "$DSN" >/dev/null
"$ABRI" admin migrate --dsn "$DSN" >/dev/null || fail "a second migrate failed"
npatches=$(find "$ABRI_SRC/sql" -name '[0-9][0-9][0-9][0-9]-*.sql' | wc -l)
[ "$(abri_db "select count(*) from abri_patches")" = "$npatches" ] || fail "migrate twice applied something twice"
ok "abri admin migrate is idempotent"

# 3. TCP on loopback, headers, errors for unknown paths and methods.
sed -i 's/^pow_difficulty.*//' "$T/abrid.conf"; echo "pow_difficulty = 10" >>"$T/abrid.conf"
abrid_start
abri_cli l1 admin upload-recipients "$T/list1.json" >/dev/null
curl -sS -D "$T/h" -o "$T/resp" "http://127.0.0.1:$ABRI_TEST_PORT/healthz" || fail "no answer on TCP loopback"
for h in 'Content-Type: application/json' 'Cache-Control: no-store' 'Referrer-Policy: no-referrer' \
         'X-Content-Type-Options: nosniff'; do
  grep -qi "^$h" "$T/h" || fail "header missing: $h"
done
jq -e '.status == "ok" and .schema == 5 and .recipients.version == 1' "$T/resp" >/dev/null || fail "healthz: $(cat "$T/resp")"
ok "TCP loopback answers /healthz with the security headers"
abri_api GET /v1/nothing-here; expect_error 404 not_found
abri_api DELETE /v1/config; expect_error 405 method_not_allowed
ok "unknown path -> 404 not_found, wrong method -> 405 method_not_allowed (JSON)"

# 4. Proof of work at difficulty 10.
abri_api POST /v1/challenge -d '{}'
[ "$status" = 200 ] || fail "challenge: $status"
jq -e '.difficulty == 10 and (.challenge | length) > 70' "$T/resp" >/dev/null || fail "challenge: $(cat "$T/resp")"
rep seal --text "no work done" >"$T/nopow.json" || fail "seal"
before=$(abri_db_snapshot)
abri_api POST /v1/cases -H 'Content-Type: application/json' --data-binary "@$T/nopow.json"
expect_error 403 bad_pow
[ "$(abri_db_snapshot)" = "$before" ] || fail "a rejected submission changed the database"
rep submit --text "with work done" >"$T/sub.json" || fail "submit with proof of work"
ok "difficulty 10: no work -> 403 bad_pow; the client solves the challenge and submits"

# 5. Retries at difficulty 0: same submission id -> same answer, nothing new.
abrid_stop
sed -i 's/^pow_difficulty.*/pow_difficulty = 0/' "$T/abrid.conf"
abrid_start
rep seal --text "sent twice" >"$T/twice.json" || fail "seal"
n0=$(abri_db "select count(*) from cases")
abri_api POST /v1/cases -H 'Content-Type: application/json' --data-binary "@$T/twice.json"
[ "$status" = 201 ] || fail "first submission: $status $(cat "$T/resp")"; cp "$T/resp" "$T/first"
abri_api POST /v1/cases -H 'Content-Type: application/json' --data-binary "@$T/twice.json"
[ "$status" = 201 ] || fail "retry: $status $(cat "$T/resp")"
[ "$(jq -S . "$T/first")" = "$(jq -S . "$T/resp")" ] || fail "a retry got another answer"
[ "$(abri_db "select count(*) from cases")" = $((n0 + 1)) ] || fail "a retry created a second case"
ok "a retried submission gets the same 201 and creates nothing"
rep seal --text "another envelope" >"$T/other.json" || fail "seal"
jq -c --slurpfile a "$T/twice.json" '.submission_id = $a[0].submission_id' "$T/other.json" >"$T/conflict.json"
before=$(abri_db_snapshot)
abri_api POST /v1/cases -H 'Content-Type: application/json' --data-binary "@$T/conflict.json"
expect_error 409 submission_conflict
[ "$(abri_db_snapshot)" = "$before" ] || fail "a conflicting submission changed the database"
ok "same submission id with another envelope -> 409 submission_conflict"

# 6. PostgreSQL goes away and comes back: 503 meanwhile, then recovery.
"$ABRI_SRC/src/scripts/pg.sh" stop "$T/data"
abri_api GET /healthz -D "$T/h"
expect_error 503 unavailable
grep -qi '^Retry-After:' "$T/h" || fail "503 without Retry-After"
"$ABRI_SRC/src/scripts/pg.sh" start "$T/data"
for _ in $(seq 1 50); do abri_api GET /healthz; [ "$status" = 200 ] && break; sleep 0.1; done
[ "$status" = 200 ] || fail "abrid did not recover after PostgreSQL came back: $status"
rep submit --text "after the restart" >/dev/null || fail "submit after PostgreSQL restart"
ok "PostgreSQL restart: 503 unavailable with Retry-After, then recovery"
echo "server: all checks passed"
