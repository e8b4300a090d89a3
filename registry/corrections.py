"""แก้ไขรายละเอียดหนังสือที่ลงทะเบียนแล้ว: fields only, never the number.

A typo in a registered letter's subject or sender is corrected, not hidden: the letter row gets
the new values, and one event ``letter.corrected`` keeps who, when, why and every changed field's
value before and after, so the register's history (and its hash chain) shows both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy.orm import Session

from registry.clock import SYSTEM_CLOCK, Clock
from registry.commands import PRIORITIES
from registry.errors import InvalidInput
from registry.events import Actor, append_event
from registry.intake import build_search_text
from registry.models import Letter
from registry.access import MANAGE, require
from registry.refkey import ref_key
from registry.validation import choice, clean_text

# What a correction may change. The number, the book, the dates of registration and the unit are
# never corrected (a wrong number is cancelled and registered again). An outgoing letter's ที่ is
# its number and its จาก is the unit itself, so those two are not correctable there either.
INCOMING_FIELDS = ("ref_no", "letter_date", "sender", "addressee", "subject", "enclosures", "remarks", "priority")
OUTGOING_FIELDS = ("letter_date", "addressee", "subject", "enclosures", "remarks", "priority", "sent_via")
TEXT_FIELDS = ("ref_no", "sender", "addressee", "subject", "enclosures", "remarks", "sent_via")


def correctable_fields(letter: Letter) -> tuple[str, ...]:
    if letter.secrecy == "top_secret":
        return ("priority",)  # ลับที่สุด keeps no content to correct
    return INCOMING_FIELDS if letter.direction == "incoming" else OUTGOING_FIELDS


def correct_letter(session: Session, letter_id: int, changes: Mapping[str, object], reason: str, *,
                   actor: Actor, clock: Clock = SYSTEM_CLOCK) -> dict[str, tuple[object, object]]:
    """Apply *changes* (field → new value; ``None`` or "" clears a field) to a registered letter.

    Returns {field: (before, after)} of what actually changed. Refuses (InvalidInput, Thai) before
    any write: no reason, a field that may not be corrected, a bad value, nothing changed, or a
    cancelled letter. Only the unit's clerks, heads and admins correct.
    """
    from registry.assignments import get_letter

    now = clock.now()
    reason_text = clean_text("reason", reason, required=True)
    letter = get_letter(session, letter_id, lock=True)
    require(session, actor, letter.unit_id, MANAGE, "แก้ไขรายละเอียดหนังสือของหน่วยงานนี้", now)
    if letter.status == "cancelled":
        raise InvalidInput("letter", "หนังสือนี้ถูกยกเลิกแล้ว จึงแก้ไขรายละเอียดไม่ได้")
    if letter.status in ("destroyed", "archived"):  # disposed of by a committee's verdict (registry/disposal.py)
        raise InvalidInput("letter", "หนังสือนี้ถูกทำลายหรือส่งหอจดหมายเหตุแล้ว จึงแก้ไขรายละเอียดไม่ได้")
    allowed = correctable_fields(letter)
    wanted: dict[str, object] = {}
    for name, value in changes.items():
        if name not in allowed:
            raise InvalidInput(name, f"แก้ไขช่อง “{name}” ของหนังสือนี้ไม่ได้ (เลขทะเบียนและวันที่ลงรับแก้ไขไม่ได้)")
        wanted[name] = _clean(name, value)
    changed = {name: (getattr(letter, name), value) for name, value in wanted.items()
               if getattr(letter, name) != value}
    if not changed:
        raise InvalidInput("changes", "ไม่มีข้อมูลที่เปลี่ยนแปลง กรุณาแก้ไขอย่างน้อยหนึ่งช่อง")
    for name, (_before, after) in changed.items():
        setattr(letter, name, after)
    if "ref_no" in changed:
        letter.ref_no_norm = ref_key(letter.ref_no)
    if not letter.sandbox and changed.keys() & {"subject", "sender", "addressee", "ref_no"}:
        words = [letter.subject, letter.sender, letter.addressee, letter.ref_no]
        if letter.direction != "incoming":
            words = [letter.subject, letter.addressee, letter.ref_no]
        letter.search_text = build_search_text(*words)
    letter.updated_at = now
    append_event(session, kind="letter.corrected", entity="letter", entity_id=letter.id, actor=actor, at=now,
                 data={"reason": reason_text, "fields": sorted(changed),
                       "before": {k: _json(v[0]) for k, v in changed.items()},
                       "after": {k: _json(v[1]) for k, v in changed.items()}})
    return changed


def _clean(name: str, value: object) -> object:
    if name == "priority":
        return choice("priority", str(value or ""), PRIORITIES, "ชั้นความเร็ว")
    if name == "letter_date":
        if value in (None, ""):
            return None
        if not isinstance(value, dt.date):
            raise InvalidInput("letter_date", "ลงวันที่ไม่ถูกต้อง")
        return value
    if name in TEXT_FIELDS:
        return clean_text(name, None if value is None else str(value))
    raise InvalidInput(name, f"ไม่รู้จักช่อง “{name}”")


def _json(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value
