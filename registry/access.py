"""One rule for who may see a letter and who may read what it says.

Every surface asks here and nowhere else: the chat (status, search, my tasks), the API (detail,
list, search), the admin pages, reports and exports. Two questions, each answered twice — as a
predicate for one letter already loaded, and as a SQL condition for lists and search — and a
test (tests/registry/test_access.py) holds the two answers equal for every kind of viewer:

1. **May the viewer know the letter exists?** (:func:`may_see` / :func:`visible`)
   - admins and auditors oversee every unit;
   - staff (clerk, owner, head) see the letters of their units and of every unit below them;
   - anyone sees a letter forwarded to them or to a unit they see;
   - an acting officer (รักษาราชการแทน, a ``Delegation`` in force) sees what the absent person sees.
2. **May the viewer read its content?** (:func:`may_read` / :func:`readable`) — secrecy
   (ระเบียบว่าด้วยการรักษาความลับของทางราชการ): a letter without a class is readable by whoever sees
   it; a ลับ/ลับมาก/ลับที่สุด letter only by the person it was forwarded to (or whoever acts for them)
   and by viewers whose clearance reaches its class. Being an admin grants no clearance.

What a viewer who may not read sees is :func:`withhold` (the secrecy projection): the number,
dates, priority, class and status stay; the fields listed in ``WITHHELD`` are removed, including a
forward's instruction and a return's reason, which often repeat the subject. Search must match
words of the content only among :func:`readable` letters, or a search would reveal that a secret
letter about that word exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session

from registry.models import Assignment, Delegation, Letter, Membership, Person, Unit
from registry.permissions import CLEARANCE_RANK  # a viewer reads a letter's class up to their rank

__all__ = ["CLEARANCE_RANK", "SYSTEM", "Viewer", "may_read", "may_see", "readable", "sees_unit", "viewer", "visible",
           "withhold"]
STAFF_ROLES = frozenset({"clerk", "owner", "head"})
OVERSEER_ROLES = frozenset({"admin", "auditor"})

# The secrecy projection: what a viewer without the right to read does not get.
WITHHELD_LETTER = ("ref_no", "sender", "addressee", "subject", "enclosures", "remarks", "sent_via")
WITHHELD_ASSIGNMENT = ("instruction", "return_reason")


@dataclass(frozen=True)
class Viewer:
    """Who is looking, resolved once per request or chat event (see :func:`viewer`)."""

    person_id: int | None  # None: the system itself (CLI, worker) or the bootstrap admin token
    people: frozenset[int]  # the person and everyone they act for now
    units: frozenset[int]  # units seen as staff: where a staff role is held, with every unit below
    oversees_all: bool  # admin or auditor of any unit
    clearance: int  # rank in CLEARANCE_RANK (the highest of the person and whoever they act for)

    @property
    def system(self) -> bool:
        return self.person_id is None


SYSTEM = Viewer(person_id=None, people=frozenset(), units=frozenset(), oversees_all=True,
                clearance=CLEARANCE_RANK["top_secret"])


def viewer(session: Session, person_id: int | None, at: dt.datetime) -> Viewer:
    """The viewer for *person_id* at *at* (delegations in force then count); ``None`` is the system.

    Reads the person's and their principals' roles, clearances and the unit tree: a handful of
    small statements, so resolve it once per request, not per letter."""
    if person_id is None:
        return SYSTEM
    principals = set(session.execute(
        select(Delegation.principal_id, Delegation.unit_id).where(
            Delegation.delegate_id == person_id, Delegation.starts_at <= at, Delegation.ends_at > at)).all())
    people = {person_id} | {p for p, _ in principals}
    # An acting officer takes the absent person's roles, within the delegation's unit when it names one.
    only_unit = {p: u for p, u in principals if u is not None}
    held: list[tuple[int, str]] = []
    for pid, unit_id, role in session.execute(
            select(Membership.person_id, Membership.unit_id, Membership.role).where(Membership.person_id.in_(people))):
        if pid == person_id or pid not in only_unit or only_unit[pid] == unit_id:
            held.append((unit_id, role))
    clearance = max((CLEARANCE_RANK.get(c or "none", 0) for c in session.execute(
        select(Person.clearance).where(Person.id.in_(people), Person.active.is_(True))).scalars()), default=0)
    staff_units = {u for u, role in held if role in STAFF_ROLES}
    return Viewer(person_id=person_id, people=frozenset(people), units=frozenset(_with_descendants(session, staff_units)),
                  oversees_all=any(role in OVERSEER_ROLES for _, role in held), clearance=clearance)


def _with_descendants(session: Session, roots: Iterable[int]) -> set[int]:
    found = set(roots)
    if not found:
        return found
    children: dict[int, list[int]] = {}
    for uid, parent in session.execute(select(Unit.id, Unit.parent_id)):
        if parent is not None:
            children.setdefault(parent, []).append(uid)
    todo = list(found)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:  # a cycle in bad data must not loop forever
                found.add(child)
                todo.append(child)
    return found


def sees_unit(v: Viewer, unit_id: int | None) -> bool:
    """May the viewer look at a unit's books, backlog and reports?"""
    return v.oversees_all or (unit_id is not None and unit_id in v.units)


