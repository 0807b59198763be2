#!/usr/bin/env bash
# The satisfaction survey: a listener registers single-use codes (abrid
# keeps peppered hashes, no case link), a reply hands one to the
# reporter, the reporter's answer is sealed to the auditors and spends the
# code in the same transaction as it goes to the inbox; retries are
# answered alike, a spent or unknown code changes nothing; when the month
# ends the housekeeping moves the inbox to the auditors' table under that
# month; the auditors get a month's answers only after it ended, sorted by
# hash; the annual report shows the survey section from 10 answers.
source "$(dirname "$0")/../harness/env.sh"
abri_env_up

SRV="unix:$T/abrid.sock"
SIGNREQ=$ABRI_BUILD/tests/integration/signreq
MONTH=$(date -u +%Y-%m)
PREV=$(date -u -d "$(date -u +%Y-%m-01) -1 day" +%Y-%m)
PYEAR=${PREV%-*}
rep() { "$REPORTER" "$1" --server "$SRV" --deployment "$DEPLOYMENT" --org-pub "$T/org.pub.json" "${@:2}"; }
sign() { # sign KEY METHOD TARGET [extra signreq args]
  mapfile -t H < <("$SIGNREQ" --key "$1" --passphrase-file "$T/pass" --deployment "$DEPLOYMENT" \
    --origin "$ORIGIN" --method "$2" --target "$3" "${@:4}")
  HDR=(); for h in "${H[@]}"; do HDR+=(-H "$h"); done
}

"$ABRI" keygen --role auditor --name "Auditor" --out "$T/aud" --passphrase-file "$T/pass" --kdf-fast >/dev/null
abri_sign_list 2 "$T/list2.json" "$T/keys/server.pub.json" "$T/l1.pub.json" "$T/l2.pub.json" "$T/aud.pub.json"
abri_cli l1 admin upload-recipients "$T/list2.json" >/dev/null || fail "upload list 2"
sed -e "s|$T/l1.key|$T/aud.key|" -e "s|state-l1|state-aud|" "$T/l1.conf" >"$T/aud.conf"
rep submit --text "Un rapport" --token-out "$T/tok" >"$T/sub.json" || fail "reporter submit"
ref=$(jq -r .case_ref "$T/sub.json")
ok "list 2 with an auditor; one case"

# Columns: no case link, no time.
cols=$(abri_db "select string_agg(column_name, ',' order by column_name) from information_schema.columns where table_name = 'survey_codes'")
[ "$cols" = "expires,tag" ] || fail "survey_codes columns: $cols"
cols=$(abri_db "select string_agg(column_name, ',' order by column_name) from information_schema.columns where table_name = 'survey_answers'")
[ "$cols" = "envelope,envelope_hash,month" ] || fail "survey_answers columns: $cols"
cols=$(abri_db "select string_agg(column_name, ',' order by column_name) from information_schema.columns where table_name = 'survey_inbox'")
[ "$cols" = "envelope,envelope_hash" ] || fail "survey_inbox columns: $cols"
ok "survey tables hold no case link and no time: codes (tag, expires), inbox (hash, envelope), answers (hash, month, envelope)"

rc=0; abri_cli l1 reply "$ref" --survey-code -m "Merci" >"$T/out" 2>&1 || rc=$?
[ "$rc" = 1 ] && grep -q "no unused survey code" "$T/out" || fail "reply --survey-code without codes: $rc $(cat "$T/out")"
abri_cli l1 survey-codes new --count 3 >"$T/out" 2>&1 || fail "survey-codes new: $(cat "$T/out")"
grep -q "Registered 3 survey code(s); 3 unused here" "$T/out" || fail "survey-codes new: $(cat "$T/out")"
[ "$(abri_db "select count(*) from survey_codes")" = 3 ] || fail "3 codes expected in the database"
# The last day: the Sunday 26 weeks after this week's (dates the
# registration to the week, never the day).
[ "$(abri_db "select count(*) from survey_codes where expires = date_trunc('week', now() at time zone 'UTC')::date + 188
               and extract(isodow from expires) = 7")" = 3 ] || fail "expiry is not the Sunday 26 weeks on"
