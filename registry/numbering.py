"""Gapless per-book numbers.

A book is (unit, direction, year). Its row is locked for the rest of the transaction that
inserts the registration (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite every write
transaction already holds the database lock from ``BEGIN IMMEDIATE``), so two writers can
never take the same number and a rolled-back transaction gives its number back.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from registry.models import Book, Unit
from registry.timeutil import BANGKOK, BE_OFFSET


def book_year(at: dt.datetime, reset: str) -> int:
    """The Buddhist-era year of the book in force at *at* (fiscal books start on 1 October)."""
    local = at.astimezone(BANGKOK)
    year = local.year + BE_OFFSET
    if reset == "fiscal" and local.month >= 10:
        year += 1
    return year


def take_number(
    session: Session, unit: Unit, direction: str, at: dt.datetime, *, sandbox: bool = False
) -> tuple[Book, int]:
    """Lock the book in force at *at* (creating it if new) and take its next number."""
    year = book_year(at, unit.book_reset)
    book_id = _ensure_book(session, unit, direction, year, sandbox, at)
    book = session.execute(
        select(Book).where(Book.id == book_id).with_for_update(of=Book).execution_options(populate_existing=True)
    ).scalar_one()
    book.last_number += 1
    return book, book.last_number


def _ensure_book(session: Session, unit: Unit, direction: str, year: int, sandbox: bool, at: dt.datetime) -> int:
    key = (Book.unit_id == unit.id, Book.direction == direction, Book.year == year, Book.sandbox == sandbox)
    found = session.execute(select(Book.id).where(*key)).scalar_one_or_none()
    if found is not None:
        return found
    # Two first registrations of a new year may race to create the book: let the database
    # keep one and both use it.
    values = dict(unit_id=unit.id, direction=direction, year=year, reset=unit.book_reset,
                  sandbox=sandbox, last_number=0, created_at=at)
    dialect = session.get_bind().dialect.name
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Book).values(**values)
    session.execute(ins.on_conflict_do_nothing(index_elements=["unit_id", "direction", "year", "sandbox"]))
    return session.execute(select(Book.id).where(*key)).scalar_one()


def display_number(book: Book, number: int) -> str:
    """How the number is written: ``15/2569`` for incoming, ``มท 0201.2/15`` or ``มท 0201.2/ว 15``."""
    if book.direction == "incoming":
        return f"{number}/{book.year}"
    if book.direction == "circular":
        return f"{book.unit.code}/ว {number}"
    return f"{book.unit.code}/{number}"
