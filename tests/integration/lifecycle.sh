#!/usr/bin/env bash
# Case lifecycle: closing and erasing set a coarse purge_after, the reporter
# erases with the token (lookup gone at once, listeners see it), the purge
# deletes closed and erased cases past their date with their envelopes and
# nothing else; receipts verify offline (abri verify-receipt); abri watch
# shows only a count of new cases.
source "$(dirname "$0")/../harness/env.sh"
abri_env_up

SRV="unix:$T/abrid.sock"
rep() { "$REPORTER" "$1" --server "$SRV" --deployment "$DEPLOYMENT" --org-pub "$T/org.pub.json" "${@:2}"; }
state_of() { abri_db "select state || ' ' || coalesce(purge_after::text, '-') from cases where case_ref = '$1'"; }
monday() { abri_db "select date_trunc('week', ((now() at time zone 'UTC')::date + $1)::timestamp)::date"; }

rep submit --text "first report" --token-out "$T/tok1" --receipt-out "$T/receipt1.json" >"$T/sub1.json" ||
  fail "submit 1"
rep submit --text "second report" --token-out "$T/tok2" >"$T/sub2.json" || fail "submit 2"
rep submit --text "third report" --token-out "$T/tok3" >"$T/sub3.json" || fail "submit 3"
ref1=$(jq -r .case_ref "$T/sub1.json"); ref2=$(jq -r .case_ref "$T/sub2.json")
ref3=$(jq -r .case_ref "$T/sub3.json")
rep message --token-file "$T/tok2" --text "a follow-up" >/dev/null || fail "follow-up"
ok "three cases submitted, one with a follow-up"

# abri watch: only counts (new cases; the people's new messages in other cases).
out=$(abri_cli l1 watch --once) || fail "abri watch --once"
[ "$out" = "3 new cases, 0 new messages from people in other cases" ] || fail "abri watch --once: $out"
ok "abri watch --once prints only counts"

# The proof of receipt, verified offline against the signed list file.
[ "$(jq -r .case_ref "$T/receipt1.json")" = "$ref1" ] || fail "receipt file is not for $ref1"
out=$(abri_cli l1 verify-receipt --list "$T/list1.json" "$T/receipt1.json") || fail "verify-receipt exited $?"
[[ "$out" == "valid: case $ref1, week $(jq -r .week "$T/sub1.json"), signed by server "?* ]] ||
  fail "verify-receipt said: $out"
out=$(abri_cli l1 verify-receipt "$T/receipt1.json") || fail "verify-receipt against the server's list"
[[ "$out" == "valid: case $ref1,"* ]] || fail "verify-receipt (server list) said: $out"
ok "abri verify-receipt: $out"

rc=0
jq '.week = "2001-W01"' "$T/receipt1.json" >"$T/bad-week.json"
abri_cli l1 verify-receipt --list "$T/list1.json" "$T/bad-week.json" >/dev/null 2>"$T/err" || rc=$?
[ "$rc" = 2 ] || fail "a tampered week: exit $rc, want 2"
grep -q "not valid" "$T/err" || fail "no reason given: $(cat "$T/err")"
rc=0
sig=$(jq -r .receipt.sig "$T/receipt1.json")
if [ "${sig:0:1}" = A ]; then sig="B${sig:1}"; else sig="A${sig:1}"; fi
jq --arg s "$sig" '.receipt.sig = $s' "$T/receipt1.json" >"$T/bad-sig.json"
abri_cli l1 verify-receipt --list "$T/list1.json" "$T/bad-sig.json" >/dev/null 2>"$T/err" || rc=$?
[ "$rc" = 2 ] || fail "a tampered signature: exit $rc, want 2"
rc=0
jq '.envelope_hash = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="' "$T/receipt1.json" >"$T/bad-hash.json"
abri_cli l1 verify-receipt --list "$T/list1.json" "$T/bad-hash.json" >/dev/null 2>"$T/err" || rc=$?
[ "$rc" = 2 ] || fail "another envelope hash: exit $rc, want 2"
ok "a tampered week, signature or envelope hash is not valid (exit 2)"

