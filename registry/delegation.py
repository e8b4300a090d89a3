"""รักษาราชการแทน: naming an acting officer for an absent person, ending it early, listing.

While a delegation is in force (``starts_at <= now < ends_at``) the acting officer sees and answers
what the absent person would (``registry.access.viewer``, ``registry.permissions.acting_for``), and
every notice or reminder queued for the absent person is queued for the acting officer too, with
a line saying whom it is for (``registry.outbox.notify_person``). The acting officer is told when
named and again when the period begins (``enqueue_acting_starts``, run by the worker). Naming and
ending are events; who may do them is ``registry.access.may_name_acting``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry import access
from registry.clock import SYSTEM_CLOCK, Clock
from registry.errors import InvalidInput, NotFound, PermissionDenied
from registry.events import SYSTEM, Actor, append_event
from registry.models import Delegation, Person, Unit
from registry.outbox import notify_person
from registry.timeutil import BANGKOK

MAX_PERIOD = dt.timedelta(days=366)
NAMED = "acting_named"  # outbox kinds (rendered by handlers.notices)
STARTED = "acting_started"


def day_period(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of *first* to the end of *last* (both local days, inclusive)."""
    start = dt.datetime.combine(first, dt.time(0), tzinfo=BANGKOK)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=BANGKOK)
    return start, end


def _active_person(session: Session, person_id: int, field: str, label: str) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise InvalidInput(field, f"ไม่พบ{label}ที่เลือก")
    if not person.active:
        raise InvalidInput(field, f"{person.name} ไม่ได้ใช้งานระบบแล้ว จึงเป็น{label}ไม่ได้")
    return person


def _overlapping(session: Session, person_id: int, starts_at: dt.datetime, ends_at: dt.datetime,
                 *, as_principal: bool) -> Delegation | None:
    column = Delegation.principal_id if as_principal else Delegation.delegate_id
    return session.execute(select(Delegation).where(
        column == person_id, Delegation.starts_at < ends_at, Delegation.ends_at > starts_at)
        .order_by(Delegation.starts_at).limit(1)).scalar_one_or_none()


def name_acting(session: Session, *, principal_id: int, delegate_id: int, starts_at: dt.datetime,
                ends_at: dt.datetime, unit_id: int | None = None, reason: str | None = None, actor: Actor,
                clock: Clock = SYSTEM_CLOCK) -> Delegation:
    """Name *delegate_id* to act for the absent *principal_id* from *starts_at* to *ends_at*.

    *unit_id*, when given, limits the acting officer to the absent person's roles in that unit.
    InvalidInput (Thai) for dates out of order or already past, the same person twice, someone
    inactive, or a period that overlaps another delegation of the absent person."""
    now = clock.now()
    if actor.person_id is not None and not access.may_name_acting(session, actor.person_id, principal_id, unit_id):
        raise PermissionDenied("แต่งตั้งผู้รักษาราชการแทนของบุคคลนี้")
    if principal_id == delegate_id:
        raise InvalidInput("delegate", "ผู้รักษาราชการแทนต้องเป็นคนละคนกับผู้ที่ไม่อยู่")
    principal = _active_person(session, principal_id, "principal", "ผู้ที่ไม่อยู่")
    delegate = _active_person(session, delegate_id, "delegate", "ผู้รักษาราชการแทน")
    if ends_at <= starts_at:
        raise InvalidInput("ends_at", "วันสิ้นสุดต้องอยู่หลังวันเริ่ม")
    if ends_at <= now:
        raise InvalidInput("ends_at", "ช่วงเวลานี้ผ่านไปแล้ว กรุณาเลือกวันสิ้นสุดที่ยังไม่ถึง")
    if ends_at - starts_at > MAX_PERIOD:
        raise InvalidInput("ends_at", "ช่วงรักษาราชการแทนยาวได้ไม่เกิน 1 ปี")
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise InvalidInput("unit", "ไม่พบหน่วยงานที่เลือก")
    reason_text = (reason or "").strip() or None
    if reason_text is not None and len(reason_text) > 500:
        raise InvalidInput("reason", "เหตุผลยาวเกิน 500 ตัวอักษร")
    clash = _overlapping(session, principal_id, starts_at, ends_at, as_principal=True)
    if clash is not None:
        other = session.get(Person, clash.delegate_id)
        raise InvalidInput("starts_at", f"{principal.name} มีผู้รักษาราชการแทนในช่วงเวลาที่ทับกันอยู่แล้ว "
                                        f"({other.name if other else '-'} {_period_th(clash)})")
    away = _overlapping(session, delegate_id, starts_at, ends_at, as_principal=True)
    if away is not None:
        raise InvalidInput("delegate", f"{delegate.name} ไม่อยู่ในช่วงเวลานี้เอง ({_period_th(away)}) "
                                       f"จึงรักษาราชการแทนไม่ได้")
    row = Delegation(principal_id=principal_id, delegate_id=delegate_id, unit_id=unit_id, starts_at=starts_at,
                     ends_at=ends_at, reason=reason_text, created_by=actor.person_id, created_at=now)
    if starts_at <= now:
        row.start_notified_at = now  # the notice of naming says it is in force already
    session.add(row)
    session.flush()
    append_event(session, kind="delegation.named", entity="person", entity_id=principal_id, actor=actor, at=now,
                 data={"delegation_id": row.id, "delegate_id": delegate_id, "unit_id": unit_id,
                       "starts_at": starts_at, "ends_at": ends_at, "reason": reason_text})
    notify_person(session, delegate_id, kind=NAMED, at=now, dedupe_key=f"{NAMED}:{row.id}",
                  payload={"delegation_id": row.id}, route_acting=False)
    return row


