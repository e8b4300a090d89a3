"""Work queues: what waits for whom, per unit and per person, and the bulk actions on them.

Five queues a desk clerk, a head and an owner look at every morning:

- ``waiting_forward`` รอส่งต่อ: received, not forwarded yet;
- ``returned`` ถูกส่งคืน: the owner said "not mine"; the clerk forwards again or files it;
- ``overdue`` เกินกำหนด: a forward not acknowledged by its due time (or a letter past its own
  deadline that nobody has been given yet);
- ``mine`` รอฉันรับทราบ: forwards to me (or to whoever I stand in for) that wait for my answer;
- ``old_year`` ค้างข้ามปี: letters of an earlier year's book that are still open.

The bulk actions call the same lifecycle services one letter at a time in ONE transaction: all or
nothing, and the first refusal names the letter's number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from registry.clock import SYSTEM_CLOCK, Clock
from registry.commands import Forward, Recipient
from registry.errors import InvalidInput, RegistryError
from registry.events import Actor
from registry.models import Assignment, Book, Letter, Registration
from registry.permissions import acting_for
from registry.validation import clean_text

QUEUES = ("waiting_forward", "returned", "overdue", "mine", "old_year")
QUEUE_TH = {
    "waiting_forward": "รอส่งต่อ",
    "returned": "ถูกส่งคืน",
    "overdue": "เกินกำหนด",
    "mine": "รอฉันรับทราบ",
    "old_year": "ค้างข้ามปี",
}
OPEN = ("registered", "forwarded", "acknowledged", "returned")
BULK_LIMIT = 200  # one page of a queue; more at once is a mistake more often than a wish


@dataclass(frozen=True)
class Scope:
    """Whose queues: the units (None = every unit) and the people "me" stands for (None = nobody)."""

    unit_ids: tuple[int, ...] | None
    person_ids: tuple[int, ...] = ()


def scope_for(session: Session, person_id: int | None, unit_ids: Iterable[int] | None, now: dt.datetime) -> Scope:
    people = tuple(sorted(acting_for(session, person_id, now))) if person_id is not None else ()
    return Scope(None if unit_ids is None else tuple(sorted(set(unit_ids))), people)


def _condition(queue: str, scope: Scope, now: dt.datetime, year_be: int):
    if queue == "mine":
        if not scope.person_ids:
            return None
        waiting = exists().where(Assignment.letter_id == Letter.id, Assignment.status == "sent",
                                 Assignment.person_id.in_(scope.person_ids))
        return waiting if scope.unit_ids is None else and_(waiting, Letter.unit_id.in_(scope.unit_ids or (-1,)))
    units = [] if scope.unit_ids is None else [Letter.unit_id.in_(scope.unit_ids or (-1,))]
    incoming = [Letter.direction == "incoming", Letter.sandbox.is_(False), *units]
    if queue == "waiting_forward":
        return and_(*incoming, Letter.status == "registered")
    if queue == "returned":
        return and_(*incoming, Letter.status == "returned")
    if queue == "overdue":
        late_forward = exists().where(Assignment.letter_id == Letter.id, Assignment.status == "sent",
                                      Assignment.due_at < now)
        late_letter = and_(Letter.status == "registered", Letter.deadline_at < now)
        return and_(*incoming, Letter.status.in_(OPEN), or_(late_forward, late_letter))
    if queue == "old_year":
        return and_(*incoming, Letter.status.in_(OPEN), Book.year < year_be)
    raise InvalidInput("queue", f"ไม่รู้จักรายการงาน “{queue}”")


def _base(cond) -> Select:
    return (select(Letter).join(Registration, Registration.letter_id == Letter.id)
            .join(Book, Book.id == Registration.book_id).where(cond))


def queue_counts(session: Session, scope: Scope, *, now: dt.datetime, year_be: int) -> dict[str, int]:
    counts = {}
    for queue in QUEUES:
        cond = _condition(queue, scope, now, year_be)
        if cond is None:
            counts[queue] = 0
            continue
        counts[queue] = session.execute(select(func.count()).select_from(
            _base(cond).with_only_columns(Letter.id).subquery())).scalar_one()
    return counts


def queue_letters(session: Session, queue: str, scope: Scope, *, now: dt.datetime, year_be: int,
                  limit: int = 50, offset: int = 0) -> tuple[int, list[Letter]]:
    """(total, one page oldest first: what waits longest comes first)."""
    cond = _condition(queue, scope, now, year_be)
    if cond is None:
        return 0, []
    stmt = _base(cond)
    total = session.execute(select(func.count()).select_from(stmt.with_only_columns(Letter.id).subquery())).scalar_one()
    rows = session.execute(stmt.order_by(Registration.received_at, Letter.id).limit(max(1, min(limit, 200)))
                           .offset(max(0, offset))).unique().scalars().all()
    return total, list(rows)


def _ids(letter_ids: Iterable[int]) -> list[int]:
    ids = sorted({int(i) for i in letter_ids})
    if not ids:
        raise InvalidInput("letters", "กรุณาเลือกหนังสืออย่างน้อยหนึ่งฉบับ")
    if len(ids) > BULK_LIMIT:
        raise InvalidInput("letters", f"เลือกได้ครั้งละไม่เกิน {BULK_LIMIT} ฉบับ")
    return ids


def _named(session: Session, letter_id: int, exc: RegistryError) -> RegistryError:
    """The same error, its Thai message prefixed with the letter's number (which one failed)."""
    reg = session.execute(select(Registration.number, Book.year).join(Book, Book.id == Registration.book_id)
                          .where(Registration.letter_id == letter_id)).first()
    label = f"เลขรับ {reg.number}/{reg.year}" if reg else f"หนังสือ {letter_id}"
    exc.message_th = f"{label}: {exc.message_th}"
    exc.args = (exc.message_th,)
    return exc


