#!/usr/bin/env bash
# Canary: a unique plaintext string goes through the whole flow (report,
# reply, follow-up); afterwards neither it, nor the token, nor the lookup
# key appears anywhere in PostgreSQL's data directory (tables, indexes,
# WAL, logs) nor in abrid's output. A positive control proves the search
# would have found them.
source "$(dirname "$0")/../harness/env.sh"
abri_env_up
SRV="unix:$T/abrid.sock"
rep() { "$REPORTER" "$1" --server "$SRV" --deployment "$DEPLOYMENT" --org-pub "$T/org.pub.json" "${@:2}"; }

CANARY="canary-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')-plaintext"
CONTROL="control-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

rep submit --text "report $CANARY" --token-out "$T/token" >"$T/sub.json" || fail "submit"
ref=$(jq -r .case_ref "$T/sub.json")
abri_cli l1 show "$ref" | grep -q "$CANARY" || fail "listener cannot read the canary"
abri_cli l1 reply "$ref" -m "reply $CANARY" >/dev/null || fail "reply"
rep message --token-file "$T/token" --text "follow-up $CANARY" >/dev/null || fail "follow-up"
rep open --token-file "$T/token" | grep -q "reply $CANARY" || fail "reporter cannot read the reply"
rep keys --token-file "$T/token" >"$T/keys.json" || fail "reporter keys"
token=$(tr -d ' \n' <"$T/token")
lookup_b64=$(jq -r .lookup_key "$T/keys.json")

# Positive control: a plaintext row the search must find.
abri_db "create table canary_control(t text); insert into canary_control values ('$CONTROL')"
abri_db "checkpoint"
abrid_stop
"$ABRI_SRC/src/scripts/pg.sh" stop "$T/data"

python3 - "$T/data" "$T/abrid.log" "$CONTROL" "$CANARY" "$token" "$lookup_b64" <<'PY'
import base64, os, sys
data_dir, log, control, canary, token, lookup_b64 = sys.argv[1:]
lookup = base64.b64decode(lookup_b64)
needles = {
    "canary (UTF-8)": canary.encode(),
    "canary (base64 of plaintext)": base64.b64encode(("report " + canary).encode())[:24],
    "token": token.encode(),
    "token (grouped)": " ".join(token[i:i+4] for i in range(0, 24, 4)).encode(),
    "lookup key (raw)": lookup,
    "lookup key (base64)": lookup_b64.encode(),
    "lookup key (hex)": lookup.hex().encode(),
}
files = [log]
for root, _, names in os.walk(data_dir):
    files += [os.path.join(root, n) for n in names]
found_control = False
bad = []
nbytes = 0
for path in files:
    try:
        blob = open(path, "rb").read()
    except OSError:
        continue
    nbytes += len(blob)
    if control.encode() in blob:
        found_control = True
    for name, needle in needles.items():
        if needle in blob:
            bad.append(f"{name} found in {path}")
print(f"searched {len(files)} files, {nbytes} bytes (data directory with WAL, abrid output)")
if not found_control:
    sys.exit("FAIL: positive control not found: the search is broken")
print("ok - positive control found")
if bad:
    sys.exit("FAIL: " + "; ".join(bad))
print("ok - no canary, token or lookup key anywhere")
PY
echo "canary: passed"
