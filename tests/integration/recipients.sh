#!/usr/bin/env bash
# Recipient lists at the edges:
# - sql/0005-list-version-bigint.sql upgrades an older database;
# - an expired list is still served for list_grace seconds (/healthz says
#   expired and in_grace), then staff requests and submissions get 503
#   recipients_expired until a fresh list is uploaded;
# - versions 2^31 and 2^32 - 1 work end to end (upload, /v1/config,
#   /v1/recipients/{version}, /healthz, a report sealed under them and read
#   by a listener who remembers the highest version);
# - a signed list with version 2^32 is refused with a 4xx, nothing changed.
source "$(dirname "$0")/../harness/env.sh"
SIGNREQ=$ABRI_BUILD/tests/integration/signreq
SRV="unix:$T/abrid.sock"
rep() { "$REPORTER" "$1" --server "$SRV" --deployment "$DEPLOYMENT" --org-pub "$T/org.pub.json" "${@:2}"; }
MEMBERS=("$T/keys/server.pub.json" "$T/l1.pub.json" "$T/l2.pub.json")

# ---- sql/NNNN-list-version-bigint.sql: a database from before it keeps its lists ----
abri_pg_up
abri_keys_up
abri_conf_up
for f in "$ABRI_SRC"/sql/[0-9][0-9][0-9][0-9]-*.sql; do
  case "$f" in *-list-version-bigint.sql) break ;; esac # the files before it, as a runner applies them
  psql "$DSN" -v ON_ERROR_STOP=1 -q -1 -f "$f" >/dev/null || fail "psql -f $f"
done
abri_db "insert into recipient_lists values (1, '\\x00', decode(repeat('00', 64), 'hex'), 1)"
out=$("$ABRI" admin migrate --dsn "$DSN") || fail "abri admin migrate onto list-version-bigint"
[ "$(abri_db "select name from abri_patches order by version desc limit 1")" = list-version-bigint ] ||
  fail "migrate said: $out; the last patch is not list-version-bigint"
[ "$(abri_db "select data_type from information_schema.columns where table_name = 'recipient_lists' and column_name = 'version'")" = bigint ] ||
  fail "recipient_lists.version is not a bigint"
[ "$(abri_db "select count(*) from recipient_lists where version = 1")" = 1 ] || fail "the old list row is gone"
for v in 0 4294967296; do
  if abri_db "insert into recipient_lists values ($v, '\\x00', decode(repeat('00', 64), 'hex'), 1)" 2>/dev/null; then
    fail "the column accepts version $v"
  fi
done
abri_db "insert into recipient_lists values (4294967295, '\\x00', decode(repeat('00', 64), 'hex'), 1)"
abri_db "delete from recipient_lists"
ok "sql/*-list-version-bigint.sql migrates an older database: version is a bigint 1 .. 2^32 - 1, rows kept"
echo "list_grace = 3600" >>"$T/abrid.conf"
abrid_start
abri_cli l1 admin upload-recipients "$T/list1.json" >/dev/null

# ---- an expired list: served within list_grace, refused after it ----
# abri cases exit code and output, a signed GET's answer
staff_get() {
  local -a hdr=()
  while IFS= read -r h; do hdr+=(-H "$h"); done < <("$SIGNREQ" --key "$T/l1.key" --passphrase-file "$T/pass" \
    --deployment "$DEPLOYMENT" --origin "$ORIGIN" --method GET --target /v1/staff/cases)
  abri_api GET /v1/staff/cases "${hdr[@]}"
}
post_case() { abri_api POST /v1/cases -H 'Content-Type: application/json' --data-binary "@$1"; }
health() { abri_api GET /healthz; [ "$status" = 200 ] || fail "/healthz: $status"; jq -c .recipients "$T/resp"; }
na=$(($(date +%s) + 12))
"$ABRI" admin sign-recipients --org-key "$T/org.key" --deployment "$DEPLOYMENT" --version 2 --not-after "$na" \
  --out "$T/list2.json" "${MEMBERS[@]}" >/dev/null || fail "sign a list expiring in 12 s"