[ "$(stat -c %a "$T/state-l1/survey/codes.json")" = 600 ] || fail "codes file mode"
abri_cli l1 survey-codes list >"$T/codes" 2>/dev/null || fail "survey-codes list"
[ "$(grep -cE '^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$' "$T/codes")" = 3 ] || fail "list: $(cat "$T/codes")"
abri_db "select encode(tag, 'escape') from survey_codes" | grep -qF "$(jq -r '.unused[0]' "$T/state-l1/survey/codes.json")" &&
  fail "a code is stored in clear"
ok "3 codes registered (hashes only, valid 26 weeks to a Sunday), kept locally (0600)"

abri_cli l1 reply "$ref" --survey-code -m "Merci. Si vous voulez, dites-nous comment cela s'est passé." >/dev/null 2>&1 ||
  fail "reply --survey-code"
abri_cli l1 reply "$ref" --survey-code >/dev/null 2>&1 || fail "reply with only a survey code"
[ "$(jq '.unused | length' "$T/state-l1/survey/codes.json")" = 1 ] || fail "two codes should be used"
rep open --token-file "$T/tok" >"$T/open.json" || fail "reporter open"
mapfile -t CODES < <(jq -r 'select(.survey_code) | .survey_code' "$T/open.json")
[ "${#CODES[@]}" = 2 ] && [ "${CODES[0]}" != "${CODES[1]}" ] || fail "the reporter sees no survey codes: $(cat "$T/open.json")"
[[ "${CODES[0]}" =~ ^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$ ]] || fail "code form: ${CODES[0]}"
abri_cli l2 show "$ref" | grep -q "survey code handed out: ${CODES[0]}" || fail "show: survey code"
ok "replies carry distinct survey codes (XXXX-XXXX-XXXX), verified by the reporter"

answers='{"listened":"yes","informed":"partly","language":"yes","safe":"yes","recommend":"yes","overall":5}'
# Typed by a person: lower case, spaces instead of dashes, O for 0 and l for 1.
typed=$(printf %s "${CODES[0]}" | tr 'A-Z-' 'a-z ' | tr '01' 'ol')
rep survey --code "$typed" --answers "$answers" --seal-only >"$T/ans1.json" || fail "seal an answer"
jq -e --arg c "${CODES[0]//-/}" '.code == $c' "$T/ans1.json" >/dev/null || fail "code not normalised: $(jq -c .code "$T/ans1.json")"
base64 -d <<<"$(jq -r .envelope "$T/ans1.json")" >"$T/ans1.bin"
[ "$(od -An -tu1 -j5 -N1 "$T/ans1.bin" | tr -d ' ')" = 7 ] || fail "not a survey envelope"
grep -aq listened "$T/ans1.bin" && fail "the answer is in clear"
abri_api POST /v1/survey --data-binary @"$T/ans1.json"
[ "$status" = 201 ] && jq -e '.stored == true' "$T/resp" >/dev/null || fail "answer: $status $(cat "$T/resp")"
[ "$(abri_db "select count(*) from survey_inbox")" = 1 ] || fail "one answer in the inbox"
[ "$(abri_db "select count(*) from survey_answers")" = 0 ] || fail "an answer released before its month ended"
[ "$(abri_db "select count(*) from survey_codes")" = 2 ] || fail "the code was not spent"
ok "an answer with a typed code: 201, in the inbox, the code spent"

