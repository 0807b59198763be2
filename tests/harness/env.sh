# shellcheck shell=bash
# Test harness for integration tests: sourced by tests/integration/*.sh.
# Starts a throwaway PostgreSQL cluster (Unix socket only) and a real abrid
# in a temporary directory, with fresh keys and a signed recipient list:
#
#   abri_env_up           everything below, in order
#   abri_api METHOD PATH [curl args]   -> sets $status, body in $T/resp
#   abri_db SQL           psql -Atq against the test database
#   abri_db_snapshot      one digest of every row of every table
#   abri_cli LISTENER ... the CLI configured as listener l1 or l2
#
# Needs ABRI_BUILD (meson build root) and ABRI_SRC (source root), set by
# tests/integration/meson.build. Cleans up on exit unless ABRI_KEEP=1.
set -euo pipefail

: "${ABRI_BUILD:?ABRI_BUILD must point at the meson build directory}"
: "${ABRI_SRC:?ABRI_SRC must point at the source directory}"
ABRI=$ABRI_BUILD/src/abri/abri
ABRID=$ABRI_BUILD/src/abrid/abrid
REPORTER=$ABRI_BUILD/tests/tools/reporter
DEPLOYMENT=abri-test
ORIGIN=https://abri.test

T=$(mktemp -d "${TMPDIR:-/tmp}/abri-test.XXXXXX")
chmod 755 "$T"
ABRID_PID=""

abri_env_down() {
  local rc=$?
  if [ -n "$ABRID_PID" ]; then
    kill "$ABRID_PID" 2>/dev/null || true
    wait "$ABRID_PID" 2>/dev/null || true
  fi
  "$ABRI_SRC/src/scripts/pg.sh" stop "$T/data" >/dev/null 2>&1 || true
  if [ "$rc" -ne 0 ] && [ -f "$T/abrid.log" ]; then
    echo "--- abrid log (last 40 lines)"; tail -n 40 "$T/abrid.log"
  fi
  if [ "${ABRI_KEEP:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
  return "$rc"
}
trap abri_env_down EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }

abri_pg_up() {
  "$ABRI_SRC/src/scripts/pg.sh" start "$T/data"
  DSN=$("$ABRI_SRC/src/scripts/pg.sh" dsn "$T/data")
  export DSN
}

abri_db() { psql "$DSN" -v ON_ERROR_STOP=1 -Atq -c "$1"; }

abri_db_snapshot() {
  # md5 over every row of every table in the public schema, in a stable order.
  local tables t out=""
  tables=$(abri_db "select tablename from pg_tables where schemaname='public' order by 1")
  for t in $tables; do
    out+="$t:$(abri_db "select count(*) || '/' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '') from \"$t\" x");"
  done
  echo "$out"
}

abri_keys_up() {
  printf 'correct horse battery staple\n' >"$T/pass"
  chmod 600 "$T/pass"
  "$ABRI" admin server-keygen --dir "$T/keys" >/dev/null
  "$ABRI" admin org-keygen --out "$T/org" --no-passphrase >/dev/null
  "$ABRI" keygen --role listener --name "Listener One" --out "$T/l1" --passphrase-file "$T/pass" --kdf-fast >/dev/null
  "$ABRI" keygen --role listener --name "Listener Two" --out "$T/l2" --passphrase-file "$T/pass" --kdf-fast >/dev/null
  abri_sign_list 1 "$T/list1.json" "$T/keys/server.pub.json" "$T/l1.pub.json" "$T/l2.pub.json"
}

# abri_sign_list VERSION OUT MEMBER.pub.json...
abri_sign_list() {
  local ver=$1 out=$2; shift 2
  "$ABRI" admin sign-recipients --org-key "$T/org.key" --deployment "$DEPLOYMENT" \
    --version "$ver" --days 30 --out "$out" "$@" >/dev/null
}

abri_conf_up() {
  cat >"$T/abrid.conf" <<CONF
deployment_id = $DEPLOYMENT
public_origin = $ORIGIN
listen_address = 127.0.0.1
listen_port = ${ABRI_TEST_PORT:-0}
listen_unix = $T/abrid.sock
database_dsn = $DSN
data_dir = $T/data
org_public_key = $T/org.pub.json
server_key = $T/keys/server.key
pepper_key = $T/keys/pepper.key
challenge_key = $T/keys/challenge.key
web_root = $ABRI_SRC/web
threads = 2
max_body = 1048576
max_padded = 262144
CONF
  for l in l1 l2; do
    cat >"$T/$l.conf" <<CONF
server = unix:$T/abrid.sock
origin = $ORIGIN
deployment_id = $DEPLOYMENT
key = $T/$l.key
org_public_key = $T/org.pub.json
state_dir = $T/state-$l
passphrase_file = $T/pass
CONF
  done
}

abri_cli() { local who=$1; shift; "$ABRI" --config "$T/$who.conf" "$@"; }

# ABRID_WRAP: a command abrid runs under when debugging a test, e.g.
# ABRID_WRAP="strace -f -o /tmp/abrid.strace" (word-split on purpose).
abrid_start() {
  # shellcheck disable=SC2086
  ${ABRID_WRAP:-} "$ABRID" -c "$T/abrid.conf" >>"$T/abrid.log" 2>&1 &
  ABRID_PID=$!
  local i
  for i in $(seq 1 200); do
    [ -S "$T/abrid.sock" ] && curl -fsS --unix-socket "$T/abrid.sock" http://abrid/healthz >/dev/null 2>&1 && return 0
    kill -0 "$ABRID_PID" 2>/dev/null || fail "abrid exited at start: $(tail -n 5 "$T/abrid.log")"
    sleep 0.05
  done
  fail "abrid did not answer /healthz"
}

abrid_stop() {
  [ -n "$ABRID_PID" ] || return 0
  kill "$ABRID_PID"; wait "$ABRID_PID" 2>/dev/null || true; ABRID_PID=""
}

# abri_api METHOD PATH [extra curl args...]: body in $T/resp, status in $status
abri_api() {
  local method=$1 path=$2; shift 2
  status=$(curl -sS --unix-socket "$T/abrid.sock" -X "$method" -o "$T/resp" -w '%{http_code}' \
    "$@" "http://abrid$path")
}

# expect_error STATUS CODE: the last answer must be this JSON error
expect_error() {
  [ "$status" = "$1" ] || fail "expected HTTP $1 ($2), got $status: $(head -c 300 "$T/resp")"
  grep -q "\"code\": *\"$2\"" "$T/resp" || fail "expected error code $2, got: $(head -c 300 "$T/resp")"
}

abri_env_up() {
  abri_pg_up
  abri_keys_up
  abri_conf_up
  "$ABRI" admin migrate --dsn "$DSN" >/dev/null
  abrid_start
  abri_cli l1 admin upload-recipients "$T/list1.json" >/dev/null
}
