#!/usr/bin/env bash
# abri console (docs/console-api.md): the checks on every request (Host,
# Origin, cookie, CSRF, one-time secret), the headers of every answer, the
# loopback-only socket, unlock / idle lock, the inbox and case view over a
# real abrid, writing through the API (seen by the CLI), a refused
# referral, a tampered envelope, SIGTERM; and no plaintext in its output.
source "$(dirname "$0")/../harness/env.sh"
abri_env_up
SRV="unix:$T/abrid.sock"
rep() { "$REPORTER" "$1" --server "$SRV" --deployment "$DEPLOYMENT" --org-pub "$T/org.pub.json" "${@:2}"; }

SECRET_TEXT="Rapport confidentiel zebra-$$"
rep submit --text "$SECRET_TEXT" --lang ar --form '{"kind":"violence_domestic","when":"month","wants":["info"]}' \
  --token-out "$T/tok" >"$T/sub.json" 2>/dev/null || fail "reporter submit"
REF=$(jq -r .case_ref "$T/sub.json")
ok "a case to look at: $REF"

# The console must not use passphrase_file: a configuration without it.
grep -v '^passphrase_file' "$T/l1.conf" >"$T/console.conf"
CPID=""
console_stop() { [ -n "$CPID" ] && kill "$CPID" 2>/dev/null; wait "$CPID" 2>/dev/null || true; CPID=""; }
trap 'console_stop; abri_env_down' EXIT
"$ABRI" --config "$T/console.conf" console --no-browser --port 0 --idle-lock 3 \
  >"$T/console.out" 2>"$T/console.err" &
