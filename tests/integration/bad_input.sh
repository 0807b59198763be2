#!/usr/bin/env bash
# Bad input changes nothing: every row sends one kind of bad request to a
# real abrid, asserts the exact HTTP status and error code, and asserts
# that no row of any table changed (digest of the whole database).
source "$(dirname "$0")/../harness/env.sh"
abri_env_up
SIGNREQ=$ABRI_BUILD/tests/integration/signreq
SRV="unix:$T/abrid.sock"
rep() { "$REPORTER" "$1" --server "$SRV" --deployment "$DEPLOYMENT" --org-pub "$T/org.pub.json" "${@:2}"; }

# One real case, so that "unchanged" means something.
rep submit --text "first case" --token-out "$T/token" >"$T/sub.json" || fail "reporter submit"
ref=$(jq -r .case_ref "$T/sub.json")

# A valid, unsent new-case body to spoil: {"envelope","lookup_key","submission_id"}.
rep seal --text "a report that is never accepted" >"$T/good.json" || fail "reporter seal"
env_b64=$(jq -r .envelope "$T/good.json")

base64 -d <<<"$env_b64" >"$T/env.bin"
# env_patch OFFSET OCTAL-ESCAPES: the good envelope with bytes replaced at OFFSET, re-encoded
env_patch() {
  local n
  n=$(printf "$2" | wc -c)
  { head -c "$1" "$T/env.bin"; printf "$2"; tail -c +$(($1 + n + 1)) "$T/env.bin"; } | base64 -w0
}
# env_flip OFFSET: the good envelope with the byte at OFFSET changed
env_flip() {
  { head -c "$1" "$T/env.bin"; tail -c +$(($1 + 1)) "$T/env.bin" | head -c 1 | tr '\000-\377' '\001-\377\000';
    tail -c +$(($1 + 2)) "$T/env.bin"; } | base64 -w0
}
# body_with_env B64: the good body with another envelope
body_with_env() { jq -c --arg e "$1" '.envelope = $e' "$T/good.json"; }

before=$(abri_db_snapshot)
checks=0
unchanged() {
  local now
  now=$(abri_db_snapshot)
  [ "$now" = "$before" ] || fail "$1: the database changed"
  checks=$((checks + 1))
  ok "$1 -> $status $2, nothing changed"
}
# post PATH BODY STATUS CODE LABEL
post() {
  printf '%s' "$2" >"$T/body"
  abri_api POST "$1" -H 'Content-Type: application/json' --data-binary "@$T/body"
  expect_error "$3" "$4"
  unchanged "$5" "$4"
}

