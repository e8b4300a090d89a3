"""Header shapes the parser once missed (issue 11, point 4), one file of examples per shape.

Each case of ``tests/nlp/data/header_shapes.jsonl`` is a Ministry of Interior style message with the
fields expected of it, compared by the rules of shared/data/README.md (``tests/nlp/scoring.py``).
A field expected as ``null`` must not be read at all: a subject made up from the word หนังสือ or a
list number is wrong, not a bonus. Add an example of a new shape there (with a negative one
beside it) rather than a new test here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from nlp.dates import find_dates
from nlp.parse import parse_message
from nlp.refno import is_circular, normalize_ref_no
from tests.nlp.scoring import check

SHAPES_FILE = Path(__file__).resolve().parent / "data" / "header_shapes.jsonl"
CASES = [json.loads(line) for line in SHAPES_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]

# The shapes the issue lists; each needs a few examples, some of them of what must NOT be read.
SHAPES = (
    "third_slash", "glued_circular", "incomplete_ref", "abbreviation_circular", "sender_runs_on",
    "no_invented_subject", "english_labels", "misspelt_labels", "misspelt_month",
)  # fmt: skip


def test_every_shape_has_examples():
    counts = Counter(c["shape"] for c in CASES)
    assert set(counts) == set(SHAPES)
    assert min(counts.values()) >= 3, counts
    assert len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_header_shape(case):
    assert check(case) == {}, case["text"]


def test_no_subject_is_made_up_from_leftovers():
    got = parse_message("1. หนังสือ ที่ มท 0808.2/ว 1095 ลว. 5 ม.ค. 69", today=dt.date(2026, 3, 31))
    assert got.intent == "register_incoming" and got.subject is None and got.sender is None
    assert got.value("ref_no") == "มท 0808.2/ว 1095" and got.value("letter_date") == "2026-01-05"


def test_circular_keys_of_the_new_shapes():
    for ref in ("มท ๐๘๑๖ว๓๓", "มท 0816.3/ว/1523", "มท 0808.2/ว 1095/2569", "รย 0017.3/2569/ว 88", "ว12"):
        assert is_circular(ref), ref
    assert not is_circular("มท 0310.1/2569/4471") and not is_circular("รย 0003/36")
    assert normalize_ref_no("มท ๐๘๑๖ ว ๓๓") == normalize_ref_no("มท 0816ว33")


def test_a_word_that_is_not_a_month_does_not_hide_the_date_after_it():
    text = "สรุปผลการประชุม ครั้งที่ 5 ประชุม 12 มกราคม 2569"
    assert [d.value for d in find_dates(text)] == [dt.date(2026, 1, 12)]
    assert find_dates("5 ประชุม 2569") == []
    # two letters off is not a misspelling any more
    assert find_dates("5 มกรร 2569") == [] and find_dates("5 มกราาม 2569")[0].value == dt.date(2026, 1, 5)