before=$(abri_db_snapshot)
abri_api POST /v1/survey --data-binary @"$T/ans1.json"
[ "$status" = 200 ] && jq -e '.stored == true' "$T/resp" >/dev/null || fail "retry: $status $(cat "$T/resp")"
[ "$(abri_db_snapshot)" = "$before" ] || fail "the retry changed the database"
ok "the same envelope again: 200 {stored: true}, nothing changed"
# post BODY-FILE STATUS CODE LABEL: refused, nothing changed
post() {
  abri_api POST /v1/survey --data-binary @"$1"
  expect_error "$2" "$3"
  [ "$(abri_db_snapshot)" = "$before" ] || fail "$4: the database changed"
  ok "$4 -> $2 $3, nothing changed"
}
rep survey --code "${CODES[0]}" --answers '{"safe":"no"}' --seal-only >"$T/ans2.json" || fail "seal 2"
post "$T/ans2.json" 403 bad_survey_code "another answer with the spent code"
rep survey --code "0000-0000-0000" --answers '{"safe":"no"}' --seal-only >"$T/ans3.json" || fail "seal 3"
post "$T/ans3.json" 403 bad_survey_code "an unknown code"
jq '.code = "0000-0000-000"' "$T/ans3.json" >"$T/ans4.json"
post "$T/ans4.json" 403 bad_survey_code "a malformed code"
jq 'del(.code)' "$T/ans3.json" >"$T/ans5.json"
post "$T/ans5.json" 400 bad_field "no code"
rep seal --text "a report, not an answer" >"$T/report.json" || fail "seal a report"
jq --arg c "${CODES[1]//-/}" '{code: $c, envelope: .envelope}' "$T/report.json" >"$T/ans6.json"
post "$T/ans6.json" 400 bad_kind "a report envelope (kind 1)"
# The report envelope relabelled kind 7: a survey with a reporter stanza.
base64 -d <<<"$(jq -r .envelope "$T/report.json")" >"$T/rep.bin"
{ head -c 5 "$T/rep.bin"; printf '\007'; tail -c +7 "$T/rep.bin"; } | base64 -w0 >"$T/k7.b64"
jq --rawfile e "$T/k7.b64" '.envelope = $e' "$T/ans6.json" >"$T/ans7.json"
post "$T/ans7.json" 400 bad_envelope "kind 7 with a reporter stanza"
jq '.envelope = "not base64!"' "$T/ans6.json" >"$T/ans8.json"
post "$T/ans8.json" 400 bad_envelope "envelope not base64"
[ "$(abri_db "select count(*) from survey_codes")" = 2 ] || fail "a refused answer spent a code"
out=$(rep survey --code "${CODES[1]}" --answers '{"listened":"no","overall":2}') || fail "reporter survey"
[ "$out" = '{"status":201}' ] || fail "second answer: $out"
ok "the second code still works: 201"

# The month ends: a housekeeping pass an hour into next month (the test
# clock) moves both answers to the auditors' table under this month.
next1=$(date -u -d "$(date -u +%Y-%m-01) +1 month" +%s)
ABRI_TEST_CLOCK_OFFSET=$((next1 + 3600 - $(date -u +%s))) "$ABRID" --housekeeping-now -c "$T/abrid.conf" >"$T/hk.out" 2>&1 ||
  fail "housekeeping pass: $(cat "$T/hk.out")"
grep -q "survey answers released for $MONTH" "$T/hk.out" || fail "no survey batch: $(cat "$T/hk.out")"
[ "$(abri_db "select count(*) from survey_inbox")" = 0 ] || fail "the inbox was not emptied"
[ "$(abri_db "select count(*) from survey_answers where month = to_date('$MONTH', 'YYYY-MM')")" = 2 ] ||
  fail "the month's 2 answers are not released under $MONTH"
ok "next month's first pass releases the month's 2 answers under $MONTH, the inbox is empty"

# Auditors: the current month is open; a past month, sorted by hash.
sign "$T/aud.key" GET "/v1/audit/surveys?month=$MONTH"
abri_api GET "/v1/audit/surveys?month=$MONTH" "${HDR[@]}"
expect_error 409 month_open
sign "$T/aud.key" GET "/v1/audit/surveys?month=2026-13"
abri_api GET "/v1/audit/surveys?month=2026-13" "${HDR[@]}"
expect_error 400 bad_field
sign "$T/l1.key" GET "/v1/audit/surveys?month=$PREV"
abri_api GET "/v1/audit/surveys?month=$PREV" "${HDR[@]}"
expect_error 403 wrong_role
ok "current month: 409 month_open; bad month 400; a listener 403 wrong_role"

