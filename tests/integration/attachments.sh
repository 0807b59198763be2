#!/usr/bin/env bash
# Attachments end to end (docs/api.md, Uploads; docs/protocol.md,
# Attachments): a reporter submits files, a listener saves them
# byte-identical; a follow-up with a file; resuming an upload; every
# refusal with its code (and, for bad input, no change in the database);
# the per-case limit; the purge of abandoned and of purged cases' uploads;
# a stored chunk altered in the database is caught by the listener.
source "$(dirname "$0")/../harness/env.sh"
abri_env_up
SIGNREQ=$ABRI_BUILD/tests/integration/signreq
SRV="unix:$T/abrid.sock"
rep() { "$REPORTER" "$1" --server "$SRV" --deployment "$DEPLOYMENT" --org-pub "$T/org.pub.json" "${@:2}"; }
b64url() { tr '+/' '-_' | tr -d '='; }

[ "$(abri_db "select name from abri_patches where version = 2")" = uploads ] ||
  fail "sql/0002-uploads.sql was not applied by abri admin migrate"
ok "abri admin migrate applied sql/0002-uploads.sql (abrid started on that schema)"

# ---- a report with two files, saved by a listener ----
head -c 200000 /dev/urandom >"$T/big.bin"      # > 64 KiB: 4 chunks
head -c 65536 /dev/urandom >"$T/exact.bin"     # exactly 65536: 2 chunks (the last all padding)
rep submit --text "voir les pièces jointes" --token-out "$T/token" \
  --attach "$T/big.bin" --attach "$T/exact.bin" >"$T/sub.json" || fail "reporter submit with attachments"
ref=$(jq -r .case_ref "$T/sub.json")
[ "$(jq '.uploads | length' "$T/sub.json")" = 2 ] || fail "two uploads expected: $(cat "$T/sub.json")"
up1=$(jq -r '.uploads[0]' "$T/sub.json")
[ "$(abri_db "select count(*) from uploads where case_ref = '$ref' and expires_at is null and complete")" = 2 ] ||
  fail "the two uploads are not attached to $ref"
[ "$(abri_db "select count(*) from uploads where case_ref is null")" = 0 ] || fail "an upload stayed unattached"
ok "report with two attachments ($ref): uploads attached in the same transaction, expiry cleared"

abri_cli l1 show "$ref" >"$T/show.txt" || fail "abri show exited $?"
grep -q "attachment 1: document, big.bin, 200000 bytes, application/octet-stream" "$T/show.txt" ||
  fail "abri show does not list the first attachment: $(cat "$T/show.txt")"
grep -q "attachment 2: document, exact.bin, 65536 bytes" "$T/show.txt" || fail "second attachment not listed"
ok "abri show lists kind, name, size and type"

abri_cli l1 show "$ref" --save "$T/saved" >"$T/save.txt" || fail "abri show --save exited $?"
cmp "$T/big.bin" "$T/saved/1-1-big.bin" || fail "big.bin differs after the round trip"
cmp "$T/exact.bin" "$T/saved/1-2-exact.bin" || fail "exact.bin differs after the round trip"
[ "$(stat -c %a "$T/saved/1-1-big.bin")" = 600 ] || fail "saved file mode is not 0600"
[ "$(grep -c 'hash verified' "$T/save.txt")" = 2 ] || fail "hash verification not reported: $(cat "$T/save.txt")"
ok "abri show --save writes byte-identical files, mode 0600, hash verified"

printf 'keep me' >"$T/saved/1-1-big.bin.keep"
cp "$T/saved/1-1-big.bin" "$T/before.bin"
if abri_cli l1 show "$ref" --save "$T/saved" >/dev/null 2>"$T/err.txt"; then fail "--save overwrote silently"; fi
grep -q "not overwritten" "$T/err.txt" || fail "no 'not overwritten' message: $(cat "$T/err.txt")"
cmp "$T/before.bin" "$T/saved/1-1-big.bin" || fail "an existing file was changed"
[ -z "$(find "$T/saved" -name '.abri-attachment-*')" ] || fail "a temporary file was left behind"
ok "an existing file is never overwritten"

# ---- a follow-up with a file ----
printf 'une photo de plus\n' >"$T/note.txt"
rep message --token-file "$T/token" --text "encore une" --attach "$T/note.txt" >"$T/msg.json" ||
  fail "reporter message with an attachment"
