"""The layout of a Thai official letter (หนังสือภายนอก), read from line segments.

The regulation fixes where each part sits, and that is more reliable than any reading of the
words: the ที่ line at the left margin below the Garuda, the agency's name at the right on the same
level with its address beneath, the date starting near the centre, then เรื่อง (continued on
indented lines), เรียน, อ้างถึง and สิ่งที่ส่งมาด้วย at the left margin. Stamps are decoys: the
speed stamp (ด่วนที่สุด) above the ที่ line gives the priority and nothing else; the receiving
unit's stamp at the top right (เลขรับ, วันที่, เวลา) and the อ้างถึง line carry numbers and dates
that are not this letter's.

Labels are recognised on the "bare" text (spaces and Thai combining marks removed) because OCR
drops and swaps marks far more often than letters: ``ที่`` comes out ``ที``, ``เรียน`` ``เรยน``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from scan.boxes import Segment, line_height

_MARKS = re.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
_SPACE = re.compile(r"\s+")


def fix_ocr(text: str) -> str:
    """Undo spellings OCR produces that no Thai typist does: นิคหิต + อา for สระอำ, two เ for แ,
    stray bars and quotes at the ends of a line."""
    t = unicodedata.normalize("NFC", text).replace("\u0e4d\u0e32", "\u0e33").replace("เเ", "แ")
    t = t.replace("\u0e4d \u0e32", "\u0e33")
    t = re.sub(r"\s+[.,:;|'\"]+$", "", t)  # a speck after the last word
    t = re.sub(r"(^|\s)[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]+", r"\1", t)  # a mark with no letter under it
    return t.strip(" |'\"‘’“”_—-~`")


def bare(text: str) -> str:
    return _MARKS.sub("", _SPACE.sub("", text))


# label -> its bare form; the order matters only for reading
LABELS = {
    "subject": "เรอง",
    "addressee": "เรยน",
    "reference": "อางถง",
    "enclosure": "สงทสงมาดวย",
}
_REF_LABEL = re.compile(r"^ท[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]*\s*[:.]?\s*")
_REF_BODY = re.compile(r"[ก-ฮ]{1,4}\.?\s*[\(\d๐-๙]|^\s*[\d๐-๙]")
PRIORITY_WORDS = {"ดวนทสด": "ด่วนที่สุด", "ดวนมาก": "ด่วนมาก", "ดวน": "ด่วน"}
SECRECY_WORDS = {"ลบทสด": "ลับที่สุด", "ลบมาก": "ลับมาก", "ลบ": "ลับ"}
# Words of a receiving unit's stamp: เลขรับ / รับที่, เวลา … น.
_STAMP_CUES = ("เลขรบ", "รบท", "เลขทรบ")
_ADDRESS_START = ("ถนน", "ถ.", "ซอย", "ตำบล", "อำเภอ", "แขวง", "เขต", "หมท", "หม", "เลขท", "ศาลากลาง", "อาคาร",
                  "ชน", "กรงเทพ", "กทม", "ตป", "ตปณ", "โทร", "ทอย")  # fmt: skip
_ADDRESS_ABBREV = re.compile(r"^[ตอจถซ]\s?\.")
_POSTCODE = re.compile(r"(?<![\d๐-๙])[\d๐-๙]{5}(?![\d๐-๙])")
_DIGIT = re.compile(r"[\d๐-๙]")
_MONTH_BARE = ("มกราคม", "กมภาพนธ", "มนาคม", "เมษายน", "พฤษภาคม", "มถนายน", "กรกฎาคม", "สงหาคม", "กนยายน",
               "ตลาคม", "พฤศจกายน", "ธนวาคม", "มค", "กพ", "มคี", "เมย", "พค", "มย", "กค", "สค", "กย", "ตค",
               "พย", "ธค")  # fmt: skip


@dataclass
class Header:
    """The parts of a letter's header found on the page, each as text and the segments it came from."""

    ref_no: str | None = None
    sender: str | None = None
    date: str | None = None
    subject: str | None = None
    addressee: str | None = None
    reference: str | None = None
    enclosure: str | None = None
    priority: str | None = None
    secrecy: str | None = None
    segments: dict[str, list[Segment]] = field(default_factory=dict)
    decoys: list[Segment] = field(default_factory=list)

    @property
    def found_layout(self) -> bool:
        return self.ref_no is not None or self.subject is not None

    def as_text(self) -> str:
        """The header as a labelled message, one field a line, which is what ``nlp`` reads best."""
        lines = []
        if self.priority:
            lines.append(f"ชั้นความเร็ว {self.priority}")
        if self.secrecy:
            lines.append(f"ชั้นความลับ {self.secrecy}")
        for label, value in (("ที่", self.ref_no), ("จาก", self.sender), ("ลงวันที่", self.date),
                             ("เรื่อง", self.subject), ("เรียน", self.addressee), ("อ้างถึง", self.reference),
                             ("สิ่งที่ส่งมาด้วย", self.enclosure)):  # fmt: skip
            if value:
                lines.append(f"{label} {value}")
        return "\n".join(lines)


