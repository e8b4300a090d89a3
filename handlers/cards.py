"""Letter cards and one-line summaries, with the secrecy rule applied in exactly one place.

ลับ / ลับมาก / ลับที่สุด: a chat never carries subject, sender or ref_no (nor addressee,
enclosures or instructions); it shows the number, priority and "รับเอกสารตัวจริง".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from handlers import texts
from handlers.models import Button, Card, Field
from registry import access
from registry.commands import PRIORITY_TH, SECRECY_TH, Registered
from registry.lifecycle import STATE_TH
from registry.models import Letter
from registry.numbering import display_number
from registry.timeutil import local, thai_date, thai_datetime

URGENT = ("most_urgent", "very_urgent")


def is_secret(letter: Letter | JustRegistered) -> bool:
    return access.chat_withholds(letter)  # the secrecy projection's rule for a chat


@dataclass(frozen=True)
class JustRegistered:
    """A letter as its registration wrote it: what the receipt card shows, with no read back.

    Reading the letter back through the ORM (with its unit, registration and book) cost as much
    CPU as writing it; a receipt needs only what was written a moment ago."""

    id: int
    unit_id: int
    direction: str
    ref_no: str | None
    letter_date: dt.date | None
    sender: str | None
    addressee: str | None
    subject: str | None
    priority: str
    secrecy: str | None
    status: str
    display_no: str
    received_at: dt.datetime

    @classmethod
    def of(cls, reg: Registered) -> JustRegistered:
        w = reg.letter
        return cls(reg.letter_id, w["unit_id"], w["direction"], w["ref_no"], w["letter_date"], w["sender"],
                   w["addressee"], w["subject"], w["priority"], w["secrecy"], w["status"], reg.display_no,
                   reg.received_at)


def number_of(letter: Letter | JustRegistered) -> str:
    if isinstance(letter, JustRegistered):
        return letter.display_no
    reg = letter.registration
    if reg is None:
        return f"#{letter.id}"
    return display_number(reg.book, reg.number)


def _received_at(letter: Letter | JustRegistered) -> dt.datetime | None:
    if isinstance(letter, JustRegistered):
        return letter.received_at
    return letter.registration.received_at if letter.registration is not None else None


def badges(priority: str | None, secrecy: str | None) -> tuple[str, ...]:
    out: list[str] = []
    if priority and priority != "normal":
        out.append(PRIORITY_TH.get(priority, priority))
    if secrecy:
        out.append(SECRECY_TH.get(secrecy, secrecy))
    return tuple(out)


def tone_for(priority: str | None, secrecy: str | None) -> str:
    if secrecy:
        return "danger"
    return "warning" if priority in URGENT else "info"


def letter_fields(letter: Letter | JustRegistered, *, with_received: bool = True, with_status: bool = False) -> list[Field]:
    L = texts.FIELD_LABEL
    incoming = letter.direction == "incoming"
    fields = [Field(L["number"] if incoming else "เลขที่หนังสือส่ง", number_of(letter))]
    received_at = _received_at(letter) if with_received else None
    if received_at is not None:
        fields.append(Field(L["received_date"], thai_date(local(received_at).date(), short=True)))
        fields.append(Field(L["received_time"], f"{local(received_at):%H:%M} น."))
    if is_secret(letter):
        fields.append(Field(L["priority"], PRIORITY_TH.get(letter.priority, letter.priority)))
        fields.append(Field(L["secrecy"], SECRECY_TH.get(letter.secrecy, letter.secrecy)))  # the class
        fields.append(Field(texts.FIELD_LABEL["original"], texts.SECRET_NOTE))
    else:
        if letter.ref_no and incoming:
            fields.append(Field(L["ref_no"], letter.ref_no))
        if letter.letter_date and incoming:
            fields.append(Field(L["letter_date"], thai_date(letter.letter_date, short=True)))
        if letter.sender and incoming:
            fields.append(Field(L["sender"], letter.sender))
        if letter.addressee and not incoming:
            fields.append(Field(L["addressee"], letter.addressee))
        if letter.subject:
            fields.append(Field(L["subject"], letter.subject))
    if with_status:
        fields.append(Field(L["status"], STATE_TH.get(letter.status, letter.status)))
    return fields


def letter_card(letter: Letter | JustRegistered, title: str, *, buttons: tuple[Button, ...] = (), footer: str | None = None,
                with_status: bool = False, tone: str | None = None) -> Card:
    return Card(title=title, fields=tuple(letter_fields(letter, with_status=with_status)),
                badges=badges(letter.priority, letter.secrecy), buttons=buttons, footer=footer,
                tone=tone or tone_for(letter.priority, letter.secrecy))  # type: ignore[arg-type]


def card_text(card: Card) -> str:
    """The card as plain text: what LINE on PC, the terminal and notifications show."""
    lines = [card.title]
    if card.badges:
        lines.append(" ".join(f"[{b}]" for b in card.badges))
    lines += [f"{f.label}: {f.value}" for f in card.fields]
    if card.footer:
        lines.append(card.footer)
    return "\n".join(lines)


def one_line(letter: Letter) -> str:
    """``15/2569 · ด่วน · เรื่อง …`` (secret letters: number, priority, รับเอกสารตัวจริง)."""
    parts = [number_of(letter)]
    parts += badges(letter.priority, letter.secrecy)
    if is_secret(letter):
        parts.append(texts.SECRET_NOTE)
    else:
        parts.append(_short(letter.subject or letter.ref_no or "-"))
    parts.append(STATE_TH.get(letter.status, letter.status))
    return " · ".join(parts)


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def when(value) -> str:
    return thai_datetime(value) if value is not None else "-"


_TITLES = ("นางสาว", "นาง", "นาย", "ว่าที่ร้อยตรี", "ดร.")


def short_name(name: str) -> str:
    """The name without its title (นาย/นาง/นางสาว …), for buttons and greetings."""
    for t in _TITLES:
        if name.startswith(t) and len(name) > len(t):
            return name[len(t):].strip()
    return name


def label(text: str, width: int = 20) -> str:
    """A button label LINE accepts (≤ 20 characters): words dropped from the end (a surname, a
    unit's long tail) before anything is cut, so a label is whole words wherever possible."""
    words = text.split()
    while len(" ".join(words)) > width and len(words) > 1:
        words.pop()
    text = " ".join(words)
    return text if len(text) <= width else text[: width - 1] + "…"
