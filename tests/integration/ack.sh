#!/usr/bin/env bash
# The written acknowledgement (Directive 2012/29/EU art. 5): abri
# acknowledge needs a coding note; it seals a signed ack (elements from
# the coding and the report's form, a French text) to the reporter and
# the listeners; the reporter opens the case and sees it verified, saves
# the acknowledgement file, and abri verify-ack checks it offline and
# against the server's list; tampering (elements, signature, list) fails
# with exit 2.
source "$(dirname "$0")/../harness/env.sh"
abri_env_up

SRV="unix:$T/abrid.sock"
rep() { "$REPORTER" "$1" --server "$SRV" --deployment "$DEPLOYMENT" --org-pub "$T/org.pub.json" "${@:2}"; }

form='{"kind":"violence_domestic","when":"month","where":"à la maison, Bruxelles","who":"mon mari","wants":["police"],"contact":""}'
rep submit --text "Il me frappe depuis des mois." --lang fr --form "$form" --token-out "$T/tok" >"$T/sub.json" ||
  fail "reporter submit"
ref=$(jq -r .case_ref "$T/sub.json")
week=$(jq -r .week "$T/sub.json")
ok "a case with a report form"

n=$(abri_db "select count(*) from envelopes where case_ref = '$ref'")
rc=0; abri_cli l1 acknowledge "$ref" >"$T/out" 2>&1 || rc=$?
[ "$rc" = 1 ] && grep -q "no coding note" "$T/out" || fail "acknowledge without coding: rc $rc $(cat "$T/out")"
[ "$(abri_db "select count(*) from envelopes where case_ref = '$ref'")" = "$n" ] || fail "something was sent"
ok "acknowledge without a coding note: exit 1, nothing sent"

abri_cli l1 code "$ref" --kind violence.domestic --context family --listened --informed \
  --consent police --consent shelter --referred shelter --outcome ongoing >/dev/null 2>&1 || fail "code"
abri_cli l1 acknowledge "$ref" --out "$T/l1-ack.json" >"$T/out" 2>&1 || fail "acknowledge: $(cat "$T/out")"
grep -q "Sent acknowledgement" "$T/out" || fail "acknowledge output: $(cat "$T/out")"
[ "$(abri_db "select kind from envelopes where case_ref = '$ref' order by pos desc limit 1")" = 5 ] ||
  fail "the last envelope is not an ack"
[ "$(stat -c %a "$T/l1-ack.json")" = 600 ] || fail "ack file mode"
ok "acknowledge after coding: an ack envelope (kind 5) and the file"

rep open --token-file "$T/tok" >"$T/open.json" || fail "reporter open: $(cat "$T/open.json")"
jq -s -e 'map(select(.kind == "ack")) | length == 1' "$T/open.json" >/dev/null || fail "no ack: $(cat "$T/open.json")"
a=$(jq -s -c 'map(select(.kind == "ack"))[0]' "$T/open.json")
jq -e '.verified and (.alarm | not) and .author == "listener" and .author_name == "Listener One"' <<<"$a" >/dev/null ||
  fail "ack not verified for the reporter: $a"
monday=$(abri_db "select to_char(week, 'YYYY-MM-DD') from cases where case_ref = '$ref'")
jq -e --arg r "$ref" --arg m "$monday" '.ack.v == 1 and .ack.case_ref == $r and .ack.received_week == $m
  and .ack.taxonomy == "2026.1" and .ack.listener == "Listener One" and .ack.lang == "fr"
  and .ack.elements == {"kind":"violence.domestic","context":"family","when":"month",
                        "where":"à la maison, Bruxelles","referrals":["shelter"]}' <<<"$a" >/dev/null ||
  fail "ack body: $a"
fr=$(jq -r .ack.fr <<<"$a")
for s in "Accusé de réception de votre plainte / signalement" "Référence du dossier : $ref" \
  "Violences conjugales et intrafamiliales" "Famille" "le mois du signalement" "à la maison, Bruxelles" \
  "Hébergement d'urgence" "Listener One" "article 5 de la directive 2012/29/UE" "abri verify-ack"; do
  grep -qF "$s" <<<"$fr" || fail "French text lacks '$s': $fr"
done
grep -qF "Police" <<<"$fr" && fail "the French text names police, which was consented to but not referred"
ok "the reporter sees the ack verified: elements from coding + form, French text ($week)"

abri_cli l2 show "$ref" >"$T/show" 2>&1 || fail "show: $(cat "$T/show")"
grep -q "written acknowledgement (Directive 2012/29/EU art. 5)" "$T/show" || fail "show: $(cat "$T/show")"
grep -q "Accusé de réception" "$T/show" || fail "show lacks the French text"
ok "abri show displays the acknowledgement (other listener)"