# Eleven answers of the previous month, inserted directly (the month is
# never taken from the network): real sealed answers under fake hashes.
for i in $(seq 1 11); do
  o=$((i % 5 + 1)); s=$([ $((i % 3)) = 0 ] && echo partly || echo yes)
  rep survey --code "0000-0000-0000" --answers "{\"safe\":\"$s\",\"overall\":$o,\"listened\":\"yes\"}" --seal-only \
    | jq -r .envelope >"$T/old$i.b64" || fail "seal old $i"
  abri_db "insert into survey_answers values (decode(md5('$i') || md5('x$i'), 'hex'), to_date('$PREV', 'YYYY-MM'),
           decode('$(cat "$T/old$i.b64")', 'base64'))"
done
sign "$T/aud.key" GET "/v1/audit/surveys?month=$PREV"
abri_api GET "/v1/audit/surveys?month=$PREV" "${HDR[@]}"
[ "$status" = 200 ] || fail "audit surveys: $status $(cat "$T/resp")"
[ "$(jq -r .month "$T/resp")" = "$PREV" ] && [ "$(jq '.answers | length' "$T/resp")" = 11 ] || fail "answers: $(head -c 300 "$T/resp")"
abri_db "select encode(envelope, 'base64') from survey_answers where month = to_date('$PREV', 'YYYY-MM') order by envelope_hash" |
  tr -d '\n' >"$T/want"
jq -j '.answers | join("")' "$T/resp" >"$T/got"
cmp -s "$T/want" "$T/got" || fail "answers not sorted by envelope hash"
ok "a past month: 11 answers, sorted by envelope hash"

audit() { "$ABRI" --config "$T/aud.conf" audit report --year "$PYEAR" "$@"; }
audit --out "$T/rep11" >"$T/out" 2>&1 || fail "report: $(cat "$T/out")"
grep -q "Survey: 11 answer(s), 0 set aside" "$T/out" || fail "report: $(cat "$T/out")"
[ "$(cat "$T/rep11/survey_listened.csv")" = "$(printf 'answer,answers\nyes,10\npartly,0\nno,0\ntotal,10')" ] ||
  fail "survey_listened.csv: $(cat "$T/rep11/survey_listened.csv")"
[ "$(grep -c suppressed "$T/rep11/survey_safe.csv")" -ge 2 ] || fail "survey_safe.csv: $(cat "$T/rep11/survey_safe.csv")"
[ -f "$T/rep11/survey_language.csv" ] && fail "an unanswered question was published"
grep -q "<h2>Satisfaction survey</h2>" "$T/rep11/report.html" || fail "no survey section"
ok "abri audit report fetches, opens and counts 11 answers: the section is shown"
abri_db "delete from survey_answers where envelope_hash in (decode(md5('1') || md5('x1'), 'hex'), decode(md5('2') || md5('x2'), 'hex'))"
audit --out "$T/rep9" >"$T/out" 2>&1 || fail "report 9: $(cat "$T/out")"
grep -q "Survey: fewer than 10 answers: not shown" "$T/out" || fail "report 9: $(cat "$T/out")"
ls "$T/rep9" | grep -q survey && fail "survey CSV with 9 answers"
grep -q "Fewer than 10 answers: not shown." "$T/rep9/report.html" || fail "9 answers: page"
ok "with 9 answers the survey section is hidden"

