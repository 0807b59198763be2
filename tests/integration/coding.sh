#!/usr/bin/env bash
# Coding cases and statistics batches: abri code seals the coding as a note
# and queues one record per case; abri stats upload sends one shuffled batch
# sealed to the auditor; abrid stores it without any case link; the auditor
# fetches it and opens it.
source "$(dirname "$0")/../harness/env.sh"
abri_env_up

SRV="unix:$T/abrid.sock"
SIGNREQ=$ABRI_BUILD/tests/integration/signreq
STATSDUMP=$ABRI_BUILD/tests/tools/statsdump
MONTH=$(date -u +%Y-%m)
YEAR=${MONTH%-*}
rep() { "$REPORTER" "$1" --server "$SRV" --deployment "$DEPLOYMENT" --org-pub "$T/org.pub.json" "${@:2}"; }

"$ABRI" keygen --role auditor --name "Auditor" --out "$T/aud" --passphrase-file "$T/pass" --kdf-fast >/dev/null
abri_sign_list 2 "$T/list2.json" "$T/keys/server.pub.json" "$T/l1.pub.json" "$T/l2.pub.json" "$T/aud.pub.json"
abri_cli l1 admin upload-recipients "$T/list2.json" >/dev/null || fail "upload list 2"
ok "list 2 with an auditor uploaded"

refs=()
for i in 1 2 3; do
  rep submit --text "Rapport numéro $i" >"$T/sub$i.json" 2>/dev/null || fail "reporter submit $i"
  refs+=("$(jq -r .case_ref "$T/sub$i.json")")
done
r1=${refs[0]} r2=${refs[1]} r3=${refs[2]}
ok "three cases submitted"

abri_cli l1 code "$r1" --kind violence.domestic --context family --interpreter ar --listened --informed \
  --consent police --consent shelter --referred shelter --outcome ongoing >"$T/code1" 2>&1 || fail "code 1: $(cat "$T/code1")"
abri_cli l2 code "$r2" --kind discrimination.housing --context housing --listened \
  --consent equality_body --referred equality_body --complaint-filed --outcome complaint_filed >/dev/null 2>&1 || fail "code 2"
n3=$(abri_db "select count(*) from envelopes where case_ref = '$r3'")
rc=0; abri_cli l1 code "$r3" --kind violence.sexual --context online --referred police --outcome ongoing >"$T/out" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "referral without consent: exit $rc"
grep -q "nothing is referred without consent" "$T/out" || fail "refusal message: $(cat "$T/out")"
[ "$(abri_db "select count(*) from envelopes where case_ref = '$r3'")" = "$n3" ] || fail "a refused coding was sent"
ok "referral without consent refused (exit 1), nothing sent"
rc=0; abri_cli l1 code "$r3" --kind violence.nonsense --context online --outcome ongoing >"$T/out" 2>&1 || rc=$?
[ "$rc" = 1 ] && grep -q "unknown kind" "$T/out" || fail "unknown kind: exit $rc $(cat "$T/out")"
ok "unknown code refused"
abri_cli l1 code "$r3" --kind violence.sexual --context online --outcome lost_contact >/dev/null 2>&1 || fail "code 3"
abri_cli l1 code "$r1" --kind violence.domestic --context family --interpreter ar --listened --informed \
  --consent police --consent shelter --referred shelter --outcome resolved >"$T/out" 2>&1 || fail "re-code 1"
grep -q "replaced" "$T/out" || fail "re-coding did not replace the record: $(cat "$T/out")"
q=$T/state-l1/stats/queue.json
[ "$(jq '.cases | length' "$q")" = 2 ] || fail "l1 queue should hold 2 cases: $(cat "$q")"
[ "$(jq -r --arg r "$r1" '.cases[$r].record.journey.outcome' "$q")" = resolved ] || fail "re-coded record not replaced"
abri_cli l1 stats status >"$T/status" || fail "stats status"
grep -q "^$MONTH *2 *0" "$T/status" || fail "stats status: $(cat "$T/status")"
grep -q "$r1" "$T/status" && fail "stats status shows a case reference"
ok "one queued record per case, re-coding replaces it; status shows counts only"

