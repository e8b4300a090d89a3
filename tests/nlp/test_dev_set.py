"""Every case of shared/data/parse-dev.jsonl, compared by the rules of shared/data/README.md."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

import pytest

from nlp.parse import parse_message

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DEV_SET = SHARED / "data" / "parse-dev.jsonl"
# Letter dates in the dev set are all in 2568-2569; relative dates are not used there.
TODAY = dt.date(2026, 3, 31)

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def _ref_key(s: str) -> str:
    # README: NFKC, Thai digits -> Arabic, all spaces removed, dots not between two digits dropped.
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", s).translate(_THAI_DIGITS))
    return re.sub(r"(?<!\d)\.|\.(?!\d)", "", s)


def _text_key(s: str) -> str:
    # README: NFKC, Thai digits -> Arabic, zero-width removed, space runs collapsed, ends trimmed.
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
    if name in ("recipient", "query", "unit"):
        e, g = _text_key(expected), _text_key(got)
        return e in g and len(g) <= len(e) + 10
    if name == "sample_size":
        return int(expected) == int(got)
    return expected == got  # letter_date (ISO), priority, secrecy, intent, code


def _cases() -> list[dict]:
    assert DEV_SET.is_file(), f"the dev set is missing: {DEV_SET}"
    return [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]


CASES = _cases()


def test_dev_set_is_complete():
    assert len(CASES) == 104


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_dev_case(case):
    got = parse_message(case["text"], today=TODAY).to_json()
    misses = {
        name: (expected, got.get(name))
        for name, expected in case["expect"].items()
        if not field_matches(name, expected, got.get(name))
    }
    assert not misses, misses


def test_comparison_rules_can_fail():
    # The comparison itself must be able to say no, or the test above proves nothing.
    assert field_matches("ref_no", "กค. 0530.3/ว.61", "กค 0530.3/ว61")
    assert not field_matches("ref_no", "กค 0530.3/ว61", "กค 0530/ว61")
    assert field_matches("subject", "ผังน้ำ  22 ลุ่มน้ำ", "ผังน้ำ ๒๒ ลุ่มน้ำ\u200b")
    assert not field_matches("subject", "ผังน้ำ 22 ลุ่มน้ำ", "ผังน้ำ 22 ลุ่มน้ำ (")
    assert field_matches("number", "15", "15/2569") and not field_matches("number", "15/2569", "15")
    assert field_matches("recipient", "มาลี ศรีสุข", "นางสาวมาลี ศรีสุข")
    assert not field_matches("recipient", "มาลี", "นางสาวมาลี ศรีสุข เพื่อทราบ")
    assert not field_matches("secrecy", None, "secret") and field_matches("secrecy", None, None)
