"""Gapless per-book numbers.

A book is (unit, direction, year). Its row is locked for the rest of the transaction that
inserts the registration (the row lock of ``UPDATE`` on PostgreSQL; on SQLite every write
transaction already holds the database lock from ``BEGIN IMMEDIATE``), so two writers can
never take the same number and a rolled-back transaction gives its number back.
"""

from __future__ import annotations

import datetime as dt

from dataclasses import dataclass

from sqlalchemy import bindparam, update
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


@dataclass(frozen=True)
class Taken:
    """A number taken from a book (the book row stays locked until the transaction ends)."""

    book_id: int
    year: int
    direction: str
    number: int
    unit_code: str
    sandbox: bool = False

    @property
    def display(self) -> str:
        return format_number(self.direction, self.number, self.year, self.unit_code, sandbox=self.sandbox)


def take_number(
    session: Session, unit: Unit, direction: str, at: dt.datetime, *, sandbox: bool = False
) -> Taken:
    """Lock the book in force at *at* (creating it if new) and take its next number.

    One ``UPDATE … RETURNING`` both locks the row and bumps the counter, so the common case
    is a single statement on either engine.
    """
    year = book_year(at, unit.book_reset)
    conn = session.connection()
    params = {"u": unit.id, "d": direction, "y": year, "s": sandbox}
    row = conn.execute(_BUMP, params).first()
    if row is None:
        _create_book(session, unit, direction, year, sandbox, at)
        row = conn.execute(_BUMP, params).one()
    return Taken(row.id, year, direction, row.last_number, unit.code, sandbox)


# Built once: this runs for every registration, and building statements costs more than running them.
_BUMP = (
    update(Book)
    .where(Book.unit_id == bindparam("u"), Book.direction == bindparam("d"), Book.year == bindparam("y"),
           Book.sandbox == bindparam("s"))
    .values(last_number=Book.last_number + 1)
    .returning(Book.id, Book.last_number)
)


def _create_book(session: Session, unit: Unit, direction: str, year: int, sandbox: bool, at: dt.datetime) -> None:
    # Two first registrations of a new year may race to create the book: the database keeps
    # one and both then bump it.
    values = dict(unit_id=unit.id, direction=direction, year=year, reset=unit.book_reset,
                  sandbox=sandbox, last_number=0, created_at=at)
    dialect = session.get_bind().dialect.name
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Book).values(**values)
    session.execute(ins.on_conflict_do_nothing(index_elements=["unit_id", "direction", "year", "sandbox"]))


PRACTICE_MARK = "ฝึกหัด"  # a practice (sandbox) number is never written without it (F5)


def format_number(direction: str, number: int, year: int, unit_code: str, *, sandbox: bool = False) -> str:
    """How a number is written: ``15/2569`` incoming, ``มท 0201.2/15`` outgoing, ``มท 0201.2/ว 15`` circular;
    a practice number (a sandbox book's) is ``ฝึกหัด 15/2569``, so it is never taken for a real one."""
    if direction == "incoming":
        text = f"{number}/{year}"
    elif direction == "circular":
        text = f"{unit_code}/ว {number}"
    else:
        text = f"{unit_code}/{number}"
    return f"{PRACTICE_MARK} {text}" if sandbox else text


def display_number(book: Book, number: int) -> str:
    """The written form of a registration's number in *book*."""
    return format_number(book.direction, number, book.year, book.unit.code, sandbox=book.sandbox)
