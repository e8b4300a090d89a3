"""A receipt the sender can check: a short verification code per registration, from the hash chain.

The code is ``<registration id>-<tag>``: the registration id in Crockford base32, then eight
characters (40 bits) of ``sha256("saraban-verify:" + hash of the event that registered it)``.
The event hash depends on every event before it, so nobody without the register can compute a
tag from a number, and a register whose chain was rewritten no longer verifies its old receipts.
Nothing is stored and nothing is written on the hot path: the tag is recomputed from the event
when a code is checked (``/verify/<code>``) or shown (the receipt card, the letters API).

Crockford's alphabet (no I, L, O, U) survives being read aloud or retyped from paper; reading
forgives case, spaces, hyphens and the look-alikes O→0, I/L→1.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Book, Event, Registration, Unit
from registry.numbering import format_number

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TAG_LENGTH = 8
REGISTERING_EVENTS = ("letter.registered", "letter.number_issued")
_LOOKALIKE = str.maketrans({"O": "0", "I": "1", "L": "1"})


@dataclass(frozen=True)
class Verified:
    """What ``/verify/<code>`` may show anyone: that the number exists, when and where; no content."""

    display_no: str
    direction: str  # incoming | outgoing | circular
    received_at: dt.datetime
    unit_name: str
    cancelled: bool


def _b32(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 32)
        out = ALPHABET[r] + out
        if n == 0:
            return out


def _tag(event_hash: str) -> str:
    digest = int.from_bytes(hashlib.sha256(("saraban-verify:" + event_hash).encode()).digest()[:5], "big")
    return _b32(digest).rjust(TAG_LENGTH, "0")


def code_for(registration_id: int, event_hash: str) -> str:
    """The code printed on a receipt, e.g. ``1F-7K2Q-9XMA``."""
    tag = _tag(event_hash)
    return f"{_b32(registration_id)}-{tag[:4]}-{tag[4:]}"


def parse(code: str) -> tuple[int, str] | None:
    """(registration id, tag) from a code as a person typed it; None when it cannot be one."""
    squeezed = "".join(code.split()).replace("-", "").upper().translate(_LOOKALIKE)
    if len(squeezed) <= TAG_LENGTH or len(squeezed) > TAG_LENGTH + 13 or any(c not in ALPHABET for c in squeezed):
        return None
    head, tag = squeezed[:-TAG_LENGTH], squeezed[-TAG_LENGTH:]
    number = 0
    for c in head:
        number = number * 32 + ALPHABET.index(c)
    return number, tag


def _registering_hash(session: Session, letter_id: int) -> str | None:
    return session.execute(
        select(Event.hash).where(Event.entity == "letter", Event.entity_id == letter_id,
                                 Event.kind.in_(REGISTERING_EVENTS)).order_by(Event.seq).limit(1)).scalar()


def code_of(session: Session, registration_id: int) -> str | None:
    """The verification code of a registration (None for a practice one, or none such)."""
    row = session.execute(select(Registration.letter_id, Book.sandbox).join(Book, Book.id == Registration.book_id)
                          .where(Registration.id == registration_id)).first()
    if row is None or row.sandbox:
        return None
    event_hash = _registering_hash(session, row.letter_id)
    return None if event_hash is None else code_for(registration_id, event_hash)


def check(session: Session, code: str) -> Verified | None:
    """The registration a code names, when the code is genuine; None otherwise (unknown id, wrong
    tag, a practice number). Compared in constant time."""
    parsed = parse(code)
    if parsed is None:
        return None
    registration_id, tag = parsed
    row = session.execute(
        select(Registration.letter_id, Registration.number, Registration.received_at, Registration.cancelled_at,
               Book.direction, Book.year, Book.sandbox, Unit.code, Unit.name)
        .join(Book, Book.id == Registration.book_id).join(Unit, Unit.id == Book.unit_id)
        .where(Registration.id == registration_id)).first()
    if row is None or row.sandbox:
        return None
    event_hash = _registering_hash(session, row.letter_id)
    if event_hash is None or not hmac.compare_digest(_tag(event_hash), tag):
        return None
    return Verified(display_no=format_number(row.direction, row.number, row.year, row.code), direction=row.direction,
                    received_at=row.received_at, unit_name=row.name, cancelled=row.cancelled_at is not None)
