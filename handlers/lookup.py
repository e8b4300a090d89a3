"""Finding what a typed command refers to: a registration number, a person, a unit."""

from __future__ import annotations

import re

from sqlalchemy import select

from handlers.context import Ctx
from registry.models import Book, Letter, Membership, Person, Registration, Unit
from registry.numbering import book_year
from registry import access

_NUMBER = re.compile(r"^\s*(\d{1,7})\s*(?:/\s*(\d{4}))?\s*$")


def split_number(text: str) -> tuple[int, int | None] | None:
    m = _NUMBER.match(text or "")
    if m is None:
        return None
    return int(m.group(1)), (int(m.group(2)) if m.group(2) else None)


def letters_by_number(ctx: Ctx, number: str, *, directions: tuple[str, ...] = ("incoming",)) -> list[Letter]:
    """Letters with this registration number that the person may see (registry/access.py). Without a year: this year's book first, else the latest year that has the number."""
    parsed = split_number(number)
    if parsed is None:
        return []
    n, year = parsed
    stmt = (
        select(Letter, Book.year).join(Registration, Registration.letter_id == Letter.id)
        .join(Book, Book.id == Registration.book_id)
        .where(Registration.number == n, Book.direction.in_(directions), Book.sandbox.is_(False),
               access.visible(ctx.viewer))
        .order_by(Book.year.desc(), Letter.id)
    )
    if year is not None:
        stmt = stmt.where(Book.year == year)
    rows = ctx.session.execute(stmt).unique().all()
    if not rows:
        return []
    if year is None:
        this_year = book_year(ctx.now, "calendar")
        years = {r.year for r in rows}
        pick = this_year if this_year in years else max(years)
        rows = [r for r in rows if r.year == pick]
    return [r[0] for r in rows]


def find_people(ctx: Ctx, query: str, *, limit: int = 8) -> list[Person]:
    """Active people whose name contains the words of *query* (titles and spacing ignored)."""
    from nlp.names import strip_honorific

    words = [w for w in re.split(r"\s+", strip_honorific(query)) if w and w not in ("คุณ", "ท่าน")]
    if not words:
        return []
    stmt = select(Person).where(Person.active.is_(True))
    for w in words:
        stmt = stmt.where(Person.name.contains(w, autoescape=True))
    return list(ctx.session.execute(stmt.order_by(Person.id).limit(limit)).scalars())


def find_unit(ctx: Ctx, text: str) -> Unit | None:
    t = " ".join(text.split())
    squeezed = t.replace(" ", "")
    for unit in ctx.session.execute(select(Unit).order_by(Unit.id)).scalars():
        names = {unit.name, unit.short_name or "", *(unit.aliases or [])}
        if unit.code.replace(" ", "") == squeezed or t in names:
            return unit
    return None


def unit_people(ctx: Ctx, unit_id: int, roles: tuple[str, ...] = tuple(sorted(access.GRANTS[access.RECEIVE]))) -> list[Person]:
    rows = ctx.session.execute(
        select(Person).join(Membership, Membership.person_id == Person.id)
        .where(Membership.unit_id == unit_id, Membership.role.in_(roles), Person.active.is_(True))
        .order_by(Membership.role.desc(), Person.id)
    ).unique().scalars()
    return list({p.id: p for p in rows}.values())