def end_acting(session: Session, delegation_id: int, *, actor: Actor, clock: Clock = SYSTEM_CLOCK) -> Delegation:
    """End a delegation now (the absent person is back early); one not yet begun is cancelled."""
    now = clock.now()
    row = session.execute(select(Delegation).where(Delegation.id == delegation_id).with_for_update()).scalar_one_or_none()
    if row is None:
        raise NotFound("การรักษาราชการแทน", delegation_id)
    if actor.person_id is not None and not access.may_name_acting(session, actor.person_id, row.principal_id,
                                                                  row.unit_id):
        raise PermissionDenied("สิ้นสุดการรักษาราชการแทนนี้")
    if row.ends_at <= now:
        raise InvalidInput("delegation", "การรักษาราชการแทนนี้สิ้นสุดไปแล้ว")
    before = row.ends_at
    row.ends_at = max(now, row.starts_at)
    row.ended_early_at = now
    row.ended_by = actor.person_id
    session.flush()
    append_event(session, kind="delegation.ended", entity="person", entity_id=row.principal_id, actor=actor, at=now,
                 data={"delegation_id": row.id, "delegate_id": row.delegate_id, "ends_at": row.ends_at,
                       "planned_ends_at": before})
    return row


@dataclass(frozen=True)
class ActingRow:
    id: int
    principal: str
    delegate: str
    unit: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str | None
    state: str  # current | upcoming | past
    ended_early: bool
    period: str  # "2 มี.ค. 2569 – 4 มี.ค. 2569" (whole days, inclusive)


STATE_TH = {"current": "กำลังรักษาราชการแทน", "upcoming": "ยังไม่ถึงกำหนด", "past": "สิ้นสุดแล้ว"}


def list_acting(session: Session, *, now: dt.datetime, viewer_id: int | None = None,
                include_past: bool = True) -> list[ActingRow]:
    """The delegations *viewer_id* may manage (all for the system or an admin), current first."""
    units = access.acting_units(session, viewer_id) if viewer_id is not None else None
    query = select(Delegation).order_by(Delegation.starts_at.desc(), Delegation.id.desc())
    if not include_past:
        query = query.where(Delegation.ends_at > now)
    rows = list(session.execute(query).scalars())
    if units is not None:
        members = access.members_of(session, units)
        rows = [d for d in rows if d.unit_id in units or (d.unit_id is None and d.principal_id in members)]
    ids = {d.principal_id for d in rows} | {d.delegate_id for d in rows}
    names = dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(ids or {-1}))).all())
    unit_names = dict(session.execute(select(Unit.id, Unit.name)).all()) if rows else {}
    out = []
    for d in rows:
        state = "upcoming" if d.starts_at > now else ("current" if d.ends_at > now else "past")
        out.append(ActingRow(d.id, names.get(d.principal_id, "-"), names.get(d.delegate_id, "-"),
                             unit_names.get(d.unit_id) if d.unit_id else None, d.starts_at, d.ends_at, d.reason,
                             state, d.ended_early_at is not None, _period_th(d)))
    order = {"current": 0, "upcoming": 1, "past": 2}
    return sorted(out, key=lambda r: order[r.state])


def acting_officers(session: Session, person_id: int, at: dt.datetime) -> list[int]:
    """Who acts for *person_id* at *at* (usually nobody, at most one per overlapping-free period)."""
    return list(session.execute(select(Delegation.delegate_id).where(
        Delegation.principal_id == person_id, Delegation.starts_at <= at, Delegation.ends_at > at)
        .order_by(Delegation.id)).scalars())


def enqueue_acting_starts(session: Session, *, now: dt.datetime) -> int:
    """Tell each acting officer whose period has just begun (once; the worker runs this)."""
    rows = session.execute(select(Delegation).where(
        Delegation.start_notified_at.is_(None), Delegation.starts_at <= now, Delegation.ends_at > now)
        .order_by(Delegation.id)).scalars().all()
    for d in rows:
        d.start_notified_at = now
        notify_person(session, d.delegate_id, kind=STARTED, at=now, dedupe_key=f"{STARTED}:{d.id}",
                      payload={"delegation_id": d.id}, route_acting=False)
        append_event(session, kind="delegation.started", entity="person", entity_id=d.principal_id, actor=SYSTEM,
                     at=now, data={"delegation_id": d.id, "delegate_id": d.delegate_id})
    return len(rows)


def _period_th(d: Delegation) -> str:
    """The period in พ.ศ.: whole days when it starts and ends at midnight, else with the times."""
    from registry.timeutil import thai_date, thai_datetime

    start, end = d.starts_at.astimezone(BANGKOK), d.ends_at.astimezone(BANGKOK)
    if start.time() == dt.time(0) and end.time() == dt.time(0):
        last = (end - dt.timedelta(days=1)).date()
        if last == start.date():
            return thai_date(start.date(), short=True)
        return f"{thai_date(start.date(), short=True)} – {thai_date(last, short=True)}"
    return f"{thai_datetime(start)} – {thai_datetime(end)}"
