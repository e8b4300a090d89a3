"""Letter header fields (ที่, ลงวันที่, จาก, ถึง/เรียน, เรื่อง, …) from normalised text.

Labelled and unlabelled headers, one line or many, pasted from web lists or typed on a phone.
The approach, and why:

* Labels are found with one regular expression, but a label only counts at a word start and only
  *once*: the first ``เรื่อง`` opens the subject, a later ``เรื่อง`` is part of it ("ขอแจ้งประกาศ …
  เรื่อง ผังน้ำ"). Each label's region runs to the next accepted label.
* Inside the subject, words that are also labels are common ("ครั้งที่ 1/2569", "เมื่อวันที่ 16 …",
  "1 ถึง 5 มีนาคม"), so there a label ends the subject only at a line start or when what follows
  it proves it (a reference number after ที่, a date after ลว.).
* Text outside labelled regions is scanned for what stands on its own: a reference number with
  prefix, code and number; a date; ด่วน…/ลับ… as whole words; a sender named after "หนังสือ".
  Priority and secrecy words inside a subject are never read ("…เร่งด่วนของกระทรวง…").
* A subject may end with the reference and date in brackets: "(ที่ มท 0808.2/ว 1095 ลว. 5 ต.ค. 67)".

Everything here is positions in the normalised text; :mod:`nlp.parse` maps them back to the
original message and takes field text from there, as written.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from nlp import refno
from nlp.dates import DateMatch, find_dates, match_date_at

PRIORITY_WORDS = {"ด่วนที่สุด": "most_urgent", "ด่วนมาก": "very_urgent", "ด่วน": "urgent", "ปกติ": "normal"}
SECRECY_WORDS = {"ลับที่สุด": "top_secret", "ลับมาก": "secret", "ลับ": "confidential"}

_LABEL_WORDS = {
    "enclosures": r"สิ่งที่ส่งมาด้วย",
    "reference": r"อ้างถึง",
    "priority": r"ชั้นความเร็ว|ชั้นความเร่งด่วน|ชั้นความด่วน|ความเร่งด่วน",
    "secrecy": r"ชั้นความลับ",
    "date": r"ลงวันที่|ลว\.?(?=[\s\d:.]|$)|ลง(?= {0,3}\d)|วันที่(?= {0,3}\d)",
    "ref": r"เลขที่หนังสือ|เลขหนังสือ|ที่หนังสือ|หนังสือที่|เลขที่|ที่",
    "sender": r"จาก|ส่วนราชการ|หน่วยงานผู้ส่ง|หน่วยงาน|ผู้ส่ง",
    "addressee": r"เรียน|ถึง|ผู้รับ",
    "subject": r"ชื่อเรื่อง|เรื่อง",
    "remarks": r"หมายเหตุ",
    "phone": r"โทร(?:ศัพท์|\.)?(?= {0,3}[\d(])",
}
# Which kind each matched label word is (the words are distinct across kinds).
_KIND_OF = {
    "สิ่งที่ส่งมาด้วย": "enclosures",
    "อ้างถึง": "reference",
    **dict.fromkeys(("ชั้นความเร็ว", "ชั้นความเร่งด่วน", "ชั้นความด่วน", "ความเร่งด่วน"), "priority"),
    "ชั้นความลับ": "secrecy",
    **dict.fromkeys(("ลงวันที่", "ลว.", "ลว", "ลง", "วันที่"), "date"),
    **dict.fromkeys(("เลขที่หนังสือ", "เลขหนังสือ", "ที่หนังสือ", "หนังสือที่", "เลขที่", "ที่"), "ref"),
    **dict.fromkeys(("จาก", "ส่วนราชการ", "หน่วยงานผู้ส่ง", "หน่วยงาน", "ผู้ส่ง"), "sender"),
    **dict.fromkeys(("เรียน", "ถึง", "ผู้รับ"), "addressee"),
    **dict.fromkeys(("ชื่อเรื่อง", "เรื่อง"), "subject"),
    "หมายเหตุ": "remarks",
    **dict.fromkeys(("โทร", "โทร.", "โทรศัพท์"), "phone"),
}

_LABEL_RE = re.compile(
    # the look-ahead on first letters is only a fast filter (the regex runs over every message)
    r"(?=[" + "".join(sorted({w[0] for w in _KIND_OF})) + r"])"
    r"(?<![ก-๎])(?P<word>" + "|".join(_LABEL_WORDS.values()) + r")"
    r"(?P<gap> {0,3}[:] {0,3}| {1,3}|(?=\n))?"
)
# ด่วน… / ลับ… standing as words (boundaries checked in code so "ด่วนที่สุดลับมาก" also reads).
_FLAG_RE = re.compile(r"ด่วนที่สุด|ด่วนมาก|ด่วน|ลับที่สุด|ลับมาก|ลับ|ปกติ")
_FLAG_FOLLOWERS = ("ด่วน", "ลับ", "ภายใน", "ที่", "เรื่อง", "จาก")  # may follow a flag without a space

# "หนังสือกรมบัญชีกลาง ด่วนที่สุด ที่ …": a web list names the sender right after หนังสือ.
_LETTER_WORD = re.compile(r"\s*หนังสือ(?:เวียน|ราชการ|ภายนอก|ภายใน|ประทับตรา|สั่งการ)?\s*(?:จาก|ของ)?\s*")

# How organisations' names begin: used to tell an unlabelled sender from an unlabelled subject.
_ORG_HEAD = re.compile(
    r"(?:กรม|กอง|สำนัก|สนง\.|กระทรวง|จังหวัด|อำเภอ|ที่ว่าการ|ที่ทำการ|เทศบาล|องค์การ|องค์กร|อบต|อบจ|ศูนย์|"
    r"มหาวิทยาลัย|วิทยาลัย|โรงพยาบาล|โรงเรียน|สถานี|สถาบัน|การไฟฟ้า|การประปา|การท่าเรือ|การรถไฟ|ธนาคาร|บริษัท|"
    r"สภา|คณะ|ศาล|ตำรวจ|ผู้ว่าราชการ|นายอำเภอ|ปลัด|ผู้อำนวยการ|หน่วย|ฝ่าย|ส่วน|ด่าน|กองทุน|สหกรณ์|มูลนิธิ|"
    r"สมาคม|ท่าอากาศยาน|เขต|ภาค|สำนักงาน)"
)
_ABBREVIATION = re.compile(r"[ก-ฮ]{1,5}\.")  # สพป.ระยอง, ศอ.ปส.จ.รย
_THAI_LETTERS = re.compile(r"[ก-ฮA-Za-z]")
_BODY_OPENERS = re.compile(r"(?:ตามที่|ด้วย|อนุสนธิ|ตามหนังสือ|เนื่องด้วย|เนื่องจาก)")
_TRIM = " \t\n,;:|/-–"


@dataclass(slots=True)
class Found:
    """A value found at ``[start, end)`` of the normalised text.

    ``value`` None means "the text of the span, as written" (taken later from the original).
    """

    value: object
    start: int
    end: int
    confidence: float


@dataclass(slots=True)
class LetterFields:
    found: dict[str, Found] = field(default_factory=dict)
    errors: list[tuple[str, str, int, int]] = field(default_factory=list)  # field, Thai message, span
    labels: int = 0  # how many labels were accepted: a measure of "this is a letter header"
    first_label: int = 0  # where the first label starts (or the end of the text)
    outgoing: bool = False

    def take(self, name: str, value: object, start: int, end: int, confidence: float) -> bool:
        if name in self.found:
            return False
        self.found[name] = Found(value, start, end, confidence)
        return True


@dataclass(slots=True)
class _Label:
    kind: str
    start: int  # label start
    content: int  # region content start
    glued: bool
    colon: bool = False  # "หน่วยงาน:" — a colon makes any word a label
    end: int = 0  # region end, set once the next label is known


def extract_letter_fields(
    text: str, start: int = 0, *, today: dt.date | None = None, outgoing: bool = False
) -> LetterFields:
    """Letter fields of normalised *text* from *start* (just after any command word).

    *outgoing*: a request for a sending number, where the sender is the clerk's own unit and
    is never guessed from unlabelled words.
    """
    out = LetterFields(outgoing=outgoing)
    labels = _accepted_labels(text, start, today, outgoing)
    out.labels = len(labels)
    free: list[tuple[int, int]] = []  # regions no label explains
    first = labels[0].start if labels else len(text)
    out.first_label = first
    _pre_region(text, start, first, out, free, today)
    subject_label = None
    for lab in labels:
        if lab.kind == "ref":
            _ref_region(text, lab, out, free, today)
        elif lab.kind == "date":
            _date_region(text, lab, out, free, today)
        elif lab.kind in ("sender", "addressee"):
            _name_region(text, lab, out, free, today)
        elif lab.kind == "enclosures":
            _enclosures_region(text, lab, out, free)
        elif lab.kind == "priority":
            _flag_region(text, lab, out, "priority")
        elif lab.kind == "secrecy":
            _flag_region(text, lab, out, "secrecy")
        elif lab.kind == "subject":
            subject_label = lab
    if subject_label is not None:
        _subject_region(text, subject_label, out, free, today)
    _free_regions(text, free, out, today)
    return out


# --- labels -------------------------------------------------------------------------------


def _accepted_labels(text: str, start: int, today: dt.date | None, outgoing: bool = False) -> list[_Label]:
    accepted: list[_Label] = []
    taken: set[str] = set()
    current = "pre"
    current_content = start
    segment = text[start:] if start else text
    for m in _LABEL_RE.finditer(segment):
        word = m.group("word")
        kind = _KIND_OF[word]
        gap = m.group("gap")
        lab = _Label(kind, m.start() + start, m.end() + start, gap is None, gap is not None and ":" in gap)
        if not _acceptable(text, lab, word, taken, current, current_content, today):
            continue
        if kind == "subject" and not lab.colon and not outgoing and _inside_unlabelled_subject(text, lab.start, start, accepted):
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


def _inside_unlabelled_subject(text: str, pos: int, start: int, accepted: list[_Label]) -> bool:
    """A mid-line เรื่อง after unlabelled words that are not a sender is part of the subject:
    "ขอแจ้งประกาศคณะกรรมการทรัพยากรน้ำแห่งชาติ เรื่อง ผังน้ำ 22 ลุ่มน้ำ" pasted without labels."""
    if _line_start(text, pos):
        return False
    line = text.rfind("\n", 0, pos) + 1
    if accepted and accepted[-1].start >= line:
        return False  # "จาก … เรื่อง …": the words before belong to the label before
    cell = max(text.rfind("\t", line, pos), text.rfind("|", line, pos))
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


def _line_start(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] == "\n"


def _acceptable(
    text: str, lab: _Label, word: str, taken: set[str], current: str, current_content: int, today: dt.date | None
) -> bool:
    kind = lab.kind
    if kind in taken and kind != "phone":
        return False
    at_line_start = _line_start(text, lab.start)
    if current in ("reference", "enclosures") and not at_line_start:
        return False  # "อ้างถึง หนังสือ … ที่ … ลงวันที่ …" names another letter, not this one
    in_subject = current == "subject" and not at_line_start and not lab.colon
    if in_subject and _depth(text, current_content, lab.start) > 0:
        return False  # inside brackets of the subject: the tail logic reads those
    if kind == "phone":
        return current in ("sender", "pre")
    if kind == "ref":
        shaped = refno.strict_at(text, lab.content) is not None
        if lab.glued:  # "ที่สำนักงาน ศอ.ปส.จ.รย/ว 2428": glued, but the agency's own reference
            return shaped or refno.AGENCY_AT_RE.match(text, lab.content) is not None
        if in_subject:
            return shaped or _agency_ref_ahead(text, lab.content)
        ahead = text[lab.content : lab.content + 60].split("\n", 1)[0]
        return shaped or any(ch.isdigit() for ch in ahead)
    if kind == "date":
        date = match_date_at(text, lab.content, today=today)
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
        return not in_subject
    if kind == "sender" and word not in ("จาก", "ผู้ส่ง") and in_subject:
        return False
    return True


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


def _depth(text: str, start: int, end: int) -> int:
    part = text[start:end]
    return part.count("(") + part.count("[") - part.count(")") - part.count("]")


# --- regions ------------------------------------------------------------------------------


def _trimmed(text: str, start: int, end: int, chars: str = _TRIM) -> tuple[int, int]:
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def _line_end(text: str, start: int, end: int) -> int:
    nl = text.find("\n", start, end)
    return end if nl < 0 else nl


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


def _take_date(out: LetterFields, found: DateMatch, *, labelled: bool) -> None:
    if found.error:
        if not any(err[0] == "letter_date" for err in out.errors):
            out.errors.append(("letter_date", found.error, found.start, found.end))
        return
    assert found.value is not None
    confidence = found.confidence if labelled else min(found.confidence, 0.7)
    out.take("letter_date", found.value.isoformat(), found.start, found.end, confidence)


def _name_region(text: str, lab: _Label, out: LetterFields, free: list, today: dt.date | None) -> None:
    """จาก / ถึง / เรียน: the name runs to the end of its line or the first thing it cannot be."""
    stop = _line_end(text, lab.content, lab.end)
    items = _items(text, lab.content, stop, out, today)
    name = "sender" if lab.kind == "sender" else "addressee"
    cut = items[0][0] if items else stop
    s, e = _trimmed(text, lab.content, cut)
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


def _flag_region(text: str, lab: _Label, out: LetterFields, name: str) -> None:
    stop = _line_end(text, lab.content, lab.end)
    words = PRIORITY_WORDS if name == "priority" else SECRECY_WORDS
    for m in _FLAG_RE.finditer(text, lab.content, stop):
        if m.group() in words:
            out.take(name, words[m.group()], m.start(), m.end(), 0.95)
            return
        if name == "secrecy" and m.group() == "ปกติ":
            out.take(name, None, m.start(), m.end(), 0.9)  # explicitly not secret
            return


def _subject_region(text: str, lab: _Label, out: LetterFields, free: list, today: dt.date | None) -> None:
    start = lab.content
    end = _line_end(text, start, lab.end)
    # A subject pasted over several lines continues until a blank line or a line that is
    # something else: a date, a reference, ด่วน/ลับ, or (no sender yet) an organisation.
    while end < lab.end:
        nxt = end + 1
        line_end = _line_end(text, nxt, lab.end)
        s, e = _trimmed(text, nxt, line_end)
        if e == s or _is_item_line(text, s, e, out, today) or _BODY_OPENERS.match(text, s):
            break
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
    return covered >= len(text[s:e].replace(" ", "")) * 0.9


def _strip_tail(text: str, s: int, e: int, out: LetterFields, today: dt.date | None) -> tuple[int, int]:
    """Cut "(ที่ … ลว. …)", a bare reference number, or ด่วน/ลับ words off the end of a subject."""
    for _ in range(8):
        if e - s < 2:
            break
        chatter = _CHATTER_TAIL.search(text, s, e)
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


# What a clerk adds after the header in chat: ครับ/ค่ะ, thanks, emoji. Only as separate words
# (or symbols), never the end of a word.
_CHATTER_TAIL = re.compile(
    r"(?:(?<=\s)(?:ขอบคุณ(?:มาก)?(?:ครับผม|ครับ|ค่ะ|คะ|จ้า|จ้ะ|นะคะ|นะครับ)?|(?:นะ)?(?:ครับผม|ครับ|ค่ะ|คะ|จ้า|จ้ะ)|"
    r"รบกวนด้วย(?:ครับ|ค่ะ)?|ด้วยครับ|ด้วยค่ะ)"
    r"|[^\w\s\u0e00-\u0e7f()\[\]{}<>.,;:!?\"'/\\&%+*#=~^`|_@$-]+)[\s!.]*$"
)


def _matching_open(text: str, lo: int, close: int) -> int | None:
    depth = 0
    for i in range(close, lo - 1, -1):
        if text[i] in ")]":
            depth += 1
        elif text[i] in "([":
            depth -= 1
            if depth == 0:
                return i
    return None


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


def _trimmed_piece(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim a leftover piece, including a bracket left open by what was cut out of it."""
    s, e = _trimmed(text, start, end)
    depth = _depth(text, s, e)
    while e > s and (text[e - 1] in "([" or (text[e - 1] in ")]" and depth < 0)):
        depth += 1 if text[e - 1] in ")]" else -1
        s2, e = _trimmed(text, s, e - 1)
        depth -= _depth(text, s, s2)
        s = s2
    while e > s and (text[s] in ")]" or (text[s] in "([" and depth > 0)):
        depth += 1 if text[s] in ")]" else -1
        s, e2 = _trimmed(text, s + 1, e)
        depth -= _depth(text, e2, e)
        e = e2
    return s, e


