#!/usr/bin/env bash
# One command runs every test: installs what is missing, then
#  1. builds with warnings as errors and runs the whole meson suite
#     (unit tests, integration tests against a real PostgreSQL and a real
#     abrid started by tests/harness, fuzz corpus replays);
#  2. rebuilds everything with AddressSanitizer + UndefinedBehaviorSanitizer
#     and runs the same suite again;
#  3. builds the libFuzzer targets with clang and runs each briefly.
# Ends with one line "N passed, N failed".
#
# The web app's node packages are installed first (npm ci --prefix web,
# pinned by web/package-lock.json) and ABRI_REQUIRE_WEB=1 is exported, so
# the 'web' suite (Chromium tests, tests/integration/web.sh) fails instead
# of skipping when something is missing. It runs in the plain stage only:
# it tests the JavaScript and the browser, and abrid's static-file serving
# runs under the sanitizers through the 'integration' suite (static.sh),
# the daemon unit tests and the fuzz corpus.
#
# Environment: ABRI_TEST_STAGES (default "plain asan fuzz"),
# ABRI_FUZZ_SECONDS (default 10 per target), ABRI_SKIP_DEPS=1.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STAGES=${ABRI_TEST_STAGES:-plain asan fuzz}
FUZZ_SECONDS=${ABRI_FUZZ_SECONDS:-10}
OUT=${ABRI_TEST_BUILD_ROOT:-$ROOT/build-tests}
passed=0
failed=0

say() { printf '\n=== %s\n' "$*"; }

if [ "${ABRI_SKIP_DEPS:-0}" != 1 ]; then
  "$ROOT/src/scripts/deps.sh" || { echo "deps failed"; echo "0 passed, 1 failed"; exit 1; }
fi

if [ "${ABRI_SKIP_NPM:-0}" != 1 ] && [[ " $STAGES " == *" plain "* ]]; then
  say "web: npm ci --prefix web"
  npm ci --prefix "$ROOT/web" --no-audit --no-fund || { echo "npm ci failed"; failed=$((failed + 1)); }
fi
export ABRI_REQUIRE_WEB=1

count_meson() {
  # Adds the results of one meson test log to the totals.
  local log=$1 p f
  read -r p f < <(python3 - "$log" <<'PY'
import json, sys
ok = bad = 0
for line in open(sys.argv[1]):
    r = json.loads(line).get("result")
    if r in ("OK", "EXPECTEDFAIL", "SKIP"):
        ok += r != "SKIP"
    else:
        bad += 1
print(ok, bad)
PY
)
  passed=$((passed + p)); failed=$((failed + f))
}

run_suite() {
  # run_suite NAME "MESON TEST ARGS" MESON SETUP ARGS...
  local name=$1 test_args=$2; shift 2
  local dir=$OUT/$name
  say "$name: configure and build"
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$ROOT" "$@" >"$OUT/$name.setup.log" 2>&1 ||
      { cat "$OUT/$name.setup.log"; failed=$((failed + 1)); return; }
  fi
  if ! ninja -C "$dir" -j2; then failed=$((failed + 1)); return; fi
  say "$name: meson test"
  # shellcheck disable=SC2086 # test_args is a list of words
  meson test -C "$dir" --print-errorlogs --num-processes 2 --timeout-multiplier "${ABRI_TIMEOUT_MULT:-1}" $test_args
  count_meson "$dir/meson-logs/testlog.json"
}

run_fuzz() {
  local dir=$OUT/fuzz
  say "fuzz: build libFuzzer targets with clang"
  if [ ! -f "$dir/build.ninja" ]; then
    CC=clang meson setup "$dir" "$ROOT" -Dfuzz=true -Dtests=false -Db_lundef=false \
      >"$OUT/fuzz.setup.log" 2>&1 || { cat "$OUT/fuzz.setup.log"; failed=$((failed + 1)); return; }
  fi
  ninja -C "$dir" -j2 || { failed=$((failed + 1)); return; }
  for bin in "$dir"/fuzz/fuzz_*; do
    [ -f "$bin" ] && [ -x "$bin" ] || continue
    local t corpus work
    t=$(basename "$bin")
    corpus=$ROOT/fuzz/corpus/$t
    work=$(mktemp -d)
    [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/
    local dict=()
    [ -f "$ROOT/fuzz/$t.dict" ] && dict=(-dict="$ROOT/fuzz/$t.dict")
    if "$bin" "${dict[@]}" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
        -artifact_prefix="$OUT/" "$work" >"$OUT/$t.log" 2>&1; then
      echo "fuzz $t: ok, $(grep -m1 'stat::number_of_executed_units' "$OUT/$t.log" | awk '{print $2}') executions"
      passed=$((passed + 1))
    else
      echo "fuzz $t: FAILED"; tail -n 40 "$OUT/$t.log"
      failed=$((failed + 1))
    fi
    rm -rf "$work"
  done
}

mkdir -p "$OUT"
for stage in $STAGES; do
  case $stage in
    plain) run_suite plain "" --buildtype=debugoptimized -Dtest_clock=true ;;
    asan) ASAN_OPTIONS=detect_leaks=1 run_suite asan "--no-suite web" --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false -Dtest_clock=true ;;
    fuzz) run_fuzz ;;
    *) echo "unknown stage $stage"; failed=$((failed + 1)) ;;
  esac
done

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
