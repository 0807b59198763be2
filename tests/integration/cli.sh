#!/usr/bin/env bash
# The CLI's surface: --help on every command exits 0 with a usage text;
# usage mistakes exit 1 with a message; a missing server exits 3.
source "$(dirname "$0")/../harness/env.sh"

cmds=("keygen" "cases" "show" "reply" "state" "admin" "admin org-keygen" "admin server-keygen"
      "admin sign-recipients" "admin upload-recipients" "admin migrate" "code" "stats")
for c in "${cmds[@]}"; do
  # shellcheck disable=SC2086
  "$ABRI" $c --help >"$T/out" 2>&1 || fail "abri $c --help exited $?"
  grep -qi "usage" "$T/out" || fail "abri $c --help prints no usage"
done
"$ABRI" --help >"$T/out" 2>&1 || fail "abri --help exited $?"
ok "--help on every command (${#cmds[@]} commands) exits 0 with a usage text"

expect_rc() { # expect_rc RC LABEL CMD...
  local want=$1 label=$2 rc=0; shift 2
  "$@" >"$T/out" 2>&1 || rc=$?
  [ "$rc" = "$want" ] || fail "$label: exited $rc, expected $want: $(cat "$T/out")"
  [ -s "$T/out" ] || fail "$label: no message"
  ok "$label -> exit $want with a message"
}
expect_rc 1 "unknown command" "$ABRI" frobnicate
expect_rc 1 "show without a reference" "$ABRI" show
expect_rc 1 "reply without text" "$ABRI" reply 7K2M9QX4TB
expect_rc 1 "state with a bad state" "$ABRI" state 7K2M9QX4TB purple
expect_rc 1 "keygen with a bad role" "$ABRI" keygen --role boss --name X --out "$T/k"
expect_rc 1 "code without a kind" "$ABRI" code 7K2M9QX4TB --context family --outcome ongoing
expect_rc 1 "stats with a bad action" "$ABRI" stats frobnicate
cat >"$T/nowhere.conf" <<CONF
server = unix:$T/no-such.sock
origin = $ORIGIN
deployment_id = $DEPLOYMENT
CONF
"$ABRI" admin org-keygen --out "$T/org" --no-passphrase >/dev/null
"$ABRI" keygen --role listener --name L --out "$T/l" --no-passphrase >/dev/null
echo "key = $T/l.key" >>"$T/nowhere.conf"; echo "org_public_key = $T/org.pub.json" >>"$T/nowhere.conf"
echo "state_dir = $T/state" >>"$T/nowhere.conf"
expect_rc 3 "no server to talk to" "$ABRI" --config "$T/nowhere.conf" cases

# A hostile server (or a plain-HTTP path through one) must not reach the
# listener's terminal: an error code that is not ^[a-z_]{1,64}$ is replaced,
# control characters (C0, DEL, C1, bidi) in the message are escaped.
hostile_server() { # hostile_server CODE_JSON MESSAGE_JSON: one answer per connection
  python3 - "$T/hostile.sock" "$1" "$2" >>"$T/hostile.log" 2>&1 <<'PY' &
import os, socket, sys
path, code, msg = sys.argv[1], sys.argv[2], sys.argv[3]
body = ('{"error":{"code":%s,"message":%s}}' % (code, msg)).encode()
ans = (b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
       b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body)) + body
try:
    os.unlink(path)
except FileNotFoundError:
    pass
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path + ".tmp"); s.listen(4); os.rename(path + ".tmp", path)
s.settimeout(60)  # gone by itself if the test dies before stopping it
while True:
    c, _ = s.accept()
    c.settimeout(5)
    buf = b""
    try:
        while b"\r\n\r\n" not in buf:
            d = c.recv(4096)
            if not d:
                break
            buf += d
        c.sendall(ans)
    except OSError:
        pass
    c.close()
PY
  HOSTILE_PID=$!
  local i
  for i in $(seq 1 100); do [ -S "$T/hostile.sock" ] && return 0; sleep 0.05; done
  fail "the hostile test server did not start"
}
HOSTILE_PID=""
hostile_stop() {
  [ -n "$HOSTILE_PID" ] || return 0
  kill "$HOSTILE_PID" 2>/dev/null || true; wait "$HOSTILE_PID" 2>/dev/null || true
  HOSTILE_PID=""; rm -f "$T/hostile.sock"
}
trap 'rc=$?; hostile_stop; (exit "$rc"); abri_env_down' EXIT
# no_controls FILE LABEL: no C0 (but \n), DEL, C1 or bidi control in FILE
no_controls() {
  python3 - "$1" <<'PY' || fail "$2: control characters reached the terminal: $(od -c "$1" | head -20)"
import re, sys
t = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
sys.exit(1 if re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", t) else 0)
PY
}
sed "s#^server = .*#server = unix:$T/hostile.sock#" "$T/nowhere.conf" >"$T/hostile.conf"
hostile_msg='"\u001b]0;pwned\u0007 red \u001b[31m C1 \u009b2J bidi \u202e\u2066 del \u007f\nabri: the server answered 200 ok: forged line"'
hostile_server '"\u001b[31mx"' "$hostile_msg"
expect_rc 5 "hostile error code" "$ABRI" --config "$T/hostile.conf" cases
no_controls "$T/out" "hostile error code"
grep -q "invalid error code from the server" "$T/out" || fail "hostile error code: not reported as invalid: $(cat -v "$T/out")"
[ "$(grep -c '^abri: ' "$T/out")" = 1 ] || fail "hostile message: a newline forged another line: $(cat -v "$T/out")"
ok "an error code with ESC is refused, the message's control characters escaped"
hostile_stop
for code in '"Bad_Code"' '""' '"a-b"' '"'"$(printf 'a%.0s' $(seq 65))"'"' '5' '"\u00e9t\u00e9"'; do
  hostile_server "$code" '"m"'
  expect_rc 5 "error code $code" "$ABRI" --config "$T/hostile.conf" cases
  grep -q "invalid error code from the server" "$T/out" || fail "error code $code accepted: $(cat -v "$T/out")"
  hostile_stop
done
long="\"$(printf 'a%.0s' $(seq 64))\""
hostile_server "$long" "$hostile_msg"
expect_rc 5 "64-letter error code" "$ABRI" --config "$T/hostile.conf" cases
grep -q "answered 400 ${long//\"/}:" "$T/out" || fail "a valid 64-letter code was not printed whole: $(cat -v "$T/out")"
no_controls "$T/out" "valid code, hostile message"
[ "$(grep -c '^abri: ' "$T/out")" = 1 ] || fail "hostile message: a newline forged another line: $(cat -v "$T/out")"
hostile_stop
ok "error codes outside ^[a-z_]{1,64}\$ are refused; valid ones printed whole"
echo "cli: all checks passed"
