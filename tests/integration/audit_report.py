#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
# The annual report's test oracle, independent of the C code:
#   audit_report.py gen OUT.json            a synthetic year (fixed seed)
#   audit_report.py check RECORDS.json DIR [THRESHOLD]
#       recomputes every table by direct count, the suppression pattern
#       (primary + complementary, re-implemented here from docs/report.md)
#       and the rounding, and compares with every CSV cell in DIR.
#   audit_report.py noisy RECORDS.json DIR [THRESHOLD]
#       for a noisy report: same shapes, suppression rules hold on the
#       published pattern, values are multiples of 5.
#   audit_report.py gen-surveys OUT.json N  N synthetic survey answers
#   audit_report.py check-surveys SURVEYS.json DIR [THRESHOLD]
#       every number of the survey tables (one per question) against a
#       direct count, and which tables must be absent (fewer answers than
#       the threshold, for the question or for the whole year).
import csv, json, os, random, sys

YEAR = 2026
KINDS = ["violence.domestic", "violence.sexual", "violence.institutional", "violence.other",
         "discrimination.housing", "discrimination.work", "discrimination.policing",
         "discrimination.other"]
CONTEXTS = ["housing", "employment", "police", "public_space", "family", "institution",
            "online", "other"]
TARGETS = ["police", "equality_body", "victim_service", "health", "legal_aid",
           "social_services", "shelter"]
OUTCOMES = ["ongoing", "resolved", "complaint_filed", "no_further_action", "lost_contact",
            "other"]
MONTHS = ["%02d" % m for m in range(1, 13)]
STAGES = ["first_contact", "listened", "informed", "consented", "referred"]


def gen(path):
    rnd = random.Random(20261122)
    kw = [30, 12, 8, 5, 14, 20, 1.5, 4]          # discrimination.policing is rare
    cw = [10, 12, 8, 14, 20, 9, 6, 3]
    langs = ["none"] * 60 + ["ar"] * 12 + ["fa"] * 8 + ["uk"] * 7 + ["ti"] * 5 + \
        ["so"] * 3 + ["ps"] * 2 + ["ky", "am", "ln"]
    recs = []
    for i in range(640):
        m = rnd.choices(MONTHS, weights=[5, 6, 7, 8, 9, 9, 4, 3, 9, 10, 11, 8])[0]
        listened = rnd.random() < 0.9
        informed = rnd.random() < 0.85
        consent = sorted(rnd.sample(TARGETS, rnd.choice([0, 0, 1, 1, 2, 3])),
                         key=TARGETS.index) if rnd.random() < 0.7 else []
        referred = [t for t in consent if rnd.random() < 0.7]
        filed = rnd.random() < 0.15
        recs.append({"v": 1, "taxonomy": "2026.1", "month": "%d-%s" % (YEAR, m),
                     "kind": rnd.choices(KINDS, weights=kw)[0],
                     "context": rnd.choices(CONTEXTS, weights=cw)[0],
                     "interpreter": rnd.choice(langs),
                     "journey": {"listened": listened, "informed": informed,
                                 "consent": consent, "referred": referred,
                                 "complaint_filed": filed,
                                 "outcome": rnd.choices(OUTCOMES,
                                                        weights=[30, 25, 10, 15, 12, 2])[0]}})
    # Set aside by the report: another year, unknown code, referred without consent.
    bad = json.loads(json.dumps(recs[0]))
    bad["month"] = "%d-12" % (YEAR - 1)
    recs.append(bad)
    bad = json.loads(json.dumps(recs[1]))
    bad["kind"] = "violence.unknown"
    recs.append(bad)
    bad = json.loads(json.dumps(recs[2]))
    bad["journey"]["consent"] = []
    bad["journey"]["referred"] = ["police"]
    recs.append(bad)
    rnd.shuffle(recs)
    with open(path, "w") as f:
        json.dump(recs, f)


def valid(r):
    j = r.get("journey")
    if r.get("v") != 1 or not isinstance(j, dict) or not str(r.get("month", "")).startswith("%d-" % YEAR):
        return False
    if r["month"][5:] not in MONTHS or r.get("kind") not in KINDS or r.get("context") not in CONTEXTS:
        return False
    if j.get("outcome") not in OUTCOMES or not all(t in TARGETS for t in j.get("consent", [None])):
        return False
    return set(j.get("referred", [])) <= set(j["consent"]) and all(t in TARGETS for t in j["referred"])


def stage(r):
    j = r["journey"]
    if not j["listened"]:
        return 0
    if not j["informed"]:
        return 1
    if not j["consent"]:
        return 2
    return 4 if j["referred"] else 3


