"""The robustness corpus (tests/nlp/data/variants.jsonl): dev headers rephrased as officers paste them.

Scored with the rules of shared/data/README.md (tests/nlp/scoring.py). Letters must stay at the
rates below per field; every command phrasing must pass whole. Regenerate the corpus with
``python -m tests.nlp.make_variants`` (deterministic for its seed) and look at what fails with
``python -m tests.nlp.scoring --failures 20``.
"""

from __future__ import annotations

import json

import pytest

from tests.nlp import make_variants, scoring

CASES = scoring.load()
LETTERS = [c for c in CASES if c["template"] != "command"]
COMMANDS = [c for c in CASES if c["template"] == "command"]
# What the parser reaches on the corpus now, less a small margin: a drop below fails.
MIN_FIELD_RATE = 0.995
MIN_WHOLE_RATE = 0.99


def test_corpus_is_what_the_generator_writes():
    if not make_variants.DEV_SET.is_file():
        pytest.skip("shared/data/parse-dev.jsonl is not available")
    fresh = [json.loads(json.dumps(c, ensure_ascii=False)) for c in make_variants.generate()]
    assert fresh == CASES, "tests/nlp/data/variants.jsonl is stale: run python -m tests.nlp.make_variants"


def test_corpus_covers_every_template_and_intent():
    assert len(LETTERS) >= 1500
    templates = {c["template"] for c in LETTERS}
    assert len(templates) >= 10
    intents = {c["expect"]["intent"] for c in COMMANDS}
    from nlp.intents import INTENTS

    assert intents == set(INTENTS) - {"register_incoming"}


def test_letter_variants_score():
    s = scoring.score(LETTERS)
    low = {name: round(s.rate(name), 4) for name in s.fields if s.rate(name) < MIN_FIELD_RATE}
    examples = [(c["id"], m) for c, m in s.failures[:5]]
    assert not low, (low, examples)
    assert s.passed / s.cases >= MIN_WHOLE_RATE, (s.passed, s.cases, examples)


@pytest.mark.parametrize("case", COMMANDS, ids=[c["id"] for c in COMMANDS])
def test_command_phrasing(case):
    assert not scoring.check(case), case["text"]


def test_scorer_can_fail():
    case = {"text": "ลงรับ ที่ มท 0604/ว 5121 ลว. 17 มี.ค. 69 จาก กองคลัง เรื่อง โอนเงิน", "expect": {}}
    wrong = dict(case, expect={"ref_no": "มท 0604/ว 512", "letter_date": "2026-03-18", "subject": "โอน"})
    assert set(scoring.check(wrong)) == {"ref_no", "letter_date", "subject"}
    right = dict(case, expect={"ref_no": "มท0604/ว.5121", "letter_date": "2026-03-17", "sender": "กองคลัง"})
    assert scoring.check(right) == {}
