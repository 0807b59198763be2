#!/usr/bin/env bash
# Benchmarks of the reporter web app in Debian's Chromium (docs/benchmarks.md):
# starts a throwaway PostgreSQL and abrid exactly as the browser tests do
# (tests/harness/env.sh, tests/integration/web.sh), builds web/ with the
# run's organisation key, serves it on a loopback port and runs
#
#   bench/web-kdf.mjs     token key derivation in the Web Worker, 1x and 4x CPU throttling
#   bench/web-weight.mjs  bytes until the first view is usable; 2G-like timings
#
# Usage: bash bench/web.sh [SCRIPT.mjs...]   (default: both)
# Environment: ABRI_BUILD (meson build dir, default $ROOT/build), ABRI_CHROMIUM.
# Prints figures only: nothing here fails on a time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export ABRI_SRC=${ABRI_SRC:-$ROOT}
export ABRI_BUILD=${ABRI_BUILD:-$ROOT/build}
WEB=$ABRI_SRC/web
CHROMIUM=${ABRI_CHROMIUM:-/usr/bin/chromium}

[ -x "$ABRI_BUILD/src/abrid/abrid" ] || { echo "bench/web.sh: no abrid in $ABRI_BUILD (meson setup + ninja, or set ABRI_BUILD)" >&2; exit 1; }
command -v node >/dev/null || { echo "bench/web.sh: node is missing" >&2; exit 1; }
[ -d "$WEB/node_modules/playwright-core" ] || { echo "bench/web.sh: run npm ci --prefix web" >&2; exit 1; }
[ -x "$CHROMIUM" ] || { echo "bench/web.sh: $CHROMIUM is missing (apt-get install chromium)" >&2; exit 1; }

scripts=("$@")
[ ${#scripts[@]} -gt 0 ] || scripts=("$ROOT/bench/web-kdf.mjs" "$ROOT/bench/web-weight.mjs")

export ABRI_TEST_PORT=$((20000 + RANDOM % 12000)) # below the ephemeral ports (32768-)
# shellcheck source=tests/harness/env.sh
source "$ABRI_SRC/tests/harness/env.sh"
abri_env_up >/dev/null

jq -n --arg id "$DEPLOYMENT" --arg pk "$(jq -r .ed25519 "$T/org.pub.json")" \
  '{deployment_id: $id, org_public_key: $pk, min_list_version: 1}' >"$T/deployment.json"
node "$WEB/build.mjs" --deployment "$T/deployment.json" --out "$T/web" >/dev/null || fail "web/build.mjs"

abrid_stop
sed -i "s|^web_root = .*|web_root = $T/web|" "$T/abrid.conf"
abrid_start
curl -fsS -o /dev/null "http://127.0.0.1:$ABRI_TEST_PORT/" || fail "abrid does not serve /"

export ABRI_WEB_URL=http://127.0.0.1:$ABRI_TEST_PORT ABRI_T=$T ABRI_CHROMIUM=$CHROMIUM
echo "# abri web benchmarks: $(nproc) CPUs, $("$CHROMIUM" --version 2>/dev/null | head -n 1), node $(node --version)"
for s in "${scripts[@]}"; do
  echo
  node "$s" || fail "$s"
done
