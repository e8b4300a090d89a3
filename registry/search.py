"""Searching the register: Thai words in subject/sender (either digit script), ref_no, number,
dates, status, owner, unit, priority. Results newest first, paginated."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Select, case, func, literal_column, select, text
from sqlalchemy.orm import Session

from nlp.tokens import fold, search_tokens
from registry import access
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

    def __post_init__(self) -> None:
        # No stored text holds a NUL (PostgreSQL cannot even compare one: the query would fail with
        # a 500), so a NUL typed or pasted into a search can only be dropped.
        for name in ("q", "status", "priority", "direction", "ref_no"):
            value = getattr(self, name)
            if value is not None and "\x00" in value:
                object.__setattr__(self, name, value.replace("\x00", ""))


def index_terms(*texts: str | None) -> list[str]:
    """The terms both engines index: Thai words (PyThaiNLP) and ASCII words/numbers, punctuation
    removed, so SQLite's FTS5 and PostgreSQL's parser see the same terms ("3/2569" → 3, 2569)."""
    seen: dict[str, None] = {}
    for token in search_tokens(*texts):
        for part in _NOT_WORD.split(token):
            if part:
                seen.setdefault(part, None)
    return list(seen)


# A word query is answered in two steps. First the word index gives at most CAP + 1 matching
# ids (on PostgreSQL, in the same pass, the exact number of hits). A rare word (≤ CAP hits) then
# restricts the query to exactly those ids, so the page and the count cost what the hits cost.
# A common word (more hits) is checked letter by letter while walking the newest letters
# backwards, which stops after one page; its count comes from the word index alone. Either way
# the cost stays bounded on 100,000+ letters, where a single plan is fast for one kind of word
# and slow for the other.
CAP = 1000


def _fts_query(tokens: list[str]) -> str:
    # FTS5 query: each token quoted; numbers match whole ("2" must not find "2569"), words as prefixes.
    return " AND ".join('"' + t.replace('"', '""') + '"' + ("" if t.isdigit() else "*") for t in tokens)


def _match_sqlite(tokens: list[str], *, drive: bool = True):
    hits = select(literal_column("rowid")).select_from(text("letters_fts")).where(
        text("letters_fts MATCH :m").bindparams(m=_fts_query(tokens)))
    # "+letters.id" keeps SQLite from driving the query from the (long) hit list, so a common
    # word is checked while walking the newest registrations and the page stops early.
    return (Letter.id if drive else literal_column("+letters.id")).in_(hits)


def _match_postgres(tokens: list[str]):
    query = " & ".join("'" + t.replace("'", "''").replace("\\", "") + "'" + ("" if t.isdigit() else ":*") for t in tokens)
    return func.to_tsvector(literal_column("'simple'"), Letter.search_text).op("@@")(
        func.to_tsquery(literal_column("'simple'"), query))


def _word_match(session: Session, tokens: list[str], *, drive: bool = True):
    if session.get_bind().dialect.name == "sqlite":
        return _match_sqlite(tokens, drive=drive)
    return _match_postgres(tokens)


def _letter_filters(f: LetterQuery, *, sandbox: bool = True) -> list:
    """The filters on the letters table alone (usable before joining registrations).

    ``sandbox=False`` leaves out the practice-letter filter, for conditions that practice letters
    can never meet anyway (a word: their search_text is empty).
    """
    where = []
    if sandbox and not f.include_sandbox:
        where.append(Letter.sandbox.is_(False))
    if f.unit_id is not None:
        where.append(Letter.unit_id == f.unit_id)
    if f.status:
        where.append(Letter.status == f.status)
    if f.priority:
        where.append(Letter.priority == f.priority)
    if f.direction:
        where.append(Letter.direction == f.direction)
    if f.ref_no:
        where.append(Letter.ref_no_norm == ref_key(f.ref_no))
    if f.owner_id is not None:
        where.append(Letter.id.in_(select(Assignment.letter_id).where(Assignment.person_id == f.owner_id)))
    return where


def _joined_filters(f: LetterQuery) -> list:
    where = []
    if f.year is not None:
        where.append(Book.year == f.year)
    if f.number is not None:
        where.append(Registration.number == f.number)
    if f.received_from:
        where.append(Registration.received_at >= dt.datetime.combine(f.received_from, dt.time(), dt.UTC) - dt.timedelta(hours=7))
    if f.received_to:
        where.append(Registration.received_at < dt.datetime.combine(f.received_to, dt.time(), dt.UTC) + dt.timedelta(hours=17))
    return where


def _base(f: LetterQuery) -> Select:
    return (select(Letter).join(Registration, Registration.letter_id == Letter.id)
            .join(Book, Book.id == Registration.book_id).where(*_letter_filters(f), *_joined_filters(f)))


def _words(f: LetterQuery) -> tuple[re.Match | None, list[str]] | None:
    if not (f.q and f.q.strip()):
        return None
    number = _NUMBER.match(fold(f.q))
    tokens = index_terms(f.q)
    if not number and not tokens:
        return None
    return number, tokens


def _number_match(number: re.Match):
    """"15" or "15/2569": a registration number (or a word that happens to be digits)."""
    cond = Registration.number == int(number.group(1))
    if number.group(2):
        cond = cond & (Book.year == int(number.group(2)))
    return cond


def _count_words(session: Session, f: LetterQuery, tokens: list[str], match, where: tuple = ()) -> int:
    only_sandbox_filter = not where and len(_letter_filters(f)) == (0 if f.include_sandbox else 1)
    if session.get_bind().dialect.name == "sqlite" and only_sandbox_filter:
        # Practice (sandbox) letters are not in the word index, so the index alone counts.
        return session.execute(text("SELECT count(*) FROM letters_fts WHERE letters_fts MATCH :m"),
                               {"m": _fts_query(tokens)}).scalar_one()
    return session.execute(select(func.count()).select_from(Letter).where(match, *_letter_filters(f), *where)).scalar_one()


@dataclass(frozen=True)
class _Hits:
    """What the first step learnt about the word hits (letter filters and *where* applied)."""

    ids: list[int] | None  # the hits, when at most CAP
    count: int | None = None  # exact number of hits, when the first step counted them
    letters: float = 0.0  # PostgreSQL's estimate of all letters (pg_class.reltuples; ≤ 0: unknown)


def _word_hits(session: Session, f: LetterQuery, match, where: tuple) -> _Hits:
    if session.get_bind().dialect.name == "sqlite":
        ids = list(session.execute(select(Letter.id).where(match, *_letter_filters(f), *where).limit(CAP + 1)).scalars())
        return _Hits(ids, len(ids)) if len(ids) <= CAP else _Hits(None)
    # One pass over the GIN bitmap gives the exact count and, for a rare word, the ids: listing
    # CAP + 1 ids and then counting built the same bitmap twice. The count still reads each hit's
    # row (visibility); the practice filter is left out because it would also make PostgreSQL
    # decode each row up to that late column (10–15% of the count: 17 ms → 20 ms for a word in
    # 20% of 100,000 letters), and practice letters have no words.
    n = func.count()
    reltuples = text("(SELECT reltuples FROM pg_class WHERE oid = 'letters'::regclass)")
    count, ids, letters = session.execute(select(n, case((n <= CAP, func.array_agg(Letter.id))), reltuples).where(
        match, *_letter_filters(f, sandbox=False), *where)).one()
    return _Hits(sorted(ids or ()) if count <= CAP else None, count, letters or 0.0)


def _walk_is_shorter(hits: _Hits, rows: int) -> bool:
    """Whether walking the newest registrations reads fewer rows than sorting every hit.

    The walk reads about rows × letters / hits registrations before the page is full; the sort
    reads every hit. The planner cannot tell which is shorter for two or more words: it
    multiplies their frequencies as if independent and expects ten times too few hits, then
    sorts 1,700 hits (18–25 ms) where the walk reads 1,200–1,800 registrations (4 ms). We know
    the count, so we choose.
    """
    return hits.count is not None and hits.letters > 0 and rows * hits.letters <= hits.count * hits.count


@contextmanager
def _planner(session: Session, **settings: str) -> Iterator[None]:
    """PostgreSQL planner settings for the statements inside; the previous values come back after,
    because a chat handler's transaction goes on after the search. (Not after an error: a failed
    statement has aborted the transaction, and its end drops transaction-local settings anyway.)"""
    names = list(settings)
    # One round trip reads and sets; the materialised CTE reads the old values before any is set.
    before = session.execute(text(
        "WITH before AS MATERIALIZED (SELECT " + ", ".join(f"current_setting('{n}') AS {n}" for n in names) + ") "
        "SELECT before.*, " + _set_config(names) + " FROM before"), settings).one()[:len(names)]
    yield
    session.execute(text("SELECT " + _set_config(names)), dict(zip(names, before)))


def _set_config(names: list[str]) -> str:
    return ", ".join(f"set_config('{n}', :{n}, true)" for n in names)


def search_letters(session: Session, f: LetterQuery, *, where: tuple = (), viewer: access.Viewer | None = None,
                   chat: bool = False) -> tuple[int, list[Letter]]:
    """(total matching, one page of letters newest first).

    *viewer*: only what they may find (``access.searchable``: a word or a ``ที่`` only among the
    letters they may read; *chat*: no classified letter). *where* adds further conditions on the
    letters table, applied in every step.
    """
    if viewer is not None:
        where = (*where, access.searchable(viewer, by_content=bool(f.q or f.ref_no), chat=chat))
    words = _words(f)
    if words is not None and words[1] and session.get_bind().dialect.name == "postgresql":
        # The planner prices a tsvector match as nearly free per row and picks a full scan for
        # common words (60 ms on 100,000 letters, against 19 ms through the GIN bitmap), so scans
        # go through the indexes. No parallel workers: starting them costs more than they save on
        # a 10 ms count (a common word's count took 20–40 ms with two workers, 11 ms without).
        with _planner(session, enable_seqscan="off", max_parallel_workers_per_gather="0"):
            return _search(session, f, words, where)
    return _search(session, f, words, where)


def _search(session: Session, f: LetterQuery, words: tuple[re.Match | None, list[str]] | None,
            where: tuple) -> tuple[int, list[Letter]]:
    limit, offset = max(1, min(f.limit, 200)), max(0, f.offset)
    stmt = _base(f).where(*where)
    total: int | None = None
    walk = False  # the page is found by walking the newest registrations, checking each letter
    hits = _Hits(None)
    if words is not None:
        number, tokens = words
        cond = None
        joined = bool(_joined_filters(f))
        if tokens:
            match = _word_match(session, tokens)
            hits = _word_hits(session, f, match, where)
            if hits.ids == [] and number is None:
                return 0, []  # no letter has the words: nothing to count or page
            if hits.ids is not None:
                cond = Letter.id.in_(hits.ids)
                if number is None and not joined:
                    total = len(hits.ids)  # each letter has its one registration: the hits are the answer
            else:
                cond = _word_match(session, tokens, drive=False)
                walk = not joined
                if number is None and not joined:
                    total = hits.count if hits.count is not None else _count_words(session, f, tokens, match, where)
        if number is not None:
            # A number query also finds registration N: add those letters by id (an OR across
            # the two tables would make every engine scan the whole register).
            books = select(Book.id) if not number.group(2) else select(Book.id).where(Book.year == int(number.group(2)))
            # book_id IN (…) + number: served by the (book_id, number) unique index, not a scan
            by_number = list(session.execute(
                select(Registration.letter_id).where(Registration.book_id.in_(books),
                                                     Registration.number == int(number.group(1))).limit(CAP + 1)).scalars())
            if cond is None:
                cond = Letter.id.in_(by_number)
            elif hits.ids is not None:
                cond = Letter.id.in_(sorted(set(hits.ids) | set(by_number)))
            else:
                cond = cond | Letter.id.in_(by_number)
                if not joined:  # a common word that is also a number ("2569")
                    word_count = hits.count if hits.count is not None else _count_words(session, f, tokens, match, where)
                    total = word_count + session.execute(
                        select(func.count()).select_from(Letter).where(
                            Letter.id.in_(by_number), ~match, *_letter_filters(f), *where)).scalar_one()
        stmt = stmt.where(cond)
    if total is None:
        total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    page = stmt.order_by(Registration.received_at.desc(), Letter.id.desc()).limit(limit).offset(offset)
    if walk and _walk_is_shorter(hits, offset + limit):
        # GIN serves only bitmap scans, so without them the plan is the newest-first walk.
        with _planner(session, enable_bitmapscan="off"):
            return total, list(session.execute(page).unique().scalars().all())
    return total, list(session.execute(page).unique().scalars().all())
