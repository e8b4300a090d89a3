"""The word lists of nlp/fields/words.py do what their comments promise, word by word.

A maintainer who adds a label, a month spelling or a province there gets it checked here without
writing a test: every listed word is tried in a message of its own.
"""

from __future__ import annotations

import datetime as dt

import pytest

from nlp.dates import find_dates
from nlp.fields import words
from nlp.fields.labels import _WORDS
from nlp.parse import parse_message

TODAY = dt.date(2026, 3, 31)
# A value each kind of label is tried with, and the field it must land in.
_VALUES = {
    "ref": ("ref_no", "มท 0808.2/ว 1095"),
    "date": ("letter_date", "5 ม.ค. 69"),
    "sender": ("sender", "กรมส่งเสริมการปกครองท้องถิ่น"),
    "addressee": ("addressee", "ผู้ว่าราชการจังหวัดระยอง"),
    "subject": ("subject", "ขอเชิญประชุมคณะทำงาน"),
    "enclosures": ("enclosures", "สำเนาคำสั่ง จำนวน 1 ชุด"),
    "priority": ("priority", "ด่วนที่สุด"),
    "secrecy": ("secrecy", "ลับ"),
}
_EXPECTED = {"letter_date": "2026-01-05", "priority": "most_urgent", "secrecy": "confidential"}
# The other lines of the test message, so that each label is tried inside a whole header.
_REST = {
    "ref": "ที่ มท 0808.2/ว 1095",
    "date": "ลงวันที่ 5 ม.ค. 69",
    "sender": "จาก กรมส่งเสริมการปกครองท้องถิ่น",
    "subject": "เรื่อง ขอเชิญประชุมคณะทำงาน",
}


def _label_cases() -> list[tuple[str, str]]:
    cases = [(kind, w) for kind, ws in words.LABELS.items() if kind in _VALUES for w in ws]
    cases += [(kind, w) for kind, ws in words.ENGLISH_LABELS.items() if kind in _VALUES for w in ws]
    # one misspelling of each word read with a letter missing: the last letter (or mark) dropped
    cases += [(_WORDS[w].kind, w[:-1]) for w in words.LABELS_READ_WITH_A_LETTER_MISSING if _WORDS[w].kind in _VALUES]
    return [c for c in cases if _WORDS.get(c[1]) or _WORDS.get(c[1].lower())]


@pytest.mark.parametrize("kind, word", _label_cases())
def test_every_listed_label_is_read(kind, word):
    name, value = _VALUES[kind]
    lines = ["ลงรับ"] + [line for k, line in _REST.items() if k != kind] + [f"{word}: {value}"]
    got = parse_message("\n".join(lines), today=TODAY)
    assert got.value(name) == _EXPECTED.get(name, value), (word, got.to_json())


def test_misspellings_are_generated_but_no_listed_word_is_one():
    listed = {w for ws in words.LABELS.values() for w in ws}
    misspelt = {w for w, info in _WORDS.items() if info.misspelt}
    assert {"เรือง", "ลงวันที", "ที"} <= misspelt
    assert not misspelt & listed and not misspelt & set(words.NOT_LABEL_MISSPELLINGS)


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_spelling_is_read(month):
    spellings = (words.MONTHS[month - 1], words.MONTHS_SHORT[month - 1], *words.MONTH_SPELLINGS[month])
    for spelling in spellings:
        found = find_dates(f"ลงวันที่ 9 {spelling} 2569")
        assert [d.value for d in found] == [dt.date(2026, month, 9)], spelling


def test_provinces_and_continuations_carry_a_name_on():
    assert len(words.PROVINCES) == 77 and len(set(words.PROVINCES)) == 77
    for tail in ("เขต 3 ชลบุรี", "ประจำจังหวัดน่าน", "สาขาแกลง"):
        got = parse_message(f"ศูนย์ป้องกันและบรรเทาสาธารณภัย {tail} ที่ มท 0622.3/ว 88 ลว. 9 ก.พ. 69 เรื่อง ซ้อมแผน", today=TODAY)
        assert got.value("sender") == f"ศูนย์ป้องกันและบรรเทาสาธารณภัย {tail}", got.to_json()