# --- 1. existence ----------------------------------------------------------------------------------

def may_see(v: Viewer, letter: Letter) -> bool:
    """May *v* know that *letter* exists (a number in a list, its status)? Uses ``letter.assignments``."""
    if v.oversees_all or letter.unit_id in v.units:
        return True
    return any(a.person_id in v.people or (a.unit_id is not None and a.unit_id in v.units)
               for a in letter.assignments)


def visible(v: Viewer) -> ColumnElement[bool]:
    """SQL condition on ``Letter``: the letters *v* may know exist (see :func:`may_see`)."""
    if v.oversees_all:
        return true()
    conditions = []
    if v.units:
        conditions.append(Letter.unit_id.in_(sorted(v.units)))
    forwarded = [Assignment.person_id.in_(sorted(v.people))] if v.people else []
    if v.units:
        forwarded.append(Assignment.unit_id.in_(sorted(v.units)))
    if forwarded:
        conditions.append(Letter.id.in_(select(Assignment.letter_id).where(or_(*forwarded))))
    return or_(*conditions) if conditions else false()


# --- 2. content ------------------------------------------------------------------------------------

def class_rank(secrecy: str | None) -> int:
    """The rank of a letter's class; an unknown class counts as the highest (fail closed)."""
    return 0 if secrecy is None else CLEARANCE_RANK.get(secrecy, CLEARANCE_RANK["top_secret"]) or 1


def may_read(v: Viewer, letter: Letter) -> bool:
    """May *v* read *letter*'s content? Only for a letter *v* may see (:func:`may_see`)."""
    if not may_see(v, letter):
        return False
    if letter.secrecy is None or v.clearance >= class_rank(letter.secrecy):
        return True
    return any(a.person_id in v.people for a in letter.assignments)


def readable(v: Viewer) -> ColumnElement[bool]:
    """SQL condition on ``Letter``: the letters whose content *v* may read (see :func:`may_read`)."""
    ranks_allowed = [name for name, rank in CLEARANCE_RANK.items() if 0 < rank <= v.clearance]
    by_class = [Letter.secrecy.is_(None)]
    if ranks_allowed:
        by_class.append(Letter.secrecy.in_(ranks_allowed))
    content = or_(*by_class)
    if v.people:
        content = or_(content, Letter.id.in_(select(Assignment.letter_id).where(
            Assignment.person_id.in_(sorted(v.people)))))
    return and_(visible(v), content)


def withhold(values: dict[str, Any], *, readable: bool, fields: tuple[str, ...] = WITHHELD_LETTER) -> dict[str, Any]:
    """The secrecy projection of a letter's (or, with ``fields=WITHHELD_ASSIGNMENT``, a forward's)
    values: unchanged when *readable*, else with the content fields set to None."""
    if readable:
        return values
    return {k: (None if k in fields else v) for k, v in values.items()}


# --- 3. managing the organisation ------------------------------------------------------------------

def may_manage(session: Session, v: Viewer) -> bool:
    """May *v* manage the organisation (units, people, roles, clearances, passwords, holidays, API
    tokens)? Admins of any unit, and the system itself. Acting for an admin does not count: the
    registry's writers (``registry.admin.require_admin``) check the person's own roles too."""
    if v.system:
        return True
    return session.execute(select(Membership.id).where(
        Membership.person_id == v.person_id, Membership.role == "admin").limit(1)).first() is not None


# --- acting officers (รักษาราชการแทน, registry/delegation.py) ---------------------------------------

def acting_units(session: Session, person_id: int | None) -> frozenset[int] | None:
    """The units whose people *person_id* may name acting officers for: None means every unit (the
    system, an admin); else the units where they are head, with every unit below (empty: none)."""
    if person_id is None:
        return None
    held = session.execute(select(Membership.unit_id, Membership.role).where(Membership.person_id == person_id)).all()
    if any(role == "admin" for _, role in held):
        return None
    return frozenset(_with_descendants(session, {u for u, role in held if role == "head"}))


def members_of(session: Session, units: Iterable[int]) -> set[int]:
    """The people holding any role in *units*."""
    units = sorted(set(units))
    if not units:
        return set()
    return set(session.execute(select(Membership.person_id).where(Membership.unit_id.in_(units))).scalars())


def may_manage_acting(session: Session, person_id: int | None) -> bool:
    """May *person_id* open the acting officers page at all (an admin or a head of some unit)?"""
    units = acting_units(session, person_id)
    return units is None or bool(units)


def may_name_acting(session: Session, person_id: int | None, principal_id: int, unit_id: int | None) -> bool:
    """May *person_id* name (or end) an acting officer for *principal_id*, limited to *unit_id*?
    An admin for anyone; a head for people of their units, and only within one of those units."""
    units = acting_units(session, person_id)
    if units is None:
        return True
    if unit_id is None or unit_id not in units:
        return False
    return principal_id in members_of(session, {unit_id})


def may_issue_link_codes(session: Session, person_id: int | None) -> bool:
    """May *person_id* issue chat link codes (the link-code page)? Admins (and the system)."""
    if person_id is None:
        return True
    return session.execute(select(Membership.id).where(
        Membership.person_id == person_id, Membership.role == "admin").limit(1)).first() is not None