# --- free text ------------------------------------------------------------------------------


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
        if m is None and loose:  # unlabelled lines only: a sender may be named so after จาก
            m = refno.find_agency(text, start, end)
        if m is not None:
            items.append((m.start(), m.end(), "ref"))
    items.extend(_flag_matches(text, start, end))
    items.sort()
    return items


def _take_items(items: list[tuple[int, int, str]], out: LetterFields) -> None:
    for a, b, kind in items:
        if kind == "ref":
            out.take("ref_no", None, a, b, 0.75)
        elif kind in PRIORITY_WORDS:
            out.take("priority", PRIORITY_WORDS[kind], a, b, 0.9)
        elif kind in SECRECY_WORDS:
            out.take("secrecy", SECRECY_WORDS[kind], a, b, 0.9)


def _pre_region(text: str, start: int, end: int, out: LetterFields, free: list, today: dt.date | None) -> None:
    """Before the first label: ด่วน/ลับ words, and the sender a web list names after หนังสือ."""
    lead = _PRE_LEAD.match(text, start, end)
    m = _LETTER_WORD.match(text, lead.end() if lead else start, end)
    if m and not out.outgoing:
        s = m.end()
        items = _items(text, s, end, out, today)
        cut = items[0][0] if items else end
        if items and items[0][2] == "ref":
            label = _REF_WORD_BEFORE.search(text, max(s, cut - 12), cut)
            cut = label.start() if label else cut
        ns, ne = _trimmed(text, s, _line_end(text, s, cut))
        if ne > ns and _THAI_LETTERS.search(text, ns, ne) and _org_like(text, ns):
            split = _org_prefix(text, ns, ne)
            if split is not None:  # "หนังสือกองคลัง กรม… โอนเงินจัดสรร …": the name, then the subject
                ne = split
            out.take("sender", None, ns, ne, 0.8)
            if lead is not None and lead.end() > start:
                free.append((start, lead.end()))  # ด่วน / ลับ typed before หนังสือ
            free.append((ne, end))
            return
    free.append((start, end))


