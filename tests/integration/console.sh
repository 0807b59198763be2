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
rep submit --text "$SECRET_TEXT" --token-out "$T/tok" >"$T/sub.json" 2>/dev/null || fail "reporter submit"
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
c GET /nope.txt; expect 404 not_found "unknown page"
c PUT /api/session; expect 405 bad_method "PUT"

# ---- Origin, then the secret (once)
c POST /api/login "${J[@]}" -d "{\"secret\":\"$SECRET\"}"; expect 403 bad_origin "login without Origin"
c POST /api/login "${J[@]}" -H 'Origin: http://evil.example' -d "{\"secret\":\"$SECRET\"}"
expect 403 bad_origin "login with Origin http://evil.example"
c POST /api/login "${O[@]}" -H 'Content-Type: text/plain' -d "{\"secret\":\"$SECRET\"}"; expect 415 bad_type "text/plain body"
c POST /api/login "${O[@]}" "${J[@]}" -d '[1]'; expect 400 bad_json "non-object body"
c POST /api/session "${O[@]}" "${J[@]}" --data-binary @<(head -c 1100000 /dev/zero | tr '\0' ' '); expect 413 too_big "body over 1 MiB"
c POST /api/login "${O[@]}" "${J[@]}" -d "{\"secret\":\"${SECRET%?}A\"}"
[ "${SECRET: -1}" = A ] && c POST /api/login "${O[@]}" "${J[@]}" -d "{\"secret\":\"${SECRET%?}B\"}"
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
[ "$(jq -r --arg r "$REF" '.cases[] | select(.case_ref == $r) | .readable' "$T/r")" = true ] \
  || fail "inbox does not list $REF as readable: $(cat "$T/r")"
ok "inbox lists $REF (total $(jq .total "$T/r"))"

echo "$SECRET_TEXT" >"$T/needle"
