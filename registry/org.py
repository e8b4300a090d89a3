"""Managing the organisation from the back office: the unit tree, deactivating units and people,
moving a person to another unit, and the lists the management pages show.

Like ``registry.admin`` (whose writers it reuses), every writer checks the actor is an admin and
appends one event. HTTP stays in admin_api (``routes/pages_org.py``, ``routes/pages_people.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from registry import memo
from registry.accounts import queue_menu_refresh
from registry.admin import require_admin
from registry.clock import SYSTEM_CLOCK, Clock
from registry.errors import Conflict, InvalidInput
from registry.events import Actor, append_event
from registry.models import ApiToken, ChatAccount, Credential, Event, Letter, Membership, Person, Unit
from registry.permissions import ROLES, forget_roles
from registry.signin import end_sessions
from registry.timeutil import BANGKOK
from registry.units import get_person, get_unit

OPEN_STATES = ("registered", "forwarded", "acknowledged", "returned")  # a letter still being worked on


def _today(clock: Clock) -> dt.date:
    return clock.now().astimezone(BANGKOK).date()


def unit_active(unit: Unit, on: dt.date) -> bool:
    return unit.valid_to is None or unit.valid_to >= on


# ---------------------------------------------------------------- the unit tree

@dataclass(frozen=True)
class TreeRow:
    unit: Unit
    depth: int
    active: bool
    members: int  # active people holding a role in the unit


def unit_tree(session: Session, *, on: dt.date) -> list[TreeRow]:
    """Every unit, parents before children (siblings by code), with its depth in the tree."""
    units = list(session.execute(select(Unit).order_by(Unit.code, Unit.id)).scalars())
    counts = dict(session.execute(
        select(Membership.unit_id, func.count(func.distinct(Membership.person_id)))
        .join(Person, Person.id == Membership.person_id).where(Person.active.is_(True))
        .group_by(Membership.unit_id)).all())
    ids = {u.id for u in units}
    children: dict[int | None, list[Unit]] = {}
    for u in units:
        children.setdefault(u.parent_id if u.parent_id in ids else None, []).append(u)
    rows: list[TreeRow] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for u in children.get(parent, ()):
            if u.id in seen:  # a cycle in bad data must not loop forever
                continue
            seen.add(u.id)
            rows.append(TreeRow(u, depth, unit_active(u, on), counts.get(u.id, 0)))
            walk(u.id, depth + 1)

    walk(None, 0)
    for u in units:  # units caught in a cycle still show, at the top
        if u.id not in seen:
            seen.add(u.id)
            rows.append(TreeRow(u, 0, unit_active(u, on), counts.get(u.id, 0)))
    return rows


def descendants(session: Session, unit_id: int) -> set[int]:
    """The unit and every unit below it."""
    from registry.access import _with_descendants

    return _with_descendants(session, [unit_id])


def deactivate_unit(session: Session, unit_id: int, *, actor: Actor, clock: Clock = SYSTEM_CLOCK) -> Unit:
    """Close a unit from today (``valid_to`` = yesterday): refused, with the reason in Thai, while
    active people still hold roles in it, letters of its books are still open, or a unit below it
    is still in use. Its books and history stay."""
    require_admin(session, actor, "ปิดการใช้งานหน่วยงาน")
    today = _today(clock)
    unit = get_unit(session, unit_id)
    if not unit_active(unit, today):
        raise Conflict(f"หน่วยงาน {unit.code} ปิดการใช้งานแล้ว")
    members = session.execute(
        select(func.count(func.distinct(Membership.person_id))).join(Person, Person.id == Membership.person_id)
        .where(Membership.unit_id == unit.id, Person.active.is_(True))).scalar_one()
    if members:
        raise Conflict(f"ยังปิดหน่วยงาน {unit.code} ไม่ได้ เพราะยังมีผู้ใช้ที่มีบทบาทในหน่วยงานนี้ {members} คน "
                       "กรุณาย้ายหรือถอนบทบาทก่อนค่ะ", members=members)
    open_letters = session.execute(select(func.count(Letter.id)).where(
        Letter.unit_id == unit.id, Letter.status.in_(OPEN_STATES))).scalar_one()
    if open_letters:
        raise Conflict(f"ยังปิดหน่วยงาน {unit.code} ไม่ได้ เพราะยังมีหนังสือที่ยังไม่ปิดเรื่อง {open_letters} ฉบับ "
                       "กรุณาปิดเรื่องหรือส่งต่อให้หน่วยงานอื่นก่อนค่ะ", open_letters=open_letters)
    live_children = [u.code for u in session.execute(select(Unit).where(Unit.parent_id == unit.id)).scalars()
                     if unit_active(u, today)]
    if live_children:
        raise Conflict(f"ยังปิดหน่วยงาน {unit.code} ไม่ได้ เพราะหน่วยงานย่อย {', '.join(live_children)} "
                       "ยังใช้งานอยู่ กรุณาปิดหรือย้ายหน่วยงานย่อยก่อนค่ะ")
    before = unit.valid_to
    unit.valid_to = today - dt.timedelta(days=1)
    if unit.valid_from is not None and unit.valid_from > unit.valid_to:
        unit.valid_from = unit.valid_to  # created and closed the same day
    memo.forget(memo.UNIT_DIRECTORY)
    session.flush()
    append_event(session, kind="unit.deactivated", entity="unit", entity_id=unit.id, actor=actor, at=clock.now(),
                 data={"code": unit.code, "before_valid_to": before, "valid_to": unit.valid_to})
    return unit


def reactivate_unit(session: Session, unit_id: int, *, actor: Actor, clock: Clock = SYSTEM_CLOCK) -> Unit:
    require_admin(session, actor, "เปิดใช้งานหน่วยงาน")
    unit = get_unit(session, unit_id)
    if unit_active(unit, _today(clock)):
        raise Conflict(f"หน่วยงาน {unit.code} ใช้งานอยู่แล้ว")
    clash = [u for u in session.execute(select(Unit).where(Unit.code == unit.code, Unit.id != unit.id)).scalars()
             if unit_active(u, _today(clock))]
    if clash:
        raise Conflict(f"มีหน่วยงานรหัส {unit.code} ที่ยังใช้งานอยู่แล้ว")
    before = unit.valid_to
    unit.valid_to = None
    memo.forget(memo.UNIT_DIRECTORY)
    session.flush()
    append_event(session, kind="unit.reactivated", entity="unit", entity_id=unit.id, actor=actor, at=clock.now(),
                 data={"code": unit.code, "before_valid_to": before})
    return unit


# ---------------------------------------------------------------- people

def list_people(session: Session, *, q: str | None = None, unit_id: int | None = None, role: str | None = None,
                active: bool | None = True, limit: int = 200) -> list[Person]:
    """People by a word of their name, position or username, their unit, their role, and whether active."""
    stmt = select(Person).order_by(Person.name, Person.id).limit(limit)
    if q:
        word = f"%{q.strip()}%"
        stmt = stmt.where(or_(Person.name.ilike(word), Person.position.ilike(word), Person.id.in_(
            select(Credential.person_id).where(Credential.username.ilike(word)))))
    if unit_id is not None or role:
        m = select(Membership.person_id)
        if unit_id is not None:
            m = m.where(Membership.unit_id == unit_id)
        if role:
            m = m.where(Membership.role == role)
        stmt = stmt.where(Person.id.in_(m))
    if active is not None:
        stmt = stmt.where(Person.active.is_(active))
    return list(session.execute(stmt).scalars())


def set_person_active(session: Session, person_id: int, active: bool, *, actor: Actor,
                      clock: Clock = SYSTEM_CLOCK) -> Person:
    """Deactivate (every web session ends; API tokens and chats stop answering for an inactive
    person) or reactivate a person. An admin cannot deactivate themselves."""
    require_admin(session, actor, "ปิดการใช้งานผู้ใช้" if not active else "เปิดใช้งานผู้ใช้")
    now = clock.now()
    person = get_person(session, person_id)
    if person.active == active:
        raise Conflict(f"{person.name} {'ใช้งานอยู่แล้ว' if active else 'ปิดการใช้งานแล้ว'}")
    if not active and actor.person_id == person.id:
        raise InvalidInput("person", "ไม่สามารถปิดการใช้งานบัญชีของตนเองได้")
    person.active = active
    ended = 0 if active else end_sessions(session, person.id, at=now)
    session.flush()
    append_event(session, kind="person.reactivated" if active else "person.deactivated", entity="person",
                 entity_id=person.id, actor=actor, at=now, data={"sessions_ended": ended})
    return person


def move_person(session: Session, person_id: int, from_unit: int, to_unit: int, *, actor: Actor,
                clock: Clock = SYSTEM_CLOCK) -> list[str]:
    """ย้ายหน่วยงาน: the person's roles in *from_unit* move to *to_unit* (one event); the roles moved."""
    require_admin(session, actor, "ย้ายหน่วยงานของผู้ใช้")
    now = clock.now()
    person = get_person(session, person_id)
    source, target = get_unit(session, from_unit), get_unit(session, to_unit)
    if source.id == target.id:
        raise InvalidInput("to_unit", "กรุณาเลือกหน่วยงานปลายทางที่ไม่ใช่หน่วยงานเดิม")
    if not unit_active(target, _today(clock)):
        raise InvalidInput("to_unit", f"หน่วยงาน {target.code} ปิดการใช้งานแล้ว")
    held = list(session.execute(select(Membership).where(
        Membership.person_id == person.id, Membership.unit_id == source.id).order_by(Membership.id)).scalars())
    if not held:
        raise InvalidInput("from_unit", f"{person.name} ไม่มีบทบาทใน {source.name}")
    there = set(session.execute(select(Membership.role).where(
        Membership.person_id == person.id, Membership.unit_id == target.id)).scalars())
    roles = [m.role for m in held]
    for m in held:
        if m.role in there:
            session.delete(m)
        else:
            m.unit_id = target.id
    session.flush()
    forget_roles(session)
    append_event(session, kind="person.moved", entity="person", entity_id=person.id, actor=actor, at=now,
                 data={"from_unit_id": source.id, "to_unit_id": target.id, "roles": roles})
    queue_menu_refresh(session, person_id=person.id, at=now)
    return roles


