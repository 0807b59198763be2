#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""The attacker with a copy of abri's data directory (tests/integration/forensic.sh).

Reads a stopped copy of the PostgreSQL data directory (started read-mostly
on its own socket, with pageinspect), its WAL (pg_waldump), its raw files
and the server logs, together with what the attacker is assumed to know
besides: the pepper (it is on the same server), the listeners' public keys
(the recipient list is public) and the survey codes a listener handed out
(a listener's memory). The ground truth of what happened when (truth.jsonl,
written by the driver while the scenario ran) says which findings are
leaks. Prints one line per check and a JSON summary; exit 1 when any check
found a leak.

Checks, each named so the positive control can require it:
  xids       no row, live or dead, carries the transaction id of a write
             made in an ended week (they are re-stamped);
  order      within an ended week, neither transaction ids, physical order
             (ctid) nor TOAST value ids order the cases or the envelopes
             as they were written (Kendall's tau over pairs in one week);
  attribution no row written within three transactions of a listener's
             write in an ended week holds a listener's key id;
  clock      no stored time (expiries of short-lived rows, live or dead;
             dates) places a write inside an ended week more finely than
             the week;
  survey     no spent survey code's keyed hash is anywhere in the files,
             and no answer shares a transaction id with a code's deletion;
  wal        no WAL commit record of an ended week's write is left;
  log        the PostgreSQL log holds no time of day;
  stats      no autovacuum/autoanalyze time is recorded for abri's tables,
             and no planner statistics sample an identifier column.
"""
import argparse
import base64
import datetime
import glob
import hashlib
import json
import os
import re
import subprocess
import sys

ABRI_TABLES = ["cases", "envelopes", "recipient_lists", "request_replay", "spent_challenges",
               "stats_batches", "uploads", "upload_chunks", "survey_codes", "survey_answers",
               "survey_inbox", "survey_code_counts", "housekeeping"]


def psql(dsn, sql):
    out = subprocess.run(["psql", dsn, "-v", "ON_ERROR_STOP=1", "-Atq", "-F", "\t", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line != ""]


def kendall(groups):
    """Kendall's tau between the true order and an observed value, over
    pairs within one week (the week is public) and of different cases
    (positions order one case's envelopes anyway); ties in the observed
    value carry no order. groups: week -> [(true rank, observed, case)].
    Returns (tau, number of ordered pairs)."""
    conc = disc = 0
    for group in groups.values():
        for i in range(len(group)):
            for j in range(i + 1, len(group)):
                (ti, oi, ci), (tj, oj, cj) = group[i], group[j]
                if ci == cj or ti == tj or oi == oj:
                    continue
                if (ti < tj) == (oi < oj):
                    conc += 1
                else:
                    disc += 1
    n = conc + disc
    return ((conc - disc) / n if n else 0.0), n


class Findings:
    def __init__(self):
        self.leaks = {}
        self.notes = []

    def leak(self, check, what):
        self.leaks.setdefault(check, []).append(what)
        print(f"LEAK [{check}] {what}")

    def ok(self, check, what):
        print(f"ok [{check}] {what}")


def tuples(dsn, rel):
    """Every item on every page of rel (live, dead, unused), with its
    attributes as raw bytes: (blkno, lp, flags, xmin, xmax, infomask, attrs)."""
    n = int(psql(dsn, f"select pg_relation_size('{rel}') / current_setting('block_size')::int")[0][0])
    out = []
    for blk in range(n):
        rows = psql(dsn, f"""select lp, lp_flags, coalesce(t_xmin::text, ''), coalesce(t_xmax::text, ''),
                                 coalesce(t_infomask, 0), coalesce(array_to_string(
                                   array(select encode(a, 'hex') from unnest(t_attrs) a), ','), '')
                          from heap_page_item_attrs(get_raw_page('{rel}', {blk}), '{rel}'::regclass, false)""")
        for lp, flags, xmin, xmax, infomask, attrs in rows:
            out.append((blk, int(lp), int(flags), int(xmin) if xmin else None,
                        int(xmax) if xmax else None, int(infomask),
                        [bytes.fromhex(a) for a in attrs.split(",")] if attrs else []))
    return out


HEAP_XMAX_IS_MULTI = 0x1000
HEAP_XMAX_INVALID = 0x0800


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dsn", required=True, help="the attacker's PostgreSQL on the copy")
    ap.add_argument("--pgdata", required=True)
    ap.add_argument("--pglog", required=True)
    ap.add_argument("--waldump", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--pepper", required=True)
    ap.add_argument("--listener-pub", action="append", default=[])
    ap.add_argument("--current-week", required=True, help="unix time of the current week's Monday")
    ap.add_argument("--keep", type=int, default=600, help="seconds a replay nonce is kept")
    ap.add_argument("--challenge-ttl", type=int, required=True)
    ap.add_argument("--upload-ttl", type=int, required=True)
    ap.add_argument("--summary", required=True)
    a = ap.parse_args()

    f = Findings()
    truth = [json.loads(line) for line in open(a.truth)]
    current = int(a.current_week)
    ended = [t for t in truth if t["time"] < current]
    ended_xids = {t["xid"] for t in ended if t.get("xid")}
    print(f"truth: {len(truth)} writes, {len(ended)} in ended weeks "
          f"({len(ended_xids)} transactions)")
    pepper = open(a.pepper, "rb").read()
    kids = []
    for p in a.listener_pub:

        pk = base64.b64decode(json.load(open(p))["ed25519"])
        kids.append(hashlib.blake2b(b"abri-kid" + b"\x02" + pk, digest_size=16).digest())

    psql(a.dsn, "create extension if not exists pageinspect")
    rels = []
    for t in ABRI_TABLES + ["legacy_replay"]:
        r = psql(a.dsn, f"select c.oid::regclass::text, case when c.reltoastrelid <> 0 then c.reltoastrelid::regclass::text else '' end"
                        f" from pg_class c where c.relname = '{t}' and c.relnamespace = 'public'::regnamespace")
        if r:
            rels.append((t, r[0][0]))
            if r[0][1]:
                rels.append((t + "/toast", r[0][1]))
    pages = {name: tuples(a.dsn, rel) for name, rel in rels}

    # ---- xids: no row carries an ended week's original transaction id.
    found = set()
    for name, items in pages.items():
        for blk, lp, flags, xmin, xmax, infomask, attrs in items:
            for x, is_xmax in ((xmin, False), (xmax, True)):
                if x is None or x == 0:
                    continue
                if is_xmax and infomask & (HEAP_XMAX_IS_MULTI | HEAP_XMAX_INVALID):
                    continue
                if x in ended_xids:
                    found.add((name, x))
    if found:
        for name, x in sorted(found)[:10]:
            f.leak("xids", f"{name} still holds a tuple stamped by ended-week transaction {x}")
    else:
        f.ok("xids", f"no tuple (live or dead) of {len(pages)} relations carries any of "
                     f"{len(ended_xids)} ended-week transaction ids")

    # ---- attribution: a listener's key id next to a listener's write.
    staff = [t for t in ended if t["actor"] in ("l1", "l2") and t.get("xid")]
    named = 0
    for t in staff:
        for name, items in pages.items():
            for blk, lp, flags, xmin, xmax, infomask, attrs in items:
                if xmin is None or not (t["xid"] - 3 <= xmin <= t["xid"]):
                    continue
                blob = b"".join(attrs)
                for i, kid in enumerate(kids):
                    if kid in blob:
                        named += 1
                        f.leak("attribution", f"{t['what']} by {t['actor']} (xid {t['xid']}): "
                                              f"{name} row at xid {xmin} holds listener {i + 1}'s key id")
    if not named:
        f.ok("attribution", f"no row within 3 transactions of {len(staff)} listener writes "
                            f"names a listener")

    # ---- order: xmin, ctid and TOAST ids against the true order, per week.
    cases = {t["case"]: t for t in ended if t["what"] == "report"}
    obs = {r[0]: (int(r[1]), tuple(map(int, r[2].strip("()").split(","))))
           for r in psql(a.dsn, "select case_ref, xmin::text, ctid::text from cases")}
    toast = psql(a.dsn, """select e.case_ref, e.pos, t.chunk_id::text from envelopes e join
        (select chunk_id, string_agg(chunk_data, ''::bytea order by chunk_seq) v
           from pg_toast.pg_toast_""" + psql(a.dsn, "select oid from pg_class where relname = 'envelopes'")[0][0]
                 + """ group by chunk_id) t on t.v = e.envelope""")
    toast_id = {(r[0], int(r[1])): int(r[2]) for r in toast}
    env = {(r[0], int(r[1])): (int(r[2]), tuple(map(int, r[3].strip("()").split(","))))
           for r in psql(a.dsn, "select case_ref, pos, xmin::text, ctid::text from envelopes")}
    writes = [t for t in ended if t.get("case") and t.get("pos")]
    for label, rows, key in (("cases", list(cases.values()), lambda t: t["case"]),
                             ("envelopes", writes, lambda t: (t["case"], t["pos"]))):
        for how in ("xmin", "ctid", "toast id"):
            groups = {}
            for t in rows:
                k = key(t)
                if label == "cases":
                    o = obs.get(k)
                    v = None if o is None else (o[0] if how == "xmin" else o[1] if how == "ctid"
                                                else toast_id.get((k, 1)))
                else:
                    o = env.get(k)
                    v = None if o is None else (o[0] if how == "xmin" else o[1] if how == "ctid"
                                                else toast_id.get(k))
                if v is None:
                    continue
                groups.setdefault(t["week"], []).append((t["seq"], v, t["case"]))
            tau, n = kendall(groups)
            if n >= 10 and tau > 0.7:
                f.leak("order", f"{label} by {how}: Kendall tau {tau:.2f} over {n} pairs "
                                f"within ended weeks (the write order shows)")
            else:
                f.ok("order", f"{label} by {how}: tau {tau:.2f} over {n} ordered pairs "
                              f"(no write order within ended weeks)")

    # ---- clock: stored times of short-lived rows, live and dead.
    def expiry_leak(name, keep, attr_index):
        hits = 0
        for blk, lp, flags, xmin, xmax, infomask, attrs in pages.get(name, []):
            if len(attrs) <= attr_index or len(attrs[attr_index]) != 8:
                continue
            e = int.from_bytes(attrs[attr_index], "little", signed=True)
            if e - keep < current:
                hits += 1
                when = datetime.datetime.fromtimestamp(e - keep, datetime.timezone.utc)
                if hits <= 3:
                    f.leak("clock", f"{name} tuple ({blk},{lp}) {'dead' if xmax else 'live'}: "
                                    f"written by {when:%a %Y-%m-%d %H:%M} UTC, in an ended week")
        return hits
    n = expiry_leak("request_replay", a.keep, 1) + \
        expiry_leak("spent_challenges", a.challenge_ttl, 1) + \
        expiry_leak("legacy_replay", a.keep, 2)
    dates = psql(a.dsn, """select count(*) filter (where extract(isodow from week) <> 1),
                                  count(*) filter (where purge_after is not null and extract(isodow from purge_after) <> 1)
                           from cases""")[0]
    codes = psql(a.dsn, "select count(*) filter (where extract(isodow from expires) <> 7) from survey_codes")[0]
    if dates != ["0", "0"] or codes != ["0"]:
        n += 1
        f.leak("clock", f"a date finer than the week: cases {dates}, survey codes {codes}")
    cols = psql(a.dsn, """select table_name || '.' || column_name from information_schema.columns
                          where table_schema = 'public' and data_type in ('date', 'timestamp without time zone',
                          'timestamp with time zone', 'bigint', 'time without time zone')
                          order by 1""")
    known = {"cases.week", "cases.purge_after", "request_replay.expires_at",
             "spent_challenges.expires_at", "uploads.expires_at", "survey_codes.expires",
             "survey_answers.month", "stats_batches.month", "recipient_lists.not_after",
             "recipient_lists.version", "survey_code_counts.month", "housekeeping.restamped_week",
             "housekeeping.survey_month", "legacy_replay.expires_at"}
    for (c,) in cols:
        if c not in known:
            n += 1
            f.leak("clock", f"unreviewed time-like column {c}")
    if not n:
        f.ok("clock", "no stored time dates an ended week's write finer than the week "
                      "(short-lived rows, live or dead; weeks, purge dates, code expiries)")

    # ---- survey: the spent codes' keyed hashes, and shared transaction ids.
    codes_used = [t["code"] for t in truth if t["what"] == "survey answer"]
    tags = [hashlib.blake2b(b"svc" + c.replace("-", "").encode(), key=pepper, digest_size=32).digest()
            for c in codes_used]
    files = [p for p in glob.glob(os.path.join(a.pgdata, "base", "**", "*"), recursive=True)
             if os.path.isfile(p)] + glob.glob(os.path.join(a.pgdata, "global", "*"))
    hits = 0
    for p in files:
        data = open(p, "rb").read()
        for tag in tags:
            if tag in data:
                hits += 1
                f.leak("survey", f"a spent code's keyed hash is in {os.path.relpath(p, a.pgdata)}")
    code_xmax = {x for (_, _, _, _, x, im, _) in pages.get("survey_codes", [])
                 if x and not im & (HEAP_XMAX_IS_MULTI | HEAP_XMAX_INVALID)}
    ans_xmin = {x for name in ("survey_answers", "survey_inbox")
                for (_, _, _, x, _, _, _) in pages.get(name, []) if x}
    shared = code_xmax & ans_xmin
    if shared:
        hits += 1
        f.leak("survey", f"an answer shares transaction {sorted(shared)[0]} with a code's deletion")
    if not hits:
        f.ok("survey", f"none of {len(tags)} spent codes' keyed hashes in {len(files)} files; "
                       f"no answer shares a transaction with a code's deletion")

    # ---- wal: commit records of ended-week writes.
    segs = sorted(p for p in glob.glob(os.path.join(a.pgdata, "pg_wal", "*")) if re.fullmatch(r"[0-9A-F]{24}", os.path.basename(p)))
    commits = {}
    for s in segs:
        r = subprocess.run([a.waldump, s], capture_output=True, text=True)
        for line in r.stdout.splitlines():
            m = re.search(r"rmgr: Transaction .*tx:\s+(\d+),.*desc: COMMIT (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", line)
            if m:
                commits[int(m.group(1))] = m.group(2)
    left = sorted(set(commits) & ended_xids)
    if left:
        f.leak("wal", f"{len(left)} commit records of ended-week writes are in the WAL "
                      f"(with their times, e.g. xid {left[0]} at {commits[left[0]]})")
    else:
        f.ok("wal", f"{len(segs)} WAL segments, {len(commits)} commit records, none of an "
                    f"ended-week write")
    oldest = min(commits.values()) if commits else None
    f.notes.append({"wal_segments": len(segs), "wal_commits": len(commits), "oldest_commit": oldest})

    # ---- log: time of day in PostgreSQL's log.
    # PostgreSQL states its own start and stop times in a few messages
    # ("shut down at", "last known up at"): server events, not activity.
    lifecycle = re.compile(r"database system was (shut down|interrupted)|last known up at")
    timed = [line for line in open(a.pglog, errors="replace")
             if re.search(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d", line)
             and not (lifecycle.search(line) and not re.match(r"\s*\d{4}-", line))]
    if timed:
        f.leak("log", f"{len(timed)} PostgreSQL log lines carry a time, e.g. {timed[0].strip()[:80]}")
    else:
        f.ok("log", "the PostgreSQL log holds no time of day (but its own start and stop)")

    # ---- stats: activity-timed vacuums, sampled identifiers.
    av = psql(a.dsn, """select relname from pg_stat_user_tables where schemaname = 'public' and
                        (last_autovacuum is not null or last_autoanalyze is not null)""")
    sampled = psql(a.dsn, """select s.starelid::regclass::text || '.' || a.attname from pg_statistic s
                             join pg_attribute a on a.attrelid = s.starelid and a.attnum = s.staattnum
                             join pg_class c on c.oid = s.starelid
                             where c.relnamespace = 'public'::regnamespace and a.attstattarget = 0""")
    if av or sampled:
        f.leak("stats", f"autovacuum/autoanalyze times on {[r[0] for r in av]}; "
                        f"sampled identifiers {[r[0] for r in sampled]}")
    else:
        f.ok("stats", "no autovacuum or autoanalyze time on abri's tables; no identifier sampled")

    json.dump({"leaks": {k: len(v) for k, v in f.leaks.items()}, "notes": f.notes},
              open(a.summary, "w"))
    sys.exit(1 if f.leaks else 0)


if __name__ == "__main__":
    main()
