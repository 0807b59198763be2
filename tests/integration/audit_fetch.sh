#!/usr/bin/env bash
# abri audit report against a real abrid: the auditor fetches the year's
# statistics batches (signed GET /v1/audit/stats), opens and verifies them,
# and reports; a batch altered in the database stops the report with an
# alarm. (The numbers themselves are checked by audit_report.sh.)
source "$(dirname "$0")/../harness/env.sh"
abri_env_up

SRV="unix:$T/abrid.sock"
MONTH=$(date -u +%Y-%m)
YEAR=${MONTH%-*}
rep() { "$REPORTER" "$1" --server "$SRV" --deployment "$DEPLOYMENT" --org-pub "$T/org.pub.json" "${@:2}"; }

"$ABRI" keygen --role auditor --name "Auditor" --out "$T/aud" --passphrase-file "$T/pass" --kdf-fast >/dev/null
abri_sign_list 2 "$T/list2.json" "$T/keys/server.pub.json" "$T/l1.pub.json" "$T/l2.pub.json" "$T/aud.pub.json"
abri_cli l1 admin upload-recipients "$T/list2.json" >/dev/null || fail "upload list 2"
sed -e "s|$T/l1.key|$T/aud.key|" -e "s|state-l1|state-aud|" "$T/l1.conf" >"$T/aud.conf"
audit() { "$ABRI" --config "$T/aud.conf" audit report --year "$YEAR" "$@"; }

audit --out "$T/empty" >"$T/out" 2>&1 || fail "report on an empty year: $(cat "$T/out")"
grep -q "0 record(s)" "$T/out" || fail "empty year: $(cat "$T/out")"
ok "an empty year reports zeros"

for i in 1 2 3; do
  rep submit --text "Rapport $i" >"$T/sub$i.json" 2>/dev/null || fail "reporter submit $i"
  ref=$(jq -r .case_ref "$T/sub$i.json")
  abri_cli l1 code "$ref" --kind violence.domestic --context family --listened --informed \
    --consent police --referred police --outcome ongoing >"$T/out" 2>&1 || fail "code $i: $(cat "$T/out")"
done
abri_cli l1 stats upload --force >"$T/out" 2>&1 || fail "stats upload: $(cat "$T/out")"
ok "three cases coded and uploaded"

audit --out "$T/rep" --threshold 2 >"$T/out" 2>&1 || fail "report: $(cat "$T/out")"
grep -q "3 record(s) of $YEAR, 0 set aside" "$T/out" || fail "report: $(cat "$T/out")"
grep -q "1 batch(es)" "$T/rep/report.html" || fail "batch count"
[ "$(grep '^violence.domestic' "$T/rep/kind_by_context.csv" | cut -d, -f6,10)" = "5,5" ] \
  || fail "kind_by_context: $(cat "$T/rep/kind_by_context.csv")"
[ "$(grep '^referred' "$T/rep/journey_stages.csv")" = "referred,5" ] || fail "journey stages"
grep -qi "warning" "$T/out" && fail "warnings for the auditor: $(cat "$T/out")"
ok "the auditor fetches, opens and verifies the batch: 3 people (rounded to 5)"

abri_db "update stats_batches set envelope = set_byte(envelope, length(envelope) - 5,
         get_byte(envelope, length(envelope) - 5) # 1)"
set +e
audit --out "$T/bad" >"$T/out" 2>&1
rc=$?
set -e
[ "$rc" = 2 ] && grep -q "SECURITY ALARM" "$T/out" || fail "altered batch: rc $rc $(cat "$T/out")"
ok "an altered batch stops the report with an alarm"
echo "audit_fetch: all checks passed"
