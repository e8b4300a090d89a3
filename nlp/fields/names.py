"""How organisations' names, subjects and letter bodies begin (the words are in :mod:`nlp.fields.words`)."""

from __future__ import annotations

import re
from nlp.fields.words import (
    BODY_OPENERS, LETTER_KINDS, NAME_CONTINUATIONS, ORG_HEADS, PROVINCES, SUBJECT_OPENERS,
)


def _any_of(words: tuple[str, ...]) -> str:
    """A regex alternation of *words*, longest first (the lists in words.py are in no order)."""
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


# "หนังสือกรมบัญชีกลาง ด่วนที่สุด ที่ …": a web list names the sender right after หนังสือ.
_LETTER_WORD = re.compile(
    r"\s*(?:ได้รับ|มี)?หนังสือ(?:" + _any_of(LETTER_KINDS) + r")?\s*(?:มา)?(?:จาก|ของ)?\s*"
)


# How organisations' names begin: used to tell an unlabelled sender from an unlabelled subject.
_ORG_HEAD = re.compile("(?:" + _any_of(ORG_HEADS) + ")")


_ABBREVIATION = re.compile(r"[ก-ฮ]{1,5}\.")  # สพป.ระยอง, ศอ.ปส.จ.รย


_THAI_LETTERS = re.compile(r"[ก-ฮA-Za-z]")


_BODY_OPENERS = re.compile("(?:" + _any_of(BODY_OPENERS) + ")")


# Before "หนังสือ…" in the pre-label region: flags, a colon, the rest of a polite request.
_PRE_LEAD = re.compile(
    r"(?:[\s:,;|\-()\[\]]+|ด่วนที่สุด|ด่วนมาก|ด่วน|ลับที่สุด|ลับมาก|ลับ|ให้หน่อย|หน่อย|ให้ด้วย|ด้วย|ครับผม|ครับ|ค่ะ|คะ|นะ|จ้า)+"
)


_WEB_NEXT = ("ที่", "เลขที่", "ลงวันที่", "ลว")


# How subjects usually begin: after a labelled name (จาก …), only such words start a subject, since
# names have spaces too ("สำนักงานปลัดกระทรวงการอุดมศึกษา วิทยาศาสตร์ วิจัยและนวัตกรรม").
_SUBJECT_OPENER = re.compile("(?:" + _any_of(SUBJECT_OPENERS) + ")")


_FROM_WORD = re.compile(r"(?:จาก|ของ)\s*")


_CHUNK = re.compile(r"\S+")


_BARE_ABBREVIATION = re.compile(r"[ก-ฮ]{3,6}(?![ก-๎])")  # สพฐ, กปภ: initials without dots


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
        or text.startswith(NAME_CONTINUATIONS, a)  # … เขต 2 ประจำจังหวัดระยอง
        or text[a:b] in _PROVINCES  # ศูนย์ป้องกันและบรรเทาสาธารณภัย เขต 12 สงขลา
    )


_PROVINCES = frozenset(PROVINCES)


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