abri_cli l1 admin upload-recipients "$T/list2.json" >/dev/null || fail "upload the list expiring in 12 s"
rep seal --text "sealed before expiry, sent in the grace period" >"$T/seal-a.json" || fail "seal a"
rep seal --text "sealed before expiry, sent after the grace period" >"$T/seal-b.json" || fail "seal b"
h=$(health)
jq -e '.expires_soon == true and .expired == false and .in_grace == false' <<<"$h" >/dev/null ||
  fail "/healthz before not_after: $h"
[ "$(date +%s)" -lt "$na" ] || fail "sealing took more than 12 s: the list expired before the test could start"
while [ "$(date +%s)" -lt $((na + 1)) ]; do sleep 0.2; done
h=$(health)
jq -e --argjson na "$na" '.expired == true and .in_grace == true and .grace_until == $na + 3600' <<<"$h" >/dev/null ||
  fail "/healthz in the grace period: $h"
post_case "$T/seal-a.json"
[ "$status" = 201 ] || fail "a report sealed under the list, sent in the grace period: $status $(cat "$T/resp")"
abri_cli l1 cases >"$T/out" 2>&1 || fail "abri cases in the grace period: $(cat "$T/out")"
grep -q EXPIRED "$T/out" || fail "abri cases does not warn of the expired list: $(cat "$T/out")"
ok "an expired list in its grace period: /healthz says so, submissions and staff requests still served"

abrid_stop
sed -i 's/^list_grace = .*/list_grace = 0/' "$T/abrid.conf"
abrid_start
h=$(health)
jq -e --argjson na "$na" '.expired == true and .in_grace == false and .grace_until == $na' <<<"$h" >/dev/null ||
  fail "/healthz after the grace period: $h"
before=$(abri_db_snapshot)
post_case "$T/seal-b.json"; expect_error 503 recipients_expired
staff_get; expect_error 503 recipients_expired
post_case "$T/seal-a.json"
[ "$status" = 201 ] || fail "the retry of a report accepted in the grace period: $status $(cat "$T/resp")"
rc=0; abri_cli l1 cases >"$T/out" 2>&1 || rc=$?
[ "$rc" = 3 ] && grep -q recipients_expired "$T/out" || fail "abri cases after the grace period: exit $rc $(cat "$T/out")"
[ "$(abri_db_snapshot)" = "$before" ] || fail "refused requests under an expired list changed the database"
ok "after the grace period: 503 recipients_expired for submissions and staff requests (a retry still gets its 201), nothing changed"

abri_sign_list 3 "$T/list3.json" "${MEMBERS[@]}"
abri_cli l1 admin upload-recipients "$T/list3.json" >/dev/null || fail "a fresh list cannot be uploaded after expiry"
h=$(health)
jq -e '.version == 3 and .expired == false and .in_grace == false and .expires_soon == false' <<<"$h" >/dev/null ||
  fail "/healthz after a fresh list: $h"
post_case "$T/seal-b.json"; expect_error 409 recipients_changed
rep submit --text "after the fresh list" >/dev/null || fail "a report after the fresh list"
staff_get; [ "$status" = 200 ] || fail "a staff request after the fresh list: $status $(cat "$T/resp")"
abri_cli l1 cases >/dev/null || fail "abri cases after the fresh list"
ok "uploading a fresh list restores service"