abri_cli l2 show "$r1" >"$T/show" 2>&1 || fail "show: $(cat "$T/show")"
grep -q "coding: kind violence.domestic, context family, interpreter ar, listened, informed of rights, consent to police, shelter, referred to shelter, complaint not filed, outcome resolved" "$T/show" \
  || fail "show does not display the coding: $(cat "$T/show")"
ok "abri show displays the coding note (read by the other listener)"

# l2's record goes with l2's own upload; move it to l1's queue to get one batch of 3.
jq --slurpfile o "$T/state-l2/stats/queue.json" '.cases += $o[0].cases' "$q" >"$q.new" && mv "$q.new" "$q"
abri_cli l1 stats upload >"$T/out" 2>&1 || fail "upload (month not over)"
grep -q "Nothing to upload" "$T/out" || fail "the current month was uploaded without --force"
abri_cli l1 stats upload --force >"$T/out" 2>&1 || fail "upload --force: $(cat "$T/out")"
grep -q "Uploaded 3 record(s) for $MONTH" "$T/out" || fail "upload: $(cat "$T/out")"
[ "$(abri_db "select count(*) from stats_batches")" = 1 ] || fail "one batch row expected"
[ "$(abri_db "select to_char(month, 'YYYY-MM-DD') from stats_batches")" = "$MONTH-01" ] || fail "batch month"
abri_db "select encode(envelope, 'base64') from stats_batches" | base64 -d >"$T/batch.bin"
[ "$(head -c 4 "$T/batch.bin")" = ABR1 ] && [ "$(stat -c %s "$T/batch.bin")" -gt 4096 ] ||
  fail "the stored batch is not an envelope"
for s in "$r1" "$r2" "$r3" violence domestic shelter equality_body resolved; do
  grep -aq "$s" "$T/batch.bin" && fail "the stored batch contains '$s'"
done
ok "one batch stored for $MONTH, with no case reference or code in clear"

abri_cli l1 stats upload --force >"$T/out" 2>&1 || fail "second upload"
grep -q "Nothing to upload" "$T/out" || fail "second upload sent something: $(cat "$T/out")"
[ "$(abri_db "select count(*) from stats_batches")" = 1 ] || fail "second upload added a row"
abri_cli l1 code "$r3" --kind violence.sexual --context online --outcome resolved >"$T/out" 2>&1 || fail "re-code 3"
grep -q "already uploaded" "$T/out" || fail "re-coding after upload queued again: $(cat "$T/out")"
abri_cli l1 stats upload --force >"$T/out" 2>&1 && grep -q "Nothing to upload" "$T/out" || fail "upload after re-code"
ok "uploaded records are never sent twice"

sign() { # sign KEY METHOD TARGET [extra signreq args]
  mapfile -t H < <("$SIGNREQ" --key "$1" --passphrase-file "$T/pass" --deployment "$DEPLOYMENT" \
    --origin "$ORIGIN" --method "$2" --target "$3" "${@:4}")
  HDR=(); for h in "${H[@]}"; do HDR+=(-H "$h"); done
}
sign "$T/aud.key" GET "/v1/audit/stats?year=$YEAR"
abri_api GET "/v1/audit/stats?year=$YEAR" "${HDR[@]}"
[ "$status" = 200 ] || fail "audit stats: $status $(cat "$T/resp")"
[ "$(jq '.batches | length' "$T/resp")" = 1 ] || fail "audit stats: $(cat "$T/resp")"
[ "$(jq -r '.batches[0].month' "$T/resp")" = "$MONTH" ] || fail "audit stats month"
jq -r '.batches[0].envelope' "$T/resp" >"$T/batch.b64"
sign "$T/aud.key" GET "/v1/audit/stats?year=1999"
abri_api GET "/v1/audit/stats?year=1999" "${HDR[@]}"
expect_error 400 bad_field
sign "$T/l1.key" GET "/v1/audit/stats?year=$YEAR"
abri_api GET "/v1/audit/stats?year=$YEAR" "${HDR[@]}"
expect_error 403 wrong_role
ok "the auditor gets the year's batch; a listener gets 403 wrong_role"