# Closing: purge_after = the Monday of the week retention_days (365) on.
abri_cli l1 state "$ref1" closed >/dev/null || fail "abri state closed"
want=$(monday 365)
[ "$(state_of "$ref1")" = "closed $want" ] || fail "closed case: $(state_of "$ref1"), want closed $want"
[ "$(abri_db "select extract(isodow from purge_after) from cases where case_ref = '$ref1'")" = 1 ] ||
  fail "purge_after of the closed case is not a Monday"
abri_cli l1 state "$ref1" closed >/dev/null || fail "closing again"
[ "$(state_of "$ref1")" = "closed $want" ] || fail "closing again changed purge_after"
abri_cli l1 state "$ref1" open >/dev/null || fail "reopening"
[ "$(state_of "$ref1")" = "open -" ] || fail "reopening kept purge_after: $(state_of "$ref1")"
abri_cli l1 state "$ref1" closed >/dev/null || fail "closing after reopening"
[ "$(state_of "$ref1")" = "closed $want" ] || fail "closed again: $(state_of "$ref1")"
ok "closing sets purge_after to a Monday 365 days on (rounded down); reopening clears it"

# Erasing with the lookup key derived from the token.
lk=$("$REPORTER" keys --deployment "$DEPLOYMENT" --token-file "$T/tok2" | jq -r .lookup_key)
abri_api POST /v1/cases/erase --data "{\"lookup_key\":\"$lk\"}"
[ "$status" = 200 ] || fail "erase: HTTP $status $(cat "$T/resp")"
[ "$(state_of "$ref2")" = "erased $(monday 14)" ] || fail "erased case: $(state_of "$ref2")"
[ "$(abri_db "select extract(isodow from purge_after) from cases where case_ref = '$ref2'")" = 1 ] ||
  fail "purge_after of the erased case is not a Monday"
ok "erase sets erased and purge_after to the Monday two weeks on"

if rep open --token-file "$T/tok2" >"$T/open2.txt" 2>&1; then fail "an erased case still opens"; fi
abri_api POST /v1/cases/open --data "{\"lookup_key\":\"$lk\"}"
expect_error 404 case_not_found
ok "the token no longer opens the erased case (404)"

abri_cli l1 cases >"$T/cases.txt" || fail "abri cases"
grep -E "^$ref2 +erased" "$T/cases.txt" >/dev/null || fail "abri cases does not list $ref2 as erased: $(cat "$T/cases.txt")"
abri_cli l1 cases --state erased >"$T/cases-erased.txt" || fail "abri cases --state erased"
grep -q "$ref2" "$T/cases-erased.txt" || fail "abri cases --state erased misses $ref2"
abri_cli l1 show "$ref2" >"$T/show2.txt" || fail "abri show of the erased case"
grep -q "state: erased" "$T/show2.txt" || fail "abri show does not say erased: $(head -3 "$T/show2.txt")"
ok "listeners see the case as erased (abri cases, abri show)"

# Nothing is due yet: the purge deletes nothing.
out=$("$ABRID" --purge-now -c "$T/abrid.conf" 2>>"$T/abrid.log") || fail "abrid --purge-now"
[ "$out" = "purged 0 cases" ] || fail "purge before the date: $out"
[ "$(abri_db "select count(*) from cases")" = 3 ] || fail "a case went before its date"
ok "nothing is purged before purge_after"

