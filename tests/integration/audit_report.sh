#!/usr/bin/env bash
# shellcheck shell=bash
# abri audit report on a synthetic year (no server: --records): every
# published number against a direct count and an independent suppression
# (audit_report.py), the noise's determinism per sealed year seed, and a
# screenshot of the page in headless Chromium (kept in meson-logs).
set -euo pipefail
: "${ABRI_BUILD:?}" "${ABRI_SRC:?}"
ABRI=$ABRI_BUILD/src/abri/abri
ORACLE=$ABRI_SRC/tests/integration/audit_report.py
T=$(mktemp -d "${TMPDIR:-/tmp}/abri-audit.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }
export HOME=$T XDG_CONFIG_HOME=$T/config XDG_STATE_HOME=$T/state

python3 "$ORACLE" gen "$T/records.json"
[ "$(jq length "$T/records.json")" -ge 600 ] || fail "generator"

# 1. No noise: every number, default threshold and another one.
"$ABRI" audit report --year 2026 --records "$T/records.json" --out "$T/r10" >/dev/null
python3 "$ORACLE" check "$T/records.json" "$T/r10" 10
ok "threshold 10: every CSV number matches the direct count and suppression"
"$ABRI" audit report --year 2026 --records "$T/records.json" --out "$T/r20" --threshold 20 >/dev/null
python3 "$ORACLE" check "$T/records.json" "$T/r20" 20
ok "threshold 20: idem"

# 1b. The survey section: 150 synthetic answers, every number checked; the
# rarely answered question is hidden; a year with 9 answers shows nothing.
python3 "$ORACLE" gen-surveys "$T/surveys.json" 150
"$ABRI" audit report --year 2026 --records "$T/records.json" --surveys "$T/surveys.json" \
  --out "$T/s10" >"$T/out"
grep -q "Survey: 150 answer(s), 3 set aside" "$T/out" || fail "survey summary: $(cat "$T/out")"
EXPECT_SURVEY_TABLES=5 python3 "$ORACLE" check-surveys "$T/surveys.json" "$T/s10" 10
python3 "$ORACLE" check "$T/records.json" "$T/s10" 10
grep -q "<h2>Satisfaction survey</h2>" "$T/s10/report.html" || fail "no survey section"
grep -q "Fewer than 10 answers to this question: not shown" "$T/s10/report.html" || fail "hidden question not said"
[ -f "$T/s10/survey_language.csv" ] && fail "a question with fewer than 10 answers was published"
"$ABRI" audit report --year 2026 --records "$T/records.json" --surveys "$T/surveys.json" \
  --out "$T/s20" --threshold 20 >/dev/null
python3 "$ORACLE" check-surveys "$T/surveys.json" "$T/s20" 20
python3 "$ORACLE" gen-surveys "$T/surveys9.json" 9
"$ABRI" audit report --year 2026 --records "$T/records.json" --surveys "$T/surveys9.json" \
  --out "$T/s9" >"$T/out"
grep -q "Survey: fewer than 10 answers: not shown" "$T/out" || fail "9 answers: $(cat "$T/out")"
EXPECT_SURVEY_TABLES=0 python3 "$ORACLE" check-surveys "$T/surveys9.json" "$T/s9" 10
grep -q "Fewer than 10 answers: not shown." "$T/s9/report.html" || fail "9 answers: section not hidden"
ls "$T/s9" | grep -q survey && fail "9 answers: a survey CSV was written"
ok "survey section: every number checked; < 10 answers per question or per year: not shown"

# The page: self-contained, no script, states its method.
H=$T/r10/report.html
grep -q '<svg' "$H" || fail "no chart"
if grep -Eqi '<script|src=|href=|@import|url\(' "$H"; then fail "external asset or script"; fi
grep -q 'Noise:</b> none' "$H" || fail "method: noise"
grep -q 'taxonomy 2026.1' "$H" || fail "method: taxonomy"
grep -q 'shown &lt;10' "$H" || fail "method: threshold"
ok "HTML self-contained, method stated"

# 2. Noise: needs the auditor key; the year's seed is created once, sealed.
"$ABRI" keygen --role auditor --name Auditor --out "$T/aud" --no-passphrase >/dev/null
noisy() { "$ABRI" --key "$T/aud.key" --state-dir "$1" audit report --year 2026 \
            --records "$T/records.json" --epsilon 1 --out "$2" >/dev/null 2>&1; }
noisy "$T/st1" "$T/n1"
[ -f "$T/st1/audit/seed-2026.sealed" ] || fail "no sealed seed"
[ "$(stat -c %s "$T/st1/audit/seed-2026.sealed")" = 72 ] || fail "seed file size"
noisy "$T/st1" "$T/n1b"
diff -r -x report.html "$T/n1" "$T/n1b" >/dev/null || fail "re-run drew fresh noise"
cmp -s "$T/n1/report.html" "$T/n1b/report.html" || fail "re-run changed the page"
ok "same sealed seed: same published figures"
python3 "$ORACLE" noisy "$T/records.json" "$T/n1" 10
grep -q 'two-sided geometric' "$T/n1/report.html" || fail "method: noise"
if diff -r "$T/r10" "$T/n1" >/dev/null; then fail "epsilon added no noise"; fi
noisy "$T/st2" "$T/n2"
if diff -r -x report.html "$T/n1" "$T/n2" >/dev/null; then fail "another seed gave the same noise"; fi
ok "noisy report keeps the suppression rules; another seed, other noise"
"$ABRI" keygen --role auditor --name Other --out "$T/other" --no-passphrase >/dev/null
set +e
"$ABRI" --key "$T/other.key" --state-dir "$T/st1" audit report --year 2026 \
  --records "$T/records.json" --epsilon 1 --out "$T/n3" >/dev/null 2>"$T/err"
rc=$?
set -e
[ "$rc" = 4 ] && grep -q 'does not open' "$T/err" || fail "seed opened with another key ($rc)"
ok "the seed opens only with the auditor's key"

# Usage errors.
set +e
"$ABRI" audit report --records "$T/records.json" >/dev/null 2>&1; [ $? = 1 ] || fail "no --year"
"$ABRI" audit report --year 2026 --records "$T/records.json" --epsilon 0 --out "$T/x" \
  >/dev/null 2>&1; [ $? = 1 ] || fail "--epsilon 0"
"$ABRI" audit report --year 2026 --records "$T/records.json" --epsilon 1 --out "$T/x" \
  >/dev/null 2>&1; [ $? = 1 ] || fail "--epsilon without --key"
set -e
ok "usage errors"

# 3. Screenshot in headless Chromium, kept with the test logs.
CHROMIUM=$(command -v chromium || true)
if [ -z "$CHROMIUM" ]; then
  [ "${ABRI_REQUIRE_WEB:-0}" = 1 ] && fail "chromium missing"
  echo "skip - screenshot (no chromium)"; exit 0
fi
SHOT=$ABRI_BUILD/meson-logs/audit-report.png
mkdir -p "$ABRI_BUILD/meson-logs"
rm -f "$SHOT"
timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --user-data-dir="$T/chromium" --window-size=1000,6400 --screenshot="$SHOT" \
  "file://$T/s10/report.html" >/dev/null 2>&1 || true
[ -s "$SHOT" ] || fail "no screenshot"
ok "screenshot: $SHOT"
