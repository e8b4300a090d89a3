"""Searching the register as clerks type: Thai words in subject/sender (either digit script), an
abbreviation with or without its dots (``สถ`` finds ``สถ.``, ``กพ`` finds ``ก.พ.``), a word inside a
compound name (``บัญชีกลาง`` finds ``กรมบัญชีกลาง``), ref_no, number, registered and letter dates,
status, owner, unit, priority. An exact ref_no comes first, then newest first; paginated.

How a word inside a compound is found: besides each newmm token, the index holds the token's
suffixes (from each Thai consonant or leading vowel on, at least three characters, marked with a
leading ``ฯ`` so they never match a plain word). A typed word then matches a token by its start
(``ประชุม*``) or any part of a token by a suffix's start (``ฯประชุม*``): every substring of a token is
the start of one of its suffixes, so this is exact, two index look-ups per word (character
trigrams would need all of a word's trigrams and a check that they are adjacent)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Select, case, func, literal_column, select, text, type_coerce
from sqlalchemy.orm import Session, defer

from nlp.tokens import fold, search_tokens
from registry import access
from registry.models import Assignment, Book, Letter, Registration
from registry.refkey import ref_key

_NOT_WORD = re.compile(r"[^0-9A-Za-z\u0e00-\u0e7f]+")
# An abbreviation written with dots: "สถ.", "ก.พ.", "ก.พ.ร.", "ผวจ." (1–4 Thai characters a part,
# not inside a longer word). Its letters joined ("สถ", "กพ") are indexed and searched as one word.
_ABBREVIATION = re.compile(r"(?<![\u0e01-\u0e4e.])(?:[\u0e01-\u0e2e\u0e40-\u0e44][\u0e01-\u0e4e]{0,3}\.)+")
_THAI_ONLY = re.compile(r"^[\u0e01-\u0e4e]+$")
_SUFFIX_START = frozenset(map(chr, range(0x0E01, 0x0E2F))) | frozenset("เแโใไ")
_LEADING_VOWEL = frozenset("เแโใไ")
PART = "ฯ"  # marks an indexed suffix ("ฯบัญชีกลาง"): a word inside a compound
MIN_PART = 3  # characters: shorter parts would match half the register
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
    received_from: dt.date | None = None  # registered (ลงรับ/ออกเลข) date, Thai calendar day
    received_to: dt.date | None = None
    letter_from: dt.date | None = None  # the letter's own date (ลงวันที่)
    letter_to: dt.date | None = None
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


def _plain_terms(*texts: str | None) -> list[str]:
    seen: dict[str, None] = {}
    for token in search_tokens(*texts):
        for part in _NOT_WORD.split(token):
            if part:
                seen.setdefault(part, None)
    return list(seen)


def abbreviations(text: str) -> list[str]:
    """The dotted abbreviations of *text*, letters joined: "จาก สถ. และ ก.พ." → ["สถ", "กพ"]."""
    return [m.group().replace(".", "") for m in _ABBREVIATION.finditer(fold(text))]


def parts(term: str) -> list[str]:
    """The indexed suffixes of a Thai term (marked with PART), from each consonant or leading vowel
    on (not the consonant right after a leading vowel: "เชิญ" has no part "ชิญ")."""
    if len(term) <= MIN_PART or not _THAI_ONLY.match(term):
        return []
    return [PART + term[i:] for i in range(1, len(term) - MIN_PART + 1)
            if term[i] in _SUFFIX_START and term[i - 1] not in _LEADING_VOWEL]


def index_terms(*texts: str | None) -> list[str]:
    """The terms both engines index: Thai words (PyThaiNLP) and ASCII words/numbers, punctuation
    removed, so SQLite's FTS5 and PostgreSQL's parser see the same terms ("3/2569" → 3, 2569);
    plus each dotted abbreviation without its dots and the parts (suffixes) of each Thai word."""
    seen = dict.fromkeys(_plain_terms(*texts))
    for text in texts:
        if text:
            for abbr in abbreviations(text):
                seen.setdefault(abbr, None)
    for term in list(seen):
        for part in parts(term):
            seen.setdefault(part, None)
    return list(seen)


def query_words(q: str | None) -> list[str]:
    """The words of a query as the index holds them: a dotted abbreviation becomes one word
    ("สถ." → "สถ", not "ส" and "ถ"), so it finds the letters written with and without dots."""
    if not q:
        return []
    text = _ABBREVIATION.sub(lambda m: " " + m.group().replace(".", "") + " ", fold(q))
    return [w for w in (t.lstrip(PART) for t in _plain_terms(text)) if w]


# A word query is answered in two steps. First the word index gives at most CAP + 1 matching
# ids (on PostgreSQL, in the same pass, the exact number of hits). A rare word (≤ CAP hits) then
# restricts the query to exactly those ids, so the page and the count cost what the hits cost.
# A common word (more hits) is checked letter by letter while walking the newest letters
# backwards, which stops after one page; its count comes from the word index alone. Either way
# the cost stays bounded on 100,000+ letters, where a single plan is fast for one kind of word
# and slow for the other.
CAP = 1000
SORT_DATED = 20_000  # a letter-date range with at most this many letters is sorted, not walked


def _alternatives(word: str) -> list[tuple[str, bool]]:
    """(term, as a prefix) pairs any of which matches *word*: numbers whole ("2" must not find
    "2569"), words as the start of a token or, from MIN_PART characters, of a token's part."""
    if word.isdigit():
        return [(word, False)]
    if len(word) >= MIN_PART and _THAI_ONLY.match(word):
        return [(word, True), (PART + word, True)]
    return [(word, True)]