# ---- list versions up to 2^32 - 1 ----
n=0
for v in 2147483648 4294967295; do
  n=$((n + 1))
  abri_sign_list "$v" "$T/list-$v.json" "${MEMBERS[@]}"
  out=$(abri_cli l1 admin upload-recipients "$T/list-$v.json") || fail "upload of list $v: $out"
  [[ "$out" == *"version $v" ]] || fail "upload of list $v said: $out"
  [ "$(abri_db "select max(version) from recipient_lists")" = "$v" ] || fail "list $v not stored"
  abri_api GET /v1/config
  [ "$status" = 200 ] || fail "/v1/config under list $v: $status $(head -c 300 "$T/resp")"
  [ "$(jq -r .recipients.list "$T/resp")" = "$(jq -r .list "$T/list-$v.json")" ] ||
    fail "/v1/config does not serve list $v"
  abri_api GET "/v1/recipients/$v"
  [ "$status" = 200 ] || fail "/v1/recipients/$v: $status $(head -c 300 "$T/resp")"
  [ "$(jq -r .sig "$T/resp")" = "$(jq -r .sig "$T/list-$v.json")" ] || fail "/v1/recipients/$v: another list"
  abri_api GET /healthz
  [ "$status" = 200 ] && [ "$(jq -r .recipients.version "$T/resp")" = "$v" ] ||
    fail "/healthz under list $v: $status $(cat "$T/resp")"
  rep submit --text "report $n under list $v" --token-out "$T/tok-$v" >"$T/sub-$v.json" ||
    fail "a report under list $v"
  ref=$(jq -r .case_ref "$T/sub-$v.json")
  abri_cli l1 show "$ref" >"$T/show-$v.txt" 2>"$T/show-$v.err" || fail "abri show $ref (list $v): $(cat "$T/show-$v.err")"
  grep -qF "report $n under list $v" "$T/show-$v.txt" || fail "the report under list $v is not shown"
  abri_cli l1 reply "$ref" -m "reply $n" >/dev/null 2>"$T/reply.err" || fail "reply under list $v: $(cat "$T/reply.err")"
  rep open --token-file "$T/tok-$v" >"$T/open-$v.jsonl" || fail "the reporter reopens the case of list $v"
  grep -F "reply $n" "$T/open-$v.jsonl" | jq -e '.verified == true' >/dev/null ||
    fail "the reporter does not read a verified reply under list $v"
  ok "list version $v: uploaded, served, a report and a reply sealed under it and read"
done
# The first case, sealed under 2^31, still verifies under the current list,
# and the CLI remembers 2^32 - 1 as the highest version seen.
ref=$(jq -r .case_ref "$T/sub-2147483648.json")
abri_cli l2 show "$ref" >"$T/show-old.txt" 2>"$T/show-old.err" || fail "abri show of the case under 2^31: $(cat "$T/show-old.err")"
grep -qF "report 1 under list 2147483648" "$T/show-old.txt" || fail "the case under 2^31 is not shown"
grep -rqs 4294967295 "$T/state-l1/recipients" || fail "the CLI does not remember version 4294967295"
abri_sign_list 2147483649 "$T/list-low.json" "${MEMBERS[@]}"
rc=0; abri_cli l1 admin upload-recipients "$T/list-low.json" >"$T/out" 2>&1 || rc=$?
[ "$rc" = 5 ] && grep -q version_not_higher "$T/out" || fail "a lower version after 2^32 - 1: exit $rc $(cat "$T/out")"
ok "the case under 2^31 reads after 2^32 - 1; a lower version is refused"

# ---- version 2^32: signed by the organisation key, refused by abrid ----
jq -c '.version = 4294967296' <<<"$(jq -r .list "$T/list-4294967295.json" | base64 -d | tail -c +5)" >"$T/doc-2p32.json"
"$SIGNREQ" --key "$T/org.key" --deployment "$DEPLOYMENT" --list-doc "$T/doc-2p32.json" >"$T/list-2p32.json" ||
  fail "signreq --list-doc"
before=$(abri_db_snapshot)
abri_api PUT /v1/admin/recipients --data-binary "@$T/list-2p32.json"
expect_error 400 bad_list
[ "$(abri_db_snapshot)" = "$before" ] || fail "list version 2^32: the database changed"
abri_api GET /v1/recipients/4294967296
expect_error 404 not_found
ok "list version 2^32 -> 400 bad_list, nothing changed; /v1/recipients/4294967296 -> 404"

echo "recipients: all checks passed"