def tables(recs):
    freq = {}
    for r in recs:
        if r["interpreter"] != "none":
            freq[r["interpreter"]] = freq.get(r["interpreter"], 0) + 1
    top = sorted(freq, key=lambda l: (-freq[l], l))[:5]
    lang_cols = top + ["other", "none"]
    def lang(r):
        l = r["interpreter"]
        return l if l in top or l == "none" else "other"
    T = {}
    def add(tid, rows, cols, fn, additive=True):
        cnt = {(a, b): 0 for a in rows for b in cols}
        for r in recs:
            for key in fn(r):
                cnt[key] += 1
        T[tid] = (rows, cols, cnt, additive)
    add("kind_by_context", KINDS, CONTEXTS, lambda r: [(r["kind"], r["context"])])
    add("kind_by_month", KINDS, MONTHS, lambda r: [(r["kind"], r["month"][5:])])
    add("kind_by_interpreter", KINDS, lang_cols, lambda r: [(r["kind"], lang(r))])
    add("referrals", TARGETS, ["consented", "referred"],
        lambda r: [(t, "consented") for t in r["journey"]["consent"]] +
                  [(t, "referred") for t in r["journey"]["referred"]], additive=False)
    add("outcome_by_kind", OUTCOMES, KINDS, lambda r: [(r["journey"]["outcome"], r["kind"])])
    add("complaint_by_kind", ["yes", "no"], KINDS,
        lambda r: [("yes" if r["journey"]["complaint_filed"] else "no", r["kind"])])
    add("journey", STAGES, OUTCOMES, lambda r: [(STAGES[stage(r)], r["journey"]["outcome"])])
    return T


def extended(rows, cols, cnt, additive):
    """Matrix with margins: list of lists, last row/col = totals."""
    M = [[cnt[(a, b)] for b in cols] for a in rows]
    if additive:
        for row in M:
            row.append(sum(row))
        M.append([sum(M[i][j] for i in range(len(rows))) for j in range(len(cols) + 1)])
    return M