def _fts_query(tokens: list[str]) -> str:
    # FTS5 query: each term quoted, a word's alternatives OR-ed, the words AND-ed.
    def one(term: str, prefix: bool) -> str:
        return '"' + term.replace('"', '""') + '"' + ("*" if prefix else "")

    groups = []
    for t in tokens:
        alts = [one(term, prefix) for term, prefix in _alternatives(t)]
        groups.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
    return " AND ".join(groups)


def _match_sqlite(tokens: list[str], *, drive: bool = True):
    hits = select(literal_column("rowid")).select_from(text("letters_fts")).where(
        text("letters_fts MATCH :m").bindparams(m=_fts_query(tokens)))
    # "+letters.id" keeps SQLite from driving the query from the (long) hit list, so a common
    # word is checked while walking the newest registrations and the page stops early.
    return (Letter.id if drive else literal_column("+letters.id")).in_(hits)


def _ts_query(tokens: list[str]) -> str:
    def one(term: str, prefix: bool) -> str:
        return "'" + term.replace("'", "''").replace("\\", "") + "'" + (":*" if prefix else "")

    groups = []
    for t in tokens:
        alts = [one(term, prefix) for term, prefix in _alternatives(t)]
        groups.append(alts[0] if len(alts) == 1 else "(" + " | ".join(alts) + ")")
    return " & ".join(groups)


def _match_postgres(tokens: list[str]):
    query = _ts_query(tokens)
    return func.to_tsvector(literal_column("'simple'"), Letter.search_text).op("@@")(
        func.to_tsquery(literal_column("'simple'"), query))


def _word_match(session: Session, tokens: list[str], *, drive: bool = True):
    if session.get_bind().dialect.name == "sqlite":
        return _match_sqlite(tokens, drive=drive)
    return _match_postgres(tokens)


def _letter_filters(f: LetterQuery, *, sandbox: bool = True, unit_index: bool = True, letter_index: bool = True) -> list:
    """The filters on the letters table alone (usable before joining registrations).

    ``sandbox=False`` leaves out the practice-letter filter, for conditions that practice letters
    can never meet anyway (a word: their search_text is empty). ``unit_index=False`` keeps SQLite
    from driving the query from the unit's index ("+letters.unit_id"), so that the newest-first
    walk is taken instead of sorting every hit of the unit.
    """
    where = []
    if sandbox and not f.include_sandbox:
        where.append(Letter.sandbox.is_(False))
    if f.unit_id is not None:
        where.append((Letter.unit_id if unit_index else literal_column("+letters.unit_id")) == f.unit_id)
    if f.status:
        where.append(Letter.status == f.status)
    if f.priority:
        where.append(Letter.priority == f.priority)
    if f.direction:
        where.append(Letter.direction == f.direction)
    if f.ref_no:
        where.append(Letter.ref_no_norm == ref_key(f.ref_no))
    dated = Letter.letter_date if letter_index else type_coerce(literal_column("+letters.letter_date"),
                                                                Letter.letter_date.type)
    if f.letter_from:
        where.append(dated >= f.letter_from)
    if f.letter_to:
        where.append(dated <= f.letter_to)
    if f.owner_id is not None:
        where.append(Letter.id.in_(select(Assignment.letter_id).where(Assignment.person_id == f.owner_id)))
    return where