def join_lines(parts: list[str]) -> str:
    """Lines of one wrapped field as one string: Thai wraps between words that had no space."""
    out = ""
    for p in (x.strip() for x in parts):
        if not p:
            continue
        if out and not (re.match(r"[ก-๛]", out[-1]) and re.match(r"[ก-๛]", p[0])):
            out += " "
        out += p
    return out


def _label_rest(seg: Segment, label_bare: str) -> str:
    """The text of *seg* after its label (matched on the bare form)."""
    text = fix_ocr(seg.text)
    seen = ""
    for i, ch in enumerate(text):
        if not _MARKS.match(ch) and not ch.isspace():
            seen += ch
        if seen == label_bare:
            j = i + 1
            while j < len(text) and _MARKS.match(text[j]):
                j += 1
            return text[j:].strip(" :.")
    return text


def _is_label(seg: Segment, key: str, width: float) -> bool:
    return seg.x0 < 0.35 * width and bare(fix_ocr(seg.text)).startswith(LABELS[key])


def is_ref_line(seg: Segment, width: float) -> bool:
    if seg.x0 > 0.4 * width:
        return False
    text = fix_ocr(seg.text)
    m = _REF_LABEL.match(text)
    if m is None:
        return False
    rest = _MARKS.sub("", text[m.end() :])
    b = bare(text)
    if b.startswith(("ทาง", "ทงน", "ทน", "ทม", "ทก", "ทส")) and not _REF_BODY.match(rest):
        return False  # ทั้งนี้ / ที่นี่: a word, not the label
    return bool(_REF_BODY.match(rest)) and bool(_DIGIT.search(rest) or "/" in rest)


def is_address(text: str) -> bool:
    t = fix_ocr(text)
    b = bare(t)
    return (
        b.startswith(_ADDRESS_START) or bool(_ADDRESS_ABBREV.match(t)) or bool(_POSTCODE.search(t))
        or bool(re.match(r"^[\d๐-๙]", t))
    )  # fmt: skip


def is_stamp(text: str) -> bool:
    """A line of a receiving unit's stamp: เลขรับ / รับที่, วันที่ <date>, เวลา <time>. (A letter's own
    date line is the date alone, never "วันที่ …".)"""
    b = bare(fix_ocr(text))
    return any(c in b for c in _STAMP_CUES) or b.startswith("เวลา") or bool(re.match(r"วนท[\d๐-๙]", b))


def is_speck(seg: Segment) -> bool:
    """Dust, a stamp's edge or a bit of the Garuda read as a few odd characters."""
    letters = len(re.findall(r"[ก-ฮ]", seg.text))
    return seg.conf < 60 and letters < 6


def has_month(text: str) -> bool:
    b = bare(fix_ocr(text)).replace(".", "")
    return any(m in b for m in _MONTH_BARE[:12]) or bool(
        re.search(r"[\d๐-๙](?:" + "|".join(_MONTH_BARE[12:]) + r")[\d๐-๙]", b)
    )


def _word_after(seg: Segment) -> str:
    return _REF_LABEL.sub("", fix_ocr(seg.text), count=1).strip()