# Time passes: every closed/erased case is due; an open case with a date in
# the past (impossible through the API) must still stay.
abri_db "update cases set purge_after = date '2000-01-03' where case_ref in ('$ref1', '$ref2')"
abri_cli l1 state "$ref3" open >/dev/null || fail "opening case 3"
abri_db "update cases set purge_after = date '2000-01-03' where case_ref = '$ref3'"
env1=$(abri_db "select count(*) from envelopes where case_ref = '$ref3'")
out=$("$ABRID" --purge-now -c "$T/abrid.conf" 2>>"$T/abrid.log") || fail "abrid --purge-now"
[ "$out" = "purged 2 cases" ] || fail "purge: $out"
[ "$(abri_db "select count(*) from cases where case_ref in ('$ref1', '$ref2')")" = 0 ] || fail "purged cases remain"
[ "$(abri_db "select count(*) from envelopes where case_ref in ('$ref1', '$ref2')")" = 0 ] ||
  fail "envelopes of purged cases remain"
[ "$(state_of "$ref3")" = "open 2000-01-03" ] || fail "the open case changed: $(state_of "$ref3")"
[ "$(abri_db "select count(*) from envelopes where case_ref = '$ref3'")" = "$env1" ] || fail "envelopes of case 3"
rep open --token-file "$T/tok3" >/dev/null || fail "case 3 no longer opens"
grep -q "purged 2 cases" "$T/abrid.log" || fail "purge not logged"
if grep -E "$ref1|$ref2" "$T/abrid.log" >/dev/null; then fail "the log names a purged case"; fi
out=$("$ABRID" --purge-now -c "$T/abrid.conf" 2>>"$T/abrid.log") || fail "abrid --purge-now again"
[ "$out" = "purged 0 cases" ] || fail "second purge: $out"
ok "abrid --purge-now deletes due closed and erased cases with their envelopes, nothing else"

# Receipts stay verifiable offline after the case is gone.
abri_cli l1 verify-receipt --list "$T/list1.json" "$T/receipt1.json" >/dev/null ||
  fail "the receipt of a purged case no longer verifies offline"
ok "a purged case's receipt still verifies offline"

# abri watch keeps polling and prints again only when the count changes.
out=$(abri_cli l1 watch --once) || fail "abri watch --once"
[ "$out" = "0 new cases, 0 new messages from people in other cases" ] ||
  fail "abri watch --once after the purge: $out"
abri_cli l1 watch --interval 5 >"$T/watch.txt" 2>&1 &
watch_pid=$!
for _ in $(seq 1 100); do [ -s "$T/watch.txt" ] && break; sleep 0.1; done
rep submit --text "fourth report" >/dev/null || fail "submit 4"
for _ in $(seq 1 150); do [ "$(wc -l <"$T/watch.txt")" -ge 2 ] && break; sleep 0.1; done
kill "$watch_pid"; wait "$watch_pid" 2>/dev/null || true
[ "$(cat "$T/watch.txt")" = "0 new cases, 0 new messages from people in other cases
1 new case, 0 new messages from people in other cases" ] || fail "abri watch printed: $(cat "$T/watch.txt")"
ok "abri watch prints the count again when it changes, nothing else"

# The purge thread: restart with purge_interval = 1.
abrid_stop
echo "purge_interval = 1" >>"$T/abrid.conf"
abrid_start
abri_cli l1 state "$ref3" closed >/dev/null || fail "closing case 3"
abri_db "update cases set purge_after = date '2000-01-03' where case_ref = '$ref3'"
for _ in $(seq 1 60); do
  [ "$(abri_db "select count(*) from cases where case_ref = '$ref3'")" = 0 ] && break; sleep 0.1
done
[ "$(abri_db "select count(*) from cases where case_ref = '$ref3'")" = 0 ] || fail "the purge thread did not run"
[ "$(abri_db "select count(*) from envelopes where case_ref = '$ref3'")" = 0 ] || fail "case 3 envelopes remain"
[ "$(abri_db "select count(*) from cases")" = 1 ] || fail "the purge thread deleted too much"
grep -q "purged 1 cases" "$T/abrid.log" || fail "the purge thread's run is not logged"
ok "abrid's purge thread purges every purge_interval seconds"
echo "lifecycle: all checks passed"
