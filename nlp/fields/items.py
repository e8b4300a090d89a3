"""What stands on its own anywhere in a header: dates, reference numbers, ด่วน…/ลับ… words."""

from __future__ import annotations

import datetime as dt
import re

from nlp import refno
from nlp.dates import DateMatch, find_dates
from nlp.fields.found import LetterFields
from nlp.fields.words import FLAG_FOLLOWERS, PRIORITY_WORDS, SECRECY_WORDS


# ด่วน… / ลับ… standing as words (boundaries checked in code so "ด่วนที่สุดลับมาก" also reads).
_FLAG_RE = re.compile("|".join(sorted((*PRIORITY_WORDS, *SECRECY_WORDS), key=len, reverse=True)))


# may follow a flag without a space ("ด่วนที่สุดลับมาก", "ด่วนที่สุดครับ")
_FLAG_FOLLOWERS = FLAG_FOLLOWERS


def _take_date(out: LetterFields, found: DateMatch, *, labelled: bool) -> None:
    if found.error:
        if not any(err[0] == "letter_date" for err in out.errors):
            out.errors.append(("letter_date", found.error, found.start, found.end))
        return
    assert found.value is not None
    confidence = found.confidence if labelled else min(found.confidence, 0.7)
    out.take("letter_date", found.value.isoformat(), found.start, found.end, confidence)


def _first_flag(text: str, start: int, end: int) -> int | None:
    for m in _flag_matches(text, start, end):
        return m[0]
    return None


def _flag_matches(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    found = []
    last_end = start  # a word right after the command counts: "รับหนังสือด่วนที่สุด"
    for m in _FLAG_RE.finditer(text, start, end):
        a, b = m.span()
        before_ok = a == 0 or not ("\u0e01" <= text[a - 1] <= "\u0e4e") or a == last_end
        after = text[b : b + 5]
        after_ok = b >= len(text) or not ("\u0e01" <= text[b] <= "\u0e4e") or after.startswith(_FLAG_FOLLOWERS)
        if before_ok and after_ok and m.group() != "ปกติ":
            word = m.group()
            if text.startswith("ภายใน", b):  # ด่วนภายใน <deadline>: the deadline is not the letter date
                b += len("ภายใน")
            found.append((a, b, word))
            last_end = b
    return found


def _items(
    text: str,
    start: int,
    end: int,
    out: LetterFields,
    today: dt.date | None,
    *,
    all_kinds: bool = False,
    loose: bool = False,
) -> list[tuple[int, int, str]]:
    """Things that stand on their own in ``text[start:end]``: dates, references, ด่วน/ลับ words."""
    items: list[tuple[int, int, str]] = []
    for d in find_dates(text, start, end, today=today):
        items.append((d.start, d.end, "date"))
    if all_kinds or "ref_no" not in out.found:
        m = refno.find_strict(text, start, end)
        if m is None:  # "หนังสือ ก.พ.ว12": the sender's initials, then its circular number
            m = refno.ABBREVIATION_CIRCULAR_RE.search(text, start, end)
        if m is None and loose:  # unlabelled lines only: a sender may be named so after จาก
            m = refno.find_agency(text, start, end)
            if m is None:  # the date marker that proves it may lie just past this region
                stop = min(len(text), end + 12)
                m = _BARE_BEFORE_DATE_AT.match(text, start, stop) or _BARE_BEFORE_DATE.search(text, start, stop)
                m = m if m is not None and m.end() <= end else None
            if m is None:  # "มท 0808.2/ว ลว. 5 ม.ค. 69": the number not yet written
                m = refno.find_incomplete(text, start, min(len(text), end + 12))
                m = m if m is not None and m.end() <= end else None
        if m is not None:
            items.append((m.start(), m.end(), "ref"))
    items.extend(_flag_matches(text, start, end))
    items.sort()
    return items


# "ว 10 ลว. 5 ต.ค. 67": a bare circular number stands alone when a letter date follows it.
_BARE_BEFORE_DATE_BODY = r"ว ?\.? ?\d{1,6}(?![\d/])(?= {0,3}(?:ลงวันที่|ลว|ลง ?\d))"


_BARE_BEFORE_DATE = re.compile(r"(?<![ก-๎A-Za-z0-9/])" + _BARE_BEFORE_DATE_BODY)


_BARE_BEFORE_DATE_AT = re.compile(r"\s*" + _BARE_BEFORE_DATE_BODY)  # right after the command: "ลงรับว 6114 ลว. …"


def _take_items(items: list[tuple[int, int, str]], out: LetterFields) -> None:
    for a, b, kind in items:
        if kind == "ref":
            out.take("ref_no", None, a, b, 0.75)
        elif kind in PRIORITY_WORDS:
            out.take("priority", PRIORITY_WORDS[kind], a, b, 0.9)
        elif kind in SECRECY_WORDS:
            out.take("secrecy", SECRECY_WORDS[kind], a, b, 0.9)


_DEADLINE = re.compile(r"ภายใน(?:วันที่)?\s*$")


_REF_WORD_BEFORE = re.compile(r"(?:เลขที่|ที่)\s*:?\s*$")


_DATE_PHRASE = re.compile(r"(?:วันที่|เมื่อ|ณ|ตั้งแต่|ถึง|จนถึง|ระหว่าง)\s*$")
