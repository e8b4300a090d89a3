"""Build ``scan/data/subject_words.txt``: the words of official letter subjects and senders.

Run by a maintainer, never at run time: ``python -m scan.build_lexicon SHARED_DIR``. The sources are
the real letter headers of ``shared/data/parse-dev.jsonl`` (their subjects and senders) and the
domain notes ``shared/domain/SARABAN.md``; the text is cut into words with PyThaiNLP's dictionary
(bundled, offline). Words are written with the number of times they were seen: the corrector
(:mod:`scan.correct`) adds them to the dictionary and gives them at least a modest frequency, so a
word of an official subject (สารบรรณ, อิเล็กทรอนิกส์) is preferred to a rare look-alike.
Deliberately NOT built from :mod:`scan.specimens` (the test letters' own word lists): the bench
would then measure the lexicon, not the reader.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

_WORD = re.compile(r"[ก-ฺเ-๎]{2,}")
OUT = Path(__file__).parent / "data" / "subject_words.txt"


def texts(shared: Path) -> list[str]:
    out = []
    for line in (shared / "data" / "parse-dev.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            exp = json.loads(line).get("expect", {})
            out += [str(exp[k]) for k in ("subject", "sender") if exp.get(k)]
    out += (shared / "domain" / "SARABAN.md").read_text(encoding="utf-8").splitlines()
    return out


def build(shared: Path) -> Counter:
    from pythainlp.corpus import thai_words
    from pythainlp.tokenize import word_tokenize

    known = thai_words()
    seen: Counter = Counter()
    for text in texts(shared):
        for tok in word_tokenize(text, engine="newmm"):
            if _WORD.fullmatch(tok):
                seen[tok] += 1
    # a word outside the dictionary must be seen twice (one-off typos in the sources stay out)
    return Counter({w: n for w, n in seen.items() if w in known or n >= 2})


def main(argv: list[str]) -> int:
    shared = Path(argv[0] if argv else "../shared")
    words = build(shared)
    lines = [f"{w}\t{n}" for w, n in sorted(words.items(), key=lambda x: (-x[1], x[0]))]
    OUT.write_text("# word<TAB>count: built by python -m scan.build_lexicon from parse-dev.jsonl and SARABAN.md\n"
                   + "\n".join(lines) + "\n", encoding="utf-8")  # fmt: skip
    print(f"{len(lines)} words -> {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
