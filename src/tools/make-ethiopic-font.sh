#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Make web/src/fonts/ethiopic-subset.woff2 and web/src/fonts/OFL.txt.
#
# Why: the Tigrinya catalog (web/src/i18n/ti.json) is written in Ethiopic
# script, which many cheap phones have no font for; they would show empty
# boxes. The web app therefore carries its own font, cut down to the
# Ethiopic blocks so it stays small (app.css loads it through @font-face
# with a unicode-range, so browsers that never meet Ethiopic text never
# download it).
#
# Source font: Noto Sans Ethiopic Regular from Debian 12's fonts-noto-core
# (SIL Open Font License 1.1). The output is checked into git; run this
# again only to change the subset.
#
# This script installs nothing. It needs these Debian packages:
#   fonts-noto-core    /usr/share/fonts/truetype/noto/NotoSansEthiopic-Regular.ttf
#   python3-fonttools  the subsetter (fontTools.subset)
#   python3-brotli     woff2 compression
# e.g.  apt-get install fonts-noto-core python3-fonttools python3-brotli
# Debian's own /usr/bin/python3 is used (not a pyenv/venv python3 that lacks
# those modules); set PYTHON to override.
#
# Usage (from the top of the source tree):
#   sh src/tools/make-ethiopic-font.sh [OUTDIR]      (default web/src/fonts)

set -eu

PYTHON=${PYTHON:-/usr/bin/python3}
SRC=${SRC_FONT:-/usr/share/fonts/truetype/noto/NotoSansEthiopic-Regular.ttf}
COPYRIGHT_FILE=/usr/share/doc/fonts-noto-core/copyright
OUT=${1:-web/src/fonts}

[ -r "$SRC" ] || { echo "missing $SRC (apt-get install fonts-noto-core)" >&2; exit 1; }
[ -r "$COPYRIGHT_FILE" ] || { echo "missing $COPYRIGHT_FILE (fonts-noto-core)" >&2; exit 1; }
"$PYTHON" -c 'import fontTools.subset, brotli' 2>/dev/null || {
	echo "$PYTHON lacks fontTools or brotli (apt-get install python3-fonttools python3-brotli)" >&2
	exit 1
}
mkdir -p "$OUT"

# Ethiopic, Ethiopic Supplement, Ethiopic Extended, Ethiopic Extended-A,
# plus the ASCII and general punctuation a Tigrinya sentence mixes in
# (the subsetter keeps only what the font really has; the rest falls back
# to the phone's own font), the combining marks the font uses, and U+25CC
# DOTTED CIRCLE for marks shown alone.
UNICODES='U+1200-137F,U+1380-139F,U+2D80-2DDF,U+AB00-AB2F'
UNICODES="$UNICODES,U+0020-007E,U+00A0,U+00AB,U+00BB,U+0308,U+030E"
UNICODES="$UNICODES,U+2010-2027,U+2039-203A,U+22EE,U+25CC"

# --no-hinting: phone screens do not need TrueType hints, and they are a
# large share of the file. Names 0-6 and 13-14 keep the copyright and the
# licence statement inside the font, as the OFL requires. The woff2 writer
# stores no timestamp of its own; the head table's dates come from the
# source font, so the output is the same on every run.
"$PYTHON" -m fontTools.subset "$SRC" \
	--unicodes="$UNICODES" \
	--layout-features='*' \
	--no-hinting \
	--name-IDs=0,1,2,3,4,5,6,13,14 \
	--name-languages='*' \
	--notdef-outline \
	--flavor=woff2 \
	--output-file="$OUT/ethiopic-subset.woff2"

# The language list shows Tigrinya's own name, ትግርኛ, on the first view of
# every visitor; the full subset (~67 KB) would break the first view's
# 100 KB budget. A second, tiny font carries just those four letters; the
# full one is fetched only when a page holds other Ethiopic text (app.css
# lists the tiny family first, each with its unicode-range).
"$PYTHON" -m fontTools.subset "$SRC" \
	--text='ትግርኛ' \
	--layout-features='*' \
	--no-hinting \
	--name-IDs=0,1,2,3,4,5,6,13,14 \
	--name-languages='*' \
	--notdef-outline \
	--flavor=woff2 \
	--output-file="$OUT/ethiopic-name.woff2"

# OFL.txt: the font's copyright line, then the licence text as Debian ships
# it in fonts-noto-core's copyright file (the "License: OFL-1.1" stanza,
# with the Debian continuation-line indent and "." blank lines undone).
"$PYTHON" - "$SRC" "$COPYRIGHT_FILE" > "$OUT/OFL.txt" <<'EOF'
import sys
from fontTools.ttLib import TTFont
font = TTFont(sys.argv[1])
print(font["name"].getDebugName(0))
print("These subsets (ethiopic-subset.woff2 and ethiopic-name.woff2, made by")
print("src/tools/make-ethiopic-font.sh")
print("from Noto Sans Ethiopic Regular, Debian package fonts-noto-core) is")
print("licensed under the SIL Open Font License, Version 1.1, as is the original.")
print()
lines, inside = [], False
for line in open(sys.argv[2], encoding="utf-8"):
    line = line.rstrip("\n")
    if line == "License: OFL-1.1":
        inside = True
        continue
    if inside:
        if not line.startswith(" "):
            if lines:
                break
            inside = False  # "License: OFL-1.1" inside a Files stanza
            continue
        body = line[1:]
        lines.append("" if body == "." else body)
if not lines:
    sys.exit("no OFL-1.1 stanza in " + sys.argv[2])
print("SIL OPEN FONT LICENSE Version 1.1 - 26 February 2007")
print()
print("\n".join(lines))
EOF

ls -l "$OUT/ethiopic-subset.woff2" "$OUT/OFL.txt"