def suppress(M, thr, additive):
    R, C = len(M), len(M[0])
    S = [[0 < M[i][j] < thr for j in range(C)] for i in range(R)]
    if not additive:
        return S
    lines = [[(i, j) for j in range(C)] for i in range(R)] + [[(i, j) for i in range(R)] for j in range(C)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(S[i][j] for i, j in line) == 1:
                cand = [(M[i][j], k) for k, (i, j) in enumerate(line) if not S[i][j] and M[i][j] > 0]
                v, k = min(cand)          # smallest, then lowest index
                i, j = line[k]
                S[i][j] = True
                changed = True
    return S


def rnd5(v):
    return (v + 2) // 5 * 5


def read_csv(path):
    with open(path) as f:
        return list(csv.reader(f))


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def check_lines(name, S):
    for i, row in enumerate(S):
        if sum(row) == 1:
            fail("%s: row %d has exactly one suppressed entry" % (name, i))
    for j in range(len(S[0])):
        if sum(S[i][j] for i in range(len(S))) == 1:
            fail("%s: column %d has exactly one suppressed entry" % (name, j))


def check(records_path, out, thr, exact):
    recs = [r for r in json.load(open(records_path)) if valid(r)]
    n_checked = n_supp = 0
    T = tables(recs)
    for tid, (rows, cols, cnt, additive) in T.items():
        M = extended(rows, cols, cnt, additive)
        got = read_csv(os.path.join(out, tid + ".csv"))
        want_head = cols + (["total"] if additive else [])
        if got[0][1:] != want_head:
            fail("%s: header %s, expected %s" % (tid, got[0][1:], want_head))
        want_rows = rows + (["total"] if additive else [])
        if [g[0] for g in got[1:]] != want_rows:
            fail("%s: rows %s" % (tid, [g[0] for g in got[1:]]))
        S_pub = [[c == "suppressed" for c in g[1:]] for g in got[1:]]
        if additive:
            check_lines(tid, S_pub)
        S = suppress(M, thr, additive) if exact else S_pub
        for i, g in enumerate(got[1:]):
            for j, c in enumerate(g[1:]):
                n_checked += 1
                if S[i][j] != (c == "suppressed"):
                    fail("%s[%s][%s]: published %r, true count %d, expected %s" %
                         (tid, want_rows[i], want_head[j], c, M[i][j],
                          "suppressed" if S[i][j] else "shown"))
                if c == "suppressed":
                    n_supp += 1
                    continue
                v = int(c)
                if v % 5:
                    fail("%s: %d is not a multiple of 5" % (tid, v))
                if exact and (v != rnd5(M[i][j]) or abs(v - M[i][j]) > 2):
                    fail("%s[%s][%s]: published %d, true %d" % (tid, want_rows[i], want_head[j], v, M[i][j]))
    # Journey stage counts: sum of the row totals from that stage on.
    J = T["journey"]
    M = extended(*J)
    S = suppress(M, thr, True) if exact else None
    got = read_csv(os.path.join(out, "journey_stages.csv"))[1:]
    for k, (name, c) in enumerate(got):
        n_checked += 1
        if name != STAGES[k]:
            fail("journey_stages: %s" % name)
        if not exact:
            continue
        if k == 0:
            hidden, val = S[-1][-1], M[-1][-1]
        else:
            hidden = any(S[i][-1] for i in range(k, len(STAGES)))
            val = sum(M[i][-1] for i in range(k, len(STAGES)))
        want = "suppressed" if hidden else str(rnd5(val))
        if c != want:
            fail("journey stage %s: %s, expected %s" % (name, c, want))
    print("checked %d published numbers (%d suppressed) in %d tables for %d people" %
          (n_checked, n_supp, len(T) + 1, len(recs)))
    if exact and n_supp == 0:
        fail("the synthetic year has no suppressed cell: the test proves nothing")


QUESTIONS = {"listened": ["yes", "partly", "no"], "informed": ["yes", "partly", "no"],
             "language": ["yes", "partly", "no"], "safe": ["yes", "partly", "no"],
             "recommend": ["yes", "no", "unsure"], "overall": ["1", "2", "3", "4", "5"]}


def gen_surveys(path, n):
    rnd = random.Random(20261123 + n)
    # How often each question is answered: "language" rarely (hidden below
    # the threshold), the rest mostly; "partly" and "2" are rare answers.
    answered = {"listened": 0.95, "informed": 0.9, "language": 0.06, "safe": 0.85,
                "recommend": 0.8, "overall": 0.9}
    weights = {"listened": [20, 2, 3], "informed": [15, 4, 6], "language": [5, 1, 1],
               "safe": [20, 3, 2], "recommend": [18, 2, 5], "overall": [2, 1, 5, 12, 14]}
    docs = []
    for _ in range(n):
        a = {}
        for q, choices in QUESTIONS.items():
            if rnd.random() < answered[q]:
                v = rnd.choices(choices, weights=weights[q])[0]
                a[q] = int(v) if q == "overall" else v
        docs.append({"survey": 1, "answers": a})
    # Set aside: unknown answer, free text, another version.
    docs.append({"survey": 1, "answers": {"listened": "maybe"}})
    docs.append({"survey": 1, "answers": {"safe": "yes"}, "comment": "free text"})
    docs.append({"survey": 2, "answers": {}})
    rnd.shuffle(docs)
    with open(path, "w") as f:
        json.dump(docs, f)


def survey_valid(d):
    if not isinstance(d, dict) or set(d) != {"survey", "answers"} or d["survey"] != 1 or \
            not isinstance(d["answers"], dict):
        return False
    for q, v in d["answers"].items():
        if q not in QUESTIONS or str(v) not in QUESTIONS[q] or \
                (q == "overall") != (type(v) is int):
            return False
    return True


def check_surveys(path, out, thr):
    docs = [d for d in json.load(open(path)) if survey_valid(d)]
    shown_year = len(docs) >= thr
    n_checked = n_supp = n_tables = 0
    for q, choices in QUESTIONS.items():
        f = os.path.join(out, "survey_%s.csv" % q)
        cnt = {(c, "answers"): 0 for c in choices}
        for d in docs:
            if q in d["answers"]:
                cnt[(str(d["answers"][q]), "answers")] += 1
        total = sum(cnt.values())
        if not shown_year or total < thr:
            if os.path.exists(f):
                fail("%s: published with %d answers (year %d), threshold %d" % (f, total, len(docs), thr))
            continue
        n_tables += 1
        M = extended(choices, ["answers"], cnt, True)
        S = suppress(M, thr, True)
        got = read_csv(f)
        if got[0] != ["answer", "answers"] or [g[0] for g in got[1:]] != choices + ["total"]:
            fail("%s: shape %s" % (f, got))
        for i, g in enumerate(got[1:]):
            n_checked += 1
            c = g[1]
            if S[i][0] != (c == "suppressed"):
                fail("%s row %s: published %r, true count %d" % (f, g[0], c, M[i][0]))
            if c == "suppressed":
                n_supp += 1
            elif int(c) != rnd5(M[i][0]):
                fail("%s row %s: published %s, true %d" % (f, g[0], c, M[i][0]))
    print("survey: checked %d published numbers (%d suppressed) in %d tables for %d answers" %
          (n_checked, n_supp, n_tables, len(docs)))
    return n_tables, n_supp


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    elif sys.argv[1] == "gen-surveys":
        gen_surveys(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "check-surveys":
        thr = int(sys.argv[4]) if len(sys.argv) > 4 else 10
        tables_shown, supp = check_surveys(sys.argv[2], sys.argv[3], thr)
        want = int(os.environ.get("EXPECT_SURVEY_TABLES", "-1"))
        if want >= 0 and tables_shown != want:
            fail("survey: %d tables shown, expected %d" % (tables_shown, want))
    else:
        thr = int(sys.argv[4]) if len(sys.argv) > 4 else 10
        check(sys.argv[2], sys.argv[3], thr, sys.argv[1] == "check")
