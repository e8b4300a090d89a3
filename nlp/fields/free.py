"""Text no label explains: before the first label ("หนังสือ<name> …"), unlabelled lines and cells."""

from __future__ import annotations

import bisect
import datetime as dt
import re

from nlp import refno
from nlp.dates import find_dates
from nlp.fields.found import LetterFields
from nlp.fields.spans import _FILLER, _line_end, _trimmed, _trimmed_piece
from nlp.fields.names import (
    _ABBREVIATION, _BODY_OPENERS, _FROM_WORD, _LETTER_WORD, _ORG_HEAD, _org_like, _org_prefix, _PRE_LEAD,
    _THAI_LETTERS, _WEB_NEXT,
)
from nlp.fields.chatter import _CHAT_STARTS, _glued_polite_start, _LEAD_CHATTER
from nlp.fields.items import (
    _DATE_PHRASE, _DEADLINE, _items, PRIORITY_WORDS, _REF_WORD_BEFORE, SECRECY_WORDS, _take_date,
    _take_items,
)
from nlp.fields.words import NOT_A_SUBJECT


def _pre_region(text: str, start: int, end: int, out: LetterFields, free: list, today: dt.date | None) -> None:
    """Before the first label: ด่วน/ลับ words, and the sender a web list names after หนังสือ."""
    lead = _PRE_LEAD.match(text, start, end)
    at = lead.end() if lead else start
    # "หนังสือกรม…", or จาก/ของ glued to the command or a flag: "ลงรับหนังสือด่วนที่สุดจากสำนักงาน…"
    m = _LETTER_WORD.match(text, at, end) or _FROM_WORD.match(text, at, end)
    if m and not out.outgoing:
        s = m.end()
        items = _items(text, s, end, out, today)
        cut = items[0][0] if items else end
        if items and items[0][2] == "ref":
            label = _REF_WORD_BEFORE.search(text, max(s, cut - 12), cut)
            cut = label.start() if label else cut
        ns, ne = _trimmed_piece(text, s, _line_end(text, s, cut))
        cut = _glued_polite_start(text, ns, ne)  # "…ของเทศบาลนครระยองให้หน่อยครับ ที่ …"
        if cut < ne:
            ns, ne = _trimmed_piece(text, ns, cut)
        # "หนังสือ<name> ด่วนที่สุด ที่ …": a name the web list follows with flags or ที่ is the sender
        # even when it does not read as an organisation ("หนังสือการท่องเที่ยวแห่งประเทศไทย ที่ …")
        listed = (
            (items[0][2] in PRIORITY_WORDS or items[0][2] in SECRECY_WORDS) if items else text.startswith(_WEB_NEXT, end)
        ) and ne - ns <= 60 and not any(c in "()[]" for c in text[ns : cut if items else end])
        if ne > ns and _THAI_LETTERS.search(text, ns, ne) and (listed or _org_like(text, ns)):
            split = _org_prefix(text, ns, ne)
            if split is not None:  # "หนังสือกองคลัง กรม… โอนเงินจัดสรร …": the name, then the subject
                ns, ne = _trimmed(text, ns, split)
            out.take("sender", None, ns, ne, 0.8)
            if lead is not None and lead.end() > start:
                free.append((start, lead.end()))  # ด่วน / ลับ typed before หนังสือ
            free.append((ne, end))
            return
    free.append((start, end))


def _free_line(
    text: str,
    start: int,
    end: int,
    out: LetterFields,
    today: dt.date | None,
    pieces: list[tuple[int, int]],
    loose: bool = False,
) -> None:
    if _FILLER.fullmatch(text, start, end):
        return
    items = _items(text, start, end, out, today, loose=loose)
    # Items overlap rarely (a date inside a reference); keep the first of overlapping ones.
    kept: list[tuple[int, int, str]] = []
    for item in items:
        if not kept or item[0] >= kept[-1][1]:
            kept.append(item)
    # A date is part of the words, not an item, once the letter date is known or when a phrase
    # leads into it ("เมื่อวันที่ 16 ก.พ. 69").
    dated = "letter_date" in out.found
    kept = [k for k in kept if k[2] != "date" or not (dated or _DATE_PHRASE.search(text, max(start, k[0] - 12), k[0]))]
    cut = [kind != "date" for _, _, kind in kept]  # references and ด่วน/ลับ words always stand alone
    changed = True
    while changed:  # a date is cut when only filler separates it from a line end or a cut item
        changed = False
        for i, (a, b, _) in enumerate(kept):
            if cut[i]:
                continue
            left = start if i == 0 else kept[i - 1][1]
            right = end if i == len(kept) - 1 else kept[i + 1][0]
            left_open = _FILLER.fullmatch(text, left, a) is not None and (i == 0 or cut[i - 1])
            right_open = _FILLER.fullmatch(text, b, right) is not None and (i == len(kept) - 1 or cut[i + 1])
            if left_open or right_open:
                cut[i] = changed = True
    pos = start
    for (a, b, kind), is_cut in zip(kept, cut):
        if not is_cut or (kind == "date" and "letter_date" in out.found):
            continue  # once the letter date is known, other dates are words of the subject
        label = _REF_WORD_BEFORE.search(text, max(pos, a - 12), a) if kind == "ref" else None
        _piece(text, pos, label.start() if label else a, pieces, out.cells)  # "หนังสือกรมบัญชีกลางที่ กค …"
        if kind == "date":
            # "ด่วนภายใน 5 ต.ค. 67" is a deadline, not the date of the letter.
            deadline = _DEADLINE.search(text, max(start, a - 12), a) is not None
            for d in find_dates(text, a, b, today=today):
                if "letter_date" not in out.found and not deadline:
                    _take_date(out, d, labelled=False)
                break
        else:
            _take_items([(a, b, kind)], out)
        pos = b
    _piece(text, pos, end, pieces, out.cells)