pos=$(jq -r .pos "$T/msg.json")
abri_cli l1 show "$ref" --save "$T/saved2" >/dev/null || fail "abri show --save after the follow-up"
cmp "$T/note.txt" "$T/saved2/$pos-1-note.txt" || fail "follow-up attachment differs"
ok "a follow-up's attachment reaches the listener (message #$pos)"

# ---- uploads by hand: resume, idempotence, conflicts ----
# mk_chunks N PREFIX: header + N random chunks, hash of the whole
mk_chunks() {
  local i
  head -c 24 /dev/urandom >"$T/$2.hdr"
  cp "$T/$2.hdr" "$T/$2.all"
  for ((i = 0; i < $1; i++)); do head -c 65553 /dev/urandom >"$T/$2.$i"; cat "$T/$2.$i" >>"$T/$2.all"; done
  b2sum -l 256 "$T/$2.all" | cut -d' ' -f1 | xxd_r >"$T/$2.hash"
}
xxd_r() { python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read().strip()))'; }
# uploadpow CHUNKS HASHFILE [SOLVED_FOR]: a fresh challenge and the counter an
# upload of SOLVED_FOR (default CHUNKS) chunks needs, as a "pow" object.
uploadpow() {
  local ch
  abri_api POST /v1/challenge
  ch=$(jq -r .challenge "$T/resp")
  jq -nc --arg c "$ch" --argjson k "$(python3 "$(dirname "$0")/flood.py" uploadpow "$ch" \
    "$(base64 -w0 <"$2")" "${3:-$1}")" '{challenge: $c, counter: $k}'
}
# announce N PREFIX [HASHFILE]: POST /v1/uploads; id (standard base64) in $id, URL form in $uid
announce() {
  local hashfile=${3:-$T/$2.hash}
  jq -nc --argjson n "$1" --arg h "$(base64 -w0 <"$T/$2.hdr")" --arg x "$(base64 -w0 <"$hashfile")" \
    --argjson p "$(uploadpow "$1" "$hashfile")" \
    '{chunks: $n, header: $h, hash: $x, pow: $p}' >"$T/ann.json"
  abri_api POST /v1/uploads -H 'Content-Type: application/json' --data-binary "@$T/ann.json"
  [ "$status" = 201 ] || fail "POST /v1/uploads: $status $(cat "$T/resp")"
  jq -e --argjson n "$1" '.chunks == $n and .chunk_bytes == 65553' "$T/resp" >/dev/null || fail "answer: $(cat "$T/resp")"
  id=$(jq -r .upload "$T/resp")
  uid=$(printf '%s' "$id" | b64url)
}
put() { abri_api PUT "/v1/uploads/$1/$2" -H 'Content-Type: application/octet-stream' --data-binary "@$3"; }

mk_chunks 3 r
announce 3 r
put "$uid" 0 "$T/r.0"; [ "$status" = 200 ] || fail "PUT chunk 0: $status $(cat "$T/resp")"
put "$uid" 2 "$T/r.2"; [ "$status" = 200 ] || fail "PUT chunk 2: $status"
jq -e '.received == 2 and .chunks == 3 and .complete == false' "$T/resp" >/dev/null || fail "after 2 chunks: $(cat "$T/resp")"
abri_api GET "/v1/uploads/$uid"
[ "$status" = 200 ] && jq -e '.missing == [1] and .received == 2 and .complete == false' "$T/resp" >/dev/null ||
  fail "resume status: $status $(cat "$T/resp")"
ok "GET /v1/uploads/{id} lists the missing chunk after a dropped connection"
put "$uid" 1 "$T/r.1"
jq -e '.received == 3 and .complete == true' "$T/resp" >/dev/null || fail "after the last chunk: $(cat "$T/resp")"
put "$uid" 1 "$T/r.1"
[ "$status" = 200 ] && jq -e '.complete == true' "$T/resp" >/dev/null || fail "same chunk again: $status"
abri_api GET "/v1/uploads/$uid"
jq -e '.missing == [] and .complete == true' "$T/resp" >/dev/null || fail "complete status: $(cat "$T/resp")"
ok "resumed upload completes, hash checked; the same chunk again is 200"
resume_id=$id

