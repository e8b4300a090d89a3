"""Administration of the directory: units, people and their roles, API tokens, link codes, holidays.

The only writers of these rows. Each function checks that the actor is an admin (the system
itself, ``person_id is None``, always may), writes, and appends one event with before/after.

Link codes are issued and redeemed by ``registry.accounts`` (the conversation room's module); this
module only adds the admin check in front of issuing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry import memo
from registry.clock import SYSTEM_CLOCK, Clock
from registry.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from registry.events import Actor, append_event
from registry.models import ApiToken, Holiday, LinkCode, Membership, Person, Unit
from registry.accounts import queue_menu_refresh
from registry.access import ADMIN, holds, locks_self_out
from registry.permissions import CLEARANCE_RANK, ROLES, forget_roles
from registry.timeutil import BANGKOK
from registry.units import get_person, get_unit
from registry.validation import clean_text



def require_admin(session: Session, actor: Actor, action_th: str = "จัดการข้อมูลของระบบ") -> None:
    if actor.person_id is not None and not holds(session, actor.person_id, None, ADMIN):
        raise PermissionDenied(action_th)


def _unit_facts(u: Unit) -> dict[str, Any]:
    return {"code": u.code, "name": u.name, "short_name": u.short_name, "aliases": u.aliases, "parent_id": u.parent_id,
            "valid_from": u.valid_from, "valid_to": u.valid_to, "book_reset": u.book_reset}


def _person_facts(p: Person) -> dict[str, Any]:
    return {"name": p.name, "position": p.position, "clearance": p.clearance, "active": p.active}


# ---------------------------------------------------------------- units

# รหัสหน่วยงาน (ระเบียบงานสารบรรณ): the ministry's or province's letters, then the unit's digits,
# dotted for sub-units: "มท", "มท 0201", "มท 0201.2", "รย 0017". Thai digits are read as Arabic.
UNIT_CODE = re.compile(r"^[ก-ฮ]{1,3}(?: [0-9]{2,6}(?:\.[0-9]{1,3})*)?$")
UNIT_CODE_TH = "รหัสหน่วยงานต้องเป็นอักษรย่อภาษาไทย 1-3 ตัว ตามด้วยเว้นวรรคและตัวเลข เช่น มท 0201 หรือ มท 0201.2"


def normalise_unit_code(text: str) -> str:
    """``"มท0201"``, ``" มท  ๐๒๐๑ "`` → ``"มท 0201"``; InvalidInput (Thai) when it is not a unit code."""
    value = " ".join(text.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")).split())
    value = re.sub(r"^([ก-ฮ]{1,3}) ?(?=[0-9])", r"\1 ", value)
    if not UNIT_CODE.match(value):
        raise InvalidInput("code", UNIT_CODE_TH)
    return value


@dataclass(frozen=True)
class UnitFields:
    code: str | None = None
    name: str | None = None
    short_name: str | None = None
    aliases: tuple[str, ...] | None = None
    parent_id: int | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    book_reset: str | None = None


def _apply_unit(session: Session, unit: Unit, f: UnitFields, *, creating: bool) -> None:
    memo.forget(memo.UNIT_DIRECTORY)  # sender matching in this process sees the change at once
    for name in ("code", "name"):
        value = clean_text(name, getattr(f, name), required=creating)
        if value is not None:
            setattr(unit, name, normalise_unit_code(value) if name == "code" else " ".join(value.split())[:255])
    if f.short_name is not None:
        unit.short_name = clean_text("short_name", f.short_name)
    if f.aliases is not None:
        unit.aliases = [a.strip() for a in f.aliases if a and a.strip()]
    if f.parent_id is not None:
        parent = get_unit(session, f.parent_id)
        chain, current = set(), parent
        while current is not None:
            if unit.id is not None and current.id == unit.id:
                # a conflict with the unit tree as it stands (409), not a malformed request
                raise Conflict("หน่วยงานแม่ต้องไม่เป็นตัวเองหรือหน่วยงานลูกของตัวเอง")
            if current.id in chain:
                break
            chain.add(current.id)
            current = current.parent
        unit.parent_id = parent.id
    if f.valid_from is not None:
        unit.valid_from = f.valid_from
    if f.valid_to is not None:
        unit.valid_to = f.valid_to
    if unit.valid_from and unit.valid_to and unit.valid_to < unit.valid_from:
        raise InvalidInput("valid_to", "วันสิ้นสุดการใช้งานต้องไม่ก่อนวันเริ่มใช้งาน")
    if f.book_reset is not None:
        if f.book_reset not in ("calendar", "fiscal"):
            raise InvalidInput("book_reset", "รอบเลขทะเบียนต้องเป็น calendar (ปีปฏิทิน) หรือ fiscal (ปีงบประมาณ)")
        unit.book_reset = f.book_reset
    dupe = session.execute(select(Unit.id).where(Unit.code == unit.code, Unit.id != (unit.id or -1))).first()
    if dupe is not None and (unit.valid_to is None):
        other = session.get(Unit, dupe[0])
        if other is not None and other.valid_to is None:
            raise Conflict(f"มีหน่วยงานรหัส {unit.code} ที่ยังใช้งานอยู่แล้ว")


def create_unit(session: Session, f: UnitFields, *, actor: Actor, clock: Clock = SYSTEM_CLOCK) -> Unit:
    require_admin(session, actor, "เพิ่มหน่วยงาน")
    now = clock.now()
    unit = Unit(code="", name="", aliases=[], book_reset="calendar")
    _apply_unit(session, unit, f, creating=True)
    session.add(unit)
    session.flush()
    append_event(session, kind="unit.created", entity="unit", entity_id=unit.id, actor=actor, at=now,
                 data={"after": _unit_facts(unit)})
    return unit


def update_unit(session: Session, unit_id: int, f: UnitFields, *, actor: Actor, clock: Clock = SYSTEM_CLOCK) -> Unit:
    """Change a unit. Codes change when departments are reorganised: close the old unit with
    ``valid_to`` and create the new one rather than rewriting history."""
    require_admin(session, actor, "แก้ไขหน่วยงาน")
    now = clock.now()
    unit = get_unit(session, unit_id)
    before = _unit_facts(unit)
    _apply_unit(session, unit, f, creating=False)
    append_event(session, kind="unit.updated", entity="unit", entity_id=unit.id, actor=actor, at=now,
                 data={"before": before, "after": _unit_facts(unit)})
    return unit


# ---------------------------------------------------------------- people and roles

@dataclass(frozen=True)
class PersonFields:
    name: str | None = None
    position: str | None = None
    clearance: str | None = None
    active: bool | None = None


def _apply_person(p: Person, f: PersonFields, *, creating: bool) -> None:
    name = clean_text("name", f.name, required=creating or f.name is not None)  # a name cannot be blanked
    if name is not None:
        p.name = " ".join(name.split())[:255]
    if f.position is not None:
        p.position = clean_text("position", f.position)
    if f.clearance is not None:
        if f.clearance not in CLEARANCE_RANK:
            raise InvalidInput("clearance", "ชั้นความลับที่เข้าถึงได้ต้องเป็น none, confidential, secret หรือ top_secret")
        p.clearance = f.clearance
    if f.active is not None:
        p.active = f.active


def create_person(session: Session, f: PersonFields, *, actor: Actor, clock: Clock = SYSTEM_CLOCK,
                  roles: tuple[tuple[int, str], ...] = ()) -> Person:
    require_admin(session, actor, "เพิ่มผู้ใช้")
    now = clock.now()
    person = Person(name="", clearance="none", active=True, created_at=now)
    _apply_person(person, f, creating=True)
    session.add(person)
    session.flush()
    append_event(session, kind="person.created", entity="person", entity_id=person.id, actor=actor, at=now,
                 data={"after": _person_facts(person)})
    from registry.training import flag_new_person

    flag_new_person(session, person, actor=actor, now=now)  # a new person takes the practice (F5)
    for unit_id, role in roles:
        grant_role(session, person.id, unit_id, role, actor=actor, clock=clock)
    return person


def update_person(session: Session, person_id: int, f: PersonFields, *, actor: Actor,
                  clock: Clock = SYSTEM_CLOCK) -> Person:
    require_admin(session, actor, "แก้ไขข้อมูลผู้ใช้")
    now = clock.now()
    person = get_person(session, person_id)
    before = _person_facts(person)
    _apply_person(person, f, creating=False)
    append_event(session, kind="person.updated", entity="person", entity_id=person.id, actor=actor, at=now,
                 data={"before": before, "after": _person_facts(person)})
    return person


def grant_role(session: Session, person_id: int, unit_id: int, role: str, *, actor: Actor,
               clock: Clock = SYSTEM_CLOCK) -> Membership:
    require_admin(session, actor, "กำหนดบทบาทผู้ใช้")
    if role not in ROLES:
        raise InvalidInput("role", "บทบาทต้องเป็น clerk, owner, head, admin หรือ auditor")
    person = get_person(session, person_id)
    unit = get_unit(session, unit_id)
    if unit.valid_to is not None and unit.valid_to < clock.now().astimezone(BANGKOK).date():
        raise InvalidInput("unit_id", f"หน่วยงาน {unit.code} ปิดการใช้งานแล้ว ให้บทบาทในหน่วยงานนี้ไม่ได้")
    found = session.execute(select(Membership).where(
        Membership.person_id == person.id, Membership.unit_id == unit.id, Membership.role == role)).scalar_one_or_none()
    if found is not None:
        return found
    m = Membership(person_id=person.id, unit_id=unit.id, role=role)
    session.add(m)
    session.flush()
    forget_roles(session)
    append_event(session, kind="role.granted", entity="person", entity_id=person.id, actor=actor, at=clock.now(),
                 data={"unit_id": unit.id, "role": role})
    queue_menu_refresh(session, person_id=person.id, at=clock.now())  # the LINE menu of the new roles
    return m


def revoke_role(session: Session, person_id: int, unit_id: int, role: str, *, actor: Actor,
                clock: Clock = SYSTEM_CLOCK) -> None:
    require_admin(session, actor, "ถอนบทบาทผู้ใช้")
    m = session.execute(select(Membership).where(
        Membership.person_id == person_id, Membership.unit_id == unit_id, Membership.role == role)).scalar_one_or_none()
    if m is None:
        raise NotFound("บทบาทนี้ของผู้ใช้", f"{person_id}:{unit_id}:{role}")
    if locks_self_out(actor, person_id, role):
        raise InvalidInput("role", "ไม่สามารถถอนสิทธิ์ผู้ดูแลระบบของตนเองได้")
    session.delete(m)
    session.flush()
    forget_roles(session)
    append_event(session, kind="role.revoked", entity="person", entity_id=person_id, actor=actor, at=clock.now(),
                 data={"unit_id": unit_id, "role": role})
    queue_menu_refresh(session, person_id=person_id, at=clock.now())  # the LINE menu of the roles left


# ---------------------------------------------------------------- API tokens

def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, person_id: int, *, actor: Actor, label: str | None = None,
                clock: Clock = SYSTEM_CLOCK) -> tuple[ApiToken, str]:
    """A new bearer token for a person: returned once in clear, stored as its SHA-256."""
    require_admin(session, actor, "ออกโทเคนให้ผู้ใช้")
    person = get_person(session, person_id)
    token = secrets.token_urlsafe(32)
    now = clock.now()
    row = ApiToken(person_id=person.id, token_hash=hash_token(token), label=clean_text("label", label), created_at=now)
    session.add(row)
    session.flush()
    append_event(session, kind="token.created", entity="person", entity_id=person.id, actor=actor, at=now,
                 data={"token_id": row.id, "label": row.label})
    return row, token


def revoke_token(session: Session, token_id: int, *, actor: Actor, clock: Clock = SYSTEM_CLOCK) -> ApiToken:
    require_admin(session, actor, "ยกเลิกโทเคน")
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"โทเคน {token_id}", token_id)
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        append_event(session, kind="token.revoked", entity="person", entity_id=row.person_id, actor=actor,
                     at=row.revoked_at, data={"token_id": row.id})
    return row


# ---------------------------------------------------------------- link codes

def create_link_code(session: Session, person_id: int, *, actor: Actor,
                     clock: Clock = SYSTEM_CLOCK) -> tuple[LinkCode, str]:
    """A one-time code (30 minutes) the person types in chat to link their account: the row and
    the code itself (shown this once; the register keeps only its sha256).

    The admin check is here; issuing (and redeeming) belongs to ``registry.accounts``.
    """
    from registry.accounts import code_digest, issue_link_code

    require_admin(session, actor, "ออกรหัสผูกบัญชี")
    issued = issue_link_code(session, person_id, actor=actor, clock=clock)
    return session.execute(select(LinkCode).where(LinkCode.code_hash == code_digest(issued.code))).scalar_one(), issued.code


def list_link_codes(session: Session, *, person_id: int | None = None) -> list[LinkCode]:
    stmt = select(LinkCode).order_by(LinkCode.id.desc()).limit(200)
    if person_id is not None:
        stmt = stmt.where(LinkCode.person_id == person_id)
    return list(session.execute(stmt).scalars())


# ---------------------------------------------------------------- holidays

def add_holiday(session: Session, day: dt.date, name: str, *, actor: Actor, clock: Clock = SYSTEM_CLOCK) -> Holiday:
    require_admin(session, actor, "เพิ่มวันหยุด")
    label = clean_text("name", name, required=True)
    row = session.get(Holiday, day)
    before = None
    if row is None:
        row = Holiday(day=day, name=label)
        session.add(row)
    else:
        before, row.name = row.name, label
    session.flush()
    append_event(session, kind="holiday.set", entity="holiday", entity_id=None, actor=actor, at=clock.now(),
                 data={"day": day, "before": before, "after": label})
    return row


def remove_holiday(session: Session, day: dt.date, *, actor: Actor, clock: Clock = SYSTEM_CLOCK) -> None:
    require_admin(session, actor, "ลบวันหยุด")
    row = session.get(Holiday, day)
    if row is None:
        raise NotFound(f"วันหยุด {day.isoformat()}", day.isoformat())
    name = row.name
    session.delete(row)
    append_event(session, kind="holiday.removed", entity="holiday", entity_id=None, actor=actor, at=clock.now(),
                 data={"day": day, "before": name})


def list_holidays(session: Session, *, year: int | None = None) -> list[Holiday]:
    """Holidays, optionally of one Buddhist-era year."""
    stmt = select(Holiday).order_by(Holiday.day)
    if year is not None:
        ce = year - 543
        stmt = stmt.where(Holiday.day >= dt.date(ce, 1, 1), Holiday.day <= dt.date(ce, 12, 31))
    return list(session.execute(stmt).scalars())


def count_people(session: Session) -> int:
    return session.execute(select(func.count(Person.id))).scalar_one()