_CELL = re.compile(r"\t|\|| {4,}| / ")  # cells of a row copied from a table or a register


# What is left of "1. หนังสือ ที่ … ลว. …", "ได้รับหนังสือใหม่ค่ะ มท …" once the reference and date are
# read: list numbering and words that never make a subject or a name on their own.
_NOT_A_SUBJECT = re.compile(
    r"(?:[\s\d.,:;()\[\]\-–•*#]+|" + "|".join(map(re.escape, sorted(NOT_A_SUBJECT, key=len, reverse=True))) + r")+"
)


def _piece(text: str, start: int, end: int, pieces: list[tuple[int, int]], cells: tuple[int, ...] = ()) -> None:
    """Add ``text[start:end]`` as a piece of leftover words, each cell of a table row on its own."""
    bounds: list[tuple[int, int]] = []
    if text.find("|", start, end) >= 0 or text.find(" / ", start, end) >= 0 or text.find("    ", start, end) >= 0:
        bounds = [(m.start(), m.end()) for m in _CELL.finditer(text, start, end)]
    if cells:
        i = bisect.bisect_left(cells, start)
        while i < len(cells) and cells[i] < end:  # a tab or a wide gap in the original text
            bounds.append((cells[i], cells[i] + 1))
            i += 1
    bounds.sort()
    pos = start
    for a, b in bounds + [(end, end)]:
        if a < pos:
            continue
        seg_start = pos
        chatter = _LEAD_CHATTER.match(text, seg_start, a) if text.startswith(_CHAT_STARTS, seg_start) else None
        if chatter is not None:
            seg_start = chatter.end()
        s, e = _trimmed_piece(text, seg_start, a)
        if e - s >= 2 and len(_THAI_LETTERS.findall(text, s, e)) >= 2 and not _NOT_A_SUBJECT.fullmatch(text, s, e):
            pieces.append((s, e))
        pos = b


def _free_regions(text: str, free: list[tuple[int, int]], out: LetterFields, today: dt.date | None) -> None:
    """Dates, references, priority/secrecy words and leftover names outside labelled regions.

    Line by line: a reference number or a ด่วน/ลับ word always stands on its own; a date only at
    either end of the line's text or next to another such item, because inside a line of words
    it is part of them ("สรุปการประชุม … เมื่อวันที่ 16 กุมภาพันธ์ 2569").
    """
    pieces: list[tuple[int, int]] = []
    # an agency reference without a code only when no reference with one stands anywhere
    loose = "ref_no" not in out.found and not any(refno.find_strict(text, a, b) for a, b in free)
    for start, end in sorted(free):
        line_start = start
        while line_start < end:
            line_end = _line_end(text, line_start, end)
            ls, _ = _trimmed(text, line_start, line_end)
            if line_start > 0 and text[line_start - 1] == "\n" and _BODY_OPENERS.match(text, ls):
                break  # the body of a pasted letter ("ตามที่ …") is not its header
            _free_line(text, line_start, line_end, out, today, pieces, loose)
            line_start = line_end + 1
    if not pieces:
        return
    if "sender" not in out.found and not out.outgoing:
        # Only a piece that reads as an organisation: a wrong sender is worse than none.
        for s, e in pieces:
            if _ORG_HEAD.match(text, s) or _ABBREVIATION.match(text, s):
                pieces.remove((s, e))
                split = _org_prefix(text, s, e)
                if split is not None:
                    rest = _trimmed_piece(text, split, e)
                    pieces.insert(0, rest)
                    s, e = _trimmed(text, s, split)
                out.take("sender", None, s, e, 0.6)
                break
    if "subject" not in out.found and ("ref_no" in out.found or "letter_date" in out.found) and pieces:
        # the longest piece, but an organisation or a title (an addressee cell) only when nothing else is left
        s, e = max(pieces, key=lambda p: (not _org_like(text, p[0]), p[1] - p[0]))
        if e - s >= 6:
            out.take("subject", None, s, e, 0.5)
            pieces.remove((s, e))
            if "sender" not in out.found and not out.outgoing and pieces:
                _line_sender(text, s, pieces, out)


def _line_sender(text: str, subject_start: int, pieces: list[tuple[int, int]], out: LetterFields) -> None:
    """A paste of lines without labels whose name line does not read as an organisation
    ("โครงการชลประทานระยอง⏎มท … ⏎17 มี.ค. 69⏎ขอความร่วมมือ …"): the one other line of words
    before the subject, if there is exactly one, is the sender (with a low confidence)."""
    lines = []
    for a, b in pieces:
        if a > subject_start or any(ch.isdigit() for ch in text[a:b]) or b - a > 80:
            continue
        line_start = text.rfind("\n", 0, a) + 1
        line_end = _line_end(text, b, len(text))
        if line_start == 0 or (a, b) != _trimmed(text, line_start, line_end):
            continue  # the first line is the command's or chatter; only whole lines of their own
        lines.append((a, b))
    if len(lines) == 1:
        out.take("sender", None, *lines[0], 0.4)
