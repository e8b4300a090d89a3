"""Looking up units and people (read side shared by the chat and the admin API)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from registry.errors import PersonNotFound, UnitNotFound
from registry.models import Person, Unit


def get_unit(session: Session, ident: int | str) -> Unit:
    """A unit by id, by code (``มท 0201.2``, spacing ignored) or by exact name / short name."""
    unit: Unit | None = None
    if isinstance(ident, int) or (isinstance(ident, str) and ident.strip().isdigit()):
        unit = session.get(Unit, int(ident))
    else:
        text = " ".join(str(ident).split())
        squeezed = text.replace(" ", "")
        for candidate in session.execute(select(Unit)).scalars():
            if candidate.code.replace(" ", "") == squeezed or text in (candidate.name, candidate.short_name):
                unit = candidate
                break
    if unit is None:
        raise UnitNotFound(ident)
    return unit


_UNIT_BY_ID = select(Unit.id, Unit.code, Unit.name, Unit.book_reset, Unit.valid_from, Unit.valid_to).where(
    Unit.id == bindparam("id"))


def unit_row(session: Session, unit_id: int):
    """The few unit facts the writers need, without loading the ORM object (hot path of ลงรับ)."""
    row = session.connection().execute(_UNIT_BY_ID, {"id": int(unit_id)}).first()
    if row is None:
        raise UnitNotFound(unit_id)
    return row


def unit_is_valid(unit: Unit, on: dt.date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= on) and (unit.valid_to is None or on <= unit.valid_to)


def get_person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise PersonNotFound(person_id)
    return person
