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
letter about that word exists (:func:`searchable`; a chat never carries a classified letter's
content, so chat search leaves classified letters out).

3. **What may the viewer do?** ``GRANTS`` maps each capability (manage a unit's letters, cancel,
   answer a unit's forward, audit, oversee, report…) to the roles that hold it, in a unit and every
   unit below it; :func:`may` asks it for a resolved viewer, :func:`holds`/:func:`require` for the
   registry services (session and actor), :func:`granted_by` for a gate that names no unit.
   :func:`report_units` is the units whose reports a viewer reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session

from registry.errors import PermissionDenied
from registry.events import Actor
from registry.models import Assignment, Delegation, Letter, Membership, Person, Unit
from registry.permissions import CLEARANCE_RANK  # a viewer reads a letter's class up to their rank
from registry.permissions import acting_for, roles_of, unit_ancestors

__all__ = ["ACT", "ADMIN", "ANSWER", "AUDIT", "BACKLOG", "CANCEL", "CLEARANCE_RANK", "COMMITTEE", "DIRECTORY", "GRANTS",
           "INTAKE", "MAILBOX", "MANAGE", "NOBODY", "OVERSEE", "QUEUES", "RECEIVE", "REPORT", "SYSTEM", "Viewer",
           "chat_withholds", "direct_units", "granted_by", "holds", "home_unit", "locks_self_out", "may", "may_act",
           "may_answer", "may_audit", "may_manage", "may_read", "may_read_on", "may_read_row", "may_see",
           "project_assignment", "project_letter", "readable", "report_units", "require", "searchable", "sees_unit",
           "units_granted", "viewer", "visible", "withhold",
           "NAME_ACTING", "acting_units", "may_issue_link_codes", "may_manage_acting", "may_name_acting", "members_of"]
STAFF_ROLES = frozenset({"clerk", "owner", "head"})
OVERSEER_ROLES = frozenset({"admin", "auditor"})

# What each role may do: the only table in the code where a role's name decides anything (the
# lifecycle table in registry/lifecycle.py decides which action a letter's state allows). Every
# service, handler, route and page asks through the functions below with one of these names.
MANAGE = "manage"        # register, forward, correct, close, attach, retention, the unit's mailbox
CANCEL = "cancel"        # cancel a registration (the number stays, marked cancelled)
ANSWER = "answer"        # acknowledge or return a forward sent to a unit
AUDIT = "audit"          # draw and review a random audit, see audits and indicators
OVERSEE = "oversee"      # read every unit's register, reports and audits
COMMITTEE = "committee"  # the destruction committee's decisions
REPORT = "report"        # read the per-unit reports (a head: their units and those below)
DIRECTORY = "directory"  # list people and units
ACT = "act"              # change anything at all (an auditor only reads)
ADMIN = "admin"          # manage the organisation: units, people, roles, tokens, link codes
QUEUES = "queues"        # see a unit's work queues
INTAKE = "intake"        # the chat's list of the unit's letters waiting to be forwarded
BACKLOG = "backlog"      # the chat's list of the unit's unacknowledged forwards, by person
MAILBOX = "mailbox"      # read the unit's saraban mailbox (auditors read every unit's)
RECEIVE = "receive"      # be offered in the chat as the one to forward a unit's letters to
NAME_ACTING = "name_acting"  # name acting officers (รักษาราชการแทน) for the people of the unit
GRANTS: dict[str, frozenset[str]] = {
    MANAGE: frozenset({"clerk", "head", "admin"}),
    CANCEL: frozenset({"clerk", "admin"}),
    ANSWER: frozenset({"clerk", "head", "owner"}),
    AUDIT: frozenset({"admin", "auditor"}),
    OVERSEE: frozenset({"admin", "auditor"}),
    COMMITTEE: frozenset({"head", "admin"}),
    REPORT: frozenset({"admin", "auditor", "head"}),
    DIRECTORY: frozenset({"admin", "auditor", "head", "clerk"}),
    ACT: frozenset({"clerk", "owner", "head", "admin"}),
    ADMIN: frozenset({"admin"}),
    QUEUES: frozenset({"clerk", "head"}),
    INTAKE: frozenset({"clerk"}),
    MAILBOX: frozenset({"clerk", "head", "admin", "auditor"}),
    RECEIVE: frozenset({"owner", "head"}),
    BACKLOG: frozenset({"head"}),
    NAME_ACTING: frozenset({"head", "admin"}),
}
# The unit a person registers into when none is named: the first where they are clerk, then head, then admin.
HOME_ORDER = ("clerk", "head", "admin")

# The secrecy projection: what a viewer without the right to read does not get.
WITHHELD_LETTER = ("ref_no", "sender", "addressee", "subject", "enclosures", "remarks", "sent_via",
                   "sender_org_code", "sender_letter_id", "reference_list", "enclosure_list")
WITHHELD_ASSIGNMENT = ("instruction", "return_reason")


@dataclass(frozen=True)
class Viewer:
    """Who is looking, resolved once per request or chat event (see :func:`viewer`)."""

    person_id: int | None  # None: the system itself (CLI, worker) or the bootstrap admin token
    people: frozenset[int]  # the person and everyone they act for now
    units: frozenset[int]  # units seen as staff: where a staff role is held, with every unit below
    oversees_all: bool  # admin or auditor of any unit
    clearance: int  # rank in CLEARANCE_RANK (the highest of the person and whoever they act for)
    # role → the units where it is held (own or lent by a delegation), each with every unit below it
    roles: tuple[tuple[str, frozenset[int]], ...] = ()
    held: tuple[tuple[int, str], ...] = ()  # (unit, role) the person holds themselves, oldest first

    @property
    def system(self) -> bool:
        return self.person_id is None

    def units_for(self, role: str) -> frozenset[int]:
        return next((units for r, units in self.roles if r == role), frozenset())

    @property
    def is_admin(self) -> bool:
        return self.system or bool(self.units_for("admin"))


SYSTEM = Viewer(person_id=None, people=frozenset(), units=frozenset(), oversees_all=True,
                clearance=CLEARANCE_RANK["top_secret"])
# Someone not known (a chat account not linked): sees nothing, may nothing.
NOBODY = Viewer(person_id=0, people=frozenset(), units=frozenset(), oversees_all=False, clearance=0)


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
    own: list[tuple[int, str]] = []
    for pid, unit_id, role in session.execute(
            select(Membership.person_id, Membership.unit_id, Membership.role).where(Membership.person_id.in_(people))
            .order_by(Membership.id)):
        if pid == person_id or pid not in only_unit or only_unit[pid] == unit_id:
            held.append((unit_id, role))
        if pid == person_id:
            own.append((unit_id, role))
    clearance = max((CLEARANCE_RANK.get(c or "none", 0) for c in session.execute(
        select(Person.clearance).where(Person.id.in_(people), Person.active.is_(True))).scalars()), default=0)
    staff_units = {u for u, role in held if role in STAFF_ROLES}
    tree = _children(session)
    by_role: dict[str, set[int]] = {}
    for unit_id, role in held:
        by_role.setdefault(role, set()).add(unit_id)
    return Viewer(person_id=person_id, people=frozenset(people), units=frozenset(_with_descendants(session, staff_units, tree)),
                  oversees_all=any(role in OVERSEER_ROLES for _, role in held), clearance=clearance,
                  roles=tuple(sorted((r, frozenset(_with_descendants(session, us, tree))) for r, us in by_role.items())),
                  held=tuple(own))


def _children(session: Session) -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for uid, parent in session.execute(select(Unit.id, Unit.parent_id)):
        if parent is not None:
            children.setdefault(parent, []).append(uid)
    return children


def _with_descendants(session: Session, roots: Iterable[int], children: dict[int, list[int]] | None = None) -> set[int]:
    found = set(roots)
    if not found:
        return found
    if children is None:
        children = _children(session)
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
    return _reads(v, letter.secrecy, (a.person_id for a in letter.assignments))


def _reads(v: Viewer, secrecy: str | None, assignee_ids: Iterable[int | None]) -> bool:
    if secrecy is None or v.clearance >= class_rank(secrecy):
        return True
    return any(p in v.people for p in assignee_ids)


def may_read_row(v: Viewer, *, secrecy: str | None, assignee_ids: Iterable[int | None]) -> bool:
    """:func:`may_read` for a row of a register *v* may see (an export of a unit's book): the
    letter's class and the people it was forwarded to decide."""
    return _reads(v, secrecy, assignee_ids)


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


def searchable(v: Viewer, *, by_content: bool, chat: bool = False) -> ColumnElement[bool]:
    """SQL condition on ``Letter`` for a list or a search. A search by content (a word, a ``ที่``)
    looks only among the letters *v* may read, so no hit tells that a secret letter about that
    word exists; a list without one shows every letter *v* may see. A chat never carries a
    classified letter's content, so chat search leaves classified letters out altogether."""
    condition = readable(v) if by_content else visible(v)
    if chat:
        condition = and_(condition, Letter.secrecy.is_(None))
    return condition


# --- 3. the secrecy projection -------------------------------------------------------------------

def chat_withholds(letter: Any) -> bool:
    """A chat never carries a classified letter's content, whoever reads it (the chat may be a
    group, a phone left open, a platform's server): the number, priority and class only."""
    return letter.secrecy is not None


def may_read_on(v: Viewer, letter: Letter, *, chat: bool = False) -> bool:
    """May *v* read *letter*'s content on this surface (a chat: never a classified letter's)?"""
    return not (chat and chat_withholds(letter)) and may_read(v, letter)


LETTER_FIELDS = ("id", "unit_id", "direction", "kind", "status", "ref_no", "letter_date", "sender", "addressee",
                 "subject", "priority", "secrecy", "enclosures", "remarks", "retention", "sent_via", "created_at")
ASSIGNMENT_FIELDS = ("id", "person_id", "unit_id", "role", "purpose", "instruction", "status", "due_at", "sent_at",
                     "delivered_at", "acknowledged_at", "returned_at", "return_reason", "opened_at", "recalled_at")


def project_letter(v: Viewer, letter: Letter, *, chat: bool = False) -> dict[str, Any]:
    """The secrecy projection of *letter* for *v*: its values, the content withheld (None) unless
    *v* may read it here. The API, the pages, the exports and the chat all draw from this."""
    values = {f: getattr(letter, f, None) for f in LETTER_FIELDS}
    return withhold(values, readable=may_read_on(v, letter, chat=chat))


def project_assignment(v: Viewer, letter: Letter, assignment: Assignment, *, chat: bool = False) -> dict[str, Any]:
    """A forward of *letter* as *v* may see it: its instruction and return reason withheld with
    the letter's content (they often repeat the subject)."""
    values = {f: getattr(assignment, f, None) for f in ASSIGNMENT_FIELDS}
    return withhold(values, readable=may_read_on(v, letter, chat=chat), fields=WITHHELD_ASSIGNMENT)


# --- 4. what a viewer may do ---------------------------------------------------------------------

def locks_self_out(actor: Actor, person_id: int, role: str) -> bool:
    """Would this revoke the acting admin's own admin role (nobody left to undo it)?"""
    return role == "admin" and actor.person_id == person_id


def may(v: Viewer, capability: str, unit_id: int | None = None) -> bool:
    """May *v* do *capability* (see ``GRANTS``) in *unit_id* (a role held there or in a unit above
    it), or, without a unit, anywhere at all? Admins may everything; the system too."""
    if v.is_admin:
        return True
    roles = GRANTS[capability]
    return any(r in roles and (unit_id is None or unit_id in units) for r, units in v.roles)


def granted_by(roles: Iterable[tuple[int, str]], capability: str) -> bool:
    """Do these (unit, role) pairs grant *capability* somewhere? For a gate that names no unit
    (which menu to show, whether an API route is for this caller at all); a question about one
    unit or letter goes through a :class:`Viewer`."""
    allowed = GRANTS[capability]
    return any(role == "admin" or role in allowed for _, role in roles)


def units_granted(roles: Iterable[tuple[int, str]], capability: str) -> list[int]:
    """The units where these (unit, role) pairs grant *capability* (the units themselves, sorted)."""
    allowed = GRANTS[capability]
    return sorted({u for u, role in roles if role in allowed})


def direct_units(held: Iterable[tuple[int, str]], capability: str) -> list[int]:
    """The units where a person holds, themselves, a role granting *capability* (no units below,
    no delegation), in the order of *held* (``permissions.roles_of``: oldest membership first):
    the units a chat list or a form offers first."""
    roles = GRANTS[capability]
    return list(dict.fromkeys(u for u, r in held if r in roles))


def home_unit(held: Iterable[tuple[int, str]]) -> int | None:
    """The unit a person registers into when none is named (see ``HOME_ORDER``)."""
    held = list(held)
    for role in HOME_ORDER:
        for u, r in held:
            if r == role:
                return u
    return None


def may_manage(v: Viewer, unit_id: int) -> bool:
    """Register into, forward, correct and close the letters of *unit_id*."""
    return may(v, MANAGE, unit_id)


def may_act(v: Viewer) -> bool:
    """Change anything at all (an auditor only reads)."""
    return may(v, ACT)


def may_audit(v: Viewer) -> bool:
    return may(v, AUDIT)


def report_units(v: Viewer) -> frozenset[int] | None:
    """The units whose reports and backlog *v* may read: None for every unit (admins, auditors),
    else the units *v* heads and every unit below them (empty: none)."""
    if v.oversees_all:
        return None
    return v.units_for("head")


# The registry services ask with the session and the actor (no viewer resolved): the same grants.

def holds(session: Session, person_id: int, unit_id: int | None, capability: str,
          at: dt.datetime | None = None) -> bool:
    """Does *person_id* hold a role granting *capability* in *unit_id* or a unit above it (or
    anywhere, when *unit_id* is None)? Admins hold everything. With *at*, a role lent by a
    delegation in force then (รักษาราชการแทน) counts too, as in :func:`viewer`."""
    if _grants(session, roles_of(session, person_id), unit_id, capability):
        return True  # the common case: the person's own roles (read with the chat account), no statement
    if at is None:
        return False
    lent = _lent_roles(session, person_id, at)
    return bool(lent) and _grants(session, lent, unit_id, capability)


def _grants(session: Session, held: list[tuple[int, str]], unit_id: int | None, capability: str) -> bool:
    roles = GRANTS[capability]
    if any(role == "admin" or (role in roles and (unit_id is None or u == unit_id)) for u, role in held):
        return True  # a role in this very unit needs no walk up the tree
    if unit_id is None or not any(role in roles for _, role in held):
        return False
    above = set(unit_ancestors(session, unit_id))
    return any(u in above and role in roles for u, role in held)


def _lent_roles(session: Session, person_id: int, at: dt.datetime) -> list[tuple[int, str]]:
    """The roles of whoever *person_id* acts for at *at* (within the delegation's unit if it names one)."""
    lent = session.execute(select(Delegation.principal_id, Delegation.unit_id).where(
        Delegation.delegate_id == person_id, Delegation.starts_at <= at, Delegation.ends_at > at)).all()
    out: list[tuple[int, str]] = []
    for principal, only in lent:
        out += [(u, r) for u, r in roles_of(session, principal) if only is None or u == only]
    return out


def require(session: Session, actor: Actor, unit_id: int | None, capability: str, action_th: str,
            at: dt.datetime | None = None) -> None:
    """Refuse (PermissionDenied, in Thai) unless the actor may (with *at*: as an acting officer
    too); the system (CLI, worker) always may."""
    if actor.person_id is None:
        return
    if not holds(session, actor.person_id, unit_id, capability, at):
        raise PermissionDenied(action_th)


def may_answer(session: Session, actor: Actor, assignment: Assignment, at: dt.datetime) -> bool:
    """The assignee (or their stand-in) answers a personal forward; the unit's staff a unit one."""
    if actor.person_id is None:
        return True
    if assignment.person_id is not None:
        return assignment.person_id in acting_for(session, actor.person_id, at)
    if assignment.unit_id is not None:
        return holds(session, actor.person_id, assignment.unit_id, ANSWER, at)
    return False


def may_administer(v: Viewer) -> bool:
    """May *v* manage the organisation (units, people, roles, clearances, passwords, holidays, API
    tokens, link codes, acting officers)? Admins by a role of their own, and the system itself.
    Acting for an admin does not count: the registry's writers (``registry.admin.require_admin``)
    check the person's own roles too."""
    return v.system or any(role == "admin" for _, role in v.held)


# --- records management (retention and disposal, registry/disposal.py) -----------------------------
# For the pages and the API to ask before showing a control; the services in registry/disposal.py
# check the same capabilities again when the change is made.

def may_keep_records(session: Session, v: Viewer, unit_id: int) -> bool:
    """May *v* draft the unit's disposal list and change its letters' retention classes?"""
    return may(v, MANAGE, unit_id)


def may_decide_disposal(session: Session, v: Viewer, unit_id: int) -> bool:
    """May *v* sit as the unit's disposal committee (verdicts, carrying out, legal holds)?"""
    return may(v, COMMITTEE, unit_id)


def may_see_disposal(session: Session, v: Viewer, unit_id: int) -> bool:
    """May *v* look at the unit's disposal lists? Overseers (auditors read), and its records keepers."""
    return v.oversees_all or may_keep_records(session, v, unit_id)


# --- recall (registry/recall.py) ---------------------------------------------------------------------

def may_recall(v: Viewer, assignment: Assignment) -> bool:
    """May *v* recall this forward? Its sender (or whoever acts for them), while it waits for a
    person's answer; a forward to a unit is registered there under its own number and stays."""
    if assignment.status != "sent" or assignment.person_id is None:
        return False
    return v.system or (assignment.created_by is not None and assignment.created_by in v.people)


# --- acting officers (รักษาราชการแทน, registry/delegation.py) and chat link codes ----------------

def _own_roles(session: Session, person_id: int) -> list[tuple[int, str]]:
    return [(u, r) for u, r in session.execute(
        select(Membership.unit_id, Membership.role).where(Membership.person_id == person_id)).all()]


def acting_units(session: Session, person_id: int | None) -> frozenset[int] | None:
    """The units whose people *person_id* may name acting officers for (``NAME_ACTING``): None means
    every unit (the system, an admin); else the units where their own roles grant it (a head), with
    every unit below; empty: none. Acting for someone does not count (as for ``may_administer``)."""
    if person_id is None:
        return None
    held = _own_roles(session, person_id)
    if granted_by(held, ADMIN):
        return None
    return frozenset(_with_descendants(session, units_granted(held, NAME_ACTING)))


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
    """May *person_id* issue chat link codes (the link-code page)? ``ADMIN`` by their own roles."""
    return person_id is None or granted_by(_own_roles(session, person_id), ADMIN)