# Before "หนังสือ…" in the pre-label region: flags, a colon, the rest of a polite request.
_PRE_LEAD = re.compile(
    r"(?:[\s:,;|\-]+|ด่วนที่สุด|ด่วนมาก|ด่วน|ลับที่สุด|ลับมาก|ลับ|ให้หน่อย|หน่อย|ให้ด้วย|ด้วย|ครับผม|ครับ|ค่ะ|คะ|นะ|จ้า)+"
)
_CHUNK = re.compile(r"\S+")


_BARE_ABBREVIATION = re.compile(r"[ก-ฮ]{2,6}(?![ก-๎])")  # สพฐ, กปภ: initials without dots


def _org_like(text: str, pos: int) -> bool:
    """Does an organisation's name start at *pos*? (หนังสือในศูนย์… is a subject, not a sender)"""
    return (
        _ORG_HEAD.match(text, pos) is not None
        or _ABBREVIATION.match(text, pos) is not None
        or _BARE_ABBREVIATION.match(text, pos) is not None
    )


def _org_chunk(text: str, a: int, b: int) -> bool:
    return (
        _ORG_HEAD.match(text, a) is not None
        or _ABBREVIATION.match(text, a) is not None
        or (b - a <= 3 and text[a:b].isdigit())  # กองทุนพัฒนาไฟฟ้าจังหวัดระยอง 1
    )


