"""Reading the region after each accepted label, and the tail of a subject (brackets, flags, chat)."""

from __future__ import annotations

import datetime as dt
import re

from nlp import refno
from nlp.dates import DateMatch, find_dates, match_date_at
from nlp.fields.found import LetterFields
from nlp.fields.spans import _line_end, _matching_open, _trimmed, _trimmed_piece
from nlp.fields.names import _BODY_OPENERS, _ORG_HEAD, _org_prefix, _SUBJECT_OPENER, _THAI_LETTERS
from nlp.fields.chatter import _CHATTER_TAIL, _CHATTER_WORDS, _glued_polite_start, _may_chat, _TAIL_WINDOW
from nlp.fields.items import (
    _DATE_PHRASE, _first_flag, _flag_matches, _FLAG_RE, _items, PRIORITY_WORDS, SECRECY_WORDS, _take_date,
    _take_items,
)
from nlp.fields.labels import _agency_ref_ahead, _BULLET, _Label, _LIST_MARK, _mark_kind


def _ref_region(text: str, lab: _Label, out: LetterFields, free: list, today: dt.date | None) -> None:
    stop = _line_end(text, lab.content, lab.end)
    for d in find_dates(text, lab.content, stop, today=today):
        stop = d.start
        break
    flag = _first_flag(text, lab.content, stop)
    if flag is not None:
        stop = flag
    extent = refno.labelled_extent(text, lab.content, min(stop, lab.content + 80))
    if extent is None:
        free.append((lab.content, lab.end))
        return
    s, e = _trimmed(text, *extent, chars=" \t,;:")
    if e - s > 3 and text[e - 2 : e] == " /" and text[e - 3].isdigit():
        s, e = _trimmed(text, s, e - 1, chars=" \t,;:")  # "ว 2383 / ลว.: …": a slash between fields
    strict = refno.strict_at(text, s)
    confidence = 0.95 if strict is not None and strict.end() >= e else 0.85
    out.take("ref_no", None, s, e, confidence)
    free.append((e, lab.end))


def _date_region(text: str, lab: _Label, out: LetterFields, free: list, today: dt.date | None) -> None:
    stop = _line_end(text, lab.content, lab.end)
    found: DateMatch | None = match_date_at(text, lab.content, today=today)
    if found is None:  # "ลว. วันจันทร์ที่ 5 ต.ค. 67": a date a little further on
        dates = find_dates(text, lab.content, min(stop, lab.content + 30), today=today)
        found = dates[0] if dates else None
    if found is None:
        s, e = _trimmed(text, lab.content, stop)
        if e > s and text[s].isdigit():
            word_end = s
            while word_end < e and not text[word_end].isspace():
                word_end += 1
            out.errors.append(("letter_date", f"อ่านวันที่ไม่ออก: {text[s:word_end]}", s, word_end))
        free.append((lab.content, lab.end))
        return
    _take_date(out, found, labelled=True)
    free.append((found.end, lab.end))


def _name_region(
    text: str, lab: _Label, out: LetterFields, free: list, today: dt.date | None, subject_labelled: bool = True
) -> None:
    """จาก / ถึง / เรียน: the name runs to the end of its line or the first thing it cannot be.

    Without a เรื่อง label anywhere, "จาก สำนักงาน… ขอเชิญประชุม…" is the name and then the subject.
    """
    stop = _line_end(text, lab.content, lab.end)
    name = "sender" if lab.kind == "sender" else "addressee"
    if not subject_labelled and name == "sender":
        s, e = _trimmed(text, lab.content, stop)
        split = _org_prefix(text, s, e) if e > s else None
        # the rest of the line is the subject when it opens like one, or when no other line is left
        # for a subject (names have spaces too: "สำนักงานปลัดกระทรวงการอุดมศึกษา วิทยาศาสตร์ …")
        if (
            split is not None
            and (
                _SUBJECT_OPENER.match(text, _trimmed(text, split, e)[0]) is not None
                or not _THAI_LETTERS.search(text, stop, lab.end)
            )
            and not _items(text, s, split, out, today)
        ):
            s, e = _trimmed(text, s, split)
            out.take(name, None, s, e, 0.75)
            free.append((split, lab.end))  # the words after the name: the subject, read as free text
            return
    items = _items(text, lab.content, stop, out, today)
    cut = items[0][0] if items else stop
    s, e = _trimmed_piece(text, lab.content, cut)  # "จาก กรม… (มท 0642/ว 193 ลว. …)": not the "("
    cut = _glued_polite_start(text, s, e)  # "จากสำนักงานจังหวัดระยองให้หน่อยครับ ที่ …"
    if cut < e:
        s, e = _trimmed_piece(text, s, cut)
    if e > s:
        out.take(name, None, s, e, 0.9)
    if items:
        _take_items(items, out)
        free.append((items[0][1], lab.end))
    else:
        free.append((stop, lab.end))


