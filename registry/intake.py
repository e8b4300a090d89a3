"""Registering letters: ลงรับ (incoming) and issuing sending numbers (outgoing and circulars)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from registry.clock import SYSTEM_CLOCK, Clock
from registry.commands import (
    KINDS,
    PRIORITIES,
    RETENTION,
    SECRECY,
    RegisterIncoming,
    RegisterOutgoing,
    Registered,
)
from registry.errors import InvalidInput
from registry.events import Actor, append_event
from registry.models import Letter, Registration
from registry.numbering import take_number
from registry.access import MANAGE, require
from registry.verification import code_for
from registry.refkey import ref_key
from registry.search import index_terms
from registry.units import get_unit, unit_is_valid, unit_row
from registry.validation import choice, clean_enclosures, clean_references, clean_text

# A received_at this far in the future is a typing error, not a letter from tomorrow.
FUTURE_SLACK = dt.timedelta(minutes=10)


def build_search_text(*texts: str | None) -> str:
    return " ".join(index_terms(*texts))


def find_duplicates(
    session: Session, unit_id: int, ref_no: str | None, letter_date: dt.date | None, sender: str | None
) -> list[int]:
    """Letters of the unit with the same ref_no, letter date and sender (not cancelled)."""
    key = ref_key(ref_no)
    if key is None or letter_date is None:
        return []
    rows = session.connection().execute(_SAME_LETTER, {"u": unit_id, "k": key, "d": letter_date}).all()
    want = " ".join((sender or "").split())
    return [row.id for row in rows if " ".join((row.sender or "").split()) == want]


_SAME_LETTER = select(Letter.id, Letter.sender).where(
    Letter.unit_id == bindparam("u"), Letter.ref_no_norm == bindparam("k"), Letter.letter_date == bindparam("d"),
    Letter.status != "cancelled", Letter.direction == "incoming")


def register_incoming(
    session: Session, cmd: RegisterIncoming, *, actor: Actor, clock: Clock = SYSTEM_CLOCK
) -> Registered:
    """ลงรับ: give the letter the next number of the unit's incoming book.

    Validates every field (InvalidInput with a Thai message), checks that the actor is a clerk
    (or head/admin) of the unit, takes the number under the book's lock, writes the letter,
    its registration and one event, all in the caller's transaction. A letter marked
    ลับที่สุด keeps no content (2564 amendment): only that it arrived, when and its number.
    Duplicates (same ref_no + letter date + sender in the unit) are reported, not refused.
    Every InvalidInput is raised before the first write (callers rely on it: the chat keeps the
    draft and asks for the field again in the same transaction, without a savepoint).
    """
    # Validation and tokenising come before the first statement: the database lock (SQLite's
    # BEGIN IMMEDIATE, the book row on PostgreSQL) is then held only for the writes.
    now = clock.now()
    priority = choice("priority", cmd.priority, PRIORITIES, "ชั้นความเร็ว")
    secrecy = choice("secrecy", cmd.secrecy, SECRECY, "ชั้นความลับ", nullable=True)
    kind = choice("kind", cmd.kind, KINDS, "ชนิดของหนังสือ")
    retention = choice("retention", cmd.retention, RETENTION, "อายุการเก็บ")
    received_at = _received_at(cmd.received_at, now)
    fields = {
        "subject": clean_text("subject", cmd.subject),
        "ref_no": clean_text("ref_no", cmd.ref_no),
        "sender": clean_text("sender", cmd.sender),
        "addressee": clean_text("addressee", cmd.addressee),
        "enclosures": clean_text("enclosures", cmd.enclosures),
        "remarks": clean_text("remarks", cmd.remarks),
        "sender_org_code": clean_text("sender_org_code", cmd.sender_org_code),
        "sender_letter_id": clean_text("sender_letter_id", cmd.sender_letter_id),
        "reference_list": clean_references(cmd.references),
        "enclosure_list": clean_enclosures(cmd.enclosure_list),
    }
    if secrecy == "top_secret":
        fields = dict.fromkeys(fields)  # record that it arrived, and nothing of its content
    letter = dict(
        direction="incoming", kind=kind, ref_no=fields["ref_no"],
        ref_no_norm=ref_key(fields["ref_no"]), letter_date=cmd.letter_date, sender=fields["sender"],
        sender_unit_id=cmd.sender_unit_id, addressee=fields["addressee"], subject=fields["subject"],
        priority=priority, secrecy=secrecy, enclosures=fields["enclosures"], remarks=fields["remarks"],
        retention=retention, status="registered", sandbox=cmd.sandbox, deadline_at=cmd.deadline_at,
        sender_org_code=fields["sender_org_code"], sender_letter_id=fields["sender_letter_id"],
        reference_list=fields["reference_list"], enclosure_list=fields["enclosure_list"],
        notify_to=clean_text("notify_to", cmd.notify_to),
        # practice letters (F5) stay out of the word index: searches never find them
        search_text="" if cmd.sandbox else build_search_text(
            fields["subject"], fields["sender"], fields["addressee"], fields["ref_no"]),
    )

    unit = unit_row(session, cmd.unit_id) if isinstance(cmd.unit_id, int) else get_unit(session, cmd.unit_id)
    if not cmd.sandbox:  # practice letters (F5 training) may be keyed by any member of the unit
        require(session, actor, unit.id, MANAGE, "ลงรับหนังสือของหน่วยงานนี้", now)
    if not unit_is_valid(unit, received_at.date()):
        raise InvalidInput("unit", f"หน่วยงาน {unit.code} ไม่อยู่ในช่วงที่ใช้งานในวันที่ลงรับ")
    letter["unit_id"] = unit.id
    duplicates = find_duplicates(session, unit.id, fields["ref_no"], cmd.letter_date, fields["sender"])
    # The letter row (and its word index entries) first: the book's lock, taken with the number,
    # is then held only for the registration, the event and the commit (PostgreSQL: +20 % with
    # 8 writers in one book).
    letter_id = _insert_letter(session, letter, now, actor)
    taken = take_number(session, unit, "incoming", received_at, sandbox=cmd.sandbox)
    registration_id = _insert_registration(session, letter_id, taken, received_at, now, actor)
    event = append_event(session, kind="letter.registered", entity="letter", entity_id=letter_id, actor=actor, at=now,
                         data={"book_id": taken.book_id, "year": taken.year, "number": taken.number,
                               "received_at": received_at, "unit_id": unit.id, "after": _letter_facts(letter),
                               "duplicates": duplicates})
    return Registered(letter_id, registration_id, taken.book_id, "incoming", taken.year, taken.number, received_at,
                      taken.display, tuple(duplicates), letter=letter,
                      verification_code=None if cmd.sandbox else code_for(registration_id, event.hash))


def register_outgoing(
    session: Session, cmd: RegisterOutgoing, *, actor: Actor, clock: Clock = SYSTEM_CLOCK
) -> Registered:
    """ออกเลขหนังสือส่ง: the next number of the unit's outgoing (or circular) book.

    The number is written ``<unit code>/<n>`` (circulars ``<unit code>/ว <n>``) and stored as the
    letter's ref_no, so the register shows what the addressee will see.
    """
    now = clock.now()
    unit = get_unit(session, cmd.unit_id)
    require(session, actor, unit.id, MANAGE, "ออกเลขหนังสือส่งของหน่วยงานนี้", now)
    priority = choice("priority", cmd.priority, PRIORITIES, "ชั้นความเร็ว")
    secrecy = choice("secrecy", cmd.secrecy, SECRECY, "ชั้นความลับ", nullable=True)
    kind = choice("kind", cmd.kind, KINDS, "ชนิดของหนังสือ")
    retention = choice("retention", cmd.retention, RETENTION, "อายุการเก็บ")
    issued_at = _received_at(cmd.issued_at, now)
    subject = clean_text("subject", cmd.subject)
    addressee = clean_text("addressee", cmd.addressee)
    if secrecy == "top_secret":
        subject = addressee = None
    words = "" if cmd.sandbox else build_search_text(subject, addressee)  # tokenise before the book lock
    direction = "circular" if cmd.circular else "outgoing"
    taken = take_number(session, unit, direction, issued_at, sandbox=cmd.sandbox)
    ref_no = taken.display
    letter = dict(
        unit_id=unit.id, direction=direction, kind=kind, ref_no=ref_no, ref_no_norm=ref_key(ref_no),
        letter_date=cmd.letter_date or issued_at.date(), sender=unit.name, addressee=addressee, subject=subject,
        priority=priority, secrecy=secrecy, enclosures=clean_text("enclosures", cmd.enclosures),
        remarks=clean_text("remarks", cmd.remarks), retention=retention, status="registered",
        sandbox=cmd.sandbox, sent_via=clean_text("sent_via", cmd.sent_via),
        search_text="" if cmd.sandbox else f"{words} {build_search_text(ref_no)}".strip(),
    )
    # (an outgoing letter's ref_no is its number, so here the letter comes after the book's lock)
    letter_id = _insert_letter(session, letter, now, actor)
    registration_id = _insert_registration(session, letter_id, taken, issued_at, now, actor)
    event = append_event(session, kind="letter.number_issued", entity="letter", entity_id=letter_id, actor=actor,
                         at=now, data={"book_id": taken.book_id, "year": taken.year, "number": taken.number,
                                       "direction": direction, "unit_id": unit.id, "after": _letter_facts(letter)})
    return Registered(letter_id, registration_id, taken.book_id, direction, taken.year, taken.number, issued_at, ref_no,
                      verification_code=None if cmd.sandbox else code_for(registration_id, event.hash))


def _received_at(value: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    if value is None:
        return now
    if value.tzinfo is None:
        raise InvalidInput("received_at", "กรุณาระบุเวลาลงรับพร้อมเขตเวลา")
    if value > now + FUTURE_SLACK:
        raise InvalidInput("received_at", "เวลาลงรับอยู่ในอนาคต กรุณาตรวจสอบ")
    return value


_FACTS = ("ref_no", "letter_date", "sender", "addressee", "subject", "priority", "secrecy", "kind", "enclosures",
          "remarks", "retention", "sandbox")
_EXCHANGE_FACTS = ("sender_org_code", "sender_letter_id", "reference_list", "enclosure_list", "notify_to")


def _letter_facts(letter: dict[str, object]) -> dict[str, object]:
    facts = {k: letter.get(k) for k in _FACTS}
    # the exchange fields only when given: the events of letters without them stay as they were
    facts.update({k: letter[k] for k in _EXCHANGE_FACTS if letter.get(k) is not None})
    return facts


# Built once; Core inserts because the ORM's unit of work costs more than these two rows.
_INSERT_LETTER = insert(Letter).returning(Letter.id)
_INSERT_REGISTRATION = insert(Registration).returning(Registration.id)


def _insert_letter(session: Session, letter: dict, now: dt.datetime, actor: Actor) -> int:
    return session.connection().execute(_INSERT_LETTER, {**letter, "created_by": actor.person_id, "created_at": now,
                                                         "updated_at": now}).scalar_one()


def _insert_registration(session: Session, letter_id: int, taken, received_at: dt.datetime, now: dt.datetime,
                         actor: Actor) -> int:
    return session.connection().execute(_INSERT_REGISTRATION, {
        "book_id": taken.book_id, "number": taken.number, "letter_id": letter_id, "received_at": received_at,
        "created_at": now, "created_by": actor.person_id}).scalar_one()
