"""A person's name inside what officers actually type: kin words, honorifics and the request
around it taken away.

Colleagues are named as they are addressed at work — พี่ธนา, น้องพิมพ์ชนก, คุณสมชาย, ผอ.ประเสริฐ —
and a name typed into a picker often comes inside a sentence ("ฝากส่งน้องวิภาวดีด้วยนะคะ"). The
register knows "นายธนา การคลัง": the words of address are never part of the name searched for nor
of the ``recipient`` the parser reports.

Hand-written word lists (no tokenizer): the words are few and fixed, and a dictionary tokenizer
splits unknown given names unpredictably.
"""

from __future__ import annotations

import re

# Words of address and titles before a name, longest first so นางสาว wins over นาง.
HONORIFICS: tuple[str, ...] = (
    "ว่าที่ร้อยตรี", "ว่าที่ ร.ต.", "นางสาว", "น.ส.", "ผู้อำนวยการ", "ผอ.", "รองผอ.", "หัวหน้า", "หน.",
    "อาจารย์", "ดร.", "ท่าน", "คุณ", "พี่", "น้อง", "นาย", "นาง",
)  # fmt: skip
_HONORIFIC_RE = re.compile(
    r"^(?:" + "|".join(re.escape(h) for h in sorted(HONORIFICS, key=len, reverse=True)) + r")\s*"
)
_WORD_START = re.compile(r"[ก-ฮเ-ไA-Za-z]")
# Positions that begin with a title word: นายอำเภอ is a district chief, not นาย + "อำเภอ".
_POSITIONS = re.compile(r"^(?:นายอำเภอ|นายก(?:เทศมนตรี|รัฐมนตรี|องค์การ|สมาคม)|นายทะเบียน|นายช่าง|นายแพทย์|นายสิบ"
                        r"|นางพยาบาล|พี่เลี้ยง)")
# Request words before the name ("ฝากส่ง…", "ส่งให้…", "ให้…") and particles after it.
_LEAD_RE = re.compile(
    r"^(?:รบกวน|ช่วย|กรุณา|ขอ)?\s*(?:ฝาก)?\s*(?:ส่งต่อ|ส่งเรื่อง|ส่ง|มอบหมาย|มอบ|เสนอ)?\s*(?:ไป)?\s*"
    r"(?:ให้แก่|ให้กับ|ให้|ถึง|แก่)?\s*"
)
_TAIL_RE = re.compile(
    r"\s*(?:ด้วย|หน่อย|นะ|ครับผม|ครับ|คับ|ค่ะ|คะ|ค่า|จ้า|จ้ะ|จ๊ะ|เลย|ทีนะ|ที|ได้ไหม|ได้มั้ย|ได้เลย|เลยค่ะ"
    r"|รับไป|ดูแลต่อ|ดูแล|จัดการต่อ|จัดการ|ดำเนินการต่อ|ดูต่อ|[.!?~ๆ])+\s*$"
)
# Words that are names of small grammar, never a person: a bare one left over means no name.
_NOT_A_NAME = {"", "เขา", "เธอ", "เค้า", "คนนี้", "คนนั้น", "เรื่องนี้", "อันนี้", "ไป"}


def strip_honorific(name: str) -> str:
    """``ผอ.ประเสริฐ`` -> ``ประเสริฐ``; ``พี่ ธนา`` -> ``ธนา`` (repeatedly: "คุณพี่ธนา")."""
    out = name.strip()
    for _ in range(3):
        if _POSITIONS.match(out):
            break
        m = _HONORIFIC_RE.match(out)
        if m is None or m.end() >= len(out) or not _WORD_START.match(out, m.end()):
            break  # "คุณากร" is a name, not คุณ + "ากร"
        out = out[m.end():].strip()
    return out


def name_in_sentence(text: str) -> str | None:
    """The name inside a short request such as ``ฝากส่งน้องวิภาวดีด้วยนะคะ`` (None if none is left)."""
    t = " ".join(text.split())
    t = _TAIL_RE.sub("", t)
    m = _LEAD_RE.match(t)
    if m is not None:
        t = t[m.end():]
    t = _TAIL_RE.sub("", t)
    t = strip_honorific(t)
    return None if t in _NOT_A_NAME else t


def honorific_length(text: str, start: int, end: int) -> int:
    """How many characters at the start of ``text[start:end]`` are words of address."""
    piece = text[start:end]
    stripped = strip_honorific(piece)
    return max(piece.find(stripped), 0) if stripped else 0
