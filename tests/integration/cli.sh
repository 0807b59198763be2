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
echo "cli: all checks passed"
