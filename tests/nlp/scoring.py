"""Score ``parse_message`` on a JSON-lines set with the rules of shared/data/README.md.

    .venv/bin/python -m tests.nlp.scoring [tests/nlp/data/variants.jsonl] [--failures N] [--template T]

A test helper (used by test_variants.py) and a command for looking at what fails: per field,
how many cases list it in ``expect`` and how many match; per template, how many cases pass whole.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import re
import unicodedata

from nlp.parse import parse_message

VARIANTS = Path(__file__).resolve().parent / "data" / "variants.jsonl"
TODAY = dt.date(2026, 3, 31)

# The comparison rules of shared/data/README.md (the same as test_dev_set.py's).
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def _ref_key(s: str) -> str:
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", s).translate(_THAI_DIGITS))
    return re.sub(r"(?<!\d)\.|\.(?!\d)", "", s)


def _text_key(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).translate(_THAI_DIGITS).translate(_ZERO_WIDTH)
    return re.sub(r"\s+", " ", s).strip()


def field_matches(name: str, expected, got) -> bool:
    """The README's comparison of one field."""
    if expected is None:
        return got is None
    if got is None:
        return False
    if name == "ref_no":
        return _ref_key(expected) == _ref_key(got)
    if name in ("sender", "subject"):
        return _text_key(expected) == _text_key(got)
    if name == "number":
        e, g = _text_key(str(expected)), _text_key(str(got))
        return e == g or ("/" not in e and g.split("/")[0] == e)
    if name == "recipient":  # words of address (นาย, พี่, ผอ. …) are not part of the name
        from nlp.names import strip_honorific

        expected, got = strip_honorific(str(expected)), strip_honorific(str(got))
    if name in ("recipient", "query", "unit"):
        e, g = _text_key(expected), _text_key(got)
        return e in g and len(g) <= len(e) + 10
    if name == "sample_size":
        return int(expected) == int(got)
    return expected == got  # letter_date (ISO), priority, secrecy, intent, code


@dataclass
class Score:
    fields: Counter = field(default_factory=Counter)  # field -> cases that list it
    correct: Counter = field(default_factory=Counter)  # field -> cases where it matches
    cases: int = 0
    passed: int = 0
    by_template: dict[str, list[int]] = field(default_factory=dict)  # template -> [passed, total]
    failures: list[tuple[dict, dict]] = field(default_factory=list)  # (case, {field: (expected, got)})

    def rate(self, name: str) -> float:
        return self.correct[name] / self.fields[name] if self.fields[name] else 1.0

    def table(self) -> str:
        rows = [f"{'field':<14}{'correct':>9}{'of':>7}{'rate':>9}"]
        for name in sorted(self.fields, key=lambda n: -self.fields[n]):
            rows.append(f"{name:<14}{self.correct[name]:>9}{self.fields[name]:>7}{self.rate(name):>9.2%}")
        rows.append(f"{'whole cases':<14}{self.passed:>9}{self.cases:>7}{self.passed / max(self.cases, 1):>9.2%}")
        rows.append("")
        for t, (p, n) in sorted(self.by_template.items()):
            rows.append(f"  {t:<18}{p:>6}/{n:<6}")
        return "\n".join(rows)


def load(path: Path = VARIANTS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def check(case: dict, today: dt.date = TODAY) -> dict:
    """The fields of one case that do not match: {name: (expected, got)}."""
    got = parse_message(case["text"], today=today).to_json()
    return {
        name: (expected, got.get(name))
        for name, expected in case["expect"].items()
        if not field_matches(name, expected, got.get(name))
    }


def score(cases: list[dict], today: dt.date = TODAY) -> Score:
    s = Score()
    for case in cases:
        misses = check(case, today)
        s.cases += 1
        tally = s.by_template.setdefault(case.get("template", "-"), [0, 0])
        tally[1] += 1
        for name in case["expect"]:
            s.fields[name] += 1
            s.correct[name] += name not in misses
        if misses:
            s.failures.append((case, misses))
        else:
            s.passed += 1
            tally[0] += 1
    return s


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("path", nargs="?", type=Path, default=VARIANTS)
    ap.add_argument("--failures", type=int, default=0, help="print this many failing cases")
    ap.add_argument("--template", default=None)
    args = ap.parse_args(argv)
    cases = load(args.path)
    if args.template:
        cases = [c for c in cases if c.get("template") == args.template]
    s = score(cases)
    print(s.table())
    for case, misses in s.failures[: args.failures]:
        print("\n" + case["id"], case.get("template"), repr(case["text"]))
        for name, (e, g) in misses.items():
            print(f"   {name}: expected {e!r}\n   {' ' * len(name)}  got      {g!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
