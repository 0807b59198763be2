#!/usr/bin/env bash
# End to end, with every part real: a reporter (C test client on libabri)
# submits a report; listeners list, decrypt, verify and answer it with the
# CLI; the reporter comes back with the token and reads the verified reply.
source "$(dirname "$0")/../harness/env.sh"
abri_env_up

TEXT="Mon voisin m'a frappée le 3 mars — رسالة اختبار"
SRV="unix:$T/abrid.sock"
rep() { "$REPORTER" "$1" --server "$SRV" --deployment "$DEPLOYMENT" --org-pub "$T/org.pub.json" "${@:2}"; }

rep submit --text "$TEXT" --token-out "$T/token" >"$T/sub.json" || fail "reporter submit"
ref=$(jq -r .case_ref "$T/sub.json")
week=$(jq -r .week "$T/sub.json")
[[ "$ref" =~ ^[0-9A-HJKMNP-TV-Z]{10}$ ]] || fail "case reference looks wrong: $ref"
[[ "$week" =~ ^[0-9]{4}-W[0-9]{2}$ ]] || fail "week looks wrong: $week"
token=$(tr -d ' \n' <"$T/token")
[[ "$token" =~ ^[0-9]{24}$ ]] || fail "token is not 24 digits"
ok "report submitted as $ref ($week), receipt verified by the client"

# The server holds no token, lookup key or plaintext.
[ "$(abri_db "select count(*) from cases where case_ref = '$ref' and state = 'new'")" = 1 ] || fail "case row"
if abri_db_dump=$(abri_db "select string_agg(x::text, '') from (select * from cases) x"); then
  case "$abri_db_dump" in *"$token"*) fail "token stored in the database" ;; esac
fi
ok "case stored as new"

abri_cli l1 cases >"$T/cases.txt" || fail "abri cases"
grep -q "$ref" "$T/cases.txt" || fail "abri cases does not list $ref"
ok "listener lists the case"

abri_cli l1 show "$ref" >"$T/show1.txt" || fail "abri show exited $?"
grep -qF "$TEXT" "$T/show1.txt" || fail "abri show does not show the decrypted report"
ok "listener 1 decrypts and verifies the report"

REPLY="Bonjour, nous avons bien reçu votre message. مرحبا"
abri_cli l1 reply "$ref" -m "$REPLY" >/dev/null || fail "abri reply"
abri_cli l1 state "$ref" open >/dev/null || fail "abri state open"
[ "$(abri_db "select state from cases where case_ref = '$ref'")" = open ] || fail "state not open"
ok "listener 1 replies and opens the case"

abri_cli l2 show "$ref" >"$T/show2.txt" || fail "listener 2: abri show exited $?"
grep -qF "$REPLY" "$T/show2.txt" || fail "listener 2 does not see the reply"
grep -q "Listener One" "$T/show2.txt" || fail "listener 2 does not see who replied"
ok "listener 2 reads the report and listener 1's verified reply"

rep open --token-file "$T/token" >"$T/open.jsonl" || fail "reporter open failed (verification?)"
grep -F "$REPLY" "$T/open.jsonl" | jq -e '.kind == "reply" and .verified == true' >/dev/null ||
  fail "reporter does not read a verified reply: $(cat "$T/open.jsonl")"
jq -se 'map(select(.kind == "report")) | length == 1' "$T/open.jsonl" >/dev/null || fail "reporter does not see own report"
ok "reporter opens the case with the token and reads the verified reply"

FOLLOW="Merci. Il est revenu hier soir."
rep message --token-file "$T/token" --text "$FOLLOW" >/dev/null || fail "reporter follow-up"
abri_cli l1 show "$ref" >"$T/show3.txt" || fail "abri show after follow-up exited $?"
grep -qF "$FOLLOW" "$T/show3.txt" || fail "follow-up not shown"
ok "reporter follow-up reaches the listener, chain intact"

# A wrong token (valid check digit, other digits) finds nothing.
"$ABRI_BUILD/tests/tools/reporter" token >"$T/other-token" || fail "reporter token"
if rep open --token-file "$T/other-token" >"$T/open-wrong.txt" 2>&1; then fail "a wrong token opened a case"; fi
ok "a wrong token opens nothing"

abri_cli l1 state "$ref" closed >/dev/null || fail "abri state closed"
[ "$(abri_db "select state from cases where case_ref = '$ref'")" = closed ] || fail "state not closed"
ok "case closed"
echo "e2e: all checks passed"