def read(segs: list[Segment], width: float) -> Header:
    """Find the header's parts among *segs* (sorted top to bottom) of a page *width* pixels wide."""
    out = Header()
    if not segs:
        return out
    h = line_height(segs)

    def below(seg: Segment | None) -> float:
        return seg.cy if seg is not None else -1.0

    ref = next((s for s in segs if is_ref_line(s, width)), None)
    subject = next((s for s in segs if _is_label(s, "subject", width) and s.cy > below(ref)), None)
    others = {
        key: next((s for s in segs if _is_label(s, key, width) and s.cy > below(subject or ref)), None)
        for key in ("addressee", "reference", "enclosure")
    }
    if ref is not None:
        out.ref_no = _word_after(ref)
        out.segments["ref_no"] = [ref]

    # stamps above the body: priority / secrecy words standing alone
    top_limit = subject.cy if subject is not None else (ref.cy + 8 * h if ref is not None else 0.5 * 1e9)
    for s in segs:
        if s.cy >= top_limit:
            break
        b = bare(fix_ocr(s.text))
        for word, value in PRIORITY_WORDS.items():
            # a bold red stamp loses a letter now and then (ด่วนที่สุด read ควนทสด); ด่วน alone must be exact
            if b == word or (len(word) >= 5 and Levenshtein.distance(b[: len(word) + 1], word) <= 1 and len(b) <= len(word) + 2):
                out.priority = out.priority or value
                out.decoys.append(s)
                break
        else:
            if b in SECRECY_WORDS:
                out.secrecy = out.secrecy or SECRECY_WORDS[b]
                out.decoys.append(s)
            elif is_stamp(s.text):
                out.decoys.append(s)

    # the date: a line with a month name between the ที่ line and เรื่อง, away from the left margin
    upper = below(ref) - 0.5 * h if ref is not None else 0.0
    lower = subject.cy if subject is not None else (ref.cy + 10 * h if ref is not None else float("inf"))
    candidates = [
        s for s in segs
        if upper < s.cy < lower and s is not ref and s.x0 > 0.25 * width and has_month(s.text)
        and not is_stamp(s.text) and s not in out.decoys and not is_speck(s)
    ]  # fmt: skip
    date = candidates[-1] if candidates else None  # the one nearest เรื่อง: the agency block is above it
    if date is not None:
        out.date = fix_ocr(date.text)
        out.segments["date"] = [date]

    # the agency block: right-hand lines from the ที่ line down to the date; the name, not the address
    block_top = ref.cy - 0.6 * h if ref is not None else None
    block_bottom = date.cy - 0.4 * h if date is not None else lower
    right = [s for s in segs if s.x0 > 0.42 * width and s.cy < block_bottom and s is not date and not is_speck(s)]
    stamp_lines = [s.cy for s in right if is_stamp(s.text)]
    if stamp_lines:  # the receiving unit's stamp sits above the block: its name line is no sender
        right = [s for s in right if s.cy > max(stamp_lines) + 0.5 * h]
    right = [s for s in right if s not in out.decoys]
    if block_top is not None:
        right = [s for s in right if s.cy >= block_top]
    else:  # no ที่ line: the contiguous run of right-hand lines ending just above the date
        run: list[Segment] = []
        for s in reversed(right):
            if run and run[0].y0 - s.y1 > 1.6 * h:
                break
            run.insert(0, s)
        right = run
    name: list[Segment] = []
    for s in right:
        if is_address(s.text):
            break
        name.append(s)
    if name:
        out.sender = join_lines([fix_ocr(s.text) for s in name])
        out.segments["sender"] = name

    # เรื่อง and its continuation lines, down to the next label or a wide gap
    if subject is not None:
        parts = [_label_rest(subject, LABELS["subject"])]
        used = [subject]
        same_row = [s for s in segs if s is not subject and abs(s.cy - subject.cy) < 0.5 * h and s.x0 > subject.x1]
        if not parts[0] and same_row:
            parts = [fix_ocr(same_row[0].text)]
            used.append(same_row[0])
        stops = [s.cy for s in others.values() if s is not None]
        stop = min(stops) if stops else subject.cy + 4 * h
        last = subject
        for s in segs:
            if s.cy <= subject.cy + 0.5 * h or s.cy >= stop - 0.3 * h or s in used:
                continue
            if is_speck(s):
                continue
            if s.y0 - last.y1 > 1.2 * h or s.x0 < subject.x0 + 0.5 * h:
                break
            parts.append(fix_ocr(s.text))
            used.append(s)
            last = s
        out.subject = join_lines(parts) or None
        out.segments["subject"] = used

    for key, seg in others.items():
        if seg is None:
            continue
        value = _label_rest(seg, LABELS[key])
        used = [seg]
        if key == "reference":  # อ้างถึง often wraps too
            nxt = next((s for s in segs if s.cy > seg.cy + 0.5 * h), None)
            if nxt is not None and nxt.x0 > seg.x0 + 0.5 * h and nxt.y0 - seg.y1 < 1.0 * h and not any(
                _is_label(nxt, k, width) for k in LABELS
            ):
                value = join_lines([value, fix_ocr(nxt.text)])
                used.append(nxt)
        setattr(out, key, value or None)
        out.segments[key] = used
    return out


def page_text(segs: list[Segment]) -> str:
    """All segments as text in reading order, one row a line (columns separated by wide spaces, as
    ``nlp.parse`` reads a pasted layout)."""
    rows: list[list[Segment]] = []
    h = line_height(segs) if segs else 0
    for s in segs:
        if rows and abs(rows[-1][0].cy - s.cy) < 0.5 * h:
            rows[-1].append(s)
        else:
            rows.append([s])
    return "\n".join("    ".join(fix_ocr(s.text) for s in sorted(r, key=lambda s: s.x0)) for r in rows)