CPID=$!
for _ in $(seq 1 100); do [ -s "$T/console.out" ] && break; sleep 0.05; done
URL=$(head -n 1 "$T/console.out")
[[ "$URL" =~ ^abri\ console:\ http://127\.0\.0\.1:([0-9]+)/login#k=([A-Za-z0-9_-]{43})$ ]] \
  || fail "the first line is not the start URL: '$URL'"
PORT=${BASH_REMATCH[1]} SECRET=${BASH_REMATCH[2]}
B="http://127.0.0.1:$PORT"
ok "start URL printed (port $PORT, 43-character secret)"

# c METHOD PATH [curl args]: status in $status, body in $T/r, headers in $T/h
c() {
  local m=$1 p=$2; shift 2
  status=$(curl -sS -X "$m" -o "$T/r" -D "$T/h" -w '%{http_code}' "$@" "$B$p")
}
expect() { # expect STATUS [CODE] LABEL
  local want=$1 code=$2 label=$3
  [ "$status" = "$want" ] || fail "$label: HTTP $status, expected $want: $(head -c 300 "$T/r")"
  if [ -n "$code" ]; then
    [ "$(jq -r .error.code "$T/r")" = "$code" ] || fail "$label: code $(jq -r .error.code "$T/r" 2>&1), expected $code"
  fi
  ok "$label -> $want${code:+ $code}"
}
headers_ok() { # every answer carries the contract's headers
  grep -qi "^Content-Security-Policy: default-src 'none'; script-src 'self'" "$T/h" || fail "$1: no CSP"
  grep -qi '^Cache-Control: no-store' "$T/h" || fail "$1: no Cache-Control: no-store"
  grep -qi '^X-Content-Type-Options: nosniff' "$T/h" || fail "$1: no nosniff"
  grep -qi '^Referrer-Policy: no-referrer' "$T/h" || fail "$1: no Referrer-Policy"
  grep -qi '^X-Frame-Options: DENY' "$T/h" || fail "$1: no X-Frame-Options"
  grep -qi '^Cross-Origin-Opener-Policy: same-origin' "$T/h" || fail "$1: no COOP"
}
J=(-H 'Content-Type: application/json')
O=(-H "Origin: $B")

# ---- the socket: 127.0.0.1 only
hexport=$(printf '%04X' "$PORT")
grep -q ":$hexport 00000000:0000 0A" /proc/net/tcp || fail "nothing listens on port $PORT"
listeners=$(awk -v p=":$hexport" '$2 ~ p"$" && $4 == "0A" {print $2}' /proc/net/tcp /proc/net/tcp6)
[ "$listeners" = "0100007F:$hexport" ] || fail "port $PORT listens on: $listeners"
ok "bound to 127.0.0.1:$PORT only (/proc/net/tcp{,6}: $listeners)"

# ---- Host
c GET /login -H "Host: evil.example:$PORT"; expect 421 bad_host "wrong Host"; headers_ok "421"
c GET /login -H "Host: localhost:$PORT"; expect 421 bad_host "Host localhost:PORT"
c GET /login; expect 200 "" "static login page"; headers_ok "static page"
grep -qi '^Content-Type: text/html' "$T/h" || fail "login page type"
c GET /js/login.js; expect 200 "" "login script"; headers_ok "script"
c GET /reporter-i18n/ar.json; expect 200 "" "the reporter app's Arabic catalog (the acknowledgement)"
grep -qi '^Content-Type: application/json' "$T/h" || fail "catalog type"
cmp -s "$T/r" "$ABRI_SRC/web/src/i18n/ar.json" || fail "/reporter-i18n/ar.json is not web/src/i18n/ar.json"
c GET /reporter-i18n/../i18n/en.json --path-as-is; expect 404 not_found "no path outside the embedded files"
c GET /nope.txt; expect 404 not_found "unknown page"
c PUT /api/session; expect 405 bad_method "PUT"

# ---- Origin, then the secret (once)
c POST /api/login "${J[@]}" -d "{\"secret\":\"$SECRET\"}"; expect 403 bad_origin "login without Origin"
c POST /api/login "${J[@]}" -H 'Origin: http://evil.example' -d "{\"secret\":\"$SECRET\"}"
expect 403 bad_origin "login with Origin http://evil.example"
c POST /api/login "${O[@]}" -H 'Content-Type: text/plain' -d "{\"secret\":\"$SECRET\"}"; expect 415 bad_type "text/plain body"
c POST /api/login "${O[@]}" "${J[@]}" -d '[1]'; expect 400 bad_json "non-object body"
c POST /api/session "${O[@]}" "${J[@]}" --data-binary @<(head -c 1100000 /dev/zero | tr '\0' ' '); expect 413 too_big "body over 1 MiB"
WRONG=$(printf 'A%.0s' $(seq 1 43)); [ "$WRONG" != "$SECRET" ] || fail "unlucky secret"
c POST /api/login "${O[@]}" "${J[@]}" -d "{\"secret\":\"$WRONG\"}"
expect 403 bad_secret "a wrong secret"
c POST /api/login "${O[@]}" "${J[@]}" -d "{\"secret\":\"$SECRET\"}"; expect 200 "" "login with the secret"
headers_ok "login"
COOKIE=$(sed -n 's/^Set-Cookie: abri_console=\([A-Za-z0-9_-]*\);.*/\1/ip' "$T/h" | tr -d '\r')
[ ${#COOKIE} = 43 ] || fail "no session cookie: $(cat "$T/h")"
grep -qi '^Set-Cookie: abri_console=.*; Path=/; HttpOnly; SameSite=Strict' "$T/h" || fail "cookie attributes"
c POST /api/login "${O[@]}" "${J[@]}" -d "{\"secret\":\"$SECRET\"}"; expect 403 bad_secret "the secret a second time"

# ---- cookie and CSRF
c GET /api/session; expect 401 no_session "no cookie"; headers_ok "401"
c GET /api/session -H "Cookie: abri_console=${COOKIE%?}x"; expect 401 no_session "wrong cookie"
K=(-H "Cookie: abri_console=$COOKIE")
c GET /api/session "${K[@]}"; expect 200 "" "session with the cookie"
CSRF=$(jq -r .csrf "$T/r")
[ ${#CSRF} = 43 ] && [ "$(jq -r .locked "$T/r")" = true ] && [ "$(jq -r .listener "$T/r")" = null ] \
  || fail "session answer: $(cat "$T/r")"
c POST /api/lock "${K[@]}" "${O[@]}" "${J[@]}" -d '{}'; expect 403 bad_csrf "POST without X-Abri-CSRF"
c POST /api/lock "${K[@]}" "${O[@]}" "${J[@]}" -H "X-Abri-CSRF: ${CSRF%?}x" -d '{}'; expect 403 bad_csrf "POST with a wrong X-Abri-CSRF"
c POST /api/lock "${K[@]}" -H 'Origin: http://evil.example' "${J[@]}" -H "X-Abri-CSRF: $CSRF" -d '{}'; expect 403 bad_origin "cross-origin POST with cookie and CSRF"
X=("${K[@]}" "${O[@]}" "${J[@]}" -H "X-Abri-CSRF: $CSRF")
c GET /api/cases "${K[@]}"; expect 423 locked "cases while locked"

# ---- unlock
c POST /api/unlock "${X[@]}" -d '{"passphrase":"not the passphrase"}'; expect 403 wrong_passphrase "wrong passphrase"
PASS=$(head -n 1 "$T/pass")
jq -n --arg p "$PASS" '{passphrase: $p}' >"$T/unlock.json"
c POST /api/unlock "${X[@]}" --data-binary @"$T/unlock.json"; expect 200 "" "unlock with the passphrase"
[ "$(jq -r .locked "$T/r")" = false ] && [ "$(jq -r .listener.name "$T/r")" = "Listener One" ] \
  || fail "unlocked session: $(cat "$T/r")"
c GET /api/cases "${K[@]}"; expect 200 "" "inbox"
[ "$(jq -r --arg r "$REF" '.cases[] | select(.case_ref == $r) | "\(.readable) \(.kind) \(.lang)"' "$T/r")" = "true violence_domestic ar" ] \
  || fail "inbox does not list $REF as readable with its kind and language: $(cat "$T/r")"
ok "inbox lists $REF readable, kind violence_domestic, language ar (total $(jq .total "$T/r"))"
c GET "/api/cases?q=zebra-$$" "${K[@]}"; expect 200 "" "search"
[ "$(jq -r '.cases[0].case_ref' "$T/r")" = "$REF" ] || fail "search by a word of the report: $(cat "$T/r")"
c GET "/api/cases?q=absent-word-$$" "${K[@]}"
[ "$(jq -r '.total' "$T/r")" = 0 ] || fail "search for an absent word: $(cat "$T/r")"
ok "search finds the case by a word of its report, and nothing for an absent word"

# ---- what the pick-lists and composers are made of
c GET /api/reference "${K[@]}"; expect 200 "" "reference data"
jq -e '.retention_days == 365 and (.taxonomy.kind["violence.sexual"] | .en and .fr and .nl)
       and (.taxonomy.referral | has("police")) and (.templates | type == "object")' "$T/r" >/dev/null ||
  fail "reference: $(head -c 400 "$T/r")"
ok "reference: taxonomy labelled in en, fr and nl, templates, abrid's retention period (365 days)"

# ---- an attachment: decrypted by the console after its hash is checked
head -c 150000 /dev/urandom >"$T/doc.bin"
rep submit --text "with a document" --attach "$T/doc.bin" --token-out "$T/tok3" >"$T/sub3.json" 2>/dev/null ||
  fail "reporter submit with an attachment"
R3=$(jq -r .case_ref "$T/sub3.json")
curl -sS -o "$T/got.bin" -D "$T/h" -w '%{http_code}' "${K[@]}" "$B/api/cases/$R3/attachments/1/0" >"$T/st" ||
  fail "attachment download"
[ "$(cat "$T/st")" = 200 ] || fail "attachment: HTTP $(cat "$T/st")"
cmp -s "$T/doc.bin" "$T/got.bin" || fail "the console's attachment differs from the file sent"
grep -qi '^Content-Type: application/octet-stream' "$T/h" && grep -qi '^Content-Disposition: attachment; filename="doc.bin"' "$T/h" ||
  fail "a document is not served as a download: $(cat "$T/h")"
headers_ok "attachment"
c GET "/api/cases/$R3/attachments/1/1" "${K[@]}"; expect 404 not_found "an attachment that does not exist"
abri_db "update upload_chunks set chunk = set_byte(chunk, 100, get_byte(chunk, 100) # 1)
         where idx = 1 and tag = (select tag from uploads where case_ref = '$R3')" || fail "tamper a chunk"
c GET "/api/cases/$R3/attachments/1/0" "${K[@]}"; expect 409 attachment_alarm "an altered attachment"
ok "documents come as downloads, byte for byte; an altered chunk is refused, nothing served"



# ---- the case view
c GET "/api/cases/$REF" "${K[@]}"; expect 200 "" "case view"
[ "$(jq -r .case_ref "$T/r")" = "$REF" ] && [ "$(jq -r .alarm "$T/r")" = false ] \
  && [ "$(jq -r .report.text "$T/r")" = "$SECRET_TEXT" ] || fail "case view: $(head -c 600 "$T/r")"
ok "case view: the report decrypted, no alarm"
c GET /api/cases/NOTAREF123 "${K[@]}"; expect 404 not_found "a bad reference"

# ---- writing
REPLY="Réponse de l'écoutante quokka-$$"
NOTE="Note interne wombat-$$"
jq -n --arg t "$REPLY" '{text: $t, lang: "fr"}' >"$T/reply.json"
c POST "/api/cases/$REF/reply" "${X[@]}" --data-binary @"$T/reply.json"; expect 201 "" "reply through the API"
RPOS=$(jq .pos "$T/r"); [ "$RPOS" -ge 2 ] || fail "reply pos $RPOS"
[ "$(abri_db "select state from cases where case_ref = '$REF'")" = open ] || fail "a reply did not open the new case"
ok "answering a new case opens it"
jq -n --arg t "$NOTE" '{text: $t}' >"$T/note.json"
c POST "/api/cases/$REF/note" "${X[@]}" --data-binary @"$T/note.json"; expect 201 "" "note through the API"
abri_cli l2 show "$REF" --json >"$T/show.json" 2>"$T/show.err" || fail "abri show (l2) after the console wrote: $(cat "$T/show.err")"
grep -q "quokka-$$" "$T/show.json" || fail "abri show does not show the reply"
grep -q "wombat-$$" "$T/show.json" || fail "abri show does not show the note"
ok "abri show (another listener) sees the reply and the note, and the case verifies"
rep open --token-file "$T/tok" >"$T/open.json" 2>&1 || fail "reporter open: $(cat "$T/open.json")"
grep -q "quokka-$$" "$T/open.json" || fail "the reporter does not read the reply"
grep -q "wombat-$$" "$T/open.json" && fail "the reporter reads the internal note"
ok "the reporter reads the reply, not the note"

n0=$(abri_db "select count(*) from envelopes where case_ref = '$REF'")
c POST "/api/cases/$REF/coding" "${X[@]}" -d '{"kind":"violence.sexual","context":"online","outcome":"ongoing","referred":["police"],"consent":[]}'
expect 422 referral_without_consent "a referral without consent"
c POST "/api/cases/$REF/coding" "${X[@]}" -d '{"kind":"violence.nope","context":"online","outcome":"ongoing"}'
expect 422 unknown_code "an unknown kind"
[ "$(jq -r .error.dimension "$T/r")" = kind ] && jq -e '.error.valid | index("violence.sexual")' "$T/r" >/dev/null \
  || fail "unknown_code does not list the valid kinds: $(cat "$T/r")"
[ "$(abri_db "select count(*) from envelopes where case_ref = '$REF'")" = "$n0" ] || fail "a refused coding wrote something"
ok "refused codings wrote nothing ($n0 envelopes)"
c POST "/api/cases/$REF/ack/preview" "${X[@]}" -d '{}'; expect 422 no_coding "acknowledgement before coding"
c POST "/api/cases/$REF/coding" "${X[@]}" -d '{"kind":"violence.sexual","context":"online","outcome":"ongoing","listened":true,"consent":["police"],"referred":["police"]}'
expect 201 "" "a coding with consent"
c POST "/api/cases/$REF/ack/preview" "${X[@]}" -d '{}'; expect 200 "" "acknowledgement preview"
jq -e '.ack.fr | contains("2012/29/UE")' "$T/r" >/dev/null || fail "preview without its French text"
c POST "/api/cases/$REF/ack" "${X[@]}" -d '{}'; expect 201 "" "acknowledgement sent"
jq '.file' "$T/r" >"$T/ack.json"
abri_cli l1 verify-ack "$T/ack.json" >"$T/va.out" 2>&1 || fail "abri verify-ack refuses the console's file: $(cat "$T/va.out")"
ok "abri verify-ack accepts the acknowledgement file"
c POST "/api/cases/$REF/state" "${X[@]}" -d '{"state":"closed"}'; expect 200 "" "state closed"
[ "$(jq -r .state "$T/r")" = closed ] && [[ "$(jq -r .purge_after "$T/r")" =~ ^20[0-9]{2}-[0-9]{2}-[0-9]{2}$ ]] ||
  fail "closing answer without its purge date: $(cat "$T/r")"
c POST "/api/cases/$REF/state" "${X[@]}" -d '{"state":"open"}'; expect 200 "" "state open again"
[ "$(jq -r .state "$T/r")" = open ] || fail "state answer: $(cat "$T/r")"

# ---- a new recipient list while the console runs: the write re-seals to
# it, and the case says who was added, with their fingerprint
"$ABRI" keygen --role listener --name "Listener Three" --out "$T/l3" --passphrase-file "$T/pass" --kdf-fast >/dev/null
abri_sign_list 2 "$T/list2.json" "$T/keys/server.pub.json" "$T/l1.pub.json" "$T/l2.pub.json" "$T/l3.pub.json"
abri_cli l2 admin upload-recipients "$T/list2.json" >/dev/null || fail "upload recipient list 2 (from listener 2's workstation)"
c POST "/api/cases/$REF/note" "${X[@]}" -d '{"text":"after the new list"}'; expect 201 "" "a note sealed to the new list"
c GET "/api/cases/$REF" "${K[@]}"; expect 200 "" "case view after the list changed"
jq -e '[.alarms[] | select(.code == "list_changed")][0] | .from == 1 and .to == 2
       and (.added | length) == 1 and .added[0].name == "Listener Three" and (.added[0].fingerprint | length) > 20
       and (.removed | length) == 0' "$T/r" >/dev/null || fail "no list change in the case view: $(jq -c .alarms "$T/r")"
ok "the new list is named in the case: Listener Three added, with a fingerprint"

# ---- a tampered case: a replayed envelope
rep submit --text "second case" >"$T/sub2.json" 2>/dev/null || fail "reporter submit 2"
R2=$(jq -r .case_ref "$T/sub2.json")
abri_cli l1 reply "$R2" -m "first answer" >/dev/null || fail "CLI reply in case 2"
abri_db "insert into envelopes (case_ref, pos, kind, envelope, envelope_hash, submission_tag)
         select '$R2', 3, kind, envelope, sha256(envelope_hash || '\\x01'::bytea),
                sha256(submission_tag || '\\x01'::bytea) from envelopes where case_ref = '$R2' and pos = 2"
c GET "/api/cases/$R2" "${K[@]}"; expect 200 "" "view of a tampered case"
[ "$(jq -r .alarm "$T/r")" = true ] || fail "tampered case without alarm: $(head -c 600 "$T/r")"
codes=$(jq -r '[.alarms[].code, .messages[].alarms[]?.code?] | map(select(. != null)) | unique | join(",")' "$T/r" 2>/dev/null || true)
[ -n "$codes" ] || fail "tampered case without an alarm code: $(head -c 600 "$T/r")"
ok "tampered case: alarm true, codes: $codes"
c POST "/api/cases/$R2/reply" "${X[@]}" -d '{"text":"should not be sent"}'; expect 409 case_alarm "reply in a tampered case"

# ---- idle lock
sleep 4
c GET /api/cases "${K[@]}"; expect 423 locked "inbox after 4 s idle (--idle-lock 3)"
c GET /api/session "${K[@]}"
[ "$(jq -r .locked "$T/r")" = true ] || fail "session after idle: $(cat "$T/r")"
ok "the session says locked"
grep -q "abri console: locked" "$T/console.err" || fail "no lock line on stderr"

# ---- SIGTERM, and nothing decrypted in the output
kill -TERM "$CPID"; rc=0; wait "$CPID" || rc=$?; CPID=""
[ "$rc" = 0 ] || fail "SIGTERM: exit $rc"
ok "SIGTERM -> exit 0"
[ "$(wc -l <"$T/console.out")" = 1 ] || fail "stdout has more than the start line"
for needle in "zebra-$$" "quokka-$$" "wombat-$$" "$PASS" "$COOKIE" "$CSRF" "second case"; do
  grep -qF -- "$needle" "$T/console.out" "$T/console.err" && fail "the console printed a secret or plaintext: $needle"
done
grep -qF -- "$SECRET" "$T/console.err" && fail "the secret on stderr"
grep -q "warning: the key file" "$T/console.err" && fail "an encrypted key file reported as unprotected"

# start_console OUT ERR [VAR=value...]: a console (arguments in CONSOLE_ARGS)
# in the background; its start URL's port and secret in PORT2/SECRET2.
start_console() {
  local out=$1 err=$2; shift 2
  env "$@" "$ABRI" "${CONSOLE_ARGS[@]}" >"$out" 2>"$err" &
  CPID=$!
  for _ in $(seq 1 100); do [ -s "$out" ] && break; sleep 0.05; done
  [[ "$(head -n 1 "$out")" =~ http://127\.0\.0\.1:([0-9]+)/login#k=([A-Za-z0-9_-]{43})$ ]] ||
    fail "no start URL: $(cat "$out" "$err")"
  PORT2=${BASH_REMATCH[1]} SECRET2=${BASH_REMATCH[2]}
}
login2() { # login2 SECRET: status of POST /api/login on that console, cookie in COOKIE2
  status=$(curl -sS -o "$T/r" -D "$T/h" -w '%{http_code}' -H "Origin: http://127.0.0.1:$PORT2" \
    -H 'Content-Type: application/json' -d "{\"secret\":\"$1\"}" "http://127.0.0.1:$PORT2/api/login")
  COOKIE2=$(sed -n 's/^Set-Cookie: abri_console=\([A-Za-z0-9_-]*\);.*/\1/ip' "$T/h" | tr -d '\r')
}

# ---- the browser is opened through a 0600 file, never with the secret on a
# command line; the file is gone once the link is used; a configured
# passphrase file is not used; closing the terminal window (SIGHUP, the
# menu entry's case) ends it cleanly
mkdir -p "$T/bin" "$T/run"
printf '#!/bin/sh\n{ printf "argv:%%s\\n" "$*"; printf "mode:%%s\\n" "$(stat -c %%a "$1")"; cat "$1"; } >"%s"\n' \
  "$T/xdg.txt" >"$T/bin/xdg-open"
chmod +x "$T/bin/xdg-open"
CONSOLE_ARGS=(--config "$T/l1.conf" console --port 0)
start_console "$T/c2.out" "$T/c2.err" PATH="$T/bin:$PATH" XDG_RUNTIME_DIR="$T/run"
for _ in $(seq 1 100); do [ -s "$T/xdg.txt" ] && break; sleep 0.05; done
grep -q "^argv:$T/run/" "$T/xdg.txt" || fail "xdg-open was not given a file in XDG_RUNTIME_DIR: $(cat "$T/xdg.txt")"
grep "^argv:" "$T/xdg.txt" | grep -qF -- "$SECRET2" && fail "the secret was on xdg-open's command line"
grep -qx "mode:600" "$T/xdg.txt" || fail "the redirect file is not 0600: $(grep mode: "$T/xdg.txt")"
grep -qF -- "login#k=$SECRET2" "$T/xdg.txt" || fail "the redirect file does not lead to the start link"
redirect=$(sed -n 's/^argv://p' "$T/xdg.txt")
[ -e "$redirect" ] || fail "the redirect file is gone before the link was used"
login2 "$SECRET2"; [ "$status" = 200 ] || fail "login on the second console: $status"
[ ! -e "$redirect" ] || fail "the redirect file is still there after the link was used"
ok "the browser is opened through a 0600 file holding the link, never the secret on a command line; the file is removed once used"
status=$(curl -sS -o "$T/r" -w '%{http_code}' -H "Cookie: abri_console=$COOKIE2" "http://127.0.0.1:$PORT2/api/session")
[ "$status" = 200 ] && [ "$(jq -r .locked "$T/r")" = true ] || fail "a passphrase file unlocked the console: $(cat "$T/r")"
ok "the configured passphrase_file is not used: the console starts locked"
kill -HUP "$CPID"; rc=0; wait "$CPID" || rc=$?; CPID=""
[ "$rc" = 0 ] || fail "SIGHUP: exit $rc"
ok "SIGHUP (the terminal window closed) -> exit 0"

grep -q "no browser could be opened" "$T/c2.err" && fail "a browser that opened is said to have failed"
# A workstation without a browser: the console says to open the address by hand.
mkdir -p "$T/nobrowser"
printf '#!/bin/sh\nexit 3\n' >"$T/nobrowser/xdg-open"
chmod +x "$T/nobrowser/xdg-open"
CONSOLE_ARGS=(--config "$T/console.conf" console --port 0)
start_console "$T/c5.out" "$T/c5.err" PATH="$T/nobrowser:$PATH" XDG_RUNTIME_DIR="$T/run"
for _ in $(seq 1 60); do grep -q "no browser could be opened" "$T/c5.err" && break; sleep 0.05; done
console_stop
grep -q "no browser could be opened here: open the address printed above" "$T/c5.err" ||
  fail "no word when the browser could not be opened: $(cat "$T/c5.err")"
ok "when no browser opens, the console says to open the printed address"

# ---- five wrong secrets end logins; a key file without passphrase is said
"$ABRI" keygen --role listener --name "Dev" --out "$T/dev" --no-passphrase >/dev/null
sed "s|^key = .*|key = $T/dev.key|" "$T/console.conf" >"$T/dev.conf"
CONSOLE_ARGS=(--config "$T/dev.conf" console --no-browser --port 0)
start_console "$T/c3.out" "$T/c3.err"
for i in 1 2 3 4 5; do login2 "$WRONG"; [ "$status" = 403 ] || fail "wrong secret $i: $status"; done
login2 "$SECRET2"; [ "$status" = 403 ] || fail "the right secret after 5 wrong ones: $status"
ok "after 5 wrong secrets even the right one is refused"
console_stop
grep -q "warning: the key file $T/dev.key has no passphrase" "$T/c3.err" ||
  fail "no warning for a key without passphrase: $(cat "$T/c3.err")"
ok "a key file without passphrase is said at start"

# ---- the start link expires (10 minutes; 1 s here, test builds only)
if [ "$(meson introspect --buildoptions "$ABRI_BUILD" | jq -r '.[] | select(.name == "test_clock") | .value')" = true ]; then
  CONSOLE_ARGS=(--config "$T/console.conf" console --no-browser --port 0)
  start_console "$T/c4.out" "$T/c4.err" ABRI_TEST_CONSOLE_SECRET_LIFE=1
  sleep 2.2
  login2 "$SECRET2"; [ "$status" = 403 ] || fail "an expired start link logged in: $status"
  console_stop
  ok "an expired start link is refused"
else
  echo "# the start link's expiry is tested in test builds (-Dtest_clock=true) only"
fi

# ---- nothing decrypted on disk: no report, reply or note text in any file
# of the test's directory (the cluster's data directory, the state
# directories, the console's files) but the CLI's own --json output and
# the test's own request bodies and last answer
if grep -rlF --exclude=show.json --exclude=open.json --exclude=reply.json --exclude=note.json --exclude=r -e "zebra-$$" -e "quokka-$$" -e "wombat-$$" "$T" >"$T/found" 2>/dev/null; then
  fail "plaintext written to disk: $(cat "$T/found")"
fi
ok "no decrypted text in any file under the test directory (state directories, PostgreSQL's data directory)"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$ABRI_SRC/conf/abri-console.desktop" || fail "conf/abri-console.desktop does not validate"
  grep -qx 'Exec=abri console' "$ABRI_SRC/conf/abri-console.desktop" && grep -qx 'Terminal=true' "$ABRI_SRC/conf/abri-console.desktop" ||
    fail "the menu entry does not run abri console in a terminal"
  ok "the menu entry (conf/abri-console.desktop) validates and runs abri console in a terminal"
elif [ -n "${ABRI_REQUIRE_WEB:-}" ]; then
  fail "desktop-file-validate missing (src/scripts/deps.sh installs desktop-file-utils)"
fi
ok "no plaintext, passphrase, cookie or CSRF token in the console's output ($(wc -l <"$T/console.err") lines on stderr)"
