"""The facts behind access: role names, clearance ranks, who holds which role where, who acts for
whom. What a role *allows* is decided in registry/access.py only."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from registry.models import Delegation, Membership, Unit

ROLES = ("clerk", "owner", "head", "admin", "auditor")
ROLE_TH = {
    "clerk": "เจ้าหน้าที่สารบรรณ",
    "owner": "เจ้าของเรื่อง",
    "head": "ผู้บังคับบัญชา",
    "admin": "ผู้ดูแลระบบ",
    "auditor": "ผู้ตรวจสอบ",
}
CLEARANCE_RANK = {"none": 0, "confidential": 1, "secret": 2, "top_secret": 3}


def roles_of(session: Session, person_id: int) -> list[tuple[int, str]]:
    """(unit id, role) pairs the person holds, oldest first (a clerk of two units registers into
    the first). Remembered for the rest of the transaction: one chat event asks several times."""
    known = _known_roles(session)
    if person_id not in known:
        session.flush()  # a role granted earlier in this transaction counts (Core does not autoflush)
        known[person_id] = [(r.unit_id, r.role) for r in session.connection().execute(_ROLES, {"p": person_id})]
    return list(known[person_id])


def remember_roles(session: Session, person_id: int, roles: list[tuple[int, str]]) -> None:
    """Roles read together with something else (``accounts.resolve``), for ``roles_of``."""
    _known_roles(session)[person_id] = list(roles)


def forget_roles(session: Session) -> None:
    """After a grant or revoke: the next ``roles_of`` reads the table again."""
    session.info.pop("roles", None)


def _known_roles(session: Session) -> dict[int, list[tuple[int, str]]]:
    # kept per transaction: another transaction (or process) may have changed roles since
    transaction = session.get_transaction()
    entry = session.info.get("roles")
    if entry is None or entry[0] is not transaction:
        entry = session.info["roles"] = (transaction, {})
    return entry[1]


_ROLES = (select(Membership.unit_id, Membership.role).where(Membership.person_id == bindparam("p"))
          .order_by(Membership.id))


def unit_ancestors(session: Session, unit_id: int) -> list[int]:
    chain: list[int] = []
    current: int | None = unit_id
    while current is not None and current not in chain:
        chain.append(current)
        current = session.execute(select(Unit.parent_id).where(Unit.id == current)).scalar_one_or_none()
    return chain


def acting_for(session: Session, person_id: int, at: dt.datetime) -> set[int]:
    """The people this person may act for now: themselves and whoever they stand in for (รักษาการแทน)."""
    rows = session.execute(
        select(Delegation.principal_id).where(
            Delegation.delegate_id == person_id, Delegation.starts_at <= at, Delegation.ends_at > at
        )
    ).scalars()
    return {person_id, *rows}