def memberships(session: Session, person_id: int) -> list[Membership]:
    return list(session.execute(select(Membership).where(Membership.person_id == person_id)
                                .order_by(Membership.unit_id, Membership.id)).scalars())


def linked_chats(session: Session, person_id: int) -> list[ChatAccount]:
    return list(session.execute(select(ChatAccount).where(ChatAccount.person_id == person_id)
                                .order_by(ChatAccount.id)).scalars())


def list_tokens(session: Session, *, person_id: int | None = None) -> list[tuple[ApiToken, str]]:
    """API tokens (never the token itself: only its id, label and dates) with their person's name."""
    stmt = (select(ApiToken, Person.name).join(Person, Person.id == ApiToken.person_id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc()).limit(500))
    if person_id is not None:
        stmt = stmt.where(ApiToken.person_id == person_id)
    return [(row.ApiToken, row.name) for row in session.execute(stmt)]


def history(session: Session, entity: str, entity_id: int, *, limit: int = 30) -> list[tuple[Event, str | None]]:
    """The latest events about a unit or a person, newest first, with the name of who acted."""
    rows = session.execute(
        select(Event, Person.name).outerjoin(Person, Person.id == Event.actor_id)
        .where(Event.entity == entity, Event.entity_id == entity_id).order_by(Event.seq.desc()).limit(limit))
    return [(r.Event, r.name) for r in rows]


def credential_of(session: Session, person_id: int) -> Credential | None:
    return session.get(Credential, person_id)


__all__ = ["OPEN_STATES", "ROLES", "TreeRow", "deactivate_unit", "descendants", "history", "linked_chats", "list_people",
           "list_tokens", "memberships", "move_person", "reactivate_unit", "set_person_active", "unit_active",
           "unit_tree"]