def _org_prefix(text: str, s: int, e: int) -> int | None:
    """Where an organisation's name ends when a subject follows it on the same line, or None.

    The name is the run of space-separated words that each read as part of an organisation
    (กองคลัง กรมป้องกันและบรรเทาสาธารณภัย); the first word that does not starts the subject.
    """
    if _ORG_HEAD.match(text, s) is None and _ABBREVIATION.match(text, s) is None:
        return None
    last = None
    for m in _CHUNK.finditer(text, s, e):
        if last is not None and not _org_chunk(text, m.start(), m.end()):
            rest = text[m.start() : e]
            if len(_THAI_LETTERS.findall(rest)) >= 4:
                return last
            return None
        last = m.end()
    return None


_DEADLINE = re.compile(r"ภายใน(?:วันที่)?\s*$")
_REF_WORD_BEFORE = re.compile(r"(?:เลขที่|ที่)\s*:?\s*$")
_DATE_PHRASE = re.compile(r"(?:วันที่|เมื่อ|ณ|ตั้งแต่|ถึง|จนถึง|ระหว่าง)\s*$")
_FILLER = re.compile(r"[\s,;:|/\-–()\[\]]*")


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
        if not is_cut:
            continue
        label = _REF_WORD_BEFORE.search(text, max(pos, a - 12), a) if kind == "ref" else None
        _piece(text, pos, label.start() if label else a, pieces)  # "หนังสือกรมบัญชีกลางที่ กค …"
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
    _piece(text, pos, end, pieces)


_CELL = re.compile(r"\t|\|| {4,}")  # cells of a row copied from a table or a register
_LEAD_CHATTER = re.compile(r"(?:(?:ครับผม|ครับ|ค่ะ|คะ|นะคะ|นะครับ|จ้า|ให้หน่อย|หน่อย)(?![ก-๎])\s*)+")


def _piece(text: str, start: int, end: int, pieces: list[tuple[int, int]]) -> None:
    cell = _CELL.search(text, start, end)
    if cell is not None:  # each cell is a piece of its own
        _piece(text, start, cell.start(), pieces)
        _piece(text, cell.end(), end, pieces)
        return
    chatter = _LEAD_CHATTER.match(text, start, end)
    if chatter is not None:
        start = chatter.end()
    s, e = _trimmed_piece(text, start, end)
    if e - s >= 2 and len(_THAI_LETTERS.findall(text, s, e)) >= 2:
        pieces.append((s, e))


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
                    e = split
                out.take("sender", None, s, e, 0.6)
                break
    if "subject" not in out.found and ("ref_no" in out.found or "letter_date" in out.found) and pieces:
        s, e = max(pieces, key=lambda p: p[1] - p[0])
        if e - s >= 6:
            out.take("subject", None, s, e, 0.5)
