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

grep -q "^$ref  new     $(date -u -d "$(date -u +%F) -$(( $(date -u +%u) - 1 )) days" +%F)" "$T/cases.txt" ||
  fail "abri cases does not date the case by the Monday of its week: $(cat "$T/cases.txt")"
grep "$ref" "$T/cases.txt" | grep -q "not opened yet" || fail "abri cases: never opened not said"
ok "listener lists the case, dated by its week's Monday"

abri_cli l1 show "${ref,,}" >"$T/show1.txt" || fail "abri show (reference in lower case) exited $?"
grep -qF "$TEXT" "$T/show1.txt" || fail "abri show does not show the decrypted report"
grep -q "received: week of [0-9-]* (20[0-9][0-9]-W[0-9][0-9])" "$T/show1.txt" || fail "abri show: no date"
ok "listener 1 decrypts and verifies the report (reference typed in lower case)"

# The whole report form, labelled, the person's answers escaped.
FORM='{"kind":"discrimination_housing","when":"month","where":"Rue Haute\u001b[31m","who":"the landlord",
 "wants":["info","contact"],"contact":"call me after 2 pm \u202e"}'
rep submit --text "form report" --lang ar --form "$FORM" --token-out "$T/ftoken" >"$T/fsub.json" ||
  fail "submit with a form"
fref=$(jq -r .case_ref "$T/fsub.json")
abri_cli l1 show "$fref" >"$T/fshow.txt" || fail "abri show (form) exited $?"
for want in "Language:     Arabic (ar)" "What:         discrimination in housing" \
  "When:         the month of the report" \
  "Wants:        only information; to be contacted by a listener" "Where:" "Rue Haute\\x1b[31m" \
  "Who:" "the landlord" "How and when to contact them:" 'call me after 2 pm \u{202e}' \
  "What happened (as written):" "form report"; do
  grep -qF -- "$want" "$T/fshow.txt" || fail "abri show does not print '$want': $(cat "$T/fshow.txt")"
done
if grep -q $'\e' "$T/fshow.txt"; then fail "abri show printed a raw escape character"; fi
abri_cli l1 show "$fref" --json >"$T/fshow.json" || fail "abri show --json"
jq -e '.report.form.kind == "discrimination_housing" and .report.form.contact != null and .report.lang == "ar"
  and .week_start != null and .alarm == false and (.messages | length) == 1' "$T/fshow.json" >/dev/null ||
  fail "abri show --json is not the case view: $(cat "$T/fshow.json")"
ok "abri show prints the whole report form, labelled and escaped; --json is the case view"

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

abri_cli l1 cases >"$T/cases2.txt" || fail "abri cases after the reply"
grep "^$ref" "$T/cases2.txt" | grep -q "from the person" && fail "abri cases counts the listener's own reply as new"
FOLLOW="Merci. Il est revenu hier soir."
rep message --token-file "$T/token" --text "$FOLLOW" >/dev/null || fail "reporter follow-up"
abri_cli l1 cases >"$T/cases3.txt" || fail "abri cases after the follow-up"
grep "^$ref" "$T/cases3.txt" | grep -q "+1 from the person" || fail "abri cases: $(cat "$T/cases3.txt")"
out=$(abri_cli l1 watch --once) || fail "abri watch --once"
[ "$out" = "1 new case, 1 new message from people in other cases" ] || fail "abri watch --once: $out"
ok "abri cases and abri watch count the person's new message, not the listener's own"
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
