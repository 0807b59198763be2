#!/usr/bin/env bash
# The reporter web app in a real browser: builds web/ with this run's
# organisation key, serves it from a real abrid (TCP on loopback, web_root =
# the build) and runs the node tests in web/tests/*.test.mjs (Chromium
# through playwright-core, see web/tests/lib/browser.mjs).
#
# Skips (exit 77) only when web/node_modules or Chromium is missing AND
# ABRI_REQUIRE_WEB is unset; src/scripts/test.sh installs them and sets it.
set -euo pipefail
: "${ABRI_SRC:?}" "${ABRI_BUILD:?}"
WEB=$ABRI_SRC/web
CHROMIUM=${ABRI_CHROMIUM:-/usr/bin/chromium}

missing=""
command -v node >/dev/null || missing+=" node"
[ -d "$WEB/node_modules/playwright-core" ] && [ -d "$WEB/node_modules/libsodium-wrappers-sumo" ] ||
  missing+=" web/node_modules (npm ci --prefix web)"
[ -x "$CHROMIUM" ] || missing+=" $CHROMIUM (apt-get install chromium)"
if [ -n "$missing" ]; then
  if [ -n "${ABRI_REQUIRE_WEB:-}" ]; then echo "FAIL: missing:$missing" >&2; exit 1; fi
  echo "SKIP: missing:$missing"
  exit 77
fi

export ABRI_TEST_PORT=$((20000 + RANDOM % 12000)) # below the ephemeral ports (32768-)
source "$(dirname "$0")/../harness/env.sh"

abri_env_up

# An auditor (survey answers are sealed to the auditors): recipient list 2
# is list 1 plus the auditor; ABRI_CLI_AUD is the CLI as that auditor.
"$ABRI" keygen --role auditor --name "Auditor" --out "$T/aud" --passphrase-file "$T/pass" --kdf-fast >/dev/null
abri_sign_list 2 "$T/list2.json" "$T/keys/server.pub.json" "$T/l1.pub.json" "$T/l2.pub.json" "$T/aud.pub.json"
abri_cli l1 admin upload-recipients "$T/list2.json" >/dev/null || fail "upload recipient list 2"
sed -e "s|$T/l1.key|$T/aud.key|" -e "s|state-l1|state-aud|" "$T/l1.conf" >"$T/aud.conf"

# The deployment the app is built for: this run's organisation key.
jq -n --arg id "$DEPLOYMENT" --arg pk "$(jq -r .ed25519 "$T/org.pub.json")" \
  '{deployment_id: $id, org_public_key: $pk, min_list_version: 1}' >"$T/deployment.json"
node "$WEB/build.mjs" --deployment "$T/deployment.json" --out "$T/web" || fail "web/build.mjs"
ok "web app built into $T/web"

abrid_stop
sed -i "s|^web_root = .*|web_root = $T/web|" "$T/abrid.conf"
grep -q "^web_root = $T/web\$" "$T/abrid.conf" || fail "could not set web_root"
# Every test loads the whole app from 127.0.0.1, the tampering tests of
# security.test.mjs some fifty times: more than the default 3000 requests
# per address per 10 minutes (flood.sh tests that limit, not this suite).
if grep -q "^addr_max_requests" "$T/abrid.conf"; then fail "abrid.conf already sets addr_max_requests"; fi
echo "addr_max_requests = 100000" >>"$T/abrid.conf"
abrid_start
curl -fsS -o /dev/null "http://127.0.0.1:$ABRI_TEST_PORT/" || fail "abrid does not serve /"
ok "abrid serves the build on http://127.0.0.1:$ABRI_TEST_PORT"

export ABRI_WEB_URL=http://127.0.0.1:$ABRI_TEST_PORT
export ABRI_T=$T ABRI_BUILD ABRI_SRC ABRI_DSN=$DSN ABRI_CHROMIUM=$CHROMIUM
export ABRI_CLI_L1="$ABRI --config $T/l1.conf"
# web/tests/console.test.mjs starts its own `abri console` processes (the
# binary of ABRI_CLI_L1, $T/l1.conf without passphrase_file: the passphrase
# is typed in the page), so that each test chooses --lang and --idle-lock.
export ABRI_CLI_AUD="$ABRI --config $T/aud.conf"
export ABRI_SCREENSHOTS=${ABRI_SCREENSHOTS:-$ABRI_BUILD/meson-logs/web-screenshots}
mkdir -p "$ABRI_SCREENSHOTS"

# ABRI_WEB_TESTS="pow attach": only these files (a developer's shortcut).
if [ -n "${ABRI_WEB_TESTS:-}" ]; then
  tests=(); for n in $ABRI_WEB_TESTS; do tests+=("$WEB/tests/$n.test.mjs"); done
else
  mapfile -t tests < <(find "$WEB/tests" -maxdepth 1 -name '*.test.mjs' | sort)
fi
[ ${#tests[@]} -gt 0 ] || fail "no web/tests/*.test.mjs"
cd "$WEB"
node --test --test-concurrency=1 --test-reporter=spec "${tests[@]}" || fail "node --test (web/tests)"
ok "web tests passed (screenshots in $ABRI_SCREENSHOTS)"
