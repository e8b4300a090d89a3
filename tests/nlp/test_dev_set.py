"""Every case of shared/data/parse-dev.jsonl, compared by the rules of shared/data/README.md."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from nlp.parse import parse_message
from tests.nlp.scoring import field_matches  # the README's comparison, shared with the variant corpus
from tests.paths import DEV_SET

# Letter dates in the dev set are all in 2568-2569; relative dates are not used there.
TODAY = dt.date(2026, 3, 31)

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