def _received_range(f: LetterQuery) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The registered-date range as UTC instants (Thai calendar days: UTC+7)."""
    start = dt.datetime.combine(f.received_from, dt.time(), dt.UTC) - dt.timedelta(hours=7) if f.received_from else None
    end = dt.datetime.combine(f.received_to, dt.time(), dt.UTC) + dt.timedelta(hours=17) if f.received_to else None
    return start, end


def _joined_filters(f: LetterQuery, *, received_index: bool = True) -> list:
    where = []
    if f.year is not None:
        where.append(Book.year == f.year)
    if f.number is not None:
        where.append(Registration.number == f.number)
    received = Registration.received_at if received_index else type_coerce(
        literal_column("+registrations.received_at"), Registration.received_at.type)
    start, end = _received_range(f)
    if start:
        where.append(received >= start)
    if end:
        where.append(received < end)
    return where


def _sqlite_driver(session: Session, f: LetterQuery) -> str | None:
    """Which index SQLite should drive a dated query from: the unit's letters, the registered-date
    range or the letter-date range, whichever holds the fewest rows (SQLite keeps no statistics
    by default and picks the unit: 16,000 letters sorted for a week's 350). Each count reads
    only its index."""
    if session.get_bind().dialect.name != "sqlite" or not (f.received_from or f.received_to or f.letter_from or f.letter_to):
        return None
    sizes = {}
    if f.unit_id is not None:
        sizes["unit"] = session.execute(select(func.count()).select_from(Letter).where(Letter.unit_id == f.unit_id)).scalar_one()
    start, end = _received_range(f)
    if start or end:
        sizes["received"] = session.execute(select(func.count()).select_from(Registration).where(
            *([Registration.received_at >= start] if start else []),
            *([Registration.received_at < end] if end else []))).scalar_one()
    if f.letter_from or f.letter_to:
        sizes["letter"] = session.execute(select(func.count()).select_from(Letter).where(
            *([Letter.letter_date >= f.letter_from] if f.letter_from else []),
            *([Letter.letter_date <= f.letter_to] if f.letter_to else []))).scalar_one()
    return min(sizes, key=lambda k: sizes[k])


def _base(f: LetterQuery, *, unit_index: bool = True, driver: str | None = None) -> Select:
    """The letters with their registration and book, filtered. *driver* (SQLite): the one filter
    whose index drives the query; the others are checked row by row."""
    if driver is not None:
        unit_index = driver == "unit"
    # search_text (the index's terms, word parts included: a few KB) is never shown: not loaded
    return (select(Letter).options(defer(Letter.search_text)).join(Registration, Registration.letter_id == Letter.id)
            .join(Book, Book.id == Registration.book_id).where(
                *_letter_filters(f, unit_index=unit_index, letter_index=driver in (None, "letter")),
                *_joined_filters(f, received_index=driver in (None, "received"))))


def _words(f: LetterQuery) -> tuple[re.Match | None, list[str]] | None:
    if not (f.q and f.q.strip()):
        return None
    number = _NUMBER.match(fold(f.q))
    tokens = query_words(f.q)
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


def _word_hits(session: Session, f: LetterQuery, match, where: tuple, tokens: list[str]) -> _Hits:
    if session.get_bind().dialect.name == "sqlite":
        # The word index alone first: it stops after CAP + 1 hits, where "letters.id IN (hits)"
        # would first collect every hit (36,000 for "สถ") to probe the filters.
        first = list(session.execute(text("SELECT rowid FROM letters_fts WHERE letters_fts MATCH :m LIMIT :n"),
                                     {"m": _fts_query(tokens), "n": CAP + 1}).scalars())
        if len(first) > CAP:
            return _Hits(None)  # a common word (the filters may leave fewer: both plans agree)
        ids = sorted(session.execute(select(Letter.id).where(Letter.id.in_(first), *_letter_filters(f),
                                                             *where)).scalars())
        return _Hits(ids, len(ids))
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


def _ref_ids(session: Session, f: LetterQuery) -> list[int]:
    """Letters whose ที่ is exactly what was typed (any spacing, dots or digit script): they come
    first. Only a query with a digit can be a ref_no; the ref_no index answers it."""
    if not (f.q and any(c.isdigit() for c in fold(f.q))):
        return []
    key = ref_key(f.q)
    if key is None:
        return []
    return list(session.execute(select(Letter.id).where(Letter.ref_no_norm == key).limit(CAP + 1)).scalars())


def _search(session: Session, f: LetterQuery, words: tuple[re.Match | None, list[str]] | None,
            where: tuple) -> tuple[int, list[Letter]]:
    limit, offset = max(1, min(f.limit, 200)), max(0, f.offset)
    driver = _sqlite_driver(session, f)
    stmt = _base(f, driver=driver).where(*where)
    total: int | None = None
    walk = False  # the page is found by walking the newest registrations, checking each letter
    hits = _Hits(None)
    ref_ids: list[int] = []
    cond = None
    if words is not None:
        number, tokens = words
        ref_ids = _ref_ids(session, f)
        cond = None
        joined = bool(_joined_filters(f))
        if tokens:
            match = _word_match(session, tokens)
            hits = _word_hits(session, f, match, where, tokens)
            if hits.ids == [] and number is None and not ref_ids:
                return 0, []  # no letter has the words: nothing to count or page
            if hits.ids is not None:
                cond = Letter.id.in_(hits.ids)
                if number is None and not joined and not ref_ids:
                    total = len(hits.ids)  # each letter has its one registration: the hits are the answer
            else:
                cond = _word_match(session, tokens, drive=False)
                walk = not joined
                if number is None and not joined and not ref_ids:
                    total = hits.count if hits.count is not None else _count_words(session, f, tokens, match, where)
        if number is not None or ref_ids:
            extra = set(ref_ids)
            if number is not None:
                # A number query also finds registration N: add those letters by id (an OR across
                # the two tables would make every engine scan the whole register).
                books = select(Book.id) if not number.group(2) else select(Book.id).where(Book.year == int(number.group(2)))
                # book_id IN (…) + number: served by the (book_id, number) unique index, not a scan
                extra.update(session.execute(
                    select(Registration.letter_id).where(Registration.book_id.in_(books),
                                                         Registration.number == int(number.group(1))).limit(CAP + 1)).scalars())
            by_id = sorted(extra)
            if cond is None:
                cond = Letter.id.in_(by_id)
            elif hits.ids is not None:
                cond = Letter.id.in_(sorted(set(hits.ids) | extra))
            else:
                cond = cond | Letter.id.in_(by_id)
                if not joined:  # a common word that is also a number ("2569"), or a ref_no's words
                    word_count = hits.count if hits.count is not None else _count_words(session, f, tokens, match, where)
                    total = word_count + session.execute(
                        select(func.count()).select_from(Letter).where(
                            Letter.id.in_(by_id), ~match, *_letter_filters(f), *where)).scalar_one()
        stmt = stmt.where(cond)
    if total is None:
        total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    if walk and f.unit_id is not None and session.get_bind().dialect.name == "sqlite":
        # SQLite drives a unit's query from the unit's index and sorts every hit of the unit
        # (15,000 for a common word: 40 ms and more); walking the newest registrations reads
        # about rows × letters / hits and stops, so take it when that is shorter.
        letters = session.execute(select(func.max(Letter.id))).scalar_one() or 0
        if (offset + limit) * letters <= total * total:
            stmt = _base(f, unit_index=False).where(*where, cond)
    newest = (Registration.received_at.desc(), Letter.id.desc())
    if (words is None and (f.letter_from or f.letter_to) and total <= SORT_DATED
            and session.get_bind().dialect.name == "postgresql"):
        # Letters dated in a period were registered just after it, so the newest-first walk
        # PostgreSQL prefers reads every later registration first (55,000 for a month half a year
        # back: 200 ms); sorting the period's letters costs a few ms. "+ interval 0" hides the index.
        newest = ((Registration.received_at + literal_column("interval '0 seconds'")).desc(), Letter.id.desc())
    first: list[Letter] = []
    if ref_ids:  # the exact ref_no first (newest first among them), then the rest
        first = list(session.execute(stmt.where(Letter.id.in_(ref_ids)).order_by(*newest)).unique().scalars().all())
    if first:
        head = first[offset:offset + limit]
        if len(head) == limit:
            return total, head
        stmt = stmt.where(Letter.id.not_in([lt.id for lt in first]))
        limit, offset = limit - len(head), max(0, offset - len(first))
    page = stmt.order_by(*newest).limit(limit).offset(offset)
    if walk and _walk_is_shorter(hits, offset + limit):
        # GIN serves only bitmap scans, so without them the plan is the newest-first walk.
        with _planner(session, enable_bitmapscan="off"):
            return total, _page(session, page, first, f)
    return total, _page(session, page, first, f)


def _page(session: Session, page: Select, first: list[Letter], f: LetterQuery) -> list[Letter]:
    """The page's letters: the exact ref_no letters that fall on it, then the rest."""
    offset, limit = max(0, f.offset), max(1, min(f.limit, 200))
    # The ids first, then their letters: a plan that sorts the hits then sorts narrow rows, not
    # every column of every hit (9,000 letters of a month spilled a 4 MB sort to disk).
    ids = list(session.execute(page.with_only_columns(Letter.id)).scalars().all())
    rows = {lt.id: lt for lt in session.execute(
        select(Letter).options(defer(Letter.search_text)).where(Letter.id.in_(ids))).unique().scalars().all()}
    return first[offset:offset + limit] + [rows[i] for i in ids]