# Bad input to the staff endpoint changes nothing (but the replay table:
# recording a signed request's nonce is the one write every request makes).
snap() { abri_db_snapshot | sed 's/request_replay:[^;]*;//'; }
before=$(snap)
spost() { # spost BODY STATUS CODE LABEL
  printf '%s' "$1" >"$T/body"
  sign "$T/l1.key" POST /v1/staff/survey-codes --body-file "$T/body"
  abri_api POST /v1/staff/survey-codes "${HDR[@]}" --data-binary @"$T/body"
  expect_error "$2" "$3"
  [ "$(snap)" = "$before" ] || fail "$4: the database changed"
  ok "survey-codes: $4 -> $2 $3, nothing changed"
}
spost '{"codes": []}' 400 bad_field "empty list"
spost '{"codes": "ABCDEFGHJKMN"}' 400 bad_field "not an array"
spost "{\"codes\": $(python3 -c 'print(["0123456789AB"] * 101)' | tr "'" '"')}" 400 bad_field "101 codes"
spost '{"codes": ["ABCDEFGHJKMN", "abcdefghjkmn"]}' 403 bad_survey_code "a code not in canonical form"
spost '{"codes": ["ABCDEFGHJKMU"]}' 403 bad_survey_code "a code with U"
printf '{"codes": ["ABCDEFGHJKMN"]}' >"$T/body"
sign "$T/aud.key" POST /v1/staff/survey-codes --body-file "$T/body"
abri_api POST /v1/staff/survey-codes "${HDR[@]}" --data-binary @"$T/body"
expect_error 403 wrong_role
abri_api POST /v1/staff/survey-codes --data-binary @"$T/body"
expect_error 401 auth_missing
[ "$(snap)" = "$before" ] || fail "refused registrations changed the database"
ok "survey-codes: an auditor 403, unsigned 401, nothing changed"

# The monthly quota per listener (survey_codes_per_month): l1 has 3 this
# month; with a quota of 5, 2 more pass, a third batch is refused whole
# and changes nothing; l2 still has its own 5.
abrid_stop
echo "survey_codes_per_month = 5" >>"$T/abrid.conf"
abrid_start
abri_cli l1 survey-codes new --count 2 >/dev/null 2>&1 || fail "2 more codes within the quota"
before=$(snap)
rc=0; abri_cli l1 survey-codes new --count 1 >"$T/out" 2>&1 || rc=$?
[ "$rc" != 0 ] && grep -q "survey_code_quota" "$T/out" || fail "over the quota: exit $rc $(cat "$T/out")"
[ "$(snap | sed 's/survey_code_counts:[^;]*;//')" = "$(sed 's/survey_code_counts:[^;]*;//' <<<"$before")" ] ||
  fail "a refused batch changed the database"
[ "$(abri_db "select n from survey_code_counts where month = date_trunc('month', now() at time zone 'UTC')")" = 5 ] ||
  fail "l1's count is not 5"
abri_cli l2 survey-codes new --count 5 >/dev/null 2>&1 || fail "l2's own quota"
ok "survey codes: 5 per listener and month; the 6th is refused (429 survey_code_quota), nothing changed"

# The auditors see the counts per listener for an ended month (the test
# clock, an hour into next month), beside the answers released for it.
sign "$T/aud.key" GET "/v1/audit/survey-codes?month=$MONTH"
abri_api GET "/v1/audit/survey-codes?month=$MONTH" "${HDR[@]}"
expect_error 409 month_open
abrid_stop
export ABRI_TEST_CLOCK_OFFSET=$((next1 + 3600 - $(date -u +%s)))
abrid_start
"$ABRI" --config "$T/aud.conf" audit survey-codes --month "$MONTH" >"$T/out" 2>&1 || fail "audit survey-codes: $(cat "$T/out")"
grep -qE "^  Listener One +[0-9a-f ]+ 5$" "$T/out" && grep -qE "^  Listener Two +[0-9a-f ]+ 5$" "$T/out" &&
  grep -qE "^  total +10$" "$T/out" && grep -q "Answers received for $MONTH: 2" "$T/out" ||
  fail "audit survey-codes: $(cat "$T/out")"
ok "abri audit survey-codes: 5 codes by each listener, 10 in all, 2 answers released for $MONTH"
unset ABRI_TEST_CLOCK_OFFSET
echo "survey: all checks passed"
