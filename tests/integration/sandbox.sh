#!/usr/bin/env bash
# The running daemon is sandboxed: seccomp filter mode with no new
# privileges, not dumpable, no core dumps; and it keeps serving under the
# filter through a PostgreSQL restart (libpq reconnects: new sockets,
# reading what libc reads to resolve the user). That a forbidden call
# kills the process is tests/daemon/test_sandbox.c; that every endpoint
# works under the filter is the rest of the suite, which runs the plain
# (filtered) build. Sanitizer builds serve without the filter: skipped.
source "$(dirname "$0")/../harness/env.sh"

# As root (CI), abrid switches to the unprivileged user that owns the test
# cluster, as a deployment would (`user` in abrid.conf); the checks below
# then also show that the switch happened and left nothing behind.
abri_pg_up
abri_keys_up
abri_conf_up
run_as=""
if [ "$(id -u)" = 0 ]; then
  run_as=${ABRI_PG_USER:-abri}
  sed -i 's/^user *=.*//' "$T/abrid.conf"; echo "user = $run_as" >>"$T/abrid.conf"
fi
"$ABRI" admin migrate --dsn "$DSN" >/dev/null
abrid_start
abri_cli l1 admin upload-recipients "$T/list1.json" >/dev/null
status=/proc/$ABRID_PID/status
grep -q '^Seccomp:[[:space:]]*0' "$status" && { echo "SKIP: this build serves without the filter (sanitizers)"; exit 77; }
grep -q '^Seccomp:[[:space:]]*2' "$status" || fail "abrid is not in seccomp filter mode: $(grep Seccomp "$status")"
ok "abrid runs in seccomp filter mode (Seccomp: 2)"
grep -q '^NoNewPrivs:[[:space:]]*1' "$status" || fail "no_new_privs is not set"
ok "no_new_privs is set (no setuid binary could regain privileges)"
[ "$(awk '/^Seccomp_filters:/ {print $2}' "$status")" -ge 1 ] || fail "no filter counted"
if [ -n "$run_as" ]; then
  [ "$(awk '/^Uid:/ {print $2 $3 $4 $5}' "$status")" = "$(id -u "$run_as")$(id -u "$run_as")$(id -u "$run_as")$(id -u "$run_as")" ] \
    || fail "abrid did not switch to $run_as: $(grep Uid "$status")"
  grep -q '^CapEff:[[:space:]]*0000000000000000' "$status" || fail "abrid kept capabilities: $(grep Cap "$status")"
  grep -q '^CapPrm:[[:space:]]*0000000000000000' "$status" || fail "abrid kept permitted capabilities"
  ok "abrid dropped root for $run_as (all uids) with no capability left"
  # Not dumpable: the kernel makes /proc/PID/{environ,mem} root's, not the
  # process owner's, so the same user cannot read abrid's memory either.
  [ "$(stat -c %U "/proc/$ABRID_PID/environ")" = root ] || fail "abrid is dumpable"
  ok "abrid is not dumpable (its /proc files stay root's)"
fi
grep -q '^Max core file size[[:space:]]*0[[:space:]]*0' "/proc/$ABRID_PID/limits" || fail "core dumps allowed: $(grep core "/proc/$ABRID_PID/limits")"
ok "core dumps are off (RLIMIT_CORE 0)"

# Every thread is under the filter (TSYNC), not only the main one.
for task in /proc/$ABRID_PID/task/*; do
  grep -q '^Seccomp:[[:space:]]*2' "$task/status" || fail "thread ${task##*/} is not filtered"
done
ok "all $(ls /proc/$ABRID_PID/task | wc -l) threads are filtered"

# Serving under the filter, across a PostgreSQL restart.
"$REPORTER" submit --server "unix:$T/abrid.sock" --deployment "$DEPLOYMENT" \
  --org-pub "$T/org.pub.json" --text "before the restart" >"$T/s1.json" || fail "submit under the filter"
"$ABRI_SRC/src/scripts/pg.sh" stop "$T/data" >/dev/null 2>&1 || fail "stopping PostgreSQL"
code=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$T/abrid.sock" http://abrid/healthz)
[ "$code" = 503 ] || fail "healthz with PostgreSQL down: $code"
"$ABRI_SRC/src/scripts/pg.sh" start "$T/data" >/dev/null 2>&1 || fail "restarting PostgreSQL"
for i in $(seq 1 100); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$T/abrid.sock" http://abrid/healthz)
  [ "$code" = 200 ] && break
  sleep 0.1
done
[ "$code" = 200 ] || fail "abrid did not recover after the restart: $code"
"$REPORTER" submit --server "unix:$T/abrid.sock" --deployment "$DEPLOYMENT" \
  --org-pub "$T/org.pub.json" --text "after the restart" >"$T/s2.json" || fail "submit after the restart"
kill -0 "$ABRID_PID" || fail "abrid died"
abri_cli l1 cases >"$T/cases.txt" || fail "abri cases"
[ "$(grep -c '^[0-9A-Z]\{10\}' "$T/cases.txt")" -ge 2 ] || fail "both cases listed: $(cat "$T/cases.txt")"
ok "abrid reconnects under the filter after a PostgreSQL restart (503 meanwhile) and keeps serving"