_LIST_ITEM = re.compile(r"\s*(?:\d{1,2}[.)]|[-•*])")


def _enclosures_region(text: str, lab: _Label, out: LetterFields, free: list) -> None:
    """สิ่งที่ส่งมาด้วย: its line, plus following lines that continue a numbered list."""
    end = _line_end(text, lab.content, lab.end)
    while end < lab.end and _LIST_ITEM.match(text, end + 1):
        end = _line_end(text, end + 1, lab.end)
    s, e = _trimmed(text, lab.content, end)
    if e > s:
        out.take("enclosures", None, s, e, 0.9)
    free.append((end, lab.end))


def _flag_region(text: str, lab: _Label, out: LetterFields, name: str, free: list) -> None:
    """ชั้นความเร็ว / ชั้นความลับ: the first word of that kind; what follows it is read as free text
    ("ชั้นความลับ: ลับ / ระดับความเร่งด่วน: ด่วนที่สุด / …")."""
    stop = _line_end(text, lab.content, lab.end)
    words = PRIORITY_WORDS if name == "priority" else SECRECY_WORDS
    for m in _FLAG_RE.finditer(text, lab.content, stop):
        if m.group() in words:
            out.take(name, words[m.group()], m.start(), m.end(), 0.95)
            free.append((m.end(), lab.end))
            return
        if name == "secrecy" and m.group() == "ปกติ":
            out.take(name, None, m.start(), m.end(), 0.9)  # explicitly not secret
            free.append((m.end(), lab.end))
            return
    free.append((stop, lab.end))


def _subject_region(text: str, lab: _Label, out: LetterFields, free: list, today: dt.date | None) -> None:
    start = lab.content
    end = _line_end(text, start, lab.end)
    line = text.rfind("\n", 0, lab.start) + 1
    own = _LIST_MARK.match(text, line) if lab.start > line else None  # "- เรื่อง …" / "4. เรื่อง …"
    # A subject pasted over several lines continues until a blank line or a line that is
    # something else: a date, a reference, ด่วน/ลับ, or (no sender yet) an organisation.
    while end < lab.end:
        nxt = end + 1
        line_end = _line_end(text, nxt, lab.end)
        s, e = _trimmed(text, nxt, line_end)
        if e == s or _BODY_OPENERS.match(text, s) or _BULLET.fullmatch(text, nxt, line_end):
            break
        mark = _LIST_MARK.match(text, nxt) if own is not None else None
        if mark is not None and _mark_kind(mark.group()) == _mark_kind(own.group()):
            break  # the next item of the list the subject is one item of
        if (
            text[s] not in "(["  # "(1 ตุลาคม 2568)" wrapped onto its own line; brackets are read as a tail
            and _is_item_line(text, s, e, out, today)
            and not _DATE_PHRASE.search(text, max(start, end - 12), end)
        ):
            break  # (but "… เมื่อวันที่⏎21 มกราคม 2569" is one subject broken before its date)
        if "sender" not in out.found and _ORG_HEAD.match(text, s):
            break
        end = line_end
    free.append((end, lab.end))
    s, e = _trimmed(text, start, end)
    s, e = _strip_tail(text, s, e, out, today)
    if e > s:
        out.take("subject", None, s, e, 0.9)


def _is_item_line(text: str, s: int, e: int, out: LetterFields, today: dt.date | None) -> bool:
    items = _items(text, s, e, out, today, all_kinds=True)
    if not items:
        return False
    covered = sum(len(text[a:b].replace(" ", "")) for a, b, _ in items)
    chatter = _CHATTER_WORDS.search(text, max(s, e - _TAIL_WINDOW), e) if _may_chat(text, s, e) else None
    if chatter is not None and chatter.end() == e:  # "ด่วนที่สุดครับ"
        e = chatter.start()
    return covered >= len(text[s:e].replace(" ", "")) * 0.9


