#!/usr/bin/env bash
# One command: install what is missing, build, start the embedded
# PostgreSQL (unless ABRI_DSN names a database), migrate, and run abrid in
# the foreground. Ctrl-C stops abrid and the embedded cluster.
#
# Environment (all optional):
#   ABRI_DATA_DIR   where the cluster, keys and runtime config live (./var)
#   ABRI_BUILD_DIR  meson build directory (./build)
#   ABRI_DSN        use this PostgreSQL instead of the embedded cluster
#   ABRI_PORT       loopback TCP port (8470)
#   ABRI_SKIP_DEPS  set to 1 to skip the package check
#
# On first run it also makes DEVELOPMENT keys: an organisation key and one
# listener key without passphrase, and signs a recipient list with them, so
# that the whole flow can be tried at once. A real deployment makes the
# organisation key on an offline machine (docs/operations.md).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA=${ABRI_DATA_DIR:-$ROOT/var}
BUILD=${ABRI_BUILD_DIR:-$ROOT/build}
PORT=${ABRI_PORT:-8470}
DEPLOYMENT=abri-dev

say() { printf 'abri: %s\n' "$*" >&2; }

[ "${ABRI_SKIP_DEPS:-0}" = 1 ] || "$ROOT/src/scripts/deps.sh"

if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" "$ROOT" --buildtype=release -Dtests=false >/dev/null
fi
ninja -C "$BUILD" >/dev/null
ABRI=$BUILD/src/abri/abri
ABRID=$BUILD/src/abrid/abrid

mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)
if [ -z "${ABRI_DSN:-}${ABRI_DATA_DIR:-}" ] && ! "$ROOT/src/scripts/pg.sh" reachable "$DATA"; then
  # Running as root from a private directory (say /root): PostgreSQL runs
  # as an unprivileged user that cannot enter it.
  rmdir "$DATA" 2>/dev/null || true
  DATA=/var/lib/abri-dev
  mkdir -p "$DATA"
  say "$ROOT is private to root: using $DATA as the data directory"
fi

started_pg=0
DSN=${ABRI_DSN:-}
if [ -z "$DSN" ]; then
  say "starting the embedded PostgreSQL in $DATA/pgdata (Unix socket only)"
  "$ROOT/src/scripts/pg.sh" start "$DATA"
  started_pg=1
  DSN=$("$ROOT/src/scripts/pg.sh" dsn "$DATA")
fi

umask 077
mkdir -p "$DATA/keys" "$DATA/dev/state"
if [ ! -f "$DATA/keys/server.key" ]; then
  say "making the server keys in $DATA/keys"
  "$ABRI" admin server-keygen --dir "$DATA/keys" >/dev/null
fi
if [ ! -f "$DATA/dev/org.key" ]; then
  say "making DEVELOPMENT organisation and listener keys in $DATA/dev (no passphrase)"
  "$ABRI" admin org-keygen --out "$DATA/dev/org" --no-passphrase >/dev/null
  "$ABRI" keygen --role listener --name "Dev listener" --out "$DATA/dev/listener" --no-passphrase >/dev/null
fi

# The web app, built for this deployment's organisation key into
# $DATA/web (abrid's web_root). Readable by the user abrid runs as.
WEB_ROOT=""
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  if [ ! -d "$ROOT/web/node_modules/libsodium-wrappers-sumo" ]; then
    say "installing the web app's packages (npm ci --prefix web)"
    (umask 022; npm ci --prefix "$ROOT/web" --no-audit --no-fund >/dev/null)
  fi
  jq -n --arg id "$DEPLOYMENT" --arg pk "$(jq -r .ed25519 "$DATA/dev/org.pub.json")" \
    '{deployment_id: $id, org_public_key: $pk, min_list_version: 1}' >"$DATA/dev/deployment.json"
  (umask 022; node "$ROOT/web/build.mjs" --deployment "$DATA/dev/deployment.json" --out "$DATA/web" >/dev/null)
  WEB_ROOT=$DATA/web
else
  say "node or npm not found: the web app is not served (run src/scripts/deps.sh)"
fi

say "applying database migrations"
"$ABRI" admin migrate --dsn "$DSN"

RUN_USER=""
[ "$(id -u)" -eq 0 ] && RUN_USER=${ABRI_PG_USER:-abri}
cat >"$DATA/abrid.conf" <<CONF
# Written by src/scripts/up.sh for the embedded development setup.
# Every key is documented in conf/abrid.conf.
deployment_id = $DEPLOYMENT
public_origin = http://127.0.0.1:$PORT
listen_address = 127.0.0.1
listen_port = $PORT
listen_unix = $DATA/abrid.sock
database_dsn = $DSN
data_dir = $DATA
org_public_key = $DATA/dev/org.pub.json
server_key = $DATA/keys/server.key
pepper_key = $DATA/keys/pepper.key
challenge_key = $DATA/keys/challenge.key
web_root = $WEB_ROOT
user = $RUN_USER
CONF

cat >"$DATA/dev/abri.conf" <<CONF
# CLI configuration for the development listener: abri --config $DATA/dev/abri.conf cases
server = unix:$DATA/abrid.sock
origin = http://127.0.0.1:$PORT
deployment_id = $DEPLOYMENT
key = $DATA/dev/listener.key
org_public_key = $DATA/dev/org.pub.json
state_dir = $DATA/dev/state
CONF

"$ABRID" -n -c "$DATA/abrid.conf"

cleanup() {
  [ -n "${ABRID_PID:-}" ] && kill "$ABRID_PID" 2>/dev/null && wait "$ABRID_PID" 2>/dev/null
  [ "$started_pg" = 1 ] && "$ROOT/src/scripts/pg.sh" stop "$DATA"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$ABRID" -c "$DATA/abrid.conf" &
ABRID_PID=$!
for _ in $(seq 1 100); do
  curl -fsS --unix-socket "$DATA/abrid.sock" http://abrid/healthz >/dev/null 2>&1 && break
  kill -0 "$ABRID_PID" 2>/dev/null || { say "abrid exited"; exit 1; }
  sleep 0.1
done

# A fresh development recipient list on every start (the list expires).
ver_file=$DATA/dev/list.version
ver=$(( $(cat "$ver_file" 2>/dev/null || echo 0) + 1 ))
"$ABRI" admin sign-recipients --org-key "$DATA/dev/org.key" --deployment "$DEPLOYMENT" \
  --version "$ver" --days 30 --out "$DATA/dev/recipients.json" \
  "$DATA/keys/server.pub.json" "$DATA/dev/listener.pub.json" >/dev/null
"$ABRI" --config "$DATA/dev/abri.conf" admin upload-recipients "$DATA/dev/recipients.json" >/dev/null
echo "$ver" >"$ver_file"

say "abrid is running: http://127.0.0.1:$PORT and unix:$DATA/abrid.sock"
[ -n "$WEB_ROOT" ] && say "the reporter web app: http://127.0.0.1:$PORT/"
say "try: curl -s http://127.0.0.1:$PORT/healthz"
say "listener CLI: $ABRI --config $DATA/dev/abri.conf cases"
say "Ctrl-C stops abrid and the embedded PostgreSQL."
wait "$ABRID_PID"
