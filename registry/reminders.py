"""Reminders for overdue forwards and one daily digest per clerk (instead of a flood of messages).

An assignment still unacknowledged past its due time reminds its owner once; if it stays
unacknowledged for another escalation interval (shorter for urgent letters), the clerk who
forwarded it and the heads of the unit are told. Each clerk gets one digest a working day.
Every notice has a dedupe key, so running these twice (two workers, a restart) sends nothing twice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.events import SYSTEM, append_event
from registry.models import Assignment, Holiday, Letter, Membership
from registry.outbox import notify_person
from registry.timeutil import BANGKOK
from registry.workdays import is_working_day

ESCALATE_AFTER = {
    "most_urgent": dt.timedelta(hours=1),
    "very_urgent": dt.timedelta(hours=2),
    "urgent": dt.timedelta(hours=4),
    "normal": dt.timedelta(hours=24),
}
DIGEST_HOUR = 8  # local time; the digest of a working day goes out from 08:00


def enqueue_reminders(session: Session, *, now: dt.datetime) -> int:
    """Queue the reminders due at *now*; returns how many assignments were reminded."""
    rows = session.execute(
        select(Assignment, Letter)
        .join(Letter, Letter.id == Assignment.letter_id)
        .where(Assignment.status == "sent", Assignment.due_at.is_not(None), Assignment.due_at < now,
               Assignment.reminders < 2, Letter.sandbox.is_(False))
        .order_by(Assignment.id)
        .with_for_update(of=Assignment, skip_locked=True)
    ).all()
    reminded = 0
    for a, letter in rows:
        if a.reminders == 0:
            level, targets = "owner", _owners(session, a)
        elif a.reminded_at is not None and now >= a.reminded_at + ESCALATE_AFTER.get(letter.priority, ESCALATE_AFTER["normal"]):
            level, targets = "clerk", _escalation(session, a, letter)
        else:
            continue
        for person_id in targets:
            notify_person(session, person_id, kind="reminder", at=now, assignment_id=a.id,
                          dedupe_key=f"reminder:{a.id}:{level}:{person_id}",
                          payload={"assignment_id": a.id, "letter_id": letter.id,
                                   "level": "owner" if level == "owner" else ("clerk" if person_id == a.created_by else "head")})
        a.reminders += 1
        a.reminded_at = now
        append_event(session, kind="assignment.reminded", entity="letter", entity_id=letter.id, actor=SYSTEM, at=now,
                     data={"assignment_id": a.id, "level": level, "to": targets, "due_at": a.due_at})
        reminded += 1
    return reminded


def _owners(session: Session, a: Assignment) -> list[int]:
    if a.person_id is not None:
        return [a.person_id]
    return _members(session, a.unit_id, "clerk")


def _escalation(session: Session, a: Assignment, letter: Letter) -> list[int]:
    people = ([a.created_by] if a.created_by else []) + _members(session, letter.unit_id, "head")
    return list(dict.fromkeys(people))


def _members(session: Session, unit_id: int | None, role: str) -> list[int]:
    if unit_id is None:
        return []
    return list(session.execute(
        select(Membership.person_id).where(Membership.unit_id == unit_id, Membership.role == role)
        .order_by(Membership.person_id).distinct()).scalars())


def enqueue_digests(session: Session, *, now: dt.datetime) -> int:
    """From 08:00 on a working day, one digest per clerk and unit (deduplicated per day)."""
    local = now.astimezone(BANGKOK)
    holidays = set(session.execute(select(Holiday.day)).scalars())
    if local.hour < DIGEST_HOUR or not is_working_day(local.date(), holidays):
        return 0
    queued = 0
    clerks = session.execute(select(Membership.person_id, Membership.unit_id).where(Membership.role == "clerk")
                             .order_by(Membership.person_id, Membership.unit_id)).all()
    for person_id, unit_id in clerks:
        queued += notify_person(session, person_id, kind="digest", at=now,
                                dedupe_key=f"digest:{person_id}:{unit_id}:{local.date().isoformat()}",
                                payload={"unit_id": unit_id, "date": local.date().isoformat()})
    return queued
