"""``extract_letter_fields``: letter header fields (ที่, ลงวันที่, จาก, ถึง/เรียน, เรื่อง, …) from normalised text.

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
* A subject may end with the reference and date in brackets: "(ที่ มท 0808.2/ว 1095 ลว. 5 ต.ค. 67)",
  with ด่วน/ลับ words (also bracketed), or with chat: ครับ/ค่ะ, emoji, "ลงรับด้วยครับ"; all are cut off.
* A mid-line เรื่อง after unlabelled words that do not name an organisation is part of an
  unlabelled subject ("ขอแจ้งประกาศ … เรื่อง ผังน้ำ"); after a name it is the subject label.
* Unlabelled names: "หนังสือ<name>" in web lists, a line or cell that reads as an organisation
  (or title), split from a subject that follows it on the same line; cells of a copied table row
  (tabs, bars, wide gaps) are pieces of their own; with nothing organisation-like, the one other
  whole line before the subject.
* An agency reference without a numeric code ("สำนักงาน ศอ.ปส.จ.รย/ว 2428") and a bare ``ว 10``
  followed by a date marker are accepted without the ที่ label, when no fuller reference is present.
* Labels after อ้างถึง / สิ่งที่ส่งมาด้วย on the same line belong to the cited letter, until that
  citation has its own reference and date.
* A label typed with one letter missing (เรือง, ลงวันที, ที) counts only set apart from the next
  word and outside a subject, ที only before a whole reference number; English labels (Subject:,
  Ref:, From:, Date:) only with a colon or at a line start.
* A name runs on past a space with a zone number, a province or ประจำจังหวัด… ("ศูนย์ป้องกันและ
  บรรเทาสาธารณภัย เขต 12 สงขลา"); leftovers made only of หนังสือ, list numbers and chat words are
  never a subject or a name ("1. หนังสือ ที่ … ลว. …" has no subject).
* Without a fuller one, a reference with no number yet ("มท 0808.2/ว") is read before a date, and
  a circular number right after an abbreviated sender ("หนังสือ ก.พ.ว12") is split from it.

Everything here is positions in the normalised text; :mod:`nlp.parse` maps them back to the
original message and takes field text from there, as written.
"""

from __future__ import annotations

import datetime as dt

from nlp.fields.found import LetterFields
from nlp.fields.labels import _accepted_labels
from nlp.fields.regions import (
    _date_region, _enclosures_region, _flag_region, _name_region, _ref_region, _subject_region,
)
from nlp.fields.free import _free_regions, _pre_region


def extract_letter_fields(
    text: str,
    start: int = 0,
    *,
    today: dt.date | None = None,
    outgoing: bool = False,
    cells: tuple[int, ...] = (),
) -> LetterFields:
    """Letter fields of normalised *text* from *start* (just after any command word).

    *outgoing*: a request for a sending number, where the sender is the clerk's own unit and
    is never guessed from unlabelled words.
    """
    out = LetterFields(outgoing=outgoing, cells=cells)
    labels = _accepted_labels(text, start, today, outgoing, cells)
    out.labels = len(labels)
    free: list[tuple[int, int]] = []  # regions no label explains
    first = labels[0].start if labels else len(text)
    out.first_label = first
    _pre_region(text, start, first, out, free, today)
    subject_label = None
    subject_labelled = any(lab.kind == "subject" for lab in labels)
    for lab in labels:
        if lab.kind == "ref":
            _ref_region(text, lab, out, free, today)
        elif lab.kind == "date":
            _date_region(text, lab, out, free, today)
        elif lab.kind in ("sender", "addressee"):
            _name_region(text, lab, out, free, today, subject_labelled)
        elif lab.kind == "enclosures":
            _enclosures_region(text, lab, out, free)
        elif lab.kind == "priority":
            _flag_region(text, lab, out, "priority", free)
        elif lab.kind == "secrecy":
            _flag_region(text, lab, out, "secrecy", free)
        elif lab.kind == "subject":
            subject_label = lab
    if subject_label is not None:
        _subject_region(text, subject_label, out, free, today)
    _free_regions(text, free, out, today)
    return out