def _strip_tail(text: str, s: int, e: int, out: LetterFields, today: dt.date | None) -> tuple[int, int]:
    """Cut "(ที่ … ลว. …)", a bare reference number, or ด่วน/ลับ words off the end of a subject."""
    for _ in range(8):
        if e - s < 2:
            break
        chatter = _CHATTER_TAIL.search(text, max(s, e - _TAIL_WINDOW), e) if _may_chat(text, s, e) else None
        if chatter is not None and chatter.start() > s:
            s, e = _trimmed(text, s, chatter.start())
            continue
        flags = _flag_matches(text, max(s, e - 12), e)
        if flags and flags[-1][1] == e and flags[-1][0] > s and text[flags[-1][0] - 1] in " \t":
            a, b, word = flags[-1]  # "เรื่อง … ด่วนที่สุด ลับมาก": flags typed after the subject
            name, words = ("priority", PRIORITY_WORDS) if word in PRIORITY_WORDS else ("secrecy", SECRECY_WORDS)
            if name not in out.found:
                out.take(name, words[word], a, b, 0.8)
                s, e = _trimmed(text, s, a)
                continue
        if text[e - 1] in ")]":
            opener = _matching_open(text, s, e - 1)
            if opener is not None and opener > s and _flags_only(text, opener + 1, e - 1, out):
                s, e = _trimmed(text, s, opener)  # "… (ด่วนที่สุด)"
                continue
            if opener is not None and opener > s and _read_bracket(text, opener + 1, e - 1, out, today):
                s, e = _trimmed(text, s, opener)
                continue
        if "ref_no" not in out.found:
            last = None
            for m in refno.STRICT_RE.finditer(text, s, e):
                last = m
            if last is not None and last.group("num") and last.end() == e and last.start() > s:
                out.take("ref_no", None, last.start(), last.end(), 0.7)
                s, e = _trimmed(text, s, last.start())
                continue
        break
    return s, e


def _flags_only(text: str, s: int, e: int, out: LetterFields) -> bool:
    """``text[s:e]`` holds only ด่วน… / ลับ… words: take them."""
    flags = _flag_matches(text, s, e)
    if not flags:
        return False
    rest = text[s:e]
    for a, b, _ in reversed(flags):
        rest = rest[: a - s] + rest[b - s :]
    if rest.strip(" ,/"):
        return False
    for a, b, word in flags:
        name, words = ("priority", PRIORITY_WORDS) if word in PRIORITY_WORDS else ("secrecy", SECRECY_WORDS)
        out.take(name, words[word], a, b, 0.85)
    return True


_REF_LABEL_IN_BRACKET = re.compile(r"\s*(?:เลขที่หนังสือ|หนังสือที่|ที่)\s*:?\s*")


_DATE_LABEL_IN_BRACKET = re.compile(r"(?<![ก-๎])(?:ลงวันที่|ลว\.?|ลง|วันที่)\s*:?\s*")


def _read_bracket(text: str, s: int, e: int, out: LetterFields, today: dt.date | None) -> bool:
    """Read a reference and/or marked date from a bracket at the end of a subject."""
    ref = None
    label = _REF_LABEL_IN_BRACKET.match(text, s)
    if label and label.end() > s:
        dm = _DATE_LABEL_IN_BRACKET.search(text, label.end(), e)
        ext = refno.labelled_extent(text, label.end(), dm.start() if dm else e)
        ref = ext
    else:
        m = refno.find_strict(text, s, e)
        if m is None:
            m = refno.BARE_CIRCULAR_RE.match(text, s)
        ref = m.span() if m else None
        marked = _DATE_LABEL_IN_BRACKET.search(text, s, e)
        if ref is None and marked is not None and _agency_ref_ahead(text, s):
            ref = refno.labelled_extent(text, s, marked.start())  # "(สำนักงาน ศอ.ปส.จ.รย/ว 2428 ลว. …)"
    marked = _DATE_LABEL_IN_BRACKET.search(text, s, e)
    date = None
    if marked:
        date = match_date_at(text, marked.end(), today=today)
    if ref is None and date is None:
        return False
    # A bracket the letter's own fields are already known without is part of the subject
    # ("… (ตามหนังสือ กค 0402.2/ว 195)"), unless it repeats them.
    known = out.found.get("ref_no")
    if ref is not None and known is not None:
        same = refno.normalize_ref_no(text[known.start : known.end]) == refno.normalize_ref_no(text[ref[0] : ref[1]])
        if not same:
            return False
    if ref is None and "letter_date" in out.found:
        return False
    if ref is not None:
        rs, re_ = _trimmed(text, *ref, chars=" \t,;:")
        out.take("ref_no", None, rs, re_, 0.85)
    if date is not None:
        _take_date(out, date, labelled=True)
    return True