good=$(cat "$T/good.json")
post /v1/cases "${good:0:40}" 400 bad_json "truncated body"
post /v1/cases '{"envelope": ' 400 bad_json "truncated JSON"
post /v1/cases 'not json at all' 400 bad_json "garbage"
post /v1/cases '[1,2,3]' 400 bad_json "JSON array instead of object"
post /v1/cases "$(jq -c '.envelope = 42' <<<"$good")" 400 bad_field "envelope of the wrong type"
post /v1/cases "$(jq -c 'del(.lookup_key)' <<<"$good")" 400 bad_field "missing lookup key"
post /v1/cases "$(jq -c '.lookup_key = "AAAA"' <<<"$good")" 400 bad_lookup_key "short lookup key"
post /v1/cases "$(jq -c '.submission_id = "!!!"' <<<"$good")" 400 bad_submission_id "submission id not base64"
post /v1/cases "$(body_with_env 'not base64!')" 400 bad_envelope "envelope not base64"
post /v1/cases "$(body_with_env "$(env_patch 0 XBR1)")" 400 bad_envelope "wrong magic"
post /v1/cases "$(body_with_env "$(env_patch 4 '\002')")" 400 bad_envelope "wrong version"
post /v1/cases "$(body_with_env "$(env_patch 5 '\003')")" 400 bad_kind "reply kind on the reporter endpoint"
post /v1/cases "$(body_with_env "$(head -c 100 "$T/env.bin" | base64 -w0)")" 400 bad_envelope "truncated envelope"
post /v1/cases "$(body_with_env "$({ cat "$T/env.bin"; printf x; } | base64 -w0)")" 400 bad_bucket "body not a padding bucket"
# header: magic 4, version 1, kind 1, tenant length 1, tenant, list version 4,
# stanza count 1, then the first stanza: type 1, key id 16.
kid_at=$((4 + 1 + 1 + 1 + ${#DEPLOYMENT} + 4 + 1 + 1))
post /v1/cases "$(body_with_env "$(env_flip "$kid_at")")" \
  400 unknown_recipient "unknown recipient key id"
lv_at=$((4 + 1 + 1 + 1 + ${#DEPLOYMENT}))
post /v1/cases "$(body_with_env "$(env_patch "$lv_at" '\011\000\000\000')")" \
  409 recipients_changed "sealed under another list version"
big=$(head -c 1100000 /dev/zero | tr '\0' 'A')
post /v1/cases "{\"envelope\": \"$big\"}" 413 body_too_large "oversized body"
post /v1/cases/open '{"lookup_key": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}' 404 case_not_found "wrong token (unknown lookup key)"
post /v1/cases/open '{"lookup_key": 7}' 400 bad_field "lookup key of the wrong type"
post /v1/cases/messages "$good" 400 bad_kind "a report posted as a follow-up"
# Integers beyond 64 bits: the JSON reader refuses them as jansson does, but
# one in a declared field gets that field's code (docs/api.md), not bad_json.
abri_api POST /v1/challenge
[ "$status" = 200 ] || fail "POST /v1/challenge: $status"
challenge=$(jq -r .challenge "$T/resp")
with_counter() { jq -c --arg c "$challenge" '.pow = {challenge: $c, counter: 4242424242}' <<<"$good" | sed "s/4242424242/$1/"; }
post /v1/cases "$(with_counter 9223372036854775808)" 403 bad_pow "proof of work with counter 2^63"
post /v1/cases "$(with_counter 18446744073709551616)" 403 bad_pow "proof of work with counter 2^64"
post /v1/cases "$(with_counter -9223372036854775809)" 403 bad_pow "proof of work with counter -2^63 - 1"
post /v1/cases "$(with_counter 1e999)" 400 bad_json "proof of work with a real that overflows"
post /v1/cases "$(jq -c '.extra = 4242424242' <<<"$good" | sed 's/4242424242/9223372036854775808/')" 400 bad_json \
  "an undeclared field holding 2^63"
post /v1/cases "$(jq -c '.lookup_key = 4242424242' <<<"$good" | sed 's/4242424242/9223372036854775808/')" 400 bad_field \
  "a lookup key that is 2^63 (wrong type)"
post /v1/uploads '{"chunks": 9223372036854775808, "header": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "hash": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}' \
  400 bad_field "an upload of 2^63 chunks"
post /v1/challenge '{"x": 9223372036854775808}' 400 bad_json "a challenge request holding 2^63"
# Survey answers (POST /v1/survey): the code authorises, the envelope must
# be kind survey without a reporter stanza.
post /v1/survey 'not json' 400 bad_json "survey answer: garbage"
post /v1/survey '{"code": "ABCDEFGHJKMN"}' 400 bad_field "survey answer without envelope"
post /v1/survey "$(jq -c '{code: 12, envelope: .envelope}' <<<"$good")" 400 bad_field "survey code of the wrong type"
post /v1/survey "$(jq -c '{code: "ABCD-EFGH-JKMN", envelope: .envelope}' <<<"$good")" 403 bad_survey_code \
  "survey code not in canonical form"
post /v1/survey "$(jq -c '{code: "ABCDEFGHJKMN", envelope: .envelope}' <<<"$good")" 400 bad_kind \
  "a report posted as a survey answer"
post /v1/survey "$(jq -c --arg e "$(env_patch 5 '\007')" '{code: "ABCDEFGHJKMN", envelope: $e}' <<<"$good")" \
  400 bad_envelope "survey answer with a reporter stanza"
abri_api GET "/v1/audit/surveys?month=2020-01"
expect_error 401 auth_missing; unchanged "survey answers without signature" auth_missing

# Signed staff requests.
sign() { # sign METHOD TARGET [extra signreq args]
  mapfile -t H < <("$SIGNREQ" --key "$T/l1.key" --passphrase-file "$T/pass" --deployment "$DEPLOYMENT" \
    --origin "$ORIGIN" --method "$1" --target "$2" "${@:3}")
  HDR=(); for h in "${H[@]}"; do HDR+=(-H "$h"); done
}
get_signed() { abri_api GET "$1" "${HDR[@]}"; }

abri_api GET /v1/staff/cases
expect_error 401 auth_missing; unchanged "staff request without signature" auth_missing

sign GET /v1/staff/cases
get_signed /v1/staff/cases
[ "$status" = 200 ] || fail "a good signed request failed: $status $(cat "$T/resp")"
before=$(abri_db_snapshot)   # the accepted request recorded its nonce
get_signed /v1/staff/cases
expect_error 401 replayed_request; unchanged "replayed signed request" replayed_request

sign GET /v1/staff/cases
bad_sig=$(printf '%s' "${H[3]#Abri-Signature: }" | base64 -d | tr '\000-\377' '\001-\377\000' | base64 -w0)
abri_api GET /v1/staff/cases "${HDR[@]:0:6}" -H "Abri-Signature: $bad_sig"
expect_error 401 bad_signature; unchanged "spoilt signature" bad_signature

sign GET /v1/staff/cases
abri_api GET '/v1/staff/cases?limit=2' "${HDR[@]}"
expect_error 401 bad_signature; unchanged "signature for another target" bad_signature

sign GET /v1/staff/cases --timestamp $(( $(date +%s) - 1000 ))
get_signed /v1/staff/cases
expect_error 401 stale_request; unchanged "stale date" stale_request

# A key the organisation never listed.
"$ABRI" keygen --role listener --name Stranger --out "$T/stranger" --passphrase-file "$T/pass" --kdf-fast >/dev/null
mapfile -t H < <("$SIGNREQ" --key "$T/stranger.key" --passphrase-file "$T/pass" --deployment "$DEPLOYMENT" \
  --origin "$ORIGIN" --method GET --target /v1/staff/cases)
HDR=(); for h in "${H[@]}"; do HDR+=(-H "$h"); done
get_signed /v1/staff/cases
expect_error 403 unknown_key; unchanged "key not in the recipient list" unknown_key

sign GET /v1/staff/cases/ZZZZZZZZZZ
get_signed /v1/staff/cases/ZZZZZZZZZZ
expect_error 404 case_not_found
before=$(abri_db_snapshot); checks=$((checks + 1)); ok "unknown case -> 404 case_not_found"

printf '{"codes": ["ABCDEFGHJKMN", 7]}' >"$T/codes.json"
sign POST /v1/staff/survey-codes --body-file "$T/codes.json"
abri_api POST /v1/staff/survey-codes "${HDR[@]}" --data-binary "@$T/codes.json"
expect_error 403 bad_survey_code
[ "$(abri_db "select count(*) from survey_codes")" = 0 ] || fail "a refused batch registered codes"
before=$(abri_db_snapshot); checks=$((checks + 1)); ok "survey codes with a bad one -> 403, none registered"

printf '{"state": "erased"}' >"$T/state.json"
sign POST "/v1/staff/cases/$ref/state" --body-file "$T/state.json"
abri_api POST "/v1/staff/cases/$ref/state" "${HDR[@]}" --data-binary "@$T/state.json"
expect_error 409 bad_transition
before=$(abri_db_snapshot); checks=$((checks + 1)); ok "listener cannot set erased -> 409"

# Recipient lists: rolled back, expired, not signed by the organisation.
abri_api PUT /v1/admin/recipients --data-binary "@$T/list1.json"
expect_error 409 version_not_higher; unchanged "re-upload of the same (rolled-back) list" version_not_higher
jq -c '.sig = (.sig | @base64d | explode | .[0] |= ((. + 1) % 256) | implode | @base64)' "$T/list1.json" >"$T/badsig.json" 2>/dev/null ||
  fail "jq"
abri_api PUT /v1/admin/recipients --data-binary "@$T/badsig.json"
expect_error 403 bad_signature; unchanged "list with a spoilt signature" bad_signature
"$ABRI" admin sign-recipients --org-key "$T/stranger.key" --passphrase-file "$T/pass" --deployment "$DEPLOYMENT" \
  --version 5 --days 30 --out "$T/foreign.json" "$T/keys/server.pub.json" "$T/l1.pub.json" >/dev/null 2>&1 ||
  fail "sign with a foreign key"
abri_api PUT /v1/admin/recipients --data-binary "@$T/foreign.json"
expect_error 403 bad_signature; unchanged "list signed by another key" bad_signature
"$ABRI" admin sign-recipients --org-key "$T/org.key" --deployment "$DEPLOYMENT" --version 6 --not-after 1000000000 \
  --out "$T/expired.json" "$T/keys/server.pub.json" "$T/l1.pub.json" >/dev/null || fail "sign expired list"
abri_api PUT /v1/admin/recipients --data-binary "@$T/expired.json"
expect_error 422 bad_not_after; unchanged "expired list" bad_not_after

echo "bad_input: $checks bad requests rejected, database unchanged after each"
