#!/usr/bin/env bash
# A hostile or broken server: the listener's CLI must notice. The test
# plays the server by editing PostgreSQL directly, then checks that
# `abri show` exits 2 and names the problem: a message moved from another
# case, a replayed message, a dropped message, a report sealed to a key
# that is not a listener's (abrid refuses it; stored anyway, the CLI
# alarms), and a rolled-back recipient list.
source "$(dirname "$0")/../harness/env.sh"
abri_env_up
SRV="unix:$T/abrid.sock"
rep() { "$REPORTER" "$1" --server "$SRV" --deployment "$DEPLOYMENT" --org-pub "$T/org.pub.json" "${@:2}"; }

rep submit --text "case A report" --token-out "$T/tokA" >"$T/a.json" || fail "submit A"
rep submit --text "case B report" --token-out "$T/tokB" >"$T/b.json" || fail "submit B"
A=$(jq -r .case_ref "$T/a.json"); B=$(jq -r .case_ref "$T/b.json")
abri_cli l1 reply "$A" -m "first answer" >/dev/null || fail "reply 1"
rep message --token-file "$T/tokA" --text "more details" >/dev/null || fail "follow-up"
abri_cli l1 reply "$A" -m "second answer" >/dev/null || fail "reply 2"
abri_cli l2 show "$A" >/dev/null || fail "clean case A does not verify"
abri_cli l2 show "$B" >/dev/null || fail "clean case B does not verify"
ok "clean cases verify (exit 0)"

# show_flags WHAT PATTERN: abri show must exit 2 and print PATTERN
show_flags() {
  local rc=0
  abri_cli l2 show "$A" >"$T/show.txt" 2>&1 || rc=$?
  [ "$rc" = 2 ] || fail "$1: abri show exited $rc, expected 2: $(cat "$T/show.txt")"
  grep -qiE "$2" "$T/show.txt" || fail "$1: abri show did not say /$2/: $(cat "$T/show.txt")"
  ok "$1 is flagged"
}

next_pos() { abri_db "select coalesce(max(pos), 0) + 1 from envelopes where case_ref = '$A'"; }

# 1. Moved: B's report appended to case A.
abri_db "insert into envelopes (case_ref, pos, kind, envelope, envelope_hash, submission_tag)
         select '$A', $(next_pos), kind, envelope, sha256(envelope_hash || '\\x00'::bytea),
                sha256(submission_tag || '\\x00'::bytea) from envelopes where case_ref = '$B' and pos = 1"
show_flags "an envelope moved from another case" "another case|wrong thread|moved"
abri_db "delete from envelopes where case_ref = '$A' and pos = (select max(pos) from envelopes where case_ref = '$A')"

# 2. Replayed: A's first reply stored a second time.
abri_db "insert into envelopes (case_ref, pos, kind, envelope, envelope_hash, submission_tag)
         select '$A', $(next_pos), kind, envelope, sha256(envelope_hash || '\\x01'::bytea),
                sha256(submission_tag || '\\x01'::bytea) from envelopes where case_ref = '$A' and pos = 2"
show_flags "a replayed envelope" "replay|duplicate"
abri_db "delete from envelopes where case_ref = '$A' and pos = (select max(pos) from envelopes where case_ref = '$A')"

abri_cli l2 show "$A" >/dev/null || fail "case A does not verify after undoing the tampering"

# 3. Dropped: the first reply disappears (the second reply's chain shows the gap).
abri_db "delete from envelopes where case_ref = '$A' and pos = 2"
show_flags "a dropped message" "missing|gap"

