#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
# N synthetic statistics records for one year, for `abri audit report
# --records` (bench/server.sh): the same codes and weights as the report's
# test oracle (tests/integration/audit_report.py), fixed seed.
#   records.py N OUT.json
import json, os, random, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
from audit_report import CONTEXTS, KINDS, MONTHS, OUTCOMES, TARGETS, YEAR  # noqa: E402


def main(n, path):
    rnd = random.Random(20261122)
    langs = ["none"] * 60 + ["ar"] * 12 + ["fa"] * 8 + ["uk"] * 7 + ["ti"] * 5 + ["so"] * 3 + ["ps"] * 2
    recs = []
    for _ in range(n):
        consent = sorted(rnd.sample(TARGETS, rnd.choice([0, 0, 1, 1, 2, 3])), key=TARGETS.index) \
            if rnd.random() < 0.7 else []
        recs.append({"v": 1, "taxonomy": "2026.1",
                     "month": "%d-%s" % (YEAR, rnd.choices(MONTHS, weights=[5, 6, 7, 8, 9, 9, 4, 3, 9, 10, 11, 8])[0]),
                     "kind": rnd.choices(KINDS, weights=[30, 12, 8, 5, 14, 20, 1.5, 4])[0],
                     "context": rnd.choices(CONTEXTS, weights=[10, 12, 8, 14, 20, 9, 6, 3])[0],
                     "interpreter": rnd.choice(langs),
                     "journey": {"listened": rnd.random() < 0.9, "informed": rnd.random() < 0.85,
                                 "consent": consent,
                                 "referred": [t for t in consent if rnd.random() < 0.7],
                                 "complaint_filed": rnd.random() < 0.15,
                                 "outcome": rnd.choices(OUTCOMES, weights=[30, 25, 10, 15, 12, 2])[0]}})
    with open(path, "w") as f:
        json.dump(recs, f)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