before=$(abri_db_snapshot)
unchanged() {
  [ "$(abri_db_snapshot)" = "$before" ] || fail "$1: the database changed"
  ok "$1 -> $status $2, nothing changed"
}
refused() { expect_error "$1" "$2"; unchanged "$3" "$2"; }

put "$uid" 0 "$T/r.1"; refused 409 chunk_conflict "other bytes for a stored chunk"
put "$uid" 3 "$T/r.0"; refused 400 bad_chunk "chunk index past the end"
head -c 65552 "$T/r.0" >"$T/short"
put "$uid" 0 "$T/short"; refused 400 bad_chunk "chunk one byte short"
put "$uid" 01 "$T/r.1"; refused 400 bad_chunk "index with a leading zero"
put "$uid" x "$T/r.1"; refused 400 bad_chunk "index not a number"
put AAAAAAAAAAAAAAAAAAAAAA 0 "$T/r.0"; refused 404 unknown_upload "PUT to an unknown upload"
put AAAAAAAAAAAAAAAAAAAAAB 0 "$T/r.0"; refused 404 unknown_upload "id not canonical base64url"
abri_api GET /v1/uploads/AAAAAAAAAAAAAAAAAAAAAA; refused 404 unknown_upload "status of an unknown upload"
abri_api GET /v1/uploads/short; refused 404 unknown_upload "malformed upload id"
up1url=$(printf '%s' "$up1" | b64url)
put "$up1url" 0 "$T/r.0"; refused 409 upload_attached "PUT to an attached upload"
post() { printf '%s' "$1" >"$T/body"; abri_api POST "$2" -H 'Content-Type: application/json' --data-binary "@$T/body"; }
hdr=$(base64 -w0 <"$T/r.hdr"); hsh=$(base64 -w0 <"$T/r.hash")
post "{\"chunks\": 257, \"header\": \"$hdr\", \"hash\": \"$hsh\"}" /v1/uploads
refused 413 upload_too_large "257 chunks (more than 16 MiB)"
post "{\"chunks\": 0, \"header\": \"$hdr\", \"hash\": \"$hsh\"}" /v1/uploads; refused 400 bad_field "zero chunks"
post "{\"chunks\": 1, \"header\": \"AAAA\", \"hash\": \"$hsh\"}" /v1/uploads; refused 400 bad_field "short header"
post "{\"chunks\": 1, \"header\": \"$hdr\"}" /v1/uploads; refused 400 bad_field "missing hash"
post '{"chunks": "1"}' /v1/uploads; refused 400 bad_field "chunks of the wrong type"
post '[1]' /v1/uploads; refused 400 bad_json "not an object"
post "{\"chunks\": 1, \"header\": \"$hdr\", \"hash\": \"$hsh\", \"pow\": {\"challenge\": \"AAAA\", \"counter\": 0}}" /v1/uploads
refused 403 bad_pow "a malformed proof of work"
post "{\"chunks\": 3, \"header\": \"$hdr\", \"hash\": \"$hsh\"}" /v1/uploads
refused 403 bad_pow "no proof of work at difficulty 0 (an upload always costs work)"
# Solved for 1 chunk (12 bits), announced as 64 (18 bits needed); a counter
# that happens to reach 18 bits anyway is found again with 1 chunk more.
small=$(uploadpow 64 "$T/r.hash" 1)
if [ "$(python3 -c 'import base64,hashlib,json,sys
p = json.loads(sys.argv[1]); h = open(sys.argv[2], "rb").read()
w = hashlib.blake2b(base64.b64decode(p["challenge"]) + h + p["counter"].to_bytes(8, "little"), digest_size=32).digest()
print(256 - int.from_bytes(w, "big").bit_length())' "$small" "$T/r.hash")" -lt 18 ]; then
  post "$(jq -nc --arg h "$hdr" --arg x "$hsh" --argjson p "$small" '{chunks: 64, header: $h, hash: $x, pow: $p}')" /v1/uploads
  refused 403 bad_pow "work done for 1 chunk, 64 announced"
fi
big=$(head -c 1100000 /dev/zero | tr '\0' 'A')
printf '%s' "$big" >"$T/huge"
put "$uid" 0 "$T/huge"; refused 413 body_too_large "chunk larger than max_body"

# Hash mismatch: the chunks go, the upload stays for a new try.
mk_chunks 1 m
head -c 32 /dev/zero >"$T/zero.hash"
announce 1 m "$T/zero.hash"
put "$uid" 0 "$T/m.0"; expect_error 409 upload_hash_mismatch
abri_api GET "/v1/uploads/$uid"
jq -e '.received == 0 and .missing == [0] and .complete == false' "$T/resp" >/dev/null ||
  fail "after a mismatch: $(cat "$T/resp")"
ok "hash mismatch -> 409 upload_hash_mismatch, chunks dropped"

# ---- naming uploads in a submission ----
mk_chunks 2 i
announce 2 i
incomplete=$id
put "$uid" 0 "$T/i.0"
rep seal --text "a report with uploads" >"$T/good.json" || fail "reporter seal"
withup() { jq -c --argjson u "$1" '.uploads = $u' "$T/good.json"; }
before=$(abri_db_snapshot)
post "$(withup "[\"$up1\"]")" /v1/cases; refused 409 upload_attached "naming an upload attached to another case"
post "$(withup "[\"$incomplete\"]")" /v1/cases; refused 409 upload_incomplete "naming an incomplete upload"
post "$(withup '["AAAAAAAAAAAAAAAAAAAAAA=="]')" /v1/cases; refused 404 unknown_upload "naming an unknown upload"
post "$(withup "[\"$resume_id\", \"$resume_id\"]")" /v1/cases; refused 400 bad_field "the same upload twice"
post "$(withup '["AAAA"]')" /v1/cases; refused 400 bad_field "an upload id of the wrong length"
post "$(withup '"AAAAAAAAAAAAAAAAAAAAAA=="')" /v1/cases; refused 400 bad_field "uploads not an array"
many=$(python3 -c 'import base64,json; print(json.dumps([base64.b64encode(bytes([i])*16).decode() for i in range(11)]))')
post "$(withup "$many")" /v1/cases; refused 400 bad_field "11 uploads (max_attachments 10)"

post "$(withup "[\"$resume_id\"]")" /v1/cases
[ "$status" = 201 ] || fail "report naming a complete upload: $status $(cat "$T/resp")"
ref2=$(jq -r .case_ref "$T/resp")
post "$(withup "[\"$resume_id\"]")" /v1/cases
[ "$status" = 201 ] && [ "$(jq -r .case_ref "$T/resp")" = "$ref2" ] || fail "idempotent retry: $status $(cat "$T/resp")"
[ "$(abri_db "select count(*) from uploads where case_ref = '$ref2'")" = 1 ] || fail "upload not attached to $ref2"
ok "a retried submission with the same uploads answers as before"
post "$(withup "[\"$incomplete\"]")" /v1/cases
expect_error 409 submission_conflict
ok "the same submission id naming other uploads -> 409 submission_conflict"

# ---- per-case limit: restart with max_case_upload_bytes = 4 chunks ----
abrid_stop
echo "max_case_upload_bytes = 262144" >>"$T/abrid.conf"
abrid_start
curl -fsS --unix-socket "$T/abrid.sock" http://abrid/v1/config >"$T/config.json"
jq -e '.limits.max_case_upload_bytes == 262144 and .limits.max_upload_bytes == 16777216
       and .limits.max_attachments == 10 and .limits.upload_chunk_bytes == 65536
       and .limits.retention_days == 365' "$T/config.json" >/dev/null ||
  fail "limits in /v1/config: $(cat "$T/config.json")"
ok "GET /v1/config states the upload limits and the retention period"
mk_chunks 3 a; announce 3 a; a_id=$id
for i in 0 1 2; do put "$uid" "$i" "$T/a.$i"; done
mk_chunks 2 b; announce 2 b; b_id=$id
for i in 0 1; do put "$uid" "$i" "$T/b.$i"; done
rep seal --text "five chunks in all" >"$T/good.json" || fail "reporter seal"
before=$(abri_db_snapshot)
post "$(withup "[\"$a_id\", \"$b_id\"]")" /v1/cases; refused 413 case_uploads_too_large "5 chunks over a 4-chunk case limit"
post "$(withup "[\"$a_id\"]")" /v1/cases
[ "$status" = 201 ] || fail "3 chunks within the limit: $status $(cat "$T/resp")"
ref3=$(jq -r .case_ref "$T/resp")
ok "3 chunks within the per-case limit are accepted"

# ---- a stored chunk altered in the database ----
abri_db "update upload_chunks set chunk = set_byte(chunk, 100, get_byte(chunk, 100) # 1)
         where idx = 1 and tag = (select tag from uploads where case_ref = '$ref' order by chunks desc limit 1)" ||
  fail "tamper"
set +e
abri_cli l1 show "$ref" --save "$T/saved3" >"$T/tamper.txt" 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || fail "tampered chunk: exit $rc, expected 2: $(cat "$T/tamper.txt")"
grep -q "FAILED" "$T/tamper.txt" || fail "no alarm for the tampered attachment"
[ ! -e "$T/saved3/1-1-big.bin" ] || fail "a tampered attachment was written"
cmp "$T/exact.bin" "$T/saved3/1-2-exact.bin" || fail "the intact attachment was not saved"
ok "a tampered stored chunk -> abri show --save exits 2 and writes nothing for it"

# ---- purge ----
# b was never attached: not yet expired, nothing happens; past expiry, it goes.
"$ABRID" --purge-now -c "$T/abrid.conf" >/dev/null 2>>"$T/abrid.log" || fail "purge"
[ "$(abri_db "select count(*) from uploads where case_ref is null")" = 3 ] ||
  fail "unexpired unattached uploads were purged: $(abri_db "select count(*) from uploads where case_ref is null")"
[ "$(abri_db "select count(*) from uploads where case_ref is null and complete and expires_at % 3600 = 0 and expires_at > extract(epoch from now()) + 86000")" = 1 ] ||
  fail "complete upload: expiry not rounded up to the hour, upload_ttl on"
[ "$(abri_db "select count(*) from uploads where case_ref is null and not complete and expires_at % 3600 = 0 and expires_at > extract(epoch from now()) + 3500 and expires_at <= extract(epoch from now()) + 7200")" = 2 ] ||
  fail "incomplete uploads: expiry not upload_incomplete_ttl (1 h) on, rounded up to the hour: $(abri_db "select complete, expires_at - extract(epoch from now())::bigint from uploads where case_ref is null")"
ok "an incomplete upload expires upload_incomplete_ttl (1 h) after its latest chunk, a complete one upload_ttl (1 day) after completion, both rounded up to the hour"
# Two hours later (the stored times moved back instead): the incomplete
# ones are past their short life and go; the complete one stays.
abri_db "update uploads set expires_at = expires_at - 7200 where case_ref is null"
"$ABRID" --purge-now -c "$T/abrid.conf" >/dev/null 2>>"$T/abrid.log" || fail "purge"
[ "$(abri_db "select count(*) from uploads where case_ref is null and not complete")" = 0 ] ||
  fail "incomplete uploads past their short life were not purged"
[ "$(abri_db "select count(*) from uploads where case_ref is null and complete")" = 1 ] ||
  fail "a complete upload was purged before upload_ttl"
grep -q "purged 0 cases, 2 unattached uploads" "$T/abrid.log" || fail "upload purge not logged"
abri_db "update uploads set expires_at = 3600 where case_ref is null"
"$ABRID" --purge-now -c "$T/abrid.conf" >/dev/null 2>>"$T/abrid.log" || fail "purge"
[ "$(abri_db "select count(*) from uploads where case_ref is null")" = 0 ] || fail "expired uploads not purged"
grep -q "purged 0 cases, 1 unattached uploads" "$T/abrid.log" || fail "upload purge not logged"
ok "unattached uploads are purged after their expiry (rounded up to the hour), not before: incomplete ones after hours, complete ones after a day"

n_chunks=$(abri_db "select count(*) from upload_chunks c join uploads u using (tag) where u.case_ref = '$ref'")
[ "$n_chunks" = 7 ] || fail "expected 7 chunks for $ref, got $n_chunks"
abri_cli l1 state "$ref" closed >/dev/null || fail "close"
abri_db "update cases set purge_after = date '2000-01-03' where case_ref = '$ref'"
"$ABRID" --purge-now -c "$T/abrid.conf" >"$T/purge.txt" 2>>"$T/abrid.log" || fail "purge"
[ "$(cat "$T/purge.txt")" = "purged 1 cases" ] || fail "purge: $(cat "$T/purge.txt")"
[ "$(abri_db "select count(*) from uploads where case_ref = '$ref'")" = 0 ] || fail "attached uploads survived their case"
[ "$(abri_db "select count(*) from upload_chunks c where not exists (select 1 from uploads u where u.tag = c.tag)")" = 0 ] ||
  fail "orphan chunks"
[ "$(abri_db "select count(*) from uploads where case_ref in ('$ref2', '$ref3')")" = 2 ] || fail "other cases' uploads were purged"
ok "a purged case's attachments go with it"

# ---- the staff download: only for the case it is attached to ----
sign() {
  mapfile -t H < <("$SIGNREQ" --key "$T/l1.key" --passphrase-file "$T/pass" --deployment "$DEPLOYMENT" \
    --origin "$ORIGIN" --method "$1" --target "$2")
  HDR=(); for h in "${H[@]}"; do HDR+=(-H "$h"); done
}
a_url=$(printf '%s' "$a_id" | b64url)
sign GET "/v1/staff/cases/$ref2/uploads/$a_url"
abri_api GET "/v1/staff/cases/$ref2/uploads/$a_url" "${HDR[@]}"
expect_error 404 unknown_upload
ok "an upload of another case -> 404 unknown_upload"
sign GET "/v1/staff/cases/$ref3/uploads/$a_url"
abri_api GET "/v1/staff/cases/$ref3/uploads/$a_url" "${HDR[@]}"
[ "$status" = 200 ] || fail "staff download: $status"
cmp "$T/resp" "$T/a.all" || fail "downloaded ciphertext differs from what was uploaded"
ok "GET /v1/staff/cases/{ref}/uploads/{id} returns the exact ciphertext"

# ---- upload ids that are not 22 characters of base64url: 404 unknown_upload ----
# (standard base64 by mistake, percent-encoded, padded, too long or short,
# not ASCII), on the chunk PUT, the status GET and the staff download.
A20=AAAAAAAAAAAAAAAAAAAA
bad_ids=("$A20+A" "$A20%2BA" "$A20/A" "AAAA/$A20" "$A20%2FA" "${A20}A=" "${A20}AA==" "${A20}AAA" "${A20}A"
         "$(printf 'A%.0s' $(seq 200))" "$A20%c3%a9" "$A20%C3%A9" "$A20%00")
but_replay() { abri_db_snapshot | sed 's/request_replay:[^;]*;//'; }
before=$(abri_db_snapshot)
for bid in "${bad_ids[@]}"; do
  put "$bid" 0 "$T/r.0"; refused 404 unknown_upload "PUT /v1/uploads/$bid/0"
  abri_api GET "/v1/uploads/$bid"; refused 404 unknown_upload "GET /v1/uploads/$bid"
  sign GET "/v1/staff/cases/$ref3/uploads/$bid"
  abri_api GET "/v1/staff/cases/$ref3/uploads/$bid" "${HDR[@]}"
  expect_error 404 unknown_upload
  # the signed request's nonce is recorded (docs/api.md), nothing else
  [ "$(but_replay)" = "$(sed 's/request_replay:[^;]*;//' <<<"$before")" ] ||
    fail "staff download of upload $bid: the database changed"
  before=$(abri_db_snapshot)
done
ok "${#bad_ids[@]} malformed upload ids -> 404 unknown_upload on PUT, GET and the staff download"
# Not ASCII, sent raw (curl would percent-encode it).
raw_request() { # raw_request METHOD TARGET-WITHOUT-ID: the answer's status and body in $status, $T/resp
  python3 - "$T/abrid.sock" "$1" "$2" >"$T/raw" <<'PY'
import socket, sys
sock, method, target = sys.argv[1], sys.argv[2], sys.argv[3].replace("ID", "AAAAAAAAAAAAAAAAAAAA\u00e9")
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sock)
s.sendall(("%s %s HTTP/1.1\r\nHost: abrid\r\nConnection: close\r\nContent-Length: 0\r\n\r\n" % (method, target)).encode("utf-8"))
ans = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    ans += d
sys.stdout.buffer.write(ans)
PY
  status=$(head -c 12 "$T/raw" | cut -d' ' -f2)
  sed '1,/^\r$/d' "$T/raw" >"$T/resp"
}
raw_request PUT /v1/uploads/ID/0; refused 404 unknown_upload "PUT with an id of raw UTF-8"
raw_request GET /v1/uploads/ID; refused 404 unknown_upload "GET with an id of raw UTF-8"
abri_api GET "/v1/staff/cases/$ref3/uploads/$a_url"
expect_error 401 auth_missing
ok "the staff download needs a signed request"