# 4. Sealed to a non-listener: a report sealed to the listeners and also
# to the server's key (or an auditor's) could be read by the operator (or
# the auditors). abrid refuses it and writes nothing; a server that stores
# it anyway (played here with psql) does not get it past the CLI.
"$ABRI" keygen --role auditor --name "Auditor" --out "$T/aud" --passphrase-file "$T/pass" --kdf-fast >/dev/null
abri_sign_list 2 "$T/list2.json" "$T/keys/server.pub.json" "$T/l1.pub.json" "$T/l2.pub.json" "$T/aud.pub.json"
abri_cli l1 admin upload-recipients "$T/list2.json" >/dev/null || fail "upload list 2 (with an auditor)"
abri_cli l2 show "$B" >/dev/null 2>&1 || fail "show B under list 2"
n=0
for role in server auditor; do
  rep seal --text "a report also sealed to the $role" --also-to "$role" >"$T/also-$role.json" ||
    fail "seal a report also to the $role"
  before=$(abri_db_snapshot)
  abri_api POST /v1/cases -H 'Content-Type: application/json' --data-binary "@$T/also-$role.json"
  expect_error 400 unknown_recipient
  [ "$(abri_db_snapshot)" = "$before" ] || fail "a report also sealed to the $role changed the database"
  ok "a report also sealed to the $role key -> 400 unknown_recipient, nothing changed"
  n=$((n + 1)); R="7K2M9QX4T$n"
  abri_db "insert into cases (case_ref, lookup_hash, week)
           values ('$R', sha256('$R'::bytea), date_trunc('week', now())::date)"
  abri_db "insert into envelopes (case_ref, pos, kind, envelope, envelope_hash, submission_tag)
           select '$R', 1, 1, e, sha256(e), sha256(sha256(e))
           from (select decode('$(jq -r .envelope "$T/also-$role.json")', 'base64') as e) x"
  rc=0; abri_cli l2 show "$R" >"$T/show.txt" 2>&1 || rc=$?
  [ "$rc" = 2 ] || fail "a stored report also sealed to the $role: abri show exited $rc, expected 2: $(cat "$T/show.txt")"
  grep -q "also sealed to the $role" "$T/show.txt" || fail "abri show did not show the report: $(cat "$T/show.txt")"
  grep -qi "ALSO SEALED TO A KEY THAT IS NOT A LISTENER" "$T/show.txt" ||
    fail "abri show does not say the report was sealed to a non-listener: $(cat "$T/show.txt")"
  grep -q "SECURITY ALARM" "$T/show.txt" || fail "no alarm line: $(cat "$T/show.txt")"
  ok "abri show alarms on a stored report also sealed to the $role key"
done

# 5. Rolled-back list: the listener saw version 3, the server serves version 2 again.
# Version 3 adds a listener: listener 2 is shown the fingerprint diff.
"$ABRI" keygen --role listener --name "Listener Three" --out "$T/l3" --passphrase-file "$T/pass" --kdf-fast >/dev/null
abri_sign_list 3 "$T/list3.json" "$T/keys/server.pub.json" "$T/l1.pub.json" "$T/l2.pub.json" "$T/l3.pub.json"
abri_cli l1 admin upload-recipients "$T/list3.json" >/dev/null || fail "upload list 3"
abri_cli l2 show "$B" >"$T/show.txt" 2>&1 || fail "show B under list 3"
grep -q "CHANGED: version 2 -> 3" "$T/show.txt" || fail "no list change shown: $(cat "$T/show.txt")"
grep -A2 "+ listener Listener Three" "$T/show.txt" | grep -qE "signing( [0-9a-f]{4}){8}" ||
  fail "the new member and its fingerprint are not shown: $(cat "$T/show.txt")"
ok "a changed recipient list is shown with a fingerprint diff"
abri_db "delete from recipient_lists where version = 3"
abrid_stop; abrid_start   # abrid caches the lists it loaded
rc=0; abri_cli l2 show "$B" >"$T/show.txt" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "rolled-back list: abri show exited $rc, expected 2"
grep -qiE "roll|lower|older" "$T/show.txt" || fail "rolled-back list not named: $(cat "$T/show.txt")"
ok "a rolled-back recipient list is refused"
echo "tamper: all checks passed"
