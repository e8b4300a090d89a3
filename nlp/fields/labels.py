"""Labels (ที่, ลงวันที่, จาก, เรื่อง, …): finding them and deciding which ones count.

The words come from :mod:`nlp.fields.words`; here they become one regular expression, with the
misspellings (one letter missing) and English labels the maintainer's lists ask for.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass

from nlp import refno
from nlp.fields import words
from nlp.dates import find_dates, match_date_at
from nlp.fields.spans import _depth, _trimmed
from nlp.fields.names import _LETTER_WORD, _org_like, _org_prefix, _PRE_LEAD, _SUBJECT_OPENER, _THAI_LETTERS


@dataclass(frozen=True, slots=True)
class _Word:
    """What a matched label word is: its field, the word it stands for, and how it was written."""

    kind: str
    canonical: str  # the label as listed in words.LABELS (a misspelling's intended word)
    misspelt: bool = False  # one letter missing: a label only when a space or colon follows
    english: bool = False  # Subject / Ref / From / Date: a label only with a colon or at a line start


def _is_mark(ch: str) -> bool:
    """A Thai vowel or tone mark written above or below a letter (cannot start a word)."""
    return "\u0e31" <= ch <= "\u0e4e" and ch not in "\u0e32\u0e33\u0e40\u0e41\u0e42\u0e43\u0e44\u0e45\u0e46"


def _label_table() -> tuple[dict[str, _Word], str]:
    """Every label word (as written, English ones in lower case) and one regex alternation for them."""
    table: dict[str, _Word] = {}
    for kind, ws in words.LABELS.items():
        for w in ws:
            table[w] = _Word(kind, w)
    skip = set(words.NOT_LABEL_MISSPELLINGS)
    for w in words.LABELS_READ_WITH_A_LETTER_MISSING:
        kind = table[w].kind
        for i in range(len(w)):
            v = w[:i] + w[i + 1 :]
            if len(v) >= 2 and not _is_mark(v[0]) and v not in table and v not in skip:
                table[v] = _Word(kind, w, misspelt=True)
    before_number = set(words.LABELS_BEFORE_NUMBER)
    after: dict[str, str] = {}
    for w, info in table.items():
        if info.canonical in before_number:
            after[w] = r"(?= {0,3}:? {0,3}[\d(])" if info.kind == "phone" else r"(?= {0,3}:? {0,3}\d)"
        elif info.canonical in words.LABEL_ABBREVIATIONS:
            after[w] = r"(?=[\s\d:.]|$)"
        else:
            after[w] = ""
    english = []
    for kind, ws in words.ENGLISH_LABELS.items():
        for w in ws:
            table[w.lower()] = _Word(kind, w, english=True)
            english.append(w.lower())
    thai = _trie_regex(after)
    return table, thai + r"|(?<![A-Za-z])(?i:" + _trie_regex(dict.fromkeys(english, "")) + r")(?![A-Za-z])"


def _trie_regex(words_after: dict[str, str]) -> str:
    """One regex for many words, as a trie ("ลง(?:วันที่|…)"), so that the hundred-odd words with their
    misspellings are not tried one by one at every word start (the regex runs over every message).
    Longer words are tried first (ลงวันที่ before ลง); *words_after* gives each word the look-ahead
    that must follow it."""
    trie: dict = {}
    for w, cond in words_after.items():
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = cond

    def walk(node: dict) -> str:
        branches = [re.escape(ch) + walk(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            branches.append(node[""] or "")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return walk(trie)


_WORDS, _ALTERNATIVES = _label_table()
_WEAK_LABELS = frozenset(words.WEAK_LABELS)

_LABEL_RE = re.compile(
    # the look-ahead on first letters is only a fast filter (the regex runs over every message)
    r"(?=[" + "".join(sorted({w[0] for w in _WORDS} | {w[0].upper() for w in _WORDS if w.isascii()})) + r"])"
    r"(?<![ก-๎])(?P<word>" + _ALTERNATIVES + r")"
    r"(?P<gap> {0,3}[:] {0,3}| {1,3}|(?=\n))?"
)


@dataclass(slots=True)
class _Label:
    kind: str
    start: int  # label start
    content: int  # region content start
    glued: bool
    colon: bool = False  # "หน่วยงาน:" — a colon makes any word a label
    end: int = 0  # region end, set once the next label is known


def _accepted_labels(
    text: str, start: int, today: dt.date | None, outgoing: bool = False, cells: tuple[int, ...] = ()
) -> list[_Label]:
    accepted: list[_Label] = []
    taken: set[str] = set()
    current = "pre"
    current_content = start
    segment = text[start:] if start else text
    for m in _LABEL_RE.finditer(segment):
        word = m.group("word")
        info = _WORDS.get(word) or _WORDS[word.lower()]
        kind = info.kind
        gap = m.group("gap")
        if info.misspelt and gap is None:
            continue  # "เรืองแสง": a misspelt label only stands apart from the next word
        lab = _Label(kind, m.start() + start, m.end() + start, gap is None, gap is not None and ":" in gap)
        if not _acceptable(text, lab, info, taken, current, current_content, today, outgoing):
            continue
        if kind == "subject" and not lab.colon and not outgoing and _inside_unlabelled_subject(
            text, lab.start, start, accepted, cells
        ):
            continue
        if accepted:
            accepted[-1].end = lab.start
        accepted.append(lab)
        if kind != "phone":
            taken.add(kind)
        current, current_content = kind, lab.content
    if accepted:
        accepted[-1].end = len(text)
    return accepted


def _inside_unlabelled_subject(
    text: str, pos: int, start: int, accepted: list[_Label], cells: tuple[int, ...] = ()
) -> bool:
    """A mid-line เรื่อง after unlabelled words that are not a sender is part of the subject:
    "ขอแจ้งประกาศคณะกรรมการทรัพยากรน้ำแห่งชาติ เรื่อง ผังน้ำ 22 ลุ่มน้ำ" pasted without labels."""
    if _line_start(text, pos):
        return False
    line = text.rfind("\n", 0, pos) + 1
    if accepted and accepted[-1].start >= line:
        # "จาก … เรื่อง …": the words before belong to the label before, unless that is a name
        # followed by words that are not ("จาก กองคลัง ขอส่งสำเนาหนังสือ… เรื่องแนวทาง…")
        prev = accepted[-1]
        if prev.kind != "sender":
            return False
        a, b = _trimmed(text, prev.content, pos)
        split = _org_prefix(text, a, b) if b > a else None
        return (
            split is not None
            and _SUBJECT_OPENER.match(text, _trimmed(text, split, b)[0]) is not None
            and not any(ch.isdigit() for ch in text[split:b])
            and len(_THAI_LETTERS.findall(text, split, b)) >= 6
        )
    slash = text.rfind(" / ", line, pos)
    cell = max(text.rfind("\t", line, pos), text.rfind("|", line, pos), slash + 2 if slash >= 0 else -1)
    i = bisect.bisect_left(cells, pos)
    if i > 0 and cells[i - 1] >= line:
        cell = max(cell, cells[i - 1])
    a = max(line, start, cell + 1)
    lead = _PRE_LEAD.match(text, a, pos)
    a = lead.end() if lead else a
    letter = _LETTER_WORD.match(text, a, pos)
    a = letter.end() if letter else a
    a, b = _trimmed(text, a, pos)
    if b <= a or any(ch.isdigit() for ch in text[a:b]):
        return False
    if _org_like(text, a):
        split = _org_prefix(text, a, b)
        if split is None:
            return False  # only a name before เรื่อง: the sender
        a, b = _trimmed(text, split, b)
    return len(_THAI_LETTERS.findall(text, a, b)) >= 6


# A list marker typed before a label: "- ที่ …", "• เรื่อง …", "2. ลว. …", "📌 จาก …" (a label after
# one is at its line's start); _LIST_MARK is the same followed by a space, opening a list item.
_BULLET = re.compile(r"[ \t]*(?:[-–•*·▪►➢✓✔>]|\d{1,2}[.)]|[^\w\s\u0e00-\u0e7f(\[]{1,3})[ \t]*")


_LIST_MARK = re.compile(r"[ \t]*(?:[-–•*·▪►➢✓✔>]|\d{1,2}[.)]|[^\w\s\u0e00-\u0e7f(\[\"'“]{1,3})[ \t]")


def _mark_kind(mark: str) -> str:
    mark = mark.strip()
    return "number" if mark[:1].isdigit() else mark


def _line_start(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i < 0 or text[i] == "\n":
        return True
    if "\u0e01" <= text[i] <= "\u0e4e":
        return False  # a Thai word before it, not a list marker
    low = max(0, pos - 7)
    nl = text.rfind("\n", low, pos)
    if nl < 0 and low > 0:
        return False  # more than a list marker before it on its line
    return _BULLET.fullmatch(text, nl + 1, pos) is not None


def _acceptable(
    text: str,
    lab: _Label,
    info: _Word,
    taken: set[str],
    current: str,
    current_content: int,
    today: dt.date | None,
    outgoing: bool = False,
) -> bool:
    kind, word = lab.kind, info.canonical
    if kind in taken and kind != "phone":
        return False
    at_line_start = _line_start(text, lab.start)
    if info.misspelt and (current == "subject" and not at_line_start and not lab.colon):
        return False  # a subject's own words are not second-guessed as misspelt labels
    if current in ("reference", "enclosures") and not at_line_start:
        # "อ้างถึง หนังสือ … ที่ … ลงวันที่ …" names another letter, not this one; a label after
        # that letter's own reference and date belongs to this one again
        if current == "enclosures" or not _names_a_letter(text, current_content, lab.start, today):
            return False
    if (word in _WEAK_LABELS or info.english) and not (lab.colon or at_line_start):
        return False
    in_subject = current == "subject" and not at_line_start and not lab.colon
    if in_subject and _depth(text, current_content, lab.start) > 0:
        return False  # inside brackets of the subject: the tail logic reads those
    if kind == "phone":
        return current in ("sender", "pre")
    if kind == "ref":
        shaped = refno.strict_at(text, lab.content) is not None
        if info.misspelt and not shaped:
            return False  # "ที" is a label only before a whole reference number: "ที มท 0808.2/ว 1095"
        if lab.glued:  # "ที่สำนักงาน ศอ.ปส.จ.รย/ว 2428": glued, but the agency's own reference
            return shaped or refno.AGENCY_AT_RE.match(text, lab.content) is not None
        if in_subject:
            return shaped or _agency_ref_ahead(text, lab.content)
        ahead = text[lab.content : lab.content + 60].split("\n", 1)[0]
        return shaped or any(ch.isdigit() for ch in ahead)
    if kind == "date":
        if in_subject and _OTHER_DOC_NUMBER.search(text, max(current_content, lab.start - 30), lab.start):
            return False  # "ขอส่งสำเนาคำสั่ง ที่ 12/2569 ลงวันที่ 1 มีนาคม 2569": another document's date
        date = match_date_at(text, lab.content, today=today)
        if info.misspelt and date is None:
            return False
        if word.startswith("ลง") and word != "ลงวันที่" or word == "วันที่":
            if date is None:
                return False
            # In a subject "… วันที่ 5 ต.ค. 67" is usually part of it; it is the letter date only
            # after a separator or when nothing but another label (or the end) follows it.
            return not in_subject or text[lab.start - 2 : lab.start].strip() in (",", ";", "|") or _field_ends(
                text, date.end
            )
        return date is not None or not in_subject
    if kind == "addressee" and word == "ถึง":
        # "ขอเลขส่ง เรื่อง … ถึง นายอำเภอ…": after an outgoing subject, ถึง + a name is the addressee
        return not in_subject or (outgoing and not lab.glued and _org_like(text, lab.content))
    if kind == "sender" and word not in ("จาก", "ผู้ส่ง") and in_subject:
        return False
    if kind == "sender" and info.misspelt and not _org_like(text, lab.content):
        return False  # "จก" / "จา" are a label only before an organisation's name
    if kind == "subject" and _COUNTED.search(text, max(0, lab.start - 30), lab.start):
        return False  # "หนังสือราชการ 1 เรื่อง มท …": เรื่อง counts letters here, it labels nothing
    return True


_COUNTED = re.compile(r"(?<![ก-๎])(?:(?:ได้รับ|มี)?หนังสือ[ก-๎]*|มี|จำนวน) ?\d{1,2} ?$")


_OTHER_DOC_NUMBER = re.compile(r"(?<![ก-๎])(?:ที่|ฉบับที่|เลขที่)\s*\d{1,5}\s*/\s*\d{2,4}\s*$")


def _names_a_letter(text: str, start: int, end: int, today: dt.date | None) -> bool:
    """Does ``text[start:end]`` already hold a reference number and a date (a whole citation)?"""
    return refno.find_strict(text, start, end) is not None and bool(find_dates(text, start, end, today=today))


def _field_ends(text: str, pos: int) -> bool:
    """Nothing but separators before the end, a line break or another label."""
    m = _SEPARATORS.match(text, pos)
    pos = m.end() if m else pos
    return pos >= len(text) or text[pos] == "\n" or _LABEL_RE.match(text, pos) is not None


_SEPARATORS = re.compile(r"[ ,;|)\]]*")


def _agency_ref_ahead(text: str, pos: int) -> bool:
    """After ที่ inside a subject: a reference with an agency name before its slash
    ("สำนักงาน ศอ.ปส.จ.รย/ว 2428"), not a bare "ที่ 3/2569"."""
    ext = refno.labelled_extent(text, pos, min(len(text), pos + 40))
    if ext is None:
        return False
    ref = text[ext[0] : ext[1]]
    head = ref.split("/", 1)[0]
    return "/" in ref and "\n" not in ref and ref.count(" ") <= 3 and _THAI_LETTERS.search(head) is not None