def bulk_forward(session: Session, letter_ids: Iterable[int], person_id: int, *, purpose: str = "act",
                 instruction: str | None = None, role: str = "principal", actor: Actor,
                 clock: Clock = SYSTEM_CLOCK) -> list[int]:
    """ส่งต่อหลายฉบับถึงคนเดียวกัน: one forward per letter (each its own event and notice)."""
    from registry.assignments import forward

    done = []
    for letter_id in _ids(letter_ids):
        try:
            forward(session, Forward(letter_id, (Recipient(person_id=person_id, role=role),), purpose, instruction),
                    actor=actor, clock=clock)
        except RegistryError as exc:
            raise _named(session, letter_id, exc) from None
        done.append(letter_id)
    return done


def bulk_close(session: Session, letter_ids: Iterable[int], reason: str, *, actor: Actor,
               clock: Clock = SYSTEM_CLOCK) -> list[int]:
    """ปิดเรื่องหลายฉบับด้วยเหตุผลเดียว (required: a bulk close must say why)."""
    from registry.assignments import close_letter

    note = clean_text("reason", reason, required=True)
    done = []
    for letter_id in _ids(letter_ids):
        try:
            close_letter(session, letter_id, note=note, actor=actor, clock=clock)
        except RegistryError as exc:
            raise _named(session, letter_id, exc) from None
        done.append(letter_id)
    return done


@dataclass(frozen=True)
class PersonLoad:
    person_id: int
    name: str
    waiting: int
    overdue: int


def waiting_by_person(session: Session, unit_ids: tuple[int, ...] | None, *, now: dt.datetime) -> list[PersonLoad]:
    """Per person: forwards waiting for their answer (and how many are past due), in these units."""
    from registry.models import Person

    late = func.sum(case((Assignment.due_at < now, 1), else_=0))
    stmt = (select(Person.id, Person.name, func.count(Assignment.id), late)
            .join(Assignment, Assignment.person_id == Person.id).join(Letter, Letter.id == Assignment.letter_id)
            .where(Assignment.status == "sent", Letter.sandbox.is_(False))
            .group_by(Person.id, Person.name).order_by(func.count(Assignment.id).desc(), Person.name))
    if unit_ids is not None:
        stmt = stmt.where(Letter.unit_id.in_(unit_ids or (-1,)))
    return [PersonLoad(r[0], r[1], int(r[2]), int(r[3] or 0)) for r in session.execute(stmt)]