"$STATSDUMP" "$T/aud.key" "$T/pass" "$T/list2.json" "$T/org.pub.json" "$DEPLOYMENT" "$T/batch.b64" >"$T/dump.json" \
  || fail "statsdump"
[ "$(jq '.records | length' "$T/dump.json")" = 3 ] || fail "batch records: $(cat "$T/dump.json")"
[ "$(jq -r .month "$T/dump.json")" = "$MONTH" ] && [ "$(jq -r .taxonomy "$T/dump.json")" = 2026.1 ] || fail "batch header"
[ "$(jq -r '[.records[].kind] | sort | join(",")' "$T/dump.json")" = "discrimination.housing,violence.domestic,violence.sexual" ] \
  || fail "batch kinds: $(cat "$T/dump.json")"
jq -e '.records[] | select(.kind == "violence.domestic") | .journey == {"listened":true,"informed":true,"consent":["police","shelter"],"referred":["shelter"],"complaint_filed":false,"outcome":"resolved"} and .interpreter == "ar" and .month == "'"$MONTH"'"' "$T/dump.json" >/dev/null \
  || fail "record of case 1: $(cat "$T/dump.json")"
jq -e '.records[] | select(.kind == "discrimination.housing") | .journey.complaint_filed and .journey.referred == ["equality_body"]' "$T/dump.json" >/dev/null \
  || fail "record of case 2"
jq -e '[.records[] | keys] | all(. == ["context","interpreter","journey","kind","month","taxonomy","v"])' "$T/dump.json" >/dev/null \
  || fail "records carry other keys than the codes"
ok "the auditor opens the batch: 3 records with the right codes, nothing else"

# The same bytes again (a retried upload): the same answer, no new row.
jq -n --rawfile e "$T/batch.b64" --arg m "$MONTH" '{envelope: ($e | rtrimstr("\n")), month: $m}' >"$T/post.json"
sign "$T/l1.key" POST /v1/staff/stats --body-file "$T/post.json"
abri_api POST /v1/staff/stats "${HDR[@]}" --data-binary @"$T/post.json"
[ "$status" = 201 ] && [ "$(jq -r .month "$T/resp")" = "$MONTH" ] || fail "retried batch: $status $(cat "$T/resp")"
[ "$(abri_db "select count(*) from stats_batches")" = 1 ] || fail "retried batch stored twice"
jq -n --rawfile e "$T/batch.b64" '{envelope: ($e | rtrimstr("\n")), month: "2999-01"}' >"$T/post.json"
sign "$T/l1.key" POST /v1/staff/stats --body-file "$T/post.json"
abri_api POST /v1/staff/stats "${HDR[@]}" --data-binary @"$T/post.json"
expect_error 400 bad_month
sign "$T/aud.key" POST /v1/staff/stats --body-file "$T/post.json"
abri_api POST /v1/staff/stats "${HDR[@]}" --data-binary @"$T/post.json"
expect_error 403 wrong_role
# A note sealed to the listeners is no statistics batch.
note=$(abri_db "select encode(envelope, 'base64') from envelopes where case_ref = '$r1' and kind = 4 limit 1" | tr -d '\n')
jq -n --arg e "$note" --arg m "$MONTH" '{envelope: $e, month: $m}' >"$T/post.json"
sign "$T/l1.key" POST /v1/staff/stats --body-file "$T/post.json"
abri_api POST /v1/staff/stats "${HDR[@]}" --data-binary @"$T/post.json"
expect_error 400 bad_kind
ok "retry answered alike; future month, auditor uploader and wrong kind refused"
echo "coding: all checks passed"