rep ack-file --token-file "$T/tok" --out "$T/ack.json" || fail "reporter ack-file"
jq -e '.abri_ack == 1 and .kind == 5 and .list_version == 1 and .tenant == "abri-test"' "$T/ack.json" >/dev/null ||
  fail "ack file: $(cat "$T/ack.json")"
cmp -s <(jq -r .inner "$T/ack.json") <(jq -r .inner "$T/l1-ack.json") || fail "the reporter's file differs from the listener's"
out=$(abri_cli l2 verify-ack --list "$T/list1.json" "$T/ack.json") || fail "verify-ack offline: $out"
grep -q "^valid: written acknowledgement for case $ref, issued .*, signed by listener Listener One" <<<"$out" ||
  fail "verify-ack said: $out"
grep -q "elements: kind violence.domestic, context family, when month, referrals shelter" <<<"$out" || fail "elements: $out"
grep -q "Accusé de réception" <<<"$out" || fail "French text not printed: $out"
out=$(abri_cli l2 verify-ack "$T/ack.json") || fail "verify-ack with the server's list: $out"
ok "the reporter's ack file verifies offline (--list) and against the server's list"

# verify-ack EXPECTED-RC LABEL FILE [extra args]
expect_rc() {
  local want=$1 label=$2 file=$3; shift 3
  local rc=0
  abri_cli l2 verify-ack "$@" "$file" >"$T/out" 2>&1 || rc=$?
  [ "$rc" = "$want" ] || fail "$label: exit $rc, expected $want: $(cat "$T/out")"
  ok "$label -> exit $rc"
}
inner=$(jq -r .inner "$T/ack.json")
# Elements changed inside the signed bytes (one byte of "family").
base64 -d <<<"$inner" >"$T/inner.bin"
sed 's/"context":"family"/"context":"famIly"/' "$T/inner.bin" >"$T/inner2.bin"
cmp -s "$T/inner.bin" "$T/inner2.bin" && fail "the edit did not apply"
jq --arg i "$(base64 -w0 "$T/inner2.bin")" '.inner = $i' "$T/ack.json" >"$T/t1.json"
expect_rc 2 "tampered elements" "$T/t1.json" --list "$T/list1.json"
# The signature (last byte) flipped.
sz=$(stat -c %s "$T/inner.bin")
{ head -c $((sz - 1)) "$T/inner.bin"; tail -c 1 "$T/inner.bin" | tr '\000-\377' '\001-\377\000'; } >"$T/inner3.bin"
jq --arg i "$(base64 -w0 "$T/inner3.bin")" '.inner = $i' "$T/ack.json" >"$T/t2.json"
expect_rc 2 "tampered signature" "$T/t2.json" --list "$T/list1.json"
# A list of another version only.
abri_sign_list 2 "$T/list2.json" "$T/keys/server.pub.json" "$T/l1.pub.json" "$T/l2.pub.json"
expect_rc 2 "wrong list (version 2 given, the ack names 1)" "$T/ack.json" --list "$T/list2.json"
jq '.list_version = 2' "$T/ack.json" >"$T/t3.json"
expect_rc 2 "list version changed in the file" "$T/t3.json" --list "$T/list2.json"
# A list signed by another organisation.
"$ABRI" admin org-keygen --out "$T/org2" --no-passphrase >/dev/null
"$ABRI" admin sign-recipients --org-key "$T/org2.key" --deployment "$DEPLOYMENT" --version 1 --days 30 \
  --out "$T/foreign.json" "$T/keys/server.pub.json" "$T/l1.pub.json" "$T/l2.pub.json" >/dev/null 2>&1
expect_rc 2 "a list signed by another organisation" "$T/ack.json" --list "$T/foreign.json"
# A list of version 1 where the signer is not a listener (l1 absent).
"$ABRI" admin sign-recipients --org-key "$T/org.key" --deployment "$DEPLOYMENT" --version 1 --days 30 \
  --out "$T/nol1.json" "$T/keys/server.pub.json" "$T/l2.pub.json" >/dev/null 2>&1
expect_rc 2 "the signer is not in the list" "$T/ack.json" --list "$T/nol1.json"
# Not an ack: a reply's inner message in an ack file.
echo '{"abri_ack": 1}' >"$T/t4.json"
expect_rc 2 "not an acknowledgement file" "$T/t4.json" --list "$T/list1.json"
expect_rc 0 "the untouched file still verifies" "$T/ack.json" --list "$T/list1.json"
echo "ack: all checks passed"
