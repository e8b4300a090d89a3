"""Searching the register: Thai words in subject/sender (either digit script), ref_no, number,
dates, status, owner, unit, priority. Results newest first, paginated."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import Select, func, literal_column, select, text
from sqlalchemy.orm import Session

from nlp.tokens import fold, search_tokens
from registry.models import Assignment, Book, Letter, Registration
from registry.refkey import ref_key

_NOT_WORD = re.compile(r"[^0-9A-Za-z\u0e00-\u0e7f]+")
_NUMBER = re.compile(r"^\s*(\d+)\s*(?:/\s*(\d{4}))?\s*$")


@dataclass(frozen=True)
class LetterQuery:
    q: str | None = None
    unit_id: int | None = None
    year: int | None = None  # พ.ศ. of the book
    status: str | None = None
    priority: str | None = None
    owner_id: int | None = None
    direction: str | None = None
    number: int | None = None
    ref_no: str | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    include_sandbox: bool = False
    limit: int = 20
    offset: int = 0


def index_terms(*texts: str | None) -> list[str]:
    """The terms both engines index: Thai words (PyThaiNLP) and ASCII words/numbers, punctuation
    removed, so SQLite's FTS5 and PostgreSQL's parser see the same terms ("3/2569" → 3, 2569)."""
    seen: dict[str, None] = {}
    for token in search_tokens(*texts):
        for part in _NOT_WORD.split(token):
            if part:
                seen.setdefault(part, None)
    return list(seen)


def _fts_condition(session: Session, tokens: list[str]):
    if session.get_bind().dialect.name == "sqlite":
        # FTS5 query: each token a quoted prefix term, all must match.
        # Numbers match whole ("2" must not find "2569"); words match as prefixes.
        match = " AND ".join('"' + t.replace('"', '""') + '"' + ("" if t.isdigit() else "*") for t in tokens)
        return Letter.id.in_(select(literal_column("rowid")).select_from(text("letters_fts")).where(
            text("letters_fts MATCH :m").bindparams(m=match)))
    query = " & ".join("'" + t.replace("'", "''").replace("\\", "") + "'" + ("" if t.isdigit() else ":*") for t in tokens)
    return func.to_tsvector(literal_column("'simple'"), Letter.search_text).op("@@")(
        func.to_tsquery(literal_column("'simple'"), query))


def build_query(session: Session, f: LetterQuery) -> Select:
    stmt = select(Letter).join(Registration, Registration.letter_id == Letter.id).join(Book, Book.id == Registration.book_id)
    if not f.include_sandbox:
        stmt = stmt.where(Letter.sandbox.is_(False))
    if f.unit_id is not None:
        stmt = stmt.where(Letter.unit_id == f.unit_id)
    if f.year is not None:
        stmt = stmt.where(Book.year == f.year)
    if f.status:
        stmt = stmt.where(Letter.status == f.status)
    if f.priority:
        stmt = stmt.where(Letter.priority == f.priority)
    if f.direction:
        stmt = stmt.where(Letter.direction == f.direction)
    if f.number is not None:
        stmt = stmt.where(Registration.number == f.number)
    if f.ref_no:
        stmt = stmt.where(Letter.ref_no_norm == ref_key(f.ref_no))
    if f.received_from:
        stmt = stmt.where(Registration.received_at >= dt.datetime.combine(f.received_from, dt.time(), dt.UTC) - dt.timedelta(hours=7))
    if f.received_to:
        stmt = stmt.where(Registration.received_at < dt.datetime.combine(f.received_to, dt.time(), dt.UTC) + dt.timedelta(hours=17))
    if f.owner_id is not None:
        stmt = stmt.where(Letter.id.in_(select(Assignment.letter_id).where(Assignment.person_id == f.owner_id)))
    if f.q and f.q.strip():
        number = _NUMBER.match(fold(f.q))
        tokens = index_terms(f.q)
        if number:
            # "15" or "15/2569": a registration number, or a word that happens to be digits
            by_number = Registration.number == int(number.group(1))
            if number.group(2):
                by_number = by_number & (Book.year == int(number.group(2)))
            stmt = stmt.where(by_number | _fts_condition(session, tokens) if tokens else by_number)
        elif tokens:
            stmt = stmt.where(_fts_condition(session, tokens))
    return stmt


def search_letters(session: Session, f: LetterQuery) -> tuple[int, list[Letter]]:
    """(total matching, one page of letters newest first)."""
    stmt = build_query(session, f)
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    rows = session.execute(
        stmt.order_by(Registration.received_at.desc(), Letter.id.desc()).limit(max(1, min(f.limit, 200))).offset(max(0, f.offset))
    ).unique().scalars().all()
    return total, list(rows)
